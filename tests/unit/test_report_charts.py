"""The evaluator's charts: words for screen readers, a mark per target, nothing drawn for a missing value."""

import re

from service.domain.indicators import indicator_table
from service.web.report_charts import indicator_chart, score_chart


def words(message, **variables):
    return message % variables if variables else message


def report(mean_gain=-12.0):
    bins = [
        {"low": low, "high": low + 10, "n": n}
        for low, n in zip(range(0, 100, 10), [0, 1, 2, 3, 4, 0, 0, 0, 0, 0], strict=True)
    ]
    return {
        "phases": {"pre": {"n": 10, "histogram": bins}, "post": {"n": 0, "histogram": []}},
        "paired": {
            "n": 0 if mean_gain is None else 8,
            "improved": 2,
            "mean_gain": mean_gain,
            "gain_ci95": [-20.0, -4.0],
        },
    }


def test_the_indicator_chart_has_a_bar_per_value_a_mark_per_target_and_room_for_a_fall():
    svg = str(indicator_chart(indicator_table(report(), {"mean_gain": 15, "pairing_rate": 80}), words))
    assert '<title id="ind-title">Indicators against targets</title>' in svg and '<desc id="ind-desc">' in svg
    assert svg.count("<path ") == 2  # two targets
    assert svg.count("<rect ") == 3  # improved, a negative gain, the pairing rate
    assert ">-50<" in svg  # a negative gain widens the scale below zero


def test_an_indicator_without_a_value_draws_no_bar_and_an_empty_phase_no_bars():
    svg = str(indicator_chart(indicator_table(report(mean_gain=None), {}), words))
    assert svg.count("<rect ") == 1  # only the pairing rate (0 of 10) is defined
    scores = str(score_chart(report(), words))
    heights = [float(h) for h in re.findall(r'<rect [^>]*height="([\d.]+)"', scores)]
    assert len(heights) == 10 + 2  # ten bins before, none after, and the legend's two
