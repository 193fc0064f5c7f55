"""Indicators against targets: values and intervals from a disclosed report, met or not, and how
sure; the coordinator's form of targets."""

import pytest

from service.domain.indicators import check_targets, indicator_table, wilson


def report(pre_n=20, paired_n=16, improved=12, mean_gain=18.0, ci=(11.0, 25.0)):
    return {
        "phases": {"pre": {"n": pre_n}, "post": {"n": paired_n}},
        "paired": {"n": paired_n, "improved": improved, "mean_gain": mean_gain, "gain_ci95": list(ci)},
    }


def test_wilson_matches_a_published_value_and_stays_within_0_and_100():
    low, high = wilson(12, 16)  # 0.75 of 16: Wilson 95% 0.505-0.898 (Newcombe 1998's method 3)
    assert (round(low, 1), round(high, 1)) == (50.5, 89.8)
    assert wilson(16, 16)[1] == 100.0 and wilson(0, 16)[0] == 0.0
    assert wilson(0, 0) is None


def test_each_indicator_has_its_value_interval_and_whether_the_target_is_met():
    rows = {row["indicator"].name: row for row in indicator_table(report(), {"improved_share": 70, "mean_gain": 20})}
    improved = rows["improved_share"]
    assert improved["value"] == 75.0 and improved["met"] is True and improved["sure"] is False  # 50.5 < 70
    gain = rows["mean_gain"]
    assert gain["value"] == 18.0 and gain["interval"] == (11.0, 25.0) and gain["met"] is False
    assert gain["sure"] is False  # the interval reaches 25 > 20
    pairing = rows["pairing_rate"]
    assert pairing["value"] == 80.0 and pairing["target"] is None and pairing["met"] is None


def test_a_target_far_below_the_interval_is_met_for_sure_and_no_pairs_is_no_value():
    rows = {row["indicator"].name: row for row in indicator_table(report(), {"mean_gain": 5})}
    assert rows["mean_gain"]["met"] is True and rows["mean_gain"]["sure"] is True
    empty = indicator_table(report(pre_n=0, paired_n=0, improved=0, mean_gain=None, ci=(None, None)), {"mean_gain": 5})
    assert all(row["value"] is None and row["met"] is None for row in empty)


@pytest.mark.parametrize(
    ("given", "targets", "problems"),
    [
        (
            {"improved_share": "70", "mean_gain": "15,5", "pairing_rate": ""},
            {"improved_share": 70.0, "mean_gain": 15.5},
            set(),
        ),
        ({"improved_share": "170"}, {}, {"improved_share"}),
        ({"mean_gain": "-20"}, {"mean_gain": -20.0}, set()),
        ({"pairing_rate": "nan"}, {}, {"pairing_rate"}),
        ({"pairing_rate": "lots"}, {}, {"pairing_rate"}),
    ],
)
def test_the_targets_form_takes_numbers_within_each_indicators_bounds(given, targets, problems):
    checked, found = check_targets(given)
    assert checked == targets and set(found) == problems
