"""Retention figures (issue 18) checked against scipy on a seeded simulated cohort: 60 take the
pre-test, 52 the post-test, 40 come back for the follow-up months later, some of whom forgot."""

from __future__ import annotations

import random

import pytest
from scipy import stats

from service.domain.retention import item_retention, retention


def simulated(seed: int = 7):
    rng = random.Random(seed)
    pre, post, follow = {}, {}, {}
    for i in range(60):
        key = ("c1", f"p{i:02d}")
        ability = rng.gauss(45, 12)
        pre[key] = round(min(100, max(0, ability + rng.gauss(0, 8))), 1)
        if i < 52:
            post[key] = round(min(100, max(0, ability + 25 + rng.gauss(0, 8))), 1)
        if 8 <= i < 56:  # four come back who skipped the post-test; the first eight never return
            follow[key] = round(min(100, max(0, ability + 12 + rng.gauss(0, 10))), 1)
    return pre, post, follow


def test_the_change_since_the_training_is_scipys_paired_t_with_its_interval():
    pre, post, follow = simulated()
    figures = retention(pre, post, follow)

    both = sorted(post.keys() & follow.keys())
    reference = stats.ttest_rel([follow[k] for k in both], [post[k] for k in both])
    interval = reference.confidence_interval(0.95)
    assert figures["n"] == len(both) == 44
    assert figures["mean_change"] == pytest.approx(sum(follow[k] - post[k] for k in both) / 44, rel=1e-12)
    assert figures["change_ci95"] == pytest.approx([interval.low, interval.high], rel=1e-9)
    assert figures["change_p"] == pytest.approx(reference.pvalue, rel=1e-9)
    assert figures["mean_post_percent"] == pytest.approx(sum(post[k] for k in both) / 44)
    assert figures["mean_follow_up_percent"] == pytest.approx(sum(follow[k] for k in both) / 44)


def test_what_is_left_of_the_gain_is_the_pre_to_follow_up_paired_t():
    pre, post, follow = simulated()
    figures = retention(pre, post, follow)

    both = sorted(pre.keys() & follow.keys())
    interval = stats.ttest_rel([follow[k] for k in both], [pre[k] for k in both]).confidence_interval(0.95)
    assert figures["n_pre_follow_up"] == 48
    assert figures["pre_follow_up_gain_ci95"] == pytest.approx([interval.low, interval.high], rel=1e-9)


def test_the_retained_share_counts_those_at_or_above_pre_plus_half_their_gain():
    key = lambda name: ("c1", name)  # noqa: E731
    pre = {key("a"): 40.0, key("b"): 40.0, key("c"): 40.0, key("d"): 50.0}
    post = {key("a"): 80.0, key("b"): 80.0, key("c"): 80.0, key("d"): 40.0}
    follow = {key("a"): 60.0, key("b"): 59.9, key("c"): 90.0, key("d"): 45.0}
    # a: exactly pre + half the gain (60) -> retained; b: just under; c: above; d lost ground at
    # the post-test (gain -10): 45 is the threshold, and 45 >= 45 -> retained

    figures = retention(pre, post, follow)

    assert (figures["n_all_three"], figures["retained_share"]) == (4, 0.75)


def test_no_follow_up_yet_gives_counts_of_zero_and_no_figures():
    pre, post, _ = simulated()
    figures = retention(pre, post, {})

    assert figures["n"] == figures["n_pre_follow_up"] == figures["n_all_three"] == 0
    assert figures["mean_change"] is None and figures["retained_share"] is None
    assert figures["change_ci95"] == [None, None]


def test_an_item_forgotten_by_more_than_learned_again_is_mcnemars_exact_test():
    key = lambda i: ("c1", f"p{i}")  # noqa: E731
    post = {key(i): 1.0 for i in range(20)} | {key(i): 0.0 for i in range(20, 25)}
    follow = {key(i): (0.0 if i < 9 else 1.0) for i in range(25)} | {key(99): 1.0}  # p99: no post-test

    row = item_retention(post, follow)

    assert (row["n"], row["lost"], row["gained"]) == (25, 9, 5)
    assert row["facility_follow_up"] == pytest.approx(16 / 25)
    assert row["mcnemar_p_post_follow_up"] == pytest.approx(stats.binomtest(9, 14, 0.5).pvalue, rel=1e-12)
