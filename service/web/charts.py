"""Charts of the cohort report for the trainer's page: inline SVG drawn on the server.

No chart JavaScript and no external requests. Each chart is an <svg> with a viewBox 400 units
wide and width 100%, so it scales to the page: text is at least 16 units, which stays above
14 px on a 390-px phone and is large on a projector. Colours come from the Okabe-Ito palette,
which people with the common colour-vision deficiencies tell apart, and "before" and "after"
also differ in shape (hollow and filled) and position, never in colour alone. Every chart has a
<title> and a <desc> saying in words what it shows, and every bar or dot a <title> with its
numbers, for screen readers and for hovering.

This module imports nothing from Flask, so it is tested as plain functions. It is not in
`service/domain` because it is presentation (words, colours, markup); the words come in through
`_`, which is flask_babel's gettext on the page and a plain formatter in the unit tests.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from service.web import svg
from service.web.svg import (
    AFTER,
    BEFORE,
    BEFORE_EDGE,
    BOLD_CHAR,
    FELL,
    FLAG_BAND,
    FLAG_INK,
    GRID,
    INK,
    LINE,
    MUTED,
    ROSE,
    SAME,
    WIDTH,
    Signed,
    Translate,
    plain_signed,
)


@dataclass(frozen=True)
class ItemRow:
    """One question as the facility chart draws it."""

    number: int
    facility_pre: float | None
    facility_post: float | None
    flagged: bool
    label: str = ""  # the question's text, shortened to one line of the chart


@dataclass(frozen=True)
class TopicRow:
    label: str
    pre: dict  # the report's summary of the topic's percent scores in that phase
    post: dict


def score_distribution(phases: dict, _: Translate, chart_id: str = "scores") -> Markup | None:
    """Grouped bars: participants per 10-point score range, before and after, with each phase's mean."""
    pre, post = phases["pre"], phases["post"]
    if not pre["n"] and not post["n"]:
        return None
    legend = [
        (
            svg.box(BEFORE, BEFORE_EDGE),
            _("Before: n = %(n)s, mean %(mean)s", n=pre["n"], mean=_percent(pre["mean_percent"])),
        ),
        (svg.box(AFTER), _("After: n = %(n)s, mean %(mean)s", n=post["n"], mean=_percent(post["mean_percent"]))),
    ]
    legend_svg, top = svg.legend(legend, 0)
    most = max(b["n"] for b in pre["histogram"] + post["histogram"])
    plot = svg.Plot(left=36, top=top + 12, width=WIDTH - 36 - 18, height=170, most=most)
    parts = [legend_svg, plot.y_grid()]
    slot = plot.width / len(pre["histogram"])
    bar = (slot - 6) / 2
    for i, (before, after) in enumerate(zip(pre["histogram"], post["histogram"], strict=True)):
        x = plot.left + i * slot + 3
        bin_label = f"{before['low']}–{before['high']}%"
        before_words = _("Before, %(range)s: %(n)s", range=bin_label, n=before["n"])
        after_words = _("After, %(range)s: %(n)s", range=bin_label, n=after["n"])
        parts.append(plot.bar(x, bar, before["n"], BEFORE, before_words, BEFORE_EDGE))
        parts.append(plot.bar(x + bar, bar, after["n"], AFTER, after_words))
    for summary, colour, dash in ((pre, BEFORE_EDGE, "6 4"), (post, AFTER, "2 3")):
        if summary["mean_percent"] is not None:
            x = plot.left + summary["mean_percent"] / 100 * plot.width
            parts.append(svg.line(x, plot.top - 6, x, plot.bottom, colour, 2.5, dash))
    for tick in range(0, 101, 20):
        parts.append(svg.text(plot.left + tick / 100 * plot.width, plot.bottom + LINE, str(tick), "middle", fill=MUTED))
    parts.append(svg.text(WIDTH / 2, plot.bottom + 2 * LINE + 2, _("Score (%) · dashed lines: means"), "middle"))
    desc = " ".join(
        [
            _("Bars count participants in each 10-point range of score."),
            _phase_words(_("Before the training"), pre, _),
            _phase_words(_("After the training"), post, _),
        ]
    )
    title = _("Scores before and after the training")
    return svg.document(chart_id, plot.bottom + 2 * LINE + 10, title, desc, parts)


