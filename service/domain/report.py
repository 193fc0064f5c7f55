"""The cohort report: SPEC.md "Effectiveness numbers" in the shape of "Report JSON".

One function builds the numbers the trainer's page, the report API and the evaluator read, so
they can never disagree. It takes the scored submissions of one bank version, of one cohort or
of several pooled (participants are paired by cohort and participant hash, never across
cohorts), and returns plain dicts and lists with every figure at full precision: rounding is
the page's job. An undefined figure is None and every figure's n is in the report.

Item statistics work on each question's mark out of its points (Moodle's "mark / max mark"),
the rest of the test in points, so a 2-point question weighs twice in the rest score.
The marks matrix of each phase is built once and totals are precomputed, so a report on
1,000 paired participants and 40 questions costs a few tens of milliseconds.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from service.domain import report_evidence as evidence
from service.domain.distributions import binomial_two_sided_p
from service.domain.models import PHASES, PRE_POST, Bank, Submission
from service.domain.report_follow_up import extend_report
from service.domain.statistics import describe, item_statistics, kr20_by_item, normalized_gains, paired_t, sem

FLAGS = evidence.FLAGS
MIN_KR20_N = 3  # Moodle gives no coefficient of internal consistency below 3 attempts
HISTOGRAM_WIDTH = 10  # percentage points per bin of the score and gain distributions
HISTOGRAM_BINS = 10
_EDGE_TOLERANCE = 1e-9  # percent scores are sums of fractions: equal ones may differ by rounding

ParticipantKey = tuple[str, str]  # (cohort_id, participant_hash)


@dataclass(frozen=True)
class _PhaseMarks:
    """One phase's submissions, read once into flat lists: a column of marks (0-1) per question in
    bank order, and each participant's percent, language and topic percents.

    Every later figure works on these lists, never on the submissions again: with 10,000
    participants a pass over the submission objects costs more than the arithmetic on them.
    """

    row_of: dict[ParticipantKey, int]
    percents: list[float]
    languages: list[str]
    demographics: list[dict[str, str]]
    topic_percents: dict[str, list[float]]  # only participants whose score has the topic
    columns: list[list[float]]
    weighted: list[list[float]]  # the same in points: mark x question points
    totals: list[float]  # points per participant

    @classmethod
    def build(cls, bank: Bank, by_participant: dict[ParticipantKey, Submission]) -> _PhaseMarks:
        row_of = {key: row for row, key in enumerate(by_participant)}
        # An unanswered or unscored question earns 0 (SPEC.md "Question banks").
        question_ids = [q.id for q in bank.questions]
        unanswered = [0.0] * len(question_ids)
        topic_percents: dict[str, list[float]] = {topic_id: [] for topic_id in bank.topic_ids()}
        percents, languages, demographics, marks = [], [], [], []  # marks: row after row in one flat list
        for submission in by_participant.values():
            score = submission.score
            percents.append(score.percent)
            languages.append(submission.language)
            demographics.append(submission.demographics)
            marks.extend(map(score.marks.get, question_ids, unanswered))
            for topic_id, topic_score in score.by_topic.items():
                if topic_id in topic_percents:
                    topic_percents[topic_id].append(topic_score.percent)
        k = len(question_ids)
        columns = [marks[j::k] for j in range(k)]
        points = [q.points for q in bank.questions]
        weighted = [
            column if p == 1 else [mark * p for mark in column] for p, column in zip(points, columns, strict=True)
        ]
        totals = _totals(marks, points) if k else [0.0] * len(percents)
        return cls(row_of, percents, languages, demographics, topic_percents, columns, weighted, totals)


def _totals(marks: list[float], points: list[float]) -> list[float]:
    """Each participant's points from the flat marks (row after row); whole-point banks skip the products."""
    k = len(points)
    rows = (marks[start : start + k] for start in range(0, len(marks), k))
    if all(p == 1 for p in points):
        return [math.fsum(row) for row in rows]
    return [math.fsum(map(operator.mul, row, points)) for row in rows]


