"""A forest plot of cohorts' mean gains and their summary, as inline SVG drawn on the server.

    forest_plot(report, _, signed=plain_signed, chart_id="forest") -> Markup | None

`report` is an evaluator report (`cohorts` and `meta`, domain/cohort_comparison.py) or any dict of
that shape: the trainer page passes its own cohort's row and the summary of the others. `_` is
gettext as flask_babel calls it (`_(message, **variables)`), `signed` formats a change with its sign
in the page's locale (web/formatting.signed). None when there is nothing to draw.

Each cohort takes two lines, its name and figures above its interval, so that the text keeps the
charts' 16 units (above 14 px on a 390-px phone) without a column of labels squeezing the axis.
The square's area follows the cohort's weight in the summary; the diamond spans the summary's
95% interval; the dashed line is no change. Withheld rows say so and draw nothing. Like
web/charts.py: no Flask imports, Okabe-Ito colours, a <title> and <desc> on the chart and a
<title> on every row, no JavaScript.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from markupsafe import Markup, escape

from service.web import svg
from service.web.svg import (
    AFTER,
    BOLD_CHAR,
    CHAR,
    GRID,
    INK,
    LINE,
    MUTED,
    WIDTH,
    Signed,
    Translate,
    plain_signed,
)

SUMMARY = "#D55E00"  # Okabe-Ito vermillion: the diamond differs from the squares in colour and shape
ROW = 2 * LINE + 6
MARGIN = 10
AXIS_MARGIN = 24  # room for the first and last tick's text


def forest_plot(
    report: Mapping,
    _: Translate,
    *,
    signed: Signed = plain_signed,
    chart_id: str = "forest",
    summary_label: str | None = None,
) -> Markup | None:
    """The cohorts of `report["cohorts"]` and the summary `report["meta"]`, or None with nothing to draw.
    `summary_label` names the summary ("All groups (8)" by default; the trainer page: the other groups)."""
    rows = list(report.get("cohorts") or [])
    meta = report.get("meta") or {}
    drawn = [row for row in rows if row.get("mean_gain") is not None]
    if not drawn and meta.get("estimate") is None:
        return None
    scale = _Scale.covering(drawn, meta)
    parts, y = [], 0.0
    weights = _weights(drawn, meta)
    for row in rows:
        parts.append(_cohort_row(row, y, scale, weights.get(row["cohort_id"]), _, signed))
        y += ROW
    if meta.get("estimate") is not None:
        name = summary_label or _("All groups (%(cohorts)s)", cohorts=meta["cohorts"])
        words = _summary_words(meta, summary_label, _, signed)
        parts.append(_summary_row(meta, name, words, y, scale, signed))
        y += ROW
    axis_top = y
    parts.insert(0, svg.line(scale.x(0.0), 0, scale.x(0.0), axis_top, MUTED, 1.5, "5 4"))
    parts.append(svg.line(MARGIN, axis_top, WIDTH - MARGIN, axis_top, GRID, 1))
    for tick in scale.ticks():
        parts.append(svg.text(scale.x(tick), axis_top + LINE, signed(tick, 0) if tick else "0", "middle", fill=MUTED))
    parts.append(svg.text(WIDTH / 2, axis_top + 2 * LINE + 2, _("Change in percentage points"), "middle"))
    title = _("Mean change per group, with %(level)s%% intervals", level=95)
    desc = _description(rows, meta, summary_label, _, signed)
    return svg.document(chart_id, axis_top + 2 * LINE + 10, title, desc, parts)


class _Scale:
    """Percentage points to x: the intervals, the summary and zero all fit, with round ticks."""

    def __init__(self, low: float, high: float):
        self.step = _tick_step(high - low)
        self.low = math.floor(low / self.step) * self.step
        self.high = math.ceil(high / self.step) * self.step

    @classmethod
    def covering(cls, rows: list[dict], meta: Mapping) -> _Scale:
        values = [0.0]
        for row in rows:
            values += [value for value in (row["mean_gain"], *row["gain_ci95"]) if value is not None]
        values += [value for value in (meta.get("estimate"), *(meta.get("ci95") or [])) if value is not None]
        low, high = min(values), max(values)
        return cls(low, high if high > low else low + 1.0)

    def x(self, value: float) -> float:
        return AXIS_MARGIN + (value - self.low) / (self.high - self.low) * (WIDTH - 2 * AXIS_MARGIN)

    def ticks(self) -> list[float]:
        count = round((self.high - self.low) / self.step)
        return [self.low + i * self.step for i in range(count + 1)]


def _tick_step(span: float) -> float:
    """A round step giving at most 6 ticks over the span: 1, 2, 5, 10, 20, 50 … points."""
    magnitude = 10 ** math.floor(math.log10(max(span, 1e-9)))
    for step in (1, 2, 5, 10):
        if span / (step * magnitude) <= 5:
            return step * magnitude
    return 10 * magnitude


def _weights(rows: list[dict], meta: Mapping) -> dict[str, float]:
    """Each cohort's share of the summary's weight, 1 / (its variance + tau²), as the summary weighs it."""
    tau2 = meta.get("tau2") or 0.0
    raw = {
        row["cohort_id"]: 1.0 / (row["sd_gain"] ** 2 / row["paired_n"] + tau2)
        for row in rows
        if row.get("sd_gain") and row.get("paired_n")
    }
    total = sum(raw.values())
    return {cohort: weight / total for cohort, weight in raw.items()} if total else {}


def _cohort_row(row: Mapping, y: float, scale: _Scale, weight: float | None, _: Translate, signed: Signed) -> str:
    name = row.get("label") or row["cohort_id"]
    words = f"{name}: {_cohort_words(row, _, signed)}"
    if row.get("mean_gain") is None:  # withheld, or nobody took both tests: words only
        return f"<g><title>{escape(words)}</title>{svg.text(MARGIN, y + LINE - 4, _fit(words, WIDTH - 2 * MARGIN))}</g>"
    parts = [f"<g><title>{escape(words)}</title>", *_label(name, _short(row["mean_gain"], row["gain_ci95"], signed), y)]
    middle = y + LINE + 12
    low, high = row["gain_ci95"]
    if low is not None:
        parts.append(svg.line(scale.x(low), middle, scale.x(high), middle, INK, 2))
    side = 6 + 10 * math.sqrt(weight) if weight else 6
    x = scale.x(row["mean_gain"])
    parts.append(f'<rect x="{x - side / 2:.1f}" y="{middle - side / 2:.1f}" width="{side:.1f}" height="{side:.1f}" ')
    parts.append(f'fill="{AFTER}"/></g>')
    return "".join(parts)


def _summary_row(meta: Mapping, name: str, words: str, y: float, scale: _Scale, signed: Signed) -> str:
    middle = y + LINE + 12
    low, high = meta["ci95"]
    centre = scale.x(meta["estimate"])
    points = f"{scale.x(low):.1f},{middle:.1f} {centre:.1f},{middle - 8:.1f} {scale.x(high):.1f},{middle:.1f} "
    points += f"{centre:.1f},{middle + 8:.1f}"
    label = "".join(_label(name, _short(meta["estimate"], meta["ci95"], signed), y, bold=True))
    return f'<g><title>{escape(words)}</title>{label}<polygon points="{points}" fill="{SUMMARY}"/></g>'


def _label(name: str, figures: str, y: float, bold: bool = False) -> list[str]:
    """The name at the left (cut to the room the figures leave), the figures at the right."""
    room = WIDTH - 2 * MARGIN - len(figures) * CHAR - 12
    name_text = svg.text(
        MARGIN, y + LINE - 4, _fit(name, room, BOLD_CHAR if bold else CHAR), weight="bold" if bold else None
    )
    return [name_text, svg.text(WIDTH - MARGIN, y + LINE - 4, figures, "end")]


def _short(mean: float, interval: list, signed: Signed) -> str:
    """+21.2 [+18.2, +24.1]: the forest plot's usual column; the row's <title> says it in words."""
    low, high = interval
    if low is None:
        return signed(mean, 1)
    return f"{signed(mean, 1)} [{signed(low, 1)}, {signed(high, 1)}]"


def _cohort_words(row: Mapping, _: Translate, signed: Signed) -> str:
    if row.get("withheld"):
        return _("withheld, too few pairs")
    if row.get("mean_gain") is None:
        return _("nobody took both tests")
    low, high = row["gain_ci95"]
    if low is None:
        return _("%(mean)s (n = %(n)s)", mean=signed(row["mean_gain"], 1), n=row["paired_n"])
    return _(
        "%(mean)s, 95%% CI %(low)s to %(high)s (n = %(n)s)",
        mean=signed(row["mean_gain"], 1),
        low=signed(low, 1),
        high=signed(high, 1),
        n=row["paired_n"],
    )


def _summary_words(meta: Mapping, name: str | None, _: Translate, signed: Signed) -> str:
    low, high = meta["ci95"]
    return _(
        "%(name)s: %(mean)s, 95%% CI %(low)s to %(high)s",
        name=name or _("All groups (%(cohorts)s)", cohorts=meta["cohorts"]),
        mean=signed(meta["estimate"], 1),
        low=signed(low, 1),
        high=signed(high, 1),
    )


def _description(rows: list, meta: Mapping, name: str | None, _: Translate, signed: Signed) -> str:
    sentences = [
        _("Each line is a group's mean change with its %(level)s%% interval; the dashed line is no change.", level=95)
    ]
    if meta.get("estimate") is not None:
        sentences.append(_summary_words(meta, name, _, signed) + ".")
        if meta.get("i2") is not None:
            sentences.append(
                _(
                    "Differences between groups beyond chance (I²): %(i2)s%%.",
                    i2=f"{meta['i2'] * 100:.0f}",
                )
            )
    withheld = sum(1 for row in rows if row.get("withheld"))
    if withheld:
        sentences.append(_("Groups withheld (too few people to show): %(n)s.", n=withheld))
    return " ".join(sentences)


def _fit(words: str, room: float, char: float = CHAR) -> str:
    """Words cut to `room` units, with an ellipsis: the row's <title> has the whole text."""
    limit = max(4, int(room / char))
    return words if len(words) <= limit else words[: limit - 1] + "…"
