"""The report's shape for the OpenAPI document and the evaluator report's query string.

Every figure is declared, with its unit, so the generated document describes the report
completely; a figure the data do not define is null (SPEC.md "Effectiveness numbers").
"""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from service.domain.report import FLAGS
from service.domain.report_evidence import NOT_JUDGED
from service.schemas import report_follow_up as follow_up
from service.schemas.api import _ID, StrictSchema
from service.schemas.strict import Text


def _figure(description: str) -> fields.Float:
    return fields.Float(required=True, allow_none=True, metadata={"description": description})


def _count(description: str) -> fields.Integer:
    return fields.Integer(required=True, metadata={"description": description})


def _interval(description: str) -> fields.List:
    """[low, high], each null where undefined; the whole interval null in a withheld cell."""
    return fields.List(
        fields.Float(allow_none=True), required=True, allow_none=True, metadata={"description": description}
    )


class PercentSummarySchema(ma.Schema):
    """Percent scores of a group: the whole phase, one topic or one language."""

    n = fields.Integer(
        required=True,
        allow_none=True,
        metadata={"description": "participants the figures below are computed from; null when withheld"},
    )
    withheld = fields.Raw(
        metadata={
            "description": "why figures are null though defined: a group under k (docs/security.md); a text "
            "for a whole cell of a breakdown, or {figure: text} for min/max of a group under k"
        }
    )
    mean_percent = _figure("mean percent score (0-100)")
    median_percent = _figure("median percent score")
    sd_percent = _figure("standard deviation (n - 1), percentage points; null with n < 2")
    min_percent = _figure("lowest percent score")
    max_percent = _figure("highest percent score")
    skewness = _figure("Moodle's skewness (k3 / k2^1.5, as scipy skew(bias=False)); null with n < 3 or no spread")
    kurtosis = _figure("Moodle's excess kurtosis (k4 / k2^2); null with n < 4 or no spread")


class HistogramBinSchema(ma.Schema):
    low = fields.Integer(required=True)
    high = fields.Integer(required=True)
    n = _count("participants in the bin")


class PhaseReportSchema(PercentSummarySchema):
    kr20 = _figure(
        "KR-20 / Cronbach's alpha of the phase (fraction); null with n < 3 (as Moodle), < 2 items or equal totals"
    )
    kr20_ci95 = _interval("Feldt's 95% interval of kr20: 1 - (1 - kr20) F(0.975 / 0.025; n - 1, (n - 1)(k - 1))")
    sem = _figure("standard error of measurement, sd_percent x sqrt(1 - kr20), percentage points")
    by_topic = fields.Dict(
        keys=fields.String(),
        values=fields.Nested(PercentSummarySchema),
        required=True,
        metadata={"description": "topic id -> the topic's percent scores"},
    )
    by_language = fields.Dict(
        keys=fields.String(),
        values=fields.Nested(PercentSummarySchema),
        required=True,
        metadata={"description": "language the test was taken in -> percent scores"},
    )
    histogram = fields.List(
        fields.Nested(HistogramBinSchema),
        required=True,
        metadata={"description": "participants per 10-point bin: [0, 10), [10, 20) ... [90, 100]"},
    )


class PhasesReportSchema(ma.Schema):
    pre = fields.Nested(PhaseReportSchema, required=True)
    post = fields.Nested(PhaseReportSchema, required=True)
    follow_up = fields.Nested(PhaseReportSchema, required=True)


class GainCellSchema(ma.Schema):
    """The paired gain of one group (a topic, a language, a demographic's option); a cell under k is withheld."""

    n = fields.Integer(
        required=True, allow_none=True, metadata={"description": "paired participants; null when withheld"}
    )
    withheld = fields.String(metadata={"description": "why the figures are null though defined (fewer than k)"})
    mean_pre_percent = _figure("mean percent before")
    mean_post_percent = _figure("mean percent after")
    mean_gain = _figure("mean of post - pre, percentage points")
    gain_ci95 = _interval("95% confidence interval of mean_gain (t distribution)")


