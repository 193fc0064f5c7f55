"""The cohort table and the DerSimonian-Laird summary against scipy and statsmodels'
`combine_effects(method_re="dl")`: a pooled set of 8 simulated cohorts, one cohort, no heterogeneity,
a cohort without spread; and the chi-square tail against scipy."""

from __future__ import annotations

import math
import random
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.meta_analysis import combine_effects

from service.domain.cohort_comparison import compare_cohorts, summarize, summary_for_trainers
from service.domain.meta_analysis import chi2_sf, dersimonian_laird
from service.domain.report import cohort_report
from tests.factories import cohort, make_bank, make_submission

REL = 1e-9
BANK = make_bank(tuple((f"q{i}", "signs", 1.0) for i in range(20)))


def close(expected) -> object:
    return pytest.approx(float(expected), rel=REL, abs=1e-12)


def simulated_cohorts(seed: int = 17) -> tuple[list, list, dict]:
    """8 cohorts of 12-40 pairs (plus a few who never came back) whose true gains differ (10-35 points):
    a programme whose cohorts are heterogeneous. Returns cohorts, submissions and each cohort's gains."""
    rng = random.Random(seed)
    cohorts, submissions, gains = [], [], {}
    for index in range(8):
        group = cohort(f"c{index}", region=f"region {index % 3}")
        cohorts.append(group)
        lift = rng.uniform(0.1, 0.35)
        gains[group.id] = []
        for person in range(rng.randint(12, 40)):
            ability = rng.uniform(0.2, 0.7)
            pre = [float(rng.random() < ability) for _ in range(20)]
            post = [float(rng.random() < min(0.98, ability + lift)) for _ in range(20)]
            submissions.append(make_submission(BANK, f"p{person}", "pre", pre, cohort_id=group.id))
            if person % 9 == 8:
                continue  # did not come back
            submissions.append(make_submission(BANK, f"p{person}", "post", post, cohort_id=group.id))
            gains[group.id].append(100 * (sum(post) - sum(pre)) / 20)
    return cohorts, submissions, gains


def statsmodels_dl(effects, variances):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # statsmodels divides by zero in the edge cases: that is the point
        return combine_effects(np.array(effects, float), np.array(variances, float), method_re="dl")


def test_cohort_rows_are_each_cohorts_paired_t_interval():
    cohorts, submissions, gains = simulated_cohorts()
    comparison = compare_cohorts(cohorts, submissions, k=5)
    assert comparison.rows_withheld == 0 and comparison.unpaired == frozenset()
    for row in comparison.cohorts:
        own = np.array(gains[row["cohort_id"]])
        assert row["paired_n"] == len(own) and row["label"] == f"Group {row['cohort_id']}"
        assert row["mean_gain"] == close(own.mean()) and row["sd_gain"] == close(own.std(ddof=1))
        low, high = stats.t.interval(0.95, len(own) - 1, loc=own.mean(), scale=stats.sem(own))
        assert row["gain_ci95"] == [close(low), close(high)]


def test_eight_cohorts_match_statsmodels_dersimonian_laird():
    cohorts, submissions, gains = simulated_cohorts()
    meta = compare_cohorts(cohorts, submissions, k=5).meta
    effects = [np.mean(gains[c.id]) for c in cohorts]
    variances = [np.var(gains[c.id], ddof=1) / len(gains[c.id]) for c in cohorts]
    reference = statsmodels_dl(effects, variances)
    assert reference.tau2 > 0  # heterogeneous: the random-effects weights differ from the fixed ones
    assert meta["method"] == "DerSimonian-Laird" and meta["cohorts"] == 8
    assert meta["participants"] == sum(len(g) for g in gains.values())
    assert meta["estimate"] == close(reference.mean_effect_re)
    assert meta["se"] == close(reference.sd_eff_w_re)
    low, high = reference.conf_int(use_t=False)[1]  # (fixed, random, ...): the random-effects interval
    assert meta["ci95"] == [close(low), close(high)]
    assert meta["tau2"] == close(reference.tau2)
    assert meta["i2"] == close(reference.i2)
    assert meta["q"] == close(reference.q) and meta["q_df"] == 7
    assert meta["q_p"] == close(reference.test_homogeneity().pvalue)