def gain_distribution(
    paired: dict, _: Translate, chart_id: str = "gains", signed: Signed = plain_signed
) -> Markup | None:
    """Bars of each paired participant's change: falls, no change and rises in 10-point steps."""
    if not paired["n"]:
        return None
    bins = paired["gain_histogram"]
    zero = len(bins) // 2
    used = [i for i, gain_bin in enumerate(bins) if gain_bin["n"]]
    # Show the bins in use and two on each side of "no change", not the empty tails out to +-100.
    first, last = max(0, min([*used, zero - 2]) - 1), min(len(bins) - 1, max([*used, zero + 2]) + 1)
    shown = bins[first : last + 1]
    counts = [
        (svg.box(ROSE), _("%(n)s rose", n=paired["improved"])),
        (svg.box(SAME, MUTED), _("%(n)s unchanged", n=paired["unchanged"])),
        (svg.box(FELL), _("%(n)s fell", n=paired["declined"])),
    ]
    legend_svg, top = svg.legend(counts, 0)
    mean_line = _mean_gain_words(paired, _, signed)
    parts = [legend_svg]
    for line in svg.wrap(mean_line, WIDTH):
        top += LINE
        parts.append(svg.text(0, top - 2, line))
    most = max(gain_bin["n"] for gain_bin in shown)
    plot = svg.Plot(left=36, top=top + 16, width=WIDTH - 36 - 18, height=150, most=most)
    parts.append(plot.y_grid())
    slot = plot.width / len(shown)

    def x_of(gain: float) -> float:
        """Where a gain sits on the axis: falls left of the no-change slot, rises right of it."""
        centre = plot.left + (zero - first + 0.5) * slot
        if abs(gain) < 1e-9:
            return centre
        return centre + math.copysign(slot / 2 + abs(gain) / 10 * slot, gain)

    if paired["gain_ci95"][0] is not None:
        low, high = (x_of(bound) for bound in paired["gain_ci95"])
        band = f'x="{low:.1f}" y="{plot.top - 8}" width="{high - low:.1f}" height="{plot.height + 8}"'
        parts.append(f'<rect {band} fill="{ROSE}" fill-opacity="0.12"/>')
    for i, gain_bin in enumerate(shown, start=first):
        colour, edge = (FELL, None) if i < zero else (SAME, MUTED) if i == zero else (ROSE, None)
        words = _gain_bin_words(gain_bin, _, signed)
        parts.append(plot.bar(plot.left + (i - first) * slot + 2, slot - 4, gain_bin["n"], colour, words, edge))
    if paired["mean_gain"] is not None:
        x = x_of(paired["mean_gain"])
        parts.append(svg.line(x, plot.top - 8, x, plot.bottom, INK, 2.5, "6 4"))
    step = 10 if len(shown) <= 11 else 20 if len(shown) <= 21 else 50
    for tick in range(-100, 101, step):
        x = x_of(tick)
        if plot.left - 1 <= x <= plot.left + plot.width + 1:
            parts.append(svg.text(x, plot.bottom + LINE, signed(tick, 0) if tick else "0", "middle", fill=MUTED))
    parts.append(svg.text(WIDTH / 2, plot.bottom + 2 * LINE + 2, _("Change in score (percentage points)"), "middle"))
    title = _("Change of each participant who took both tests")
    desc = " ".join(
        [_("Bars count participants by how much their score changed."), *(words for _box_, words in counts), mean_line]
    )
    return svg.document(chart_id, plot.bottom + 2 * LINE + 10, title, desc, parts)