def _gain_breakdown(description: str) -> fields.Dict:
    return fields.Dict(
        keys=fields.String(),
        values=fields.Nested(GainCellSchema),
        required=True,
        metadata={"description": description},
    )


class PairedSchema(ma.Schema):
    """Participants who took both phases; every figure here has n = `n` unless it says otherwise.

    Besides the keys declared here: `by_<demographic id>`, the paired gain by each demographic of the
    bank as answered on the pre-test ({option id or "not_answered": cell}, cells as in by_topic)."""

    n = _count("participants with both a pre-test and a post-test")
    pairing_rate = _figure("n / participants of the pre-test (fraction)")
    mean_pre_percent = _figure("mean percent before of the paired participants")
    mean_post_percent = _figure("mean percent after of the paired participants")
    mean_gain = _figure("mean of post - pre, percentage points")
    sd_gain = _figure("standard deviation of the gains (n - 1)")
    gain_ci95 = fields.List(
        fields.Float(allow_none=True),
        required=True,
        metadata={"description": "95% confidence interval of mean_gain (t distribution), [low, high]"},
    )
    t_statistic = _figure("paired t statistic; null with n < 2 or equal gains")
    t_test_p = _figure("two-sided p-value of the paired t-test")
    cohen_dz = _figure("Cohen's d_z = mean_gain / sd_gain")
    normalized_gain_class = _figure("(mean post - mean pre) / (100 - mean pre), fraction")
    normalized_gain_mean = _figure(
        "mean of (post - pre) / (100 - pre) over n - normalized_gain_excluded participants (pre < 100%)"
    )
    normalized_gain_excluded = _count("participants left out of normalized_gain_mean: pre-test at 100%")
    improved = _count("participants whose score rose")
    unchanged = _count("participants whose score stayed the same")
    declined = _count("participants whose score fell")
    gain_histogram = fields.List(
        fields.Nested(HistogramBinSchema),
        required=True,
        metadata={"description": "gains per bin: [-100, -90) ... [-10, 0), no change [0, 0], (0, 10] ... (90, 100]"},
    )
    cohen_dz_ci95 = _interval("95% interval of cohen_dz by inverting the noncentral t (MBESS ci.sm)")
    wilcoxon_p = _figure(
        "two-sided Wilcoxon signed-rank p on the differences, zeros dropped; normal approximation with tie "
        "correction and no continuity correction from 10 non-zero differences, exact below; null if all zero"
    )
    sign_test_p = _figure("exact two-sided binomial p on the signs of the non-zero differences")
    improved_share_ci95 = _interval("Wilson 95% interval of improved / n (fraction)")
    normalized_gain_class_ci95 = _interval("95% interval of normalized_gain_class (delta method, t with n - 1 df)")
    normalized_change_mean = _figure("mean of Marx & Cummings' normalized change c, in [-1, 1]")
    normalized_change_excluded = _count("participants left out of normalized_change_mean: 0% or 100% both times")
    pass_percent = _figure("the bank's pass mark, percent; null when the bank has none")
    pass_rate_pre = _figure("share of paired participants at or above pass_percent before (fraction)")
    pass_rate_post = _figure("share at or above pass_percent after (fraction)")
    pass_mcnemar_p = _figure("exact McNemar p on pass/fail before and after")
    by_topic = _gain_breakdown("topic id -> the paired gain on that topic's questions")
    by_language = _gain_breakdown("language of the pre-test -> the paired gain")

    @ma.post_dump(pass_original=True)
    def demographic_breakdowns(self, data: dict, original: dict, **_) -> dict:
        """Keep every `by_<demographic>` breakdown: their names come from the bank, not from this schema."""
        cells = fields.Nested(GainCellSchema)
        for name, breakdown in original.items():
            if name.startswith("by_") and name not in data:
                data[name] = {group: cells.serialize(group, breakdown) for group in breakdown}
        return data