def test_one_cohort_is_its_own_estimate_and_has_no_heterogeneity():
    reference = statsmodels_dl([12.5], [4.0])
    meta = dersimonian_laird([12.5], [4.0])
    assert math.isnan(reference.tau2) and math.isnan(reference.mean_effect_re)  # statsmodels: 0 / 0
    assert meta["estimate"] == close(reference.mean_effect_fe) == 12.5
    assert meta["se"] == close(reference.sd_eff_w_fe) == 2.0
    assert meta["ci95"] == [close(v) for v in reference.conf_int(use_t=False)[0]]
    assert (meta["tau2"], meta["i2"], meta["q"], meta["q_df"], meta["q_p"]) == (None, None, None, None, None)


@pytest.mark.parametrize(
    "effects, variances",
    [([20.0, 20.0, 20.0], [1.0, 2.0, 3.0]), ([20.0, 21.0, 19.5, 20.2], [4.0, 9.0, 6.0, 5.0])],
    ids=["equal effects, Q = 0", "Q below its df"],
)
def test_no_heterogeneity_truncates_tau2_and_i2_at_zero_and_is_the_fixed_effect(effects, variances):
    reference = statsmodels_dl(effects, variances)
    meta = dersimonian_laird(effects, variances)
    # statsmodels 0.15 leaves (Q - df) / C negative; DerSimonian and Laird truncate it at 0
    assert reference.tau2 < 0 and meta["tau2"] == 0.0 and meta["i2"] == 0.0
    assert meta["q"] == pytest.approx(reference.q, rel=REL, abs=1e-12)
    assert meta["estimate"] == close(reference.mean_effect_fe)
    assert meta["se"] == close(reference.sd_eff_w_fe)
    assert meta["ci95"] == [close(v) for v in reference.conf_int(use_t=False)[0]]
    assert meta["q_p"] == close(stats.chi2.sf(reference.q, len(effects) - 1))


def test_a_cohort_without_spread_is_left_out_of_the_summary_and_counted():
    cohorts, submissions, gains = simulated_cohorts()
    flat = cohort("flat")  # six pairs, every one 5 points better: a variance of 0, an infinite weight
    for person in range(6):
        before = [1.0] * 10 + [0.0] * 10
        submissions.append(make_submission(BANK, f"f{person}", "pre", before, cohort_id="flat"))
        after = [1.0] * 11 + [0.0] * 9
        submissions.append(make_submission(BANK, f"f{person}", "post", after, cohort_id="flat"))
    comparison = compare_cohorts([*cohorts, flat], submissions, k=5)
    row = comparison.cohorts[-1]
    assert (row["paired_n"], row["mean_gain"], row["sd_gain"], row["gain_ci95"]) == (6, 5.0, 0.0, [None, None])
    effects = [np.mean(gains[c.id]) for c in cohorts]
    variances = [np.var(gains[c.id], ddof=1) / len(gains[c.id]) for c in cohorts]
    assert math.isnan(statsmodels_dl([*effects, 5.0], [*variances, 0.0]).mean_effect_re)  # with it: no answer
    meta = comparison.meta
    assert meta["cohorts"] == 8 and meta["cohorts_without_spread"] == 1
    assert meta["estimate"] == close(statsmodels_dl(effects, variances).mean_effect_re)
    with pytest.raises(ValueError):
        dersimonian_laird([*effects, 5.0], [*variances, 0.0])


def test_no_cohort_gives_a_summary_of_nulls():
    meta = summarize([])
    assert (meta["cohorts"], meta["participants"], meta["estimate"], meta["ci95"]) == (0, 0, None, [None, None])