def topic_means(topics: Sequence[TopicRow], _: Translate, chart_id: str = "topics") -> Markup | None:
    """Per topic, the mean percent before and after as two bars under the topic's name."""
    if not topics or not any(row.pre["n"] or row.post["n"] for row in topics):
        return None
    legend_svg, y = svg.legend([(svg.box(BEFORE, BEFORE_EDGE), _("Before")), (svg.box(AFTER), _("After"))], 0)
    parts = [legend_svg]
    bar_height, value_room = 16, 56
    scale = (WIDTH - value_room) / 100
    for row in topics:
        for line in svg.wrap(row.label, WIDTH, BOLD_CHAR):
            y += LINE
            parts.append(svg.text(0, y - 5, line, weight="600"))
        for phase, summary, colour, edge in (
            ("before", row.pre, BEFORE, BEFORE_EDGE),
            ("after", row.post, AFTER, None),
        ):
            mean = summary["mean_percent"]
            words = _topic_words(row.label, phase, summary, _)
            if mean is not None:
                parts.append(svg.rect(0, y, max(mean * scale, 1.5), bar_height, colour, words, edge))
            parts.append(
                svg.text((mean or 0) * scale + 6, y + bar_height - 2, _percent(mean) if mean is not None else "–")
            )
            y += bar_height + 3
        y += 10
    title = _("Mean score by topic, before and after the training")
    desc = " ".join(
        _topic_words(row.label, phase, s, _)
        for row in topics
        for phase, s in (("before", row.pre), ("after", row.post))
    )
    return svg.document(chart_id, y + 4, title, desc, parts)


def item_facility(items: Sequence[ItemRow], _: Translate, chart_id: str = "questions") -> Markup | None:
    """Per question, the share answering correctly before (hollow) and after (filled), flagged rows marked."""
    if not items or all(row.facility_pre is None and row.facility_post is None for row in items):
        return None
    legend = [(svg.dot(8, -5, BEFORE_EDGE, hollow=True), _("before")), (svg.dot(8, -5, AFTER), _("after"))]
    if any(row.flagged for row in items):
        legend.append((svg.text(4, 0, "!", weight="700", fill=FLAG_INK), _("flagged, see below")))
    legend_svg, top = svg.legend(legend, 0)
    left, value_room = 46, 78
    labelled = any(row.label for row in items)
    label_room = LINE if labelled else 0
    row_height = 28 + label_room
    scale = (WIDTH - left - value_room - 10) / 100
    parts = [legend_svg]
    axis_y = top + LINE
    for tick in (0, 25, 50, 75, 100):
        x = left + tick * scale
        parts.append(svg.text(x, axis_y - 4, f"{tick}%" if tick in (0, 100) else str(tick), "middle", fill=MUTED))
        parts.append(svg.line(x, axis_y + 2, x, axis_y + 6 + len(items) * row_height, GRID, 1))
    for index, row in enumerate(items):
        y = axis_y + 6 + index * row_height
        if row.flagged:
            parts.append(f'<rect x="0" y="{y + 1}" width="{WIDTH}" height="{row_height - 2}" fill="{FLAG_BAND}"/>')
        if row.label:
            parts.append(svg.text(4, y + label_room - 4, svg.shorten(row.label, WIDTH - 8)))
        y += label_room
        middle = y + 14
        label = f"{row.number}{' !' if row.flagged else ''}"
        parts.append(
            svg.text(
                left - 10,
                middle + 6,
                label,
                "end",
                weight="700" if row.flagged else None,
                fill=FLAG_INK if row.flagged else INK,
            )
        )
        parts.append(_item_dumbbell(row, left, scale, middle, _))
        values = f"{_whole(row.facility_pre)}→{_whole(row.facility_post)}"
        parts.append(svg.text(WIDTH - 2, middle + 6, values, "end"))
    flagged = [str(row.number) for row in items if row.flagged]
    desc = _("Share of participants who answered each question correctly, before and after the training.")
    if flagged:
        desc += " " + _("Flagged questions: %(numbers)s.", numbers=", ".join(flagged))
    title = _("Questions answered correctly, before and after")
    return svg.document(chart_id, axis_y + 12 + len(items) * row_height, title, desc, parts)


