"""The report's evidence of issue 17 on the reference data sets of test_report_references (ties,
perfect pre-test scores, 1,000 x 40 Rasch) against scipy and statsmodels; the paired gain by topic,
language and demographic under the disclosure rules; and flags that do not cry wolf: a seeded null
simulation (no learning) and the issue's two good questions at the ceiling."""

from __future__ import annotations

import dataclasses
import math
import random

import numpy as np
import pytest
from scipy import optimize, stats
from statsmodels.stats.proportion import proportion_confint

from service.domain.disclosure import disclose_report
from service.domain.models import Demographic, DemographicOption
from service.domain.report import cohort_report
from service.schemas.report import ReportSchema
from tests.factories import make_bank, make_submission
from tests.unit.test_inference import exact_signed_rank_p
from tests.unit.test_report_references import DATA_SETS, Reference, kr20_by_hand


def close(expected, rel: float = 1e-9) -> object:
    return None if expected is None else pytest.approx(float(expected), rel=rel, abs=1e-12)


@pytest.fixture(scope="module", params=list(DATA_SETS))
def reference(request) -> Reference:
    return DATA_SETS[request.param]()


def paired_percents(reference: Reference) -> tuple[np.ndarray, np.ndarray]:
    pre_rows, post_rows = (list(rows) for rows in zip(*reference.paired_rows, strict=True))
    return reference.percent("pre")[pre_rows], reference.percent("post")[post_rows]


def test_paired_tests_and_intervals_match_scipy_and_statsmodels(reference):
    pre, post = paired_percents(reference)
    differences = np.round(post - pre, 9)
    n = len(differences)
    paired = reference.report["paired"]
    nonzero = differences[differences != 0]
    if len(nonzero) >= 10:
        wilcoxon = stats.wilcoxon(nonzero, zero_method="wilcox", correction=False, method="approx").pvalue
    else:  # scipy has no exact distribution with tied ranks: every sign pattern counted instead
        wilcoxon = exact_signed_rank_p(list(nonzero))
    assert paired["wilcoxon_p"] == close(wilcoxon)
    assert paired["sign_test_p"] == close(stats.binomtest(int((nonzero > 0).sum()), len(nonzero)).pvalue)
    low, high = proportion_confint(int((differences > 0).sum()), n, method="wilson")
    assert paired["improved_share_ci95"] == [close(low), close(high)]
    assert (paired["mean_pre_percent"], paired["mean_post_percent"]) == (close(pre.mean()), close(post.mean()))
    t = stats.ttest_rel(post, pre).statistic
    limits = [optimize.brentq(lambda d, p=p: stats.nct.cdf(t, n - 1, d) - p, t - 20, t + 20) for p in (0.975, 0.025)]
    assert paired["cohen_dz_ci95"] == [close(limit / math.sqrt(n), 1e-7) for limit in limits]


def test_normalized_change_and_class_gain_interval_by_hand(reference):
    pre, post = paired_percents(reference)
    changes = [
        (b - a) / (100 - a) if b > a else (b - a) / a if b < a else 0.0
        for a, b in zip(pre, post, strict=True)
        if not (a == b and a in (0, 100))
    ]
    assert reference.report["paired"]["normalized_change_mean"] == close(np.mean(changes))
    a, b = 100 - post, 100 - pre
    ratio = a.mean() / b.mean()
    se = math.sqrt(((a - ratio * b) ** 2).sum() / (len(a) * (len(a) - 1))) / b.mean()
    half = stats.t.ppf(0.975, len(a) - 1) * se
    expected = [close(1 - ratio - half), close(1 - ratio + half)]
    assert reference.report["paired"]["normalized_gain_class_ci95"] == expected


def test_reliability_intervals_and_alpha_if_deleted_match_scipy_and_kr20_by_hand(reference):
    for phase in ("pre", "post"):
        matrix, summary = reference.marks[phase], reference.report["phases"][phase]
        n, k = matrix.shape
        alpha = kr20_by_hand(matrix)
        expected = [1 - (1 - alpha) * stats.f.ppf(q, n - 1, (n - 1) * (k - 1)) for q in (0.975, 0.025)]
        assert summary["kr20_ci95"] == [close(bound, 1e-8) for bound in expected]
        for j, item in enumerate(reference.report["items"]):
            reduced = np.delete(matrix, j, axis=1)
            assert item[f"alpha_if_deleted_{phase}"] == close(kr20_by_hand(reduced))
            r = item[f"discrimination_{phase}"]
            assert item[f"discrimination_index_{phase}"] == (None if r is None else close(100 * r))