def test_cohorts_with_fewer_than_k_pairs_are_withheld_unpaired_and_not_summarized():
    cohorts, submissions, _ = simulated_cohorts()
    few = cohort("few")
    for person in range(8):  # 8 took the pre-test, 3 came back: 3 pairs under k = 5
        submissions.append(make_submission(BANK, f"w{person}", "pre", [0.0] * 20, cohort_id="few"))
        if person < 3:
            after = [1.0] * (5 + 5 * person) + [0.0] * (15 - 5 * person)
            submissions.append(make_submission(BANK, f"w{person}", "post", after, cohort_id="few"))
    comparison = compare_cohorts([*cohorts, few], submissions, k=5)
    row = comparison.cohorts[-1]
    assert row == {
        "cohort_id": "few",
        "label": "Group few",
        "region": "Kyiv oblast",
        "paired_n": None,
        "mean_gain": None,
        "sd_gain": None,
        "gain_ci95": [None, None],
        "withheld": "fewer than 5",
    }
    assert comparison.rows_withheld == 1 and comparison.unpaired == {"few"}
    assert comparison.meta == compare_cohorts(cohorts, submissions, k=5).meta


def test_cohorts_left_out_of_a_report_are_withheld_rows():
    cohorts, submissions, _ = simulated_cohorts()
    comparison = compare_cohorts(cohorts, submissions, k=5, left_out={"c0"})
    assert comparison.cohorts[0]["withheld"] == "fewer than 5" and comparison.cohorts[0]["mean_gain"] is None
    assert comparison.rows_withheld == 1 and comparison.meta["cohorts"] == 7


def test_trainers_get_a_summary_of_three_cohorts_or_more():
    cohorts, submissions, _ = simulated_cohorts()
    rows = compare_cohorts(cohorts, submissions, k=5).cohorts
    assert summary_for_trainers(rows[:2]) is None
    assert summary_for_trainers(rows[:3])["cohorts"] == 3


@pytest.mark.parametrize("df", [1, 2, 3, 4, 7, 8, 33, 100, 301])
@pytest.mark.parametrize("x", [1e-3, 0.5, 1.0, 3.0, 7.5, 20.0, 60.0, 150.0, 400.0, 1500.0])
def test_chi_square_tail_matches_scipy(x, df):
    expected = stats.chi2.sf(x, df)
    assert chi2_sf(x, df) == pytest.approx(expected, rel=1e-11, abs=1e-300)


def test_chi_square_tail_at_zero_is_one_and_needs_whole_df():
    assert chi2_sf(0.0, 3) == 1.0
    with pytest.raises(ValueError):
        chi2_sf(1.0, 0)


def test_a_report_pairs_nobody_of_an_unpaired_cohort_but_counts_them_in_the_phases():
    _, submissions, gains = simulated_cohorts()
    whole = cohort_report(BANK, submissions)
    report = cohort_report(BANK, submissions, unpaired={"c0"})
    assert report["phases"] == whole["phases"]
    assert report["paired"]["n"] == whole["paired"]["n"] - len(gains["c0"])
    others = [gain for cohort_id, own in gains.items() if cohort_id != "c0" for gain in own]
    assert report["paired"]["mean_gain"] == close(np.mean(others))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(-100, 100), st.floats(1e-3, 1e3)),
        min_size=1,
        max_size=40,
    )
)
def test_any_set_of_cohorts_gives_a_summary_inside_its_bounds(cohorts):
    effects, variances = zip(*cohorts, strict=True)
    meta = dersimonian_laird(effects, variances)
    assert meta["ci95"][0] <= meta["estimate"] <= meta["ci95"][1]
    assert min(effects) - 1e-9 <= meta["estimate"] <= max(effects) + 1e-9
    if len(effects) > 1:
        assert meta["tau2"] >= 0 and 0 <= meta["i2"] < 1 and 0 <= meta["q_p"] <= 1