def cohort_report(
    bank: Bank, submissions: Iterable[Submission], *, cohort_id: str | None = None, unpaired: Collection[str] = ()
) -> dict:
    """The report of a cohort (or, with cohort_id None, of all given cohorts pooled) on one bank version.

    Submissions of another bank or version, or of another cohort when cohort_id is given, are
    left out; if a participant has two submissions for a phase, the earlier one counts.
    Units: *_percent, mean_gain, gain_ci95 and sem in percent (points); facility, item sd and
    normalized gains as fractions; discrimination a correlation; efficiency in percent. The
    score and gain histograms count participants per 10-point bin (for the trainer's charts).
    Participants of the cohorts in `unpaired` count in each phase but are not paired (evaluator
    reports: a cohort with fewer than k pairs, domain/disclosure.py).
    """
    by_phase = _first_submission_by_participant(bank, submissions, cohort_id)
    marks = {phase: _PhaseMarks.build(bank, by_phase[phase]) for phase in PHASES}
    paired_keys = [key for key in by_phase["pre"] if key in by_phase["post"] and key[0] not in unpaired]
    report = {
        "cohort_id": cohort_id,
        "bank_id": bank.id,
        "bank_version": bank.version,
        "bank_sha256": bank.sha256,
        "phases": {phase: _phase_summary(bank, marks[phase]) for phase in PHASES},
        "paired": _paired_summary(bank, marks, paired_keys),
        "attrition": _attrition(marks, by_phase["post"]),
        "items": _item_rows(bank, marks, paired_keys),
    }
    return extend_report(report, bank, by_phase, marks)


def _first_submission_by_participant(
    bank: Bank, submissions: Iterable[Submission], cohort_id: str | None
) -> dict[str, dict[ParticipantKey, Submission]]:
    by_phase: dict[str, dict[ParticipantKey, Submission]] = {phase: {} for phase in PHASES}
    for submission in submissions:
        if submission.bank_id != bank.id or submission.bank_version != bank.version:
            continue
        if (cohort_id is not None and submission.cohort_id != cohort_id) or submission.phase not in by_phase:
            continue
        phase = by_phase[submission.phase]
        key = (submission.cohort_id, submission.participant_hash)
        if key not in phase or submission.submitted_at < phase[key].submitted_at:
            phase[key] = submission
    return by_phase


def _phase_summary(bank: Bank, marks: _PhaseMarks) -> dict:
    summary = _percent_summary(marks.percents)
    n = len(marks.percents)
    summary["kr20"] = kr20_by_item(marks.weighted, marks.totals) if n >= MIN_KR20_N else None
    summary["kr20_ci95"] = evidence.finite(evidence.inference.feldt_ci95(summary["kr20"], n, len(marks.columns)))
    summary["sem"] = sem(summary["sd_percent"], summary["kr20"])
    summary["by_topic"] = {topic_id: _percent_summary(values) for topic_id, values in marks.topic_percents.items()}
    summary["by_language"] = _by_language(bank, marks)
    summary["histogram"] = score_histogram(marks.percents)
    return summary


def _percent_summary(percents: list[float]) -> dict:
    figures = describe(percents)
    return {
        "n": figures["n"],
        "mean_percent": figures["mean"],
        "median_percent": figures["median"],
        "sd_percent": figures["sd"],
        "min_percent": figures["min"],
        "max_percent": figures["max"],
        "skewness": figures["skewness"],
        "kurtosis": figures["kurtosis"],
    }


def _by_language(bank: Bank, marks: _PhaseMarks) -> dict:
    percents: dict[str, list[float]] = {language: [] for language in bank.languages}
    for language, percent in zip(marks.languages, marks.percents, strict=True):
        percents.setdefault(language, []).append(percent)
    return {language: _percent_summary(values) for language, values in percents.items()}


