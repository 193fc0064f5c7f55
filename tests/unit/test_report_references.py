"""Every figure of the report against an independent reference, on three data sets: one with
ties (tied scores, tied rest scores, unchanged participants, two who never came back), one with
perfect pre-test scores (left out of the mean of individual normalized gains) and 1,000 paired
participants x 40 items from a seeded Rasch model. References: numpy, scipy (`ttest_rel`,
`t.ppf`, `skew` and `kurtosis` with bias=False, `binomtest`, `pearsonr`), statsmodels'
`mcnemar(exact=True)` and KR-20 written out by hand; all to 1e-9 relative."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

from service.domain.models import Bank, Submission
from service.domain.report import cohort_report
from tests.factories import make_bank, make_submission

REL = 1e-9


def close(expected) -> object:
    """Equal to 1e-9 relative (figures that are zero in exact arithmetic may differ by rounding); None stays None."""
    return None if expected is None else pytest.approx(float(expected), rel=REL, abs=1e-12)


# Participant -> (pre marks, post marks or None, language). Items q1-q3 are topic "a", q4-q6 "b".
TIES = {
    "P1": ([1, 1, 0, 1, 0, 0], [1, 1, 1, 1, 0, 1], "uk"),
    "P2": ([1, 0, 1, 1, 0, 0], [1, 1, 1, 1, 0, 0], "uk"),
    "P3": ([0, 1, 1, 0, 1, 0], [1, 1, 1, 0, 1, 0], "en"),
    "P4": ([1, 1, 1, 0, 0, 0], [1, 1, 1, 1, 0, 1], "uk"),
    "P5": ([0, 0, 1, 1, 0, 0], [0, 1, 1, 1, 0, 0], "en"),
    "P6": ([1, 0, 0, 1, 0, 0], [1, 0, 0, 1, 0, 0], "uk"),
    "P7": ([1, 1, 0, 0, 1, 1], [1, 1, 0, 0, 1, 1], "en"),
    "P8": ([0, 0, 0, 1, 0, 0], [1, 1, 0, 1, 0, 1], "uk"),
    "P9": ([1, 1, 1, 1, 0, 1], [1, 1, 1, 1, 1, 1], "en"),
    "P10": ([0, 1, 0, 1, 0, 0], [0, 1, 0, 0, 0, 0], "uk"),
    "P11": ([1, 0, 1, 0, 0, 0], None, "uk"),
    "P12": ([0, 0, 0, 0, 1, 0], None, "en"),
}
# Items q1-q2 are topic "a", q3-q5 "b". P1-P3 scored 100% before; P2 lost a question after.
PERFECT_PRE = {
    "P1": ([1, 1, 1, 1, 1], [1, 1, 1, 1, 1], "uk"),
    "P2": ([1, 1, 1, 1, 1], [1, 1, 0, 1, 1], "uk"),
    "P3": ([1, 1, 1, 1, 1], [1, 1, 1, 1, 1], "uk"),
    "P4": ([0, 0, 1, 0, 0], [1, 0, 1, 1, 0], "uk"),
    "P5": ([1, 0, 0, 0, 0], [1, 1, 1, 0, 1], "uk"),
    "P6": ([0, 0, 0, 0, 0], [0, 1, 1, 0, 0], "uk"),
    "P7": ([1, 1, 0, 1, 0], [1, 1, 1, 1, 0], "en"),
    "P8": ([0, 1, 1, 0, 1], [1, 1, 1, 1, 1], "en"),
    "P9": ([1, 0, 1, 1, 0], [1, 0, 1, 1, 1], "en"),
}


def rasch(seed: int = 7, participants: int = 1000, items: int = 40) -> dict:
    """0/1 marks from a Rasch model, P(right) = 1 / (1 + exp(difficulty - ability)); training adds ability."""
    rng = random.Random(seed)
    difficulties = [rng.gauss(0.0, 1.0) for _ in range(items)]
    cohort = {}
    for i in range(participants):
        ability = rng.gauss(-0.3, 1.0)
        language = "uk" if rng.random() < 0.8 else "en"
        marks = [
            [1 if rng.random() < 1 / (1 + math.exp(b - theta)) else 0 for b in difficulties]
            for theta in (ability, ability + rng.gauss(0.8, 0.6))
        ]
        cohort[f"P{i}"] = (marks[0], marks[1], language)
    return cohort


@dataclass(frozen=True)
class Reference:
    """A data set as the report sees it (bank, submissions, report) and as the references see it (arrays)."""

    bank: Bank
    submissions: list[Submission]
    report: dict
    marks: dict[str, np.ndarray]  # phase -> participants x items, rows in participant order
    languages: dict[str, list[str]]
    paired_rows: list[tuple[int, int]]  # (pre row, post row) of each participant with both

    def percent(self, phase: str) -> np.ndarray:
        return 100.0 * self.marks[phase].sum(axis=1) / self.marks[phase].shape[1]

    def topic_percent(self, phase: str, topic: str) -> np.ndarray:
        columns = [j for j, q in enumerate(self.bank.questions) if q.topic == topic]
        return 100.0 * self.marks[phase][:, columns].sum(axis=1) / len(columns)


def build_reference(cohort: dict, topic_of) -> Reference:
    items = len(next(iter(cohort.values()))[0])
    bank = make_bank(tuple((f"q{j + 1}", topic_of(j), 1.0) for j in range(items)))
    submissions, marks, languages, rows = [], {"pre": [], "post": []}, {"pre": [], "post": []}, {}
    for name, (pre, post, language) in cohort.items():
        for phase, phase_marks in (("pre", pre), ("post", post)):
            if phase_marks is None:
                continue
            rows[phase, name] = len(marks[phase])
            marks[phase].append(phase_marks)
            languages[phase].append(language)
            submissions.append(make_submission(bank, name, phase, phase_marks, language=language))
    paired_rows = [(rows["pre", name], rows["post", name]) for name in cohort if ("post", name) in rows]
    return Reference(
        bank=bank,
        submissions=submissions,
        report=cohort_report(bank, submissions, cohort_id="cohort-1"),
        marks={phase: np.array(phase_marks, dtype=float) for phase, phase_marks in marks.items()},
        languages=languages,
        paired_rows=paired_rows,
    )


DATA_SETS = {
    "ties": lambda: build_reference(TIES, lambda j: "a" if j < 3 else "b"),
    "perfect_pre": lambda: build_reference(PERFECT_PRE, lambda j: "a" if j < 2 else "b"),
    "rasch_1000x40": lambda: build_reference(rasch(), lambda j: f"topic-{j % 4}"),
}


@pytest.fixture(scope="module", params=list(DATA_SETS))
def reference(request) -> Reference:
    return DATA_SETS[request.param]()


def expected_summary(values: np.ndarray) -> dict:
    """n, mean, median, sd, min, max, skewness and excess kurtosis from numpy and scipy; None where undefined."""
    n = len(values)
    varies = n > 0 and np.ptp(values) > 0
    return {
        "n": n,
        "mean_percent": values.mean() if n else None,
        "median_percent": np.median(values) if n else None,
        "sd_percent": values.std(ddof=1) if n >= 2 else None,
        "min_percent": values.min() if n else None,
        "max_percent": values.max() if n else None,
        "skewness": stats.skew(values, bias=False) if n >= 3 and varies else None,
        "kurtosis": stats.kurtosis(values, bias=False) if n >= 4 and varies else None,
    }


def assert_summary_matches(summary: dict, values: np.ndarray) -> None:
    expected = expected_summary(values)
    assert summary["n"] == expected.pop("n")
    assert {key: summary[key] for key in expected} == {key: close(value) for key, value in expected.items()}


def kr20_by_hand(matrix: np.ndarray) -> float:
    """KR-20 as textbooks write it for 0/1 items: k/(k-1) * (1 - sum of p q / population variance of totals)."""
    k = matrix.shape[1]
    p = matrix.mean(axis=0)
    return k / (k - 1) * (1 - (p * (1 - p)).sum() / matrix.sum(axis=1).var(ddof=0))


def test_data_sets_have_what_they_are_named_for():
    ties, perfect = DATA_SETS["ties"](), DATA_SETS["perfect_pre"]()
    assert len(set(ties.percent("pre"))) < len(ties.percent("pre"))
    assert ties.report["paired"]["unchanged"] == 2 and ties.report["paired"]["pairing_rate"] == close(10 / 12)
    assert (perfect.percent("pre") == 100).sum() == 3


def test_phase_figures_match_numpy_scipy_and_kr20_by_hand(reference):
    for phase in ("pre", "post"):
        summary, percent = reference.report["phases"][phase], reference.percent(phase)
        assert_summary_matches(summary, percent)
        kr20 = kr20_by_hand(reference.marks[phase])
        assert summary["kr20"] == close(kr20)
        assert summary["sem"] == close(percent.std(ddof=1) * math.sqrt(1 - kr20))
        counts, _ = np.histogram(percent, bins=np.arange(0, 101, 10))  # numpy's last bin is closed too
        assert [histogram_bin["n"] for histogram_bin in summary["histogram"]] == counts.tolist()


def test_topic_and_language_figures_match_numpy_and_scipy(reference):
    for phase in ("pre", "post"):
        summary = reference.report["phases"][phase]
        for topic in reference.bank.topic_ids():
            assert_summary_matches(summary["by_topic"][topic], reference.topic_percent(phase, topic))
        languages = np.array(reference.languages[phase])
        for language in ("uk", "en"):
            assert_summary_matches(summary["by_language"][language], reference.percent(phase)[languages == language])


def test_paired_figures_match_scipy_ttest_rel_and_t_ppf(reference):
    pre_rows, post_rows = (list(rows) for rows in zip(*reference.paired_rows, strict=True))
    pre, post = reference.percent("pre")[pre_rows], reference.percent("post")[post_rows]
    gains = post - pre
    n = len(gains)
    t_test = stats.ttest_rel(post, pre)
    half_width = stats.t.ppf(0.975, n - 1) * gains.std(ddof=1) / math.sqrt(n)
    kept = pre < 100
    paired = reference.report["paired"]
    assert paired["n"] == n
    assert paired["pairing_rate"] == close(n / len(reference.percent("pre")))
    assert paired["mean_gain"] == close(gains.mean())
    assert paired["sd_gain"] == close(gains.std(ddof=1))
    assert paired["t_statistic"] == close(t_test.statistic)
    assert paired["t_test_p"] == close(t_test.pvalue)
    assert paired["gain_ci95"] == [close(gains.mean() - half_width), close(gains.mean() + half_width)]
    assert paired["gain_ci95"] == [close(bound) for bound in t_test.confidence_interval(0.95)]
    assert paired["cohen_dz"] == close(gains.mean() / gains.std(ddof=1))
    assert paired["normalized_gain_class"] == close((post.mean() - pre.mean()) / (100 - pre.mean()))
    assert paired["normalized_gain_mean"] == close((gains[kept] / (100 - pre[kept])).mean())
    assert paired["normalized_gain_excluded"] == int((~kept).sum())
    rounded = np.round(gains, 9)
    assert (paired["improved"], paired["unchanged"], paired["declined"]) == (
        int((rounded > 0).sum()),
        int((rounded == 0).sum()),
        int((rounded < 0).sum()),
    )
    # Bins of 10 points away from zero: a rise of 10 is in (0, 10], a fall of 10 in [-10, 0).
    steps = np.ceil(np.abs(rounded) / 10) - 1
    expected = [int(((rounded < 0) & (steps == i)).sum()) for i in reversed(range(10))]
    expected += [int((rounded == 0).sum())] + [int(((rounded > 0) & (steps == i)).sum()) for i in range(10)]
    assert [gain_bin["n"] for gain_bin in paired["gain_histogram"]] == expected


def test_item_figures_match_pearsonr_and_moodles_efficiency(reference):
    for phase in ("pre", "post"):
        matrix = reference.marks[phase]
        totals = matrix.sum(axis=1)
        for j, item in enumerate(reference.report["items"]):
            column, rest = matrix[:, j], totals - matrix[:, j]
            assert item[f"n_{phase}"] == len(column)
            assert item[f"facility_{phase}"] == close(column.mean())
            assert item[f"sd_{phase}"] == close(column.std(ddof=1))
            if np.ptp(column) == 0 or np.ptp(rest) == 0:
                assert item[f"discrimination_{phase}"] is item[f"efficiency_{phase}"] is None
                continue
            best = np.cov(np.sort(column), np.sort(rest))[0, 1]
            assert item[f"discrimination_{phase}"] == close(stats.pearsonr(column, rest).statistic)
            assert item[f"efficiency_{phase}"] == close(100 * np.cov(column, rest)[0, 1] / best)


def test_mcnemar_figures_match_statsmodels_and_binomtest(reference):
    pre_rows, post_rows = (list(rows) for rows in zip(*reference.paired_rows, strict=True))
    before, after = reference.marks["pre"][pre_rows], reference.marks["post"][post_rows]
    for j, item in enumerate(reference.report["items"]):
        b = int(((before[:, j] == 0) & (after[:, j] == 1)).sum())
        c = int(((before[:, j] == 1) & (after[:, j] == 0)).sum())
        both = int(((before[:, j] == 1) & (after[:, j] == 1)).sum())
        table = [[len(pre_rows) - b - c - both, b], [c, both]]
        assert (item["mcnemar_b"], item["mcnemar_c"]) == (b, c)
        assert item["mcnemar_p"] == close(mcnemar(table, exact=True).pvalue)
        assert item["mcnemar_p"] == close(stats.binomtest(b, b + c).pvalue if b + c else 1.0)


def test_flags_follow_from_the_reference_figures_on_paired_participants(reference):
    pre_rows, post_rows = (list(rows) for rows in zip(*reference.paired_rows, strict=True))
    n = len(pre_rows)
    paired = {"pre": reference.marks["pre"][pre_rows], "post": reference.marks["post"][post_rows]}
    items = reference.report["items"]
    discordant = [j for j, item in enumerate(items) if item["mcnemar_b"] + item["mcnemar_c"]]
    adjusted = multipletests([items[j]["mcnemar_p"] for j in discordant], method="holm")[1] if discordant else []
    holm = dict(zip(discordant, adjusted, strict=True))
    for j, item in enumerate(items):
        assert item["mcnemar_p_holm"] == (close(holm[j]) if j in holm else None)
        expected = []
        if item["mcnemar_c"] > item["mcnemar_b"] and holm.get(j, 1) < 0.05:
            expected.append("facility_fell_paired")
        right_after = int(paired["post"][:, j].sum())
        if right_after / n < 0.3 and proportion_confint(right_after, n, method="wilson")[1] < 0.3:
            expected.append("low_facility_post")
        low_efficiency = []
        for phase in ("pre", "post"):
            matrix = paired[phase]
            column, rest = matrix[:, j], matrix.sum(axis=1) - matrix[:, j]
            judged = n >= 30 and 0.1 <= column.mean() <= 0.9
            assert (item[f"discrimination_not_judged_{phase}"] is None) == judged
            if not judged:
                continue
            if stats.pearsonr(column, rest).statistic < 0:
                expected.append(f"negative_discrimination_{phase}")
            efficiency = 100 * np.cov(column, rest)[0, 1] / np.cov(np.sort(column), np.sort(rest))[0, 1]
            low_efficiency.append(efficiency < 15)
        if len(low_efficiency) == 2 and all(low_efficiency):
            expected.append("low_efficiency_pre_and_post")
        assert item["flags"] == expected, item["question_id"]
