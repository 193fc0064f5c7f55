"""The cohort report: a small cohort worked out by hand, 1,000 Rasch-model participants against
scipy and statsmodels, pairing and filtering rules, and properties on arbitrary small cohorts."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from service.domain.models import Bank, Submission
from service.domain.report import cohort_report
from tests.factories import make_bank, make_submission

REL = 1e-9


def close(expected: float) -> object:
    return pytest.approx(float(expected), rel=REL, abs=1e-12)


# Four participants, three 1-point questions (q1, q2 on "signs", q3 on "reporting").
#            pre q1 q2 q3   %        post q1 q2 q3   %      gain
#   P1 (uk)      1  0  0   33.33          1  1  0   66.67   33.33
#   P2 (uk)      1  1  0   66.67          1  1  1  100.00   33.33
#   P3 (uk)      0  0  0    0.00          0  0  1   33.33   33.33
#   P4 (en)      1  1  1  100.00          1  1  1  100.00    0
HAND_MARKS = {
    "P1": ([1, 0, 0], [1, 1, 0], "uk"),
    "P2": ([1, 1, 0], [1, 1, 1], "uk"),
    "P3": ([0, 0, 0], [0, 0, 1], "uk"),
    "P4": ([1, 1, 1], [1, 1, 1], "en"),
}


@pytest.fixture
def hand_report() -> dict:
    bank = make_bank()
    submissions = [
        make_submission(bank, name, phase, marks, language=language)
        for name, (pre, post, language) in HAND_MARKS.items()
        for phase, marks in (("pre", pre), ("post", post))
    ]
    return cohort_report(bank, submissions, cohort_id="cohort-1")


def test_report_names_the_cohort_and_the_bank_version(hand_report):
    assert hand_report["cohort_id"] == "cohort-1"
    assert (hand_report["bank_id"], hand_report["bank_version"]) == ("online-child-safety", "2")
    assert hand_report["bank_sha256"] == "ab" * 32


def test_phase_figures_worked_by_hand(hand_report):
    pre, post = hand_report["phases"]["pre"], hand_report["phases"]["post"]
    # Pre: 100/3, 200/3, 0, 100 -> mean 50, median (100/3 + 200/3) / 2 = 50.
    # Deviations -50/3, 50/3, -50, 50: sum of squares 50000/9, sd = sqrt(50000/27) = 43.03.
    # Symmetric, so skewness 0; m4/m2^2 = 41/25 gives kurtosis (15 * 1.64 - 27) / 2 = -1.2.
    assert pre["n"] == 4
    assert pre["mean_percent"] == close(50)
    assert pre["median_percent"] == close(50)
    assert pre["sd_percent"] == close(math.sqrt(50000 / 27))
    assert (pre["min_percent"], pre["max_percent"]) == (0.0, 100.0)
    assert pre["skewness"] == close(0)
    assert pre["kurtosis"] == close(-1.2)
    # Post: 200/3, 100, 100/3, 100 -> mean 75, median (200/3 + 100) / 2 = 250/3;
    # deviations -25/3, 25, -125/3, 25: sum of squares 27500/9, sd = sqrt(27500/27).
    assert post["mean_percent"] == close(75)
    assert post["median_percent"] == close(250 / 3)
    assert post["sd_percent"] == close(math.sqrt(27500 / 27))


def test_reliability_worked_by_hand(hand_report):
    pre, post = hand_report["phases"]["pre"], hand_report["phases"]["post"]
    # Pre: p = .75, .5, .25, sum pq = .625; totals 1, 2, 0, 3 have population variance 1.25.
    # KR-20 = 3/2 * (1 - .625 / 1.25) = .75, SEM = sd * sqrt(.25) = sd / 2.
    assert pre["kr20"] == close(0.75)
    assert pre["sem"] == close(math.sqrt(50000 / 27) / 2)
    # Post: p = .75, .75, .75, sum pq = .5625; totals 2, 3, 1, 3 have variance .6875.
    # KR-20 = 3/2 * (1 - .5625 / .6875) = 3/11.
    assert post["kr20"] == close(3 / 11)
    assert post["sem"] == close(math.sqrt(27500 / 27) * math.sqrt(8 / 11))


def test_topic_and_language_breakdowns_worked_by_hand(hand_report):
    pre, post = hand_report["phases"]["pre"], hand_report["phases"]["post"]
    # "signs" pre: 50, 100, 0, 100 -> mean 62.5, median 75; "reporting" pre: 0, 0, 0, 100 -> 25, median 0.
    signs, reporting = pre["by_topic"]["signs"], pre["by_topic"]["reporting"]
    assert (signs["n"], signs["mean_percent"], signs["median_percent"]) == (4, 62.5, 75.0)
    assert (signs["min_percent"], signs["max_percent"]) == (0.0, 100.0)
    assert signs["sd_percent"] == close(math.sqrt(6875 / 3))  # deviations -12.5, 37.5, -62.5, 37.5
    assert (reporting["n"], reporting["mean_percent"], reporting["median_percent"]) == (4, 25.0, 0.0)
    assert {topic: figures["mean_percent"] for topic, figures in post["by_topic"].items()} == {
        "signs": 75.0,
        "reporting": 75.0,
    }
    # Ukrainian pre: 100/3, 200/3, 0 -> 100/3; English: P4 alone, so no sd.
    assert pre["by_language"]["uk"]["n"] == 3
    assert pre["by_language"]["uk"]["mean_percent"] == close(100 / 3)
    assert pre["by_language"]["en"]["n"] == 1
    assert pre["by_language"]["en"]["mean_percent"] == 100.0
    assert pre["by_language"]["en"]["sd_percent"] is None


def test_paired_figures_worked_by_hand(hand_report):
    paired = hand_report["paired"]
    # Gains 100/3, 100/3, 100/3, 0: mean 25, deviations 25/3 (x3) and -25 -> sd = 50/3.
    # t = 25 / ((50/3) / 2) = 3 on 3 df; d_z = 25 / (50/3) = 1.5.
    half_width = stats.t.ppf(0.975, 3) * (50 / 3) / 2
    assert paired["n"] == 4
    assert paired["pairing_rate"] == 1.0
    assert paired["mean_gain"] == close(25)
    assert paired["sd_gain"] == close(50 / 3)
    assert paired["t_statistic"] == close(3)
    assert paired["t_test_p"] == close(2 * stats.t.sf(3, 3))
    assert paired["gain_ci95"] == [close(25 - half_width), close(25 + half_width)]
    assert paired["cohen_dz"] == close(1.5)
    # <g> = (75 - 50) / (100 - 50) = .5; individual g: P1 (100/3)/(200/3) = .5, P2 (100/3)/(100/3) = 1,
    # P3 (100/3)/100 = 1/3, P4 left out (pre 100%) -> mean 11/18.
    assert paired["normalized_gain_class"] == close(0.5)
    assert paired["normalized_gain_mean"] == close(11 / 18)
    assert paired["normalized_gain_excluded"] == 1


def test_item_figures_worked_by_hand(hand_report):
    q1, q2, q3 = hand_report["items"]
    assert [q["question_id"] for q in (q1, q2, q3)] == ["q1", "q2", "q3"]
    assert [q["topic"] for q in (q1, q2, q3)] == ["signs", "signs", "reporting"]
    # q1 pre: marks 1,1,0,1 against rest (q2 + q3) 0,1,0,2: sxy = .75, sxx = .75, syy = 2.75,
    # r = sqrt(3/11); sorted pairing (0,0),(1,0),(1,1),(1,2) has the same sxy, efficiency 100%.
    assert (q1["facility_pre"], q1["sd_pre"], q1["n_pre"]) == (0.75, close(0.5), 4)
    assert q1["discrimination_pre"] == close(math.sqrt(3 / 11))
    assert q1["efficiency_pre"] == close(100)
    # q2 pre: 0,1,0,1 against 1,1,0,2: sxy = 1, sxx = 1, syy = 2, r = 1/sqrt(2).
    assert q2["facility_pre"] == 0.5
    assert q2["discrimination_pre"] == close(1 / math.sqrt(2))
    # q3 post: 0,1,1,1 against rest (q1 + q2) 2,2,0,2: sxy = -.5, sxx = .75, syy = 3, r = -1/3;
    # sorted pairing gives sxy 1.5, so efficiency = 100 * -.5 / 1.5 = -33.3%.
    assert q3["facility_post"] == 0.75
    assert q3["discrimination_post"] == close(-1 / 3)
    assert q3["efficiency_post"] == close(-100 / 3)
    # q1 post: 1,1,0,1 against 1,2,1,2: r = .5 / sqrt(.75) = 1/sqrt(3).
    assert q1["discrimination_post"] == close(1 / math.sqrt(3))


def test_mcnemar_counts_and_flags_worked_by_hand(hand_report):
    q1, q2, q3 = hand_report["items"]
    # q1 never changes; q2: P1 wrong -> right; q3: P2 and P3 wrong -> right.
    # Exact p = min(1, 2 * P(X <= 0)) = 1 for b + c = 0 or 1, and 2 * (1/2)^2 = .5 for b = 2, c = 0.
    assert (q1["mcnemar_b"], q1["mcnemar_c"], q1["mcnemar_p"]) == (0, 0, 1.0)
    assert (q2["mcnemar_b"], q2["mcnemar_c"], q2["mcnemar_p"]) == (1, 0, 1.0)
    assert (q3["mcnemar_b"], q3["mcnemar_c"], q3["mcnemar_p"]) == (2, 0, close(0.5))
    # Four paired participants: too few to judge discrimination (30), and no question fell.
    assert q1["flags"] == q2["flags"] == q3["flags"] == []
    assert q3["discrimination_not_judged_post"] == "fewer_than_30_paired"
    assert q3["discrimination_index_post"] == close(-100 / 3)


def test_a_question_is_flagged_as_fallen_only_when_mcnemar_after_holm_says_so():
    bank = make_bank((("q1", "signs", 1.0), ("q2", "signs", 1.0)))
    # q1: 12 of 40 paired participants right -> wrong, none wrong -> right: exact p = 2^-11, Holm x 2.
    # q2: one right -> wrong out of 30 (the "one lost answer flags an item"): p = 1.
    pre = [[1, 1]] * 12 + [[0, 1]] * 28
    post = [[0, 1]] * 12 + [[0, 1]] * 27 + [[0, 0]]
    submissions = [make_submission(bank, f"P{i}", "pre", marks) for i, marks in enumerate(pre)]
    submissions += [make_submission(bank, f"P{i}", "post", marks) for i, marks in enumerate(post)]
    q1, q2 = cohort_report(bank, submissions)["items"]
    assert (q1["mcnemar_b"], q1["mcnemar_c"]) == (0, 12)
    assert q1["mcnemar_p_holm"] == close(2 * 2 * 0.5**12)
    assert "facility_fell_paired" in q1["flags"]
    assert (q2["mcnemar_b"], q2["mcnemar_c"], q2["mcnemar_p_holm"]) == (0, 1, 1.0)
    assert "facility_fell_paired" not in q2["flags"]


def test_facility_that_falls_only_between_different_people_is_not_flagged():
    bank = make_bank((("q1", "signs", 1.0), ("q2", "signs", 1.0)))
    # Everyone who came back kept q1; the facility fell because the strong ones did not come back.
    pre = [[1, 1]] * 20 + [[0, 0]] * 20
    post = [[0, 0]] * 20  # P20-P39 (wrong before and after)
    submissions = [make_submission(bank, f"P{i}", "pre", marks) for i, marks in enumerate(pre)]
    submissions += [make_submission(bank, f"P{i + 20}", "post", marks) for i, marks in enumerate(post)]
    report = cohort_report(bank, submissions)
    q1 = report["items"][0]
    assert (q1["facility_pre"], q1["facility_post"]) == (0.5, 0.0)
    assert "facility_fell_paired" not in q1["flags"]
    assert report["attrition"]["returners_pre_mean_percent"] == 0.0
    assert report["attrition"]["non_returners_pre_mean_percent"] == 100.0
    assert report["attrition"]["pre_only_n"] == 20


def test_no_flags_before_anyone_has_taken_both_tests():
    bank = make_bank((("q1", "signs", 1.0), ("q2", "signs", 1.0)))
    pre = [[0, 1], [1, 0], [0, 1], [1, 0]]  # q1 against rest q2: r = -1
    report = cohort_report(bank, [make_submission(bank, f"P{i}", "pre", m) for i, m in enumerate(pre)])
    assert report["items"][0]["discrimination_pre"] == close(-1)
    assert report["items"][0]["discrimination_index_pre"] == close(-100)
    assert report["items"][0]["flags"] == []


def test_pairing_rate_is_the_share_of_pre_test_participants_who_came_back():
    bank = make_bank()
    submissions = [make_submission(bank, f"P{i}", "pre", [1, 0, 0]) for i in range(5)]
    submissions += [make_submission(bank, f"P{i}", "post", [1, 1, 0]) for i in range(4)]
    submissions += [make_submission(bank, "late", "post", [1, 1, 1])]
    report = cohort_report(bank, submissions)
    assert report["paired"]["n"] == 4
    assert report["paired"]["pairing_rate"] == close(0.8)
    assert report["phases"]["post"]["n"] == 5


def test_pooled_cohorts_pair_participants_only_within_their_own_cohort():
    bank = make_bank()
    submissions = [
        make_submission(bank, "P1", "pre", [1, 0, 0], cohort_id="kyiv-1"),
        make_submission(bank, "P1", "post", [1, 1, 0], cohort_id="lviv-1"),
        make_submission(bank, "P2", "pre", [0, 0, 0], cohort_id="lviv-1"),
        make_submission(bank, "P2", "post", [1, 1, 1], cohort_id="lviv-1"),
    ]
    report = cohort_report(bank, submissions)
    assert report["cohort_id"] is None
    assert report["phases"]["pre"]["n"] == report["phases"]["post"]["n"] == 2
    assert report["paired"]["n"] == 1
    assert report["paired"]["mean_gain"] == close(100)


def test_a_cohort_report_leaves_out_other_cohorts_and_other_bank_versions():
    bank = make_bank()
    submissions = [
        make_submission(bank, "P1", "pre", [1, 0, 0]),
        make_submission(bank, "P2", "pre", [1, 1, 1], cohort_id="cohort-2"),
        make_submission(bank, "P3", "pre", [1, 1, 1], bank_version="1"),
    ]
    report = cohort_report(bank, submissions, cohort_id="cohort-1")
    assert report["phases"]["pre"]["n"] == 1
    assert report["phases"]["pre"]["mean_percent"] == close(100 / 3)


def test_a_second_submission_for_the_same_phase_does_not_count_twice():
    bank = make_bank()
    submissions = [
        make_submission(bank, "P1", "pre", [1, 1, 1], submitted_at="2025-03-01T10:05"),
        make_submission(bank, "P1", "pre", [0, 0, 0], submitted_at="2025-03-01T10:00"),
    ]
    pre = cohort_report(bank, submissions)["phases"]["pre"]
    assert pre["n"] == 1
    assert pre["mean_percent"] == 0.0


def test_a_question_missing_from_the_marks_counts_as_unanswered():
    bank = make_bank()
    submissions = [
        make_submission(bank, "P1", "pre", {"q1": 1.0}),
        make_submission(bank, "P2", "pre", [1, 1, 1]),
    ]
    items = cohort_report(bank, submissions)["items"]
    assert [item["facility_pre"] for item in items] == [1.0, 0.5, 0.5]


def test_points_weigh_items_in_the_rest_score():
    bank = make_bank((("q1", "signs", 1.0), ("q2", "signs", 2.0), ("q3", "reporting", 1.0)))
    rows = [[1, 0, 1], [0, 1, 0], [1, 1, 1], [0, 0.5, 1], [1, 0, 0]]
    submissions = [make_submission(bank, f"P{i}", "pre", row) for i, row in enumerate(rows)]
    q1 = cohort_report(bank, submissions)["items"][0]
    rest = [2 * row[1] + row[2] for row in rows]
    assert q1["discrimination_pre"] == close(stats.pearsonr([row[0] for row in rows], rest).statistic)


def test_a_report_with_no_submissions_is_all_nulls_with_zero_counts():
    report = cohort_report(make_bank(), [], cohort_id="cohort-1")
    for phase in ("pre", "post"):
        summary = report["phases"][phase]
        assert summary["n"] == 0
        figures = {key: value for key, value in summary.items() if key not in ("n", "by_topic", "by_language")}
        assert figures.pop("kr20_ci95") == [None, None]
        assert figures.pop("histogram") == [{"low": low, "high": low + 10, "n": 0} for low in range(0, 100, 10)]
        assert all(value is None for value in figures.values())
        assert summary["by_topic"]["signs"]["n"] == 0
        assert summary["by_topic"]["signs"]["mean_percent"] is None
        assert summary["by_language"]["uk"]["n"] == 0
    gain_bins = report["paired"].pop("gain_histogram")
    assert len(gain_bins) == 21 and all(gain_bin["n"] == 0 for gain_bin in gain_bins)
    breakdowns = {name: report["paired"].pop(name) for name in ("by_topic", "by_language")}
    assert (
        breakdowns["by_topic"]["signs"]
        == breakdowns["by_language"]["uk"]
        == {
            "n": 0,
            "mean_pre_percent": None,
            "mean_post_percent": None,
            "mean_gain": None,
            "gain_ci95": [None, None],
        }
    )
    assert report["attrition"] == {
        "pre_only_n": 0,
        "post_only_n": 0,
        "returners_n": 0,
        "returners_pre_mean_percent": None,
        "non_returners_pre_mean_percent": None,
        "difference_ci95": [None, None],
    }
    assert report["paired"] == {
        "cohen_dz_ci95": [None, None],
        "wilcoxon_p": None,
        "sign_test_p": None,
        "improved_share_ci95": [None, None],
        "normalized_gain_class_ci95": [None, None],
        "normalized_change_mean": None,
        "normalized_change_excluded": 0,
        "pass_percent": None,
        "pass_rate_pre": None,
        "pass_rate_post": None,
        "pass_mcnemar_p": None,
        "n": 0,
        "pairing_rate": None,
        "mean_pre_percent": None,
        "mean_post_percent": None,
        "mean_gain": None,
        "sd_gain": None,
        "gain_ci95": [None, None],
        "t_statistic": None,
        "t_test_p": None,
        "cohen_dz": None,
        "normalized_gain_class": None,
        "normalized_gain_mean": None,
        "normalized_gain_excluded": 0,
        "improved": 0,
        "unchanged": 0,
        "declined": 0,
    }
    for item in report["items"]:
        assert (item["n_pre"], item["n_post"], item["mcnemar_b"], item["mcnemar_c"]) == (0, 0, 0, 0)
        assert item["mcnemar_p"] is None
        assert item["flags"] == []
    json.dumps(report, allow_nan=False)


def test_one_participant_has_means_but_no_spread():
    bank = make_bank()
    report = cohort_report(bank, [make_submission(bank, "P1", p, [1, 0, 1]) for p in ("pre", "post")])
    pre = report["phases"]["pre"]
    assert pre["mean_percent"] == close(200 / 3)
    assert pre["sd_percent"] is pre["kr20"] is pre["sem"] is None
    assert report["paired"]["mean_gain"] == 0.0
    assert report["paired"]["t_test_p"] is None
    assert report["items"][0]["discrimination_pre"] is None


@pytest.mark.parametrize("marks", [[1, 1, 1], [0, 1, 0]], ids=["all_correct", "all_same_answers"])
def test_everybody_answering_alike_leaves_spread_figures_null(marks):
    bank = make_bank()
    submissions = [make_submission(bank, f"P{i}", p, marks) for i in range(6) for p in ("pre", "post")]
    report = cohort_report(bank, submissions)
    pre = report["phases"]["pre"]
    assert pre["sd_percent"] == 0.0
    assert pre["skewness"] is pre["kurtosis"] is pre["kr20"] is pre["sem"] is None
    assert report["paired"]["mean_gain"] == 0.0
    assert report["paired"]["t_test_p"] is report["paired"]["cohen_dz"] is None
    all_correct = marks == [1, 1, 1]
    assert report["paired"]["normalized_gain_class"] == (None if all_correct else 0.0)
    assert report["paired"]["normalized_gain_excluded"] == (6 if all_correct else 0)
    for item in report["items"]:
        assert item["discrimination_pre"] is item["efficiency_pre"] is None
        assert item["mcnemar_p"] == 1.0


# Property tests on arbitrary small cohorts: 0-6 participants, each in pre, post, both or
# neither, on 1-4 questions with marks 0, 1/2 or 1 (exact in floating point).
@st.composite
def small_cohorts(draw) -> tuple[Bank, list[Submission]]:
    questions = draw(st.integers(1, 4))
    points = draw(st.lists(st.sampled_from([1.0, 2.0]), min_size=questions, max_size=questions))
    bank = make_bank(tuple((f"q{j}", f"t{j % 2}", points[j]) for j in range(questions)))
    submissions = []
    for i in range(draw(st.integers(0, 6))):
        language = draw(st.sampled_from(["uk", "en"]))
        for phase in draw(st.sampled_from([(), ("pre",), ("post",), ("pre", "post")])):
            marks = draw(st.lists(st.sampled_from([0.0, 0.5, 1.0]), min_size=questions, max_size=questions))
            submissions.append(make_submission(bank, f"P{i}", phase, marks, language=language))
    return bank, submissions


@settings(max_examples=200, deadline=None)
@given(small_cohorts())
def test_report_never_raises_and_is_strict_json(cohort):
    bank, submissions = cohort
    report = cohort_report(bank, submissions)
    json.dumps(report, allow_nan=False)
    assert len(report["items"]) == len(bank.questions)


def varies(values: list[float]) -> bool:
    """Distinct in exact arithmetic: these percents differ by at least 100/64 when they differ at all."""
    return bool(values) and max(values) - min(values) > 1e-9


def assert_summary_is_null_exactly_where_undefined(summary: dict, percents: list[float]) -> None:
    n = len(percents)
    assert summary["n"] == n
    for key in ("mean_percent", "median_percent", "min_percent", "max_percent"):
        assert (summary[key] is None) == (n == 0)
    assert (summary["sd_percent"] is None) == (n < 2)
    assert (summary["skewness"] is None) == (n < 3 or not varies(percents))
    assert (summary["kurtosis"] is None) == (n < 4 or not varies(percents))


@settings(max_examples=200, deadline=None)
@given(small_cohorts())
def test_phase_figures_are_null_exactly_where_undefined(cohort):
    bank, submissions = cohort
    report = cohort_report(bank, submissions)
    for phase in ("pre", "post"):
        taken = [s for s in submissions if s.phase == phase]
        summary = report["phases"][phase]
        assert_summary_is_null_exactly_where_undefined(summary, [s.score.percent for s in taken])
        for topic in bank.topic_ids():
            topic_percents = [s.score.by_topic[topic].percent for s in taken]
            assert_summary_is_null_exactly_where_undefined(summary["by_topic"][topic], topic_percents)
        for language in ("uk", "en"):
            language_percents = [s.score.percent for s in taken if s.language == language]
            assert_summary_is_null_exactly_where_undefined(summary["by_language"][language], language_percents)
        totals = [s.score.points for s in taken]
        # Moodle gives no coefficient of internal consistency below 3 attempts; neither do we.
        undefined_kr20 = len(taken) < 3 or len(bank.questions) < 2 or not varies(totals)
        assert (summary["kr20"] is None) == undefined_kr20
        assert (summary["kr20_ci95"] == [None, None]) == undefined_kr20
        assert (summary["sem"] is None) == undefined_kr20
        assert sum(histogram_bin["n"] for histogram_bin in summary["histogram"]) == len(taken)


@settings(max_examples=200, deadline=None)
@given(small_cohorts())
def test_item_figures_are_null_exactly_where_undefined(cohort):
    bank, submissions = cohort
    report = cohort_report(bank, submissions)
    for phase in ("pre", "post"):
        taken = [s for s in submissions if s.phase == phase]
        for j, item in enumerate(report["items"]):
            marks = [s.score.marks[f"q{j}"] for s in taken]
            rest = [s.score.points - s.score.marks[f"q{j}"] * bank.questions[j].points for s in taken]
            correlates = len(taken) >= 2 and varies(marks) and varies(rest)
            assert item[f"n_{phase}"] == len(taken)
            assert (item[f"facility_{phase}"] is None) == (not taken)
            assert (item[f"sd_{phase}"] is None) == (len(taken) < 2)
            assert (item[f"discrimination_{phase}"] is None) == (not correlates)
            assert (item[f"efficiency_{phase}"] is None) == (not correlates)


@settings(max_examples=200, deadline=None)
@given(small_cohorts())
def test_paired_figures_are_null_exactly_where_undefined(cohort):
    bank, submissions = cohort
    report = cohort_report(bank, submissions)
    percent = {(s.phase, s.participant_hash): s.score.percent for s in submissions}
    pre_takers = [key for phase, key in percent if phase == "pre"]
    pairs = [(percent["pre", key], percent["post", key]) for key in pre_takers if ("post", key) in percent]
    gains = [after - before for before, after in pairs]
    testable = len(pairs) >= 2 and varies(gains)
    perfect_before = sum(1 for before, _ in pairs if before == 100.0)
    paired = report["paired"]
    assert paired["n"] == len(pairs)
    assert (paired["pairing_rate"] is None) == (not pre_takers)
    assert (paired["mean_gain"] is None) == (not pairs)
    assert (paired["sd_gain"] is None) == (len(pairs) < 2)
    for key in ("t_statistic", "t_test_p", "cohen_dz"):
        assert (paired[key] is None) == (not testable)
    assert all((bound is None) == (not testable) for bound in paired["gain_ci95"])
    assert paired["normalized_gain_excluded"] == perfect_before
    assert (paired["normalized_gain_mean"] is None) == (perfect_before == len(pairs))
    assert (paired["normalized_gain_class"] is None) == (perfect_before == len(pairs))
    assert paired["improved"] + paired["unchanged"] + paired["declined"] == len(pairs)
    assert sum(gain_bin["n"] for gain_bin in paired["gain_histogram"]) == len(pairs)
    for item in report["items"]:
        assert (item["mcnemar_p"] is None) == (not pairs)
        assert item["mcnemar_b"] + item["mcnemar_c"] <= len(pairs)