def score_histogram(percents: list[float]) -> list[dict]:
    """Counts of percent scores in 10-point bins [0, 10), [10, 20), ... [90, 100] (the last one closed)."""
    counts = [0] * HISTOGRAM_BINS
    for percent in percents:
        # A hair of tolerance: a partial-credit 70% computed as 69.99999999999999 belongs with 70.
        counts[min(HISTOGRAM_BINS - 1, max(0, int((percent + _EDGE_TOLERANCE) // HISTOGRAM_WIDTH)))] += 1
    return [{"low": i * HISTOGRAM_WIDTH, "high": (i + 1) * HISTOGRAM_WIDTH, "n": n} for i, n in enumerate(counts)]


def gain_histogram(gains: list[float]) -> list[dict]:
    """Counts of gains (percentage points) in 10-point bins away from zero, and no change on its own.

    Falls are in [low, high): [-100, -90) ... [-10, 0); no change is the bin [0, 0]; rises are in
    (low, high]: (0, 10] ... (90, 100]. So one question more or less never hides among "no change".
    """
    falls, rises, unchanged = [0] * HISTOGRAM_BINS, [0] * HISTOGRAM_BINS, 0
    for gain in gains:
        if abs(gain) <= _EDGE_TOLERANCE:
            unchanged += 1
        else:
            steps = min(HISTOGRAM_BINS - 1, int((abs(gain) - _EDGE_TOLERANCE) // HISTOGRAM_WIDTH))
            (rises if gain > 0 else falls)[steps] += 1
    width = HISTOGRAM_WIDTH
    bins = [{"low": -(i + 1) * width, "high": -i * width, "n": falls[i]} for i in reversed(range(HISTOGRAM_BINS))]
    bins.append({"low": 0, "high": 0, "n": unchanged})
    bins += [{"low": i * width, "high": (i + 1) * width, "n": rises[i]} for i in range(HISTOGRAM_BINS)]
    return bins


def _paired_summary(bank: Bank, marks: dict[str, _PhaseMarks], paired_keys: list[ParticipantKey]) -> dict:
    pre, post = marks["pre"], marks["post"]
    pre_percent = [pre.percents[pre.row_of[key]] for key in paired_keys]
    post_percent = [post.percents[post.row_of[key]] for key in paired_keys]
    test = paired_t(pre_percent, post_percent)
    gains = normalized_gains(pre_percent, post_percent)
    differences = list(map(operator.sub, post_percent, pre_percent))
    n_pre = len(pre.percents)
    figures = evidence.paired_evidence(pre_percent, post_percent, test["t"], bank.pass_percent)
    return {
        "n": len(paired_keys),
        "pairing_rate": len(paired_keys) / n_pre if n_pre else None,
        "mean_pre_percent": describe(pre_percent)["mean"],
        "mean_post_percent": describe(post_percent)["mean"],
        "mean_gain": test["mean_gain"],
        "sd_gain": test["sd_gain"],
        "gain_ci95": test["ci95"],
        "t_statistic": test["t"],
        "t_test_p": test["p"],
        "cohen_dz": test["cohen_dz"],
        "normalized_gain_class": gains["class"],
        "normalized_gain_mean": gains["mean"],
        "normalized_gain_excluded": gains["excluded"],
        "improved": sum(1 for gain in differences if gain > _EDGE_TOLERANCE),
        "unchanged": sum(1 for gain in differences if abs(gain) <= _EDGE_TOLERANCE),
        "declined": sum(1 for gain in differences if gain < -_EDGE_TOLERANCE),
        "gain_histogram": gain_histogram(differences),
        **{name: evidence.finite(value) for name, value in figures.items()},
        **_paired_breakdowns(bank, marks, paired_keys, pre_percent, post_percent),
    }


def _paired_breakdowns(
    bank: Bank, marks: dict[str, _PhaseMarks], keys: list[ParticipantKey], pre_percent: list, post_percent: list
) -> dict:
    """The paired gain by topic (from each topic's questions), by the language of the pre-test and by each
    demographic as answered on the pre-test (`by_<demographic id>`); cells under k are withheld later
    (domain/disclosure.py)."""
    pre, post = marks["pre"], marks["post"]
    pre_rows = [pre.row_of[key] for key in keys]
    post_rows = [post.row_of[key] for key in keys]
    by_topic = {}
    for topic_id in bank.topic_ids():
        indices = [j for j, question in enumerate(bank.questions) if question.topic == topic_id]
        possible = math.fsum(bank.questions[j].points for j in indices)
        if not possible:
            continue
        before = _topic_percents(pre, pre_rows, indices, possible)
        after = _topic_percents(post, post_rows, indices, possible)
        by_topic[topic_id] = evidence.gain_cell(before, after)
    languages = [pre.languages[row] for row in pre_rows]
    breakdowns = {
        "by_topic": by_topic,
        "by_language": evidence.grouped_gain_cells(languages, pre_percent, post_percent, bank.languages),
    }
    answers = [pre.demographics[row] for row in pre_rows]
    for demographic_id, (options, groups) in evidence.demographic_groups(bank, answers).items():
        cells = evidence.grouped_gain_cells(groups, pre_percent, post_percent, options)
        breakdowns[f"by_{demographic_id}"] = cells
    return breakdowns


def _topic_percents(marks: _PhaseMarks, rows: list[int], indices: list[int], possible: float) -> list[float]:
    """Each given participant's percent on the topic's questions (a question's points count as in the score)."""
    points = [math.fsum(row_points) for row_points in zip(*(marks.weighted[j] for j in indices), strict=True)]
    return [100.0 * points[row] / possible for row in rows]


def _attrition(marks: dict[str, _PhaseMarks], post_submissions: dict) -> dict:
    pre = marks["pre"]
    returned = [key in post_submissions for key in pre.row_of]
    return {
        name: evidence.finite(value)
        for name, value in evidence.attrition(pre.percents, returned, len(marks["post"].percents)).items()
    }


def _item_rows(bank: Bank, marks: dict[str, _PhaseMarks], paired_keys: list[ParticipantKey]) -> list[dict]:
    pre, post = marks["pre"], marks["post"]
    pre_rows = [pre.row_of[key] for key in paired_keys]
    post_rows = [post.row_of[key] for key in paired_keys]
    paired_rows = {"pre": pre_rows, "post": post_rows}
    alphas = {
        phase: evidence.inference.alpha_if_deleted(marks[phase].weighted, marks[phase].totals) for phase in PRE_POST
    }
    rows, all_figures = [], []
    for index, question in enumerate(bank.questions):
        figures = {phase: _item_figures(marks[phase], index) for phase in PRE_POST}
        all_figures.append(figures)
        b, c = _mcnemar_counts(pre.columns[index], post.columns[index], pre_rows, post_rows)
        row = {"question_id": question.id, "topic": question.topic}
        for name in ("facility", "sd", "discrimination", "efficiency", "n"):
            row[f"{name}_pre"] = figures["pre"][name]
            row[f"{name}_post"] = figures["post"][name]
        row["mcnemar_b"], row["mcnemar_c"] = b, c
        row["mcnemar_p"] = binomial_two_sided_p(b, b + c) if paired_keys else None
        for phase in PRE_POST:
            row[f"alpha_if_deleted_{phase}"] = evidence.finite(alphas[phase][index])
        rows.append(row)

    def paired_figures(index: int, phase: str) -> dict:
        phase_marks = marks[phase]
        if len(paired_keys) == len(phase_marks.percents):  # everyone of the phase is paired: the same figures
            return all_figures[index][phase]
        return evidence.subset_item_figures(
            phase_marks.columns[index], phase_marks.weighted[index], phase_marks.totals, paired_rows[phase]
        )

    evidence.item_evidence(rows, paired_figures, len(paired_keys))
    return rows


def _item_figures(marks: _PhaseMarks, index: int) -> dict:
    rest = list(map(operator.sub, marks.totals, marks.weighted[index]))
    return item_statistics(marks.columns[index], rest)


def _mcnemar_counts(
    pre_column: list[float], post_column: list[float], pre_rows: list[int], post_rows: list[int]
) -> tuple[int, int]:
    """b = wrong -> right, c = right -> wrong over paired participants; right means full marks."""
    right_before = [pre_column[row] >= 1.0 for row in pre_rows]
    right_after = [post_column[row] >= 1.0 for row in post_rows]
    # True > False exactly where the answer changed that way; the sums count those pairs.
    b = sum(map(operator.gt, right_after, right_before))
    c = sum(map(operator.gt, right_before, right_after))
    return b, c