class AttritionSchema(ma.Schema):
    """Who did not come back: does the post-test population differ from the pre-test's?"""

    pre_only_n = _count("participants with a pre-test and no post-test")
    post_only_n = _count("participants with a post-test and no pre-test")
    returners_n = _count("participants with both (the paired n)")
    returners_pre_mean_percent = _figure("mean pre-test percent of those who came back")
    non_returners_pre_mean_percent = _figure("mean pre-test percent of those who did not")
    difference_ci95 = _interval("Welch 95% interval of returners minus non-returners, percentage points")
    withheld = fields.Raw(metadata={"description": "{figure: why null though defined} for a group under k"})


class ItemSchema(follow_up.ItemFollowUpSchema):
    """One question: per phase (suffix _pre / _post, n = n_pre / n_post) and across phases (n = paired n)."""

    question_id = fields.String(required=True)
    topic = fields.String(required=True)
    n_pre = _count("participants of the pre-test")
    n_post = _count("participants of the post-test")
    facility_pre = _figure("mean mark / max mark (fraction)")
    facility_post = _figure("mean mark / max mark (fraction)")
    sd_pre = _figure("sd (n - 1) of mark / max mark")
    sd_post = _figure("sd (n - 1) of mark / max mark")
    discrimination_pre = _figure("Pearson r of the item with the rest of the test (Moodle's discrimination index)")
    discrimination_post = _figure("Pearson r of the item with the rest of the test")
    efficiency_pre = _figure("Moodle's discriminative efficiency, percent")
    efficiency_post = _figure("Moodle's discriminative efficiency, percent")
    mcnemar_b = _count("paired participants wrong before and right after")
    mcnemar_c = _count("paired participants right before and wrong after")
    mcnemar_p = _figure("exact two-sided McNemar (binomial) p-value; null without pairs")
    mcnemar_p_holm = _figure("mcnemar_p after Holm's adjustment across the items with discordant pairs; null without")
    discrimination_index_pre = _figure("100 x discrimination_pre, as Moodle shows its discrimination index")
    discrimination_index_post = _figure("100 x discrimination_post")
    discrimination_not_judged_pre = fields.String(
        required=True,
        allow_none=True,
        validate=validate.OneOf(NOT_JUDGED),
        metadata={"description": "why no discrimination flag is judged on this phase: " + ", ".join(NOT_JUDGED)},
    )
    discrimination_not_judged_post = fields.String(
        required=True,
        allow_none=True,
        validate=validate.OneOf(NOT_JUDGED),
        metadata={"description": "as discrimination_not_judged_pre, for the post-test"},
    )
    alpha_if_deleted_pre = _figure("KR-20 / alpha of the pre-test without this question; null with n < 3 or < 3 items")
    alpha_if_deleted_post = _figure("KR-20 / alpha of the post-test without this question")
    flags = fields.List(
        fields.String(validate=validate.OneOf(FLAGS)),
        required=True,
        metadata={"description": "judged on paired participants only (docs/report.md): " + ", ".join(FLAGS)},
    )


class CohortRowSchema(ma.Schema):
    """One cohort of a pooled report: its paired participants' gain (docs/report.md)."""

    cohort_id = fields.String(required=True)
    label = fields.String(required=True)
    region = fields.String(required=True, allow_none=True)
    paired_n = fields.Integer(
        required=True, allow_none=True, metadata={"description": "participants with both tests; null when withheld"}
    )
    mean_gain = _figure("mean of post - pre, percentage points")
    sd_gain = _figure("sd (n - 1) of the gains, percentage points")
    gain_ci95 = fields.List(
        fields.Float(allow_none=True),
        required=True,
        metadata={"description": "95% paired t interval of mean_gain, percentage points, [low, high]"},
    )
    withheld = fields.String(
        metadata={
            "description": "present when the row shows no figure: the cohort has fewer than k participants or "
            "fewer than k pairs, and is in no figure of the report"
        }
    )


