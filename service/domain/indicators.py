"""Indicators against targets: the logframe table of a donor report. Pure: the coordinator's targets
per bank (stored as an item, service/store/items.py) and a pooled report that has been through
disclosure (service/domain/disclosure.py) in; each indicator's value, 95% interval and whether its
target is met out.

An indicator is met when its value reaches the target; the interval says how sure that is, and
`sure` says whether the whole interval lies on the same side of the target (with few participants
a value just over the target may be chance)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from service.errors import N_

Z95 = 1.959963984540054


@dataclass(frozen=True)
class Indicator:
    """What an indicator measures: a name, its label (English, translated where shown), unit and bounds."""

    name: str
    label: str
    short: str  # the label in a chart
    unit: str  # "percent" (of participants) or "points" (percentage points of the score)
    lowest: float
    highest: float


INDICATORS = (
    Indicator("improved_share", N_("Paired participants who improved"), N_("Improved, %"), "percent", 0, 100),
    Indicator("mean_gain", N_("Mean gain (percentage points)"), N_("Mean gain, points"), "points", -100, 100),
    Indicator(
        "pairing_rate", N_("Participants who took both tests (pairing rate)"), N_("Pairing rate, %"), "percent", 0, 100
    ),
)
BY_NAME = {indicator.name: indicator for indicator in INDICATORS}


def check_targets(given: Mapping[str, str]) -> tuple[dict[str, float], dict[str, str]]:
    """Targets from a form (empty: no target), and the problems (field -> English message)."""
    targets, problems = {}, {}
    for indicator in INDICATORS:
        text = (given.get(indicator.name) or "").strip().replace(",", ".")
        if not text:
            continue
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or not indicator.lowest <= value <= indicator.highest:
            problems[indicator.name] = N_("Give a number from %(lowest)s to %(highest)s, or leave it empty.")
        else:
            targets[indicator.name] = value
    return targets, problems


def wilson(successes: int, n: int) -> tuple[float, float] | None:
    """The Wilson score 95% interval of a proportion, in percent; None without anyone."""
    if n <= 0:
        return None
    p = successes / n
    denominator = 1 + Z95**2 / n
    centre = (p + Z95**2 / (2 * n)) / denominator
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / denominator
    return max(0.0, centre - half) * 100, min(1.0, centre + half) * 100


def indicator_values(report: Mapping) -> dict[str, dict]:
    """Each indicator's value (None when undefined), interval and n, from a disclosed report."""
    paired = report["paired"]
    n_paired, n_pre = paired["n"], report["phases"]["pre"]["n"]
    gain_interval = paired.get("gain_ci95")
    return {
        "improved_share": {
            "value": paired["improved"] / n_paired * 100 if n_paired else None,
            "interval": wilson(paired["improved"], n_paired),
            "n": n_paired,
        },
        "mean_gain": {
            "value": paired["mean_gain"],
            "interval": tuple(gain_interval) if gain_interval and None not in gain_interval else None,
            "n": n_paired,
        },
        "pairing_rate": {
            "value": n_paired / n_pre * 100 if n_pre else None,
            "interval": wilson(n_paired, n_pre),
            "n": n_pre,
        },
    }


def indicator_table(report: Mapping, targets: Mapping[str, float]) -> list[dict]:
    """One row per indicator: value, interval, n, target, met (None without a target or a value) and
    sure (the whole interval on the side of the target the value is on)."""
    values = indicator_values(report)
    rows = []
    for indicator in INDICATORS:
        figure = values[indicator.name]
        target = targets.get(indicator.name)
        value, interval = figure["value"], figure["interval"]
        met = None if target is None or value is None else value >= target
        sure = None
        if met is not None and interval is not None:
            sure = interval[0] >= target if met else interval[1] < target
        rows.append(
            {"indicator": indicator, **figure, "target": target, "met": met, "sure": sure},
        )
    return rows