def test_attrition_compares_who_came_back_with_who_did_not_by_welch(reference):
    attrition = reference.report["attrition"]
    pre = reference.percent("pre")
    returned = np.zeros(len(pre), dtype=bool)
    returned[[pre_row for pre_row, _ in reference.paired_rows]] = True
    assert (attrition["pre_only_n"], attrition["returners_n"]) == (int((~returned).sum()), int(returned.sum()))
    assert attrition["returners_pre_mean_percent"] == close(pre[returned].mean())
    if (~returned).sum() >= 2:
        ci = stats.ttest_ind(pre[returned], pre[~returned], equal_var=False).confidence_interval(0.95)
        assert attrition["difference_ci95"] == [close(ci.low), close(ci.high)]
    else:
        assert attrition["difference_ci95"] == [None, None]


def test_paired_gain_by_topic_and_language_matches_ttest_rel(reference):
    pre_rows, post_rows = (list(rows) for rows in zip(*reference.paired_rows, strict=True))
    for topic in reference.bank.topic_ids():
        before = reference.topic_percent("pre", topic)[pre_rows]
        after = reference.topic_percent("post", topic)[post_rows]
        cell = reference.report["paired"]["by_topic"][topic]
        assert cell["n"] == len(before)
        assert cell["mean_gain"] == close((after - before).mean())
        if np.ptp(after - before):
            ci = stats.ttest_rel(after, before).confidence_interval(0.95)
            assert cell["gain_ci95"] == [close(ci.low), close(ci.high)]
    languages = np.array(reference.languages["pre"])[pre_rows]
    _, post = paired_percents(reference)
    for language in ("uk", "en"):
        cell = reference.report["paired"]["by_language"][language]
        chosen = languages == language
        assert cell["n"] == int(chosen.sum())
        assert cell["mean_post_percent"] == close(post[chosen].mean())


ROLE = Demographic(
    "role",
    {"en": "Role", "uk": "Роль"},
    tuple(DemographicOption(option, {"en": option, "uk": option}) for option in ("police", "teacher", "social")),
)


def demographic_cohort(roles: list[str | None], *, pass_percent: float | None = 60.0):
    bank = dataclasses.replace(make_bank(), demographics=(ROLE,), pass_percent=pass_percent)
    rng = random.Random(4)
    submissions = []
    for i, role in enumerate(roles):
        answers = {"role": role} if role else {}
        for phase, chance in (("pre", 0.4), ("post", 0.8)):
            marks = [1 if rng.random() < chance else 0 for _ in bank.questions]
            submission = make_submission(bank, f"P{i}", phase, marks)
            submissions.append(dataclasses.replace(submission, demographics=answers))
    return bank, submissions


def test_paired_gain_by_demographic_withholds_cells_under_k_and_their_complement():
    roles = ["police"] * 8 + ["teacher"] * 6 + ["social"] * 2 + [None] * 3
    bank, submissions = demographic_cohort(roles)
    report = cohort_report(bank, submissions)
    cells = report["paired"]["by_role"]
    assert {name: cell["n"] for name, cell in cells.items()} == {
        "police": 8,
        "teacher": 6,
        "social": 2,
        "not_answered": 3,
    }
    shown = disclose_report(report, 5)["paired"]["by_role"]
    # social (2) and not answered (3) are under 5 but hold 5 together: nothing else needs to go.
    assert (
        shown["social"]
        == shown["not_answered"]
        == {
            "n": None,
            "mean_pre_percent": None,
            "mean_post_percent": None,
            "mean_gain": None,
            "gain_ci95": None,
            "withheld": "fewer than 5",
        }
    )
    assert shown["police"] == cells["police"] and shown["teacher"] == cells["teacher"]
    assert ReportSchema().dump(disclose_report(report, 5))["paired"]["by_role"] == shown


def test_pass_rates_and_mcnemar_on_pass_or_fail():
    bank, submissions = demographic_cohort(["police"] * 12)
    report = cohort_report(bank, submissions)
    paired = report["paired"]
    pre = {s.participant_hash: s.score.percent for s in submissions if s.phase == "pre"}
    post = {s.participant_hash: s.score.percent for s in submissions if s.phase == "post"}
    before = np.array([pre[key] >= 60 for key in pre])
    after = np.array([post[key] >= 60 for key in pre])
    assert paired["pass_percent"] == 60.0
    assert paired["pass_rate_pre"] == close(before.mean())
    assert paired["pass_rate_post"] == close(after.mean())
    began, stopped = int((after & ~before).sum()), int((before & ~after).sum())
    assert paired["pass_mcnemar_p"] == close(stats.binomtest(began, began + stopped).pvalue)
    assert cohort_report(dataclasses.replace(bank, pass_percent=None), submissions)["paired"]["pass_rate_pre"] is None