class MetaSchema(ma.Schema):
    """DerSimonian-Laird random-effects summary of the cohorts' mean gains (docs/report.md)."""

    method = fields.String(required=True, metadata={"description": '"DerSimonian-Laird"'})
    cohorts = _count("cohorts in the summary: rows shown whose gains have a spread")
    participants = _count("paired participants of those cohorts")
    cohorts_without_spread = _count("rows shown left out of the summary: every gain equal, or one pair")
    estimate = _figure("random-effects mean gain, percentage points; null without a cohort")
    se = _figure("standard error of the estimate")
    ci95 = fields.List(
        fields.Float(allow_none=True),
        required=True,
        metadata={"description": "95% interval of the estimate (normal), percentage points, [low, high]"},
    )
    tau2 = _figure("between-cohort variance of the mean gain (DL, truncated at 0), points squared; null below 2")
    i2 = _figure("Higgins & Thompson's I^2 = max(0, (Q - df) / Q), fraction; null below 2 cohorts")
    q = _figure("Cochran's Q")
    q_df = fields.Integer(required=True, allow_none=True, metadata={"description": "Q's degrees of freedom"})
    q_p = _figure("P(chi^2 with q_df >= Q): the test of homogeneity")


class ReportSchema(ma.Schema):
    """The report (SPEC.md "Report JSON"); numbers are null where the data do not define them."""

    cohort_id = fields.String(allow_none=True, metadata={"description": "the cohort, or null when pooled"})
    cohort_ids = fields.List(fields.String(), metadata={"description": "evaluator reports: the cohorts included"})
    cohorts_withheld = fields.Dict(
        metadata={
            "description": "evaluator reports: how many of those cohorts are left out of every figure, having "
            "fewer than k participants ({n, withheld})"
        }
    )
    cohorts = fields.List(
        fields.Nested(CohortRowSchema),
        metadata={"description": "evaluator reports: one row per cohort, in the order of cohort_ids"},
    )
    cohort_rows_withheld = fields.Dict(
        metadata={"description": "evaluator reports: how many rows of cohorts show no figure ({n, withheld})"}
    )
    paired_cohorts_withheld = fields.Dict(
        metadata={
            "description": "evaluator reports: cohorts with k or more participants but fewer than k pairs, whose "
            "participants count in phases but are not paired ({n, withheld})"
        }
    )
    meta = fields.Nested(MetaSchema, metadata={"description": "evaluator reports: the summary across cohorts"})
    bank_id = fields.String(required=True)
    bank_version = fields.String(required=True)
    bank_sha256 = fields.String(required=True)
    phases = fields.Nested(PhasesReportSchema, required=True)
    paired = fields.Nested(PairedSchema, required=True)
    attrition = fields.Nested(AttritionSchema, required=True)
    items = fields.List(fields.Nested(ItemSchema), required=True)
    retention = fields.Nested(follow_up.RetentionSchema, required=True)
    reaction = fields.Nested(follow_up.ReactionSchema, required=True)


class ReportQuerySchema(StrictSchema):
    """One cohort (cohort_id), chosen cohorts pooled (cohort_id repeated), or every cohort of a bank version."""

    bank_id = Text(validate=_ID)
    bank_version = Text(validate=validate.Length(1, 32))
    cohort_id = fields.List(
        Text(validate=_ID),
        validate=validate.Length(max=100),
        metadata={"description": "repeat to pool several cohorts of the same bank version"},
    )
    format = Text(
        load_default="json",
        validate=validate.OneOf(["json", "csv", "html"]),
        metadata={"description": "html: the pooled report of bank_id/bank_version to print (A4, text/html)"},
    )
    lang = Text(validate=validate.OneOf(["uk", "en"]), metadata={"description": "format=html: the report's language"})

    @ma.validates_schema
    def bank_or_cohort(self, data: dict, **_) -> None:
        if not data.get("cohort_id") and not (data.get("bank_id") and data.get("bank_version")):
            message = "give bank_id and bank_version, or cohort_id"
            raise ma.ValidationError({"bank_id": [message], "bank_version": [message]})