def _item_dumbbell(row: ItemRow, left: float, scale: float, middle: float, _: Translate) -> str:
    words = _(
        "Question %(number)s: %(before)s before, %(after)s after",
        number=row.number,
        before=_whole(row.facility_pre, "%"),
        after=_whole(row.facility_post, "%"),
    )
    points = [
        (value * 100 * scale + left) if value is not None else None for value in (row.facility_pre, row.facility_post)
    ]
    parts = [f"<g><title>{escape(words)}</title>"]
    if None not in points:
        parts.append(svg.line(points[0], middle, points[1], middle, MUTED, 3))
    if points[0] is not None:
        parts.append(svg.dot(points[0], middle, BEFORE_EDGE, hollow=True))
    if points[1] is not None:
        parts.append(svg.dot(points[1], middle, AFTER))
    return "".join(parts) + "</g>"


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}%"


def _whole(fraction: float | None, suffix: str = "") -> str:
    return "–" if fraction is None else f"{fraction * 100:.0f}{suffix}"


def _phase_words(name: str, summary: dict, _: Translate) -> str:
    if not summary["n"]:
        return _("%(phase)s: nobody yet.", phase=name)
    return _(
        "%(phase)s: n = %(n)s, mean %(mean)s, median %(median)s.",
        phase=name,
        n=summary["n"],
        mean=_percent(summary["mean_percent"]),
        median=_percent(summary["median_percent"]),
    )


def _mean_gain_words(paired: dict, _: Translate, signed: Signed) -> str:
    mean = signed(paired["mean_gain"], 1)
    low, high = paired["gain_ci95"]
    if low is None:
        return _("Mean change %(mean)s (n = %(n)s)", mean=mean, n=paired["n"])
    return _(
        "Mean change %(mean)s, 95%% CI %(low)s to %(high)s (n = %(n)s)",
        mean=mean,
        low=signed(low, 1),
        high=signed(high, 1),
        n=paired["n"],
    )


def _gain_bin_words(gain_bin: dict, _: Translate, signed: Signed) -> str:
    if gain_bin["low"] == gain_bin["high"]:
        return _("No change: %(n)s", n=gain_bin["n"])
    low, high = signed(gain_bin["low"], 0), signed(gain_bin["high"], 0)
    return _("%(low)s to %(high)s points: %(n)s", low=low, high=high, n=gain_bin["n"])


def _topic_words(label: str, phase: str, summary: dict, _: Translate) -> str:
    mean = _percent(summary["mean_percent"])
    if phase == "before":
        return _("%(topic)s, before: mean %(mean)s (n = %(n)s)", topic=label, mean=mean, n=summary["n"])
    return _("%(topic)s, after: mean %(mean)s (n = %(n)s)", topic=label, mean=mean, n=summary["n"])


def report_charts(
    report: dict, bank, language: str, _: Translate, signed: Signed = plain_signed
) -> dict[str, Markup | None]:
    """The trainer page's four charts of a cohort report; None where there is nothing to draw yet."""
    phases = report["phases"]
    topics = [
        TopicRow(topic.label.get(language) or next(iter(topic.label.values())), *_topic_phases(phases, topic.id))
        for topic in bank.topics
    ]
    prompts = {q.id: q.prompt.get(language) or next(iter(q.prompt.values()), "") for q in bank.questions}
    items = [
        ItemRow(
            number,
            item["facility_pre"],
            item["facility_post"],
            bool(item["flags"]),
            prompts.get(item["question_id"], ""),
        )
        for number, item in enumerate(report["items"], start=1)
    ]
    return {
        "scores": score_distribution(phases, _),
        "gains": gain_distribution(report["paired"], _, signed=signed),
        "topics": topic_means(topics, _),
        "questions": item_facility(items, _),
    }


def _topic_phases(phases: dict, topic_id: str) -> tuple[dict, dict]:
    nobody = {"n": 0, "mean_percent": None}
    return tuple(phases[phase]["by_topic"].get(topic_id, nobody) for phase in ("pre", "post"))