def test_attrition_means_of_fewer_than_k_are_withheld():
    bank = make_bank()
    submissions = [make_submission(bank, f"P{i}", "pre", [1, i % 2, 0]) for i in range(8)]
    submissions += [make_submission(bank, f"P{i}", "post", [1, 1, i % 2]) for i in range(6)]
    attrition = disclose_report(cohort_report(bank, submissions), 5)["attrition"]
    assert attrition["pre_only_n"] == 2
    assert attrition["non_returners_pre_mean_percent"] is None
    assert attrition["difference_ci95"] == [None, None]
    assert attrition["withheld"] == {
        "non_returners_pre_mean_percent": "fewer than 5",
        "difference_ci95": "fewer than 5",
    }
    assert attrition["returners_pre_mean_percent"] is not None


def rasch_cohort(rng: random.Random, bank, difficulties, pre: int, post: int, growth: float = 0.0):
    """`pre` participants answer by a Rasch model; the first `post` come back with ability + growth."""
    submissions = []
    for i in range(pre):
        ability = rng.gauss(0.0, 1.0)
        for phase, shift in (("pre", 0.0), ("post", growth)):
            if phase == "post" and i >= post:
                continue
            marks = [1 if rng.random() < 1 / (1 + math.exp(b - ability - shift)) else 0 for b in difficulties]
            submissions.append(make_submission(bank, f"P{i}", phase, marks))
    return submissions


def test_with_no_learning_at_most_two_of_40_questions_are_flagged_per_report():
    """The issue's null simulation: 40 questions, 60 before, 50 of them after, nothing learned, 200
    seeded repetitions. Questions run from easy to hard (Rasch difficulties uniform in -1.5..1.5 against
    abilities N(0, 1): facilities about 0.2 to 0.8), all of them good questions."""
    rng = random.Random(20261203)
    bank = make_bank(tuple((f"q{j:02d}", f"topic-{j % 4}", 1.0) for j in range(40)))
    flagged, fallen = [], 0
    for _ in range(200):
        difficulties = [rng.uniform(-1.5, 1.5) for _ in range(40)]
        report = cohort_report(bank, rasch_cohort(rng, bank, difficulties, pre=60, post=50))
        flagged.append(sum(1 for item in report["items"] if item["flags"]))
        fallen += sum("facility_fell_paired" in item["flags"] for item in report["items"])
    assert np.mean(flagged) <= 0.05 * 40
    assert fallen / 200 <= 0.05  # Holm keeps the family's error at 5%: at most one report in 20


def test_two_good_questions_at_the_ceiling_are_not_flagged():
    """The issue's cohort of 20: 36% -> 85% and 59% -> 95% right, where the post-test's discrimination
    is near zero only because nearly everyone is right."""
    bank = make_bank((("q1", "a", 1.0), ("q2", "a", 1.0), ("q3", "b", 1.0), ("q4", "b", 1.0)))
    rng = random.Random(36)

    def column(right: int) -> list[int]:
        marks = [1] * right + [0] * (20 - right)
        rng.shuffle(marks)
        return marks

    before = [column(7), column(12), column(10), column(9)]  # q1 36% (7 of 20 is 35%), q2 59% (12: 60%)
    after = [column(17), column(19), column(15), column(14)]  # q1 85%, q2 95%
    submissions = [
        make_submission(bank, f"P{i}", phase, [marks[i] for marks in columns])
        for i in range(20)
        for phase, columns in (("pre", before), ("post", after))
    ]
    q1, q2 = cohort_report(bank, submissions)["items"][:2]
    assert (q1["facility_pre"], q1["facility_post"], q2["facility_pre"], q2["facility_post"]) == (0.35, 0.85, 0.6, 0.95)
    assert q1["flags"] == q2["flags"] == []
    assert q1["discrimination_not_judged_post"] == q2["discrimination_not_judged_post"] == "fewer_than_30_paired"
    assert q2["discrimination_index_post"] is not None or q2["discrimination_post"] is None
