"""The three-point chart of the follow-up (issue 18): the mean score before, after and at the
follow-up, as inline SVG drawn on the server, in the style of web/charts.py (viewBox 400 wide,
text at least 16 units, Okabe-Ito colours, a <title> and <desc> in words). No Flask imports."""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup, escape

from service.web import svg
from service.web.svg import AFTER, BEFORE_EDGE, GRID, INK, MUTED, WIDTH

LATER = "#009E73"  # Okabe-Ito bluish green: the follow-up
HEIGHT = 220
TOP, BOTTOM, LEFT, RIGHT = 24, 170, 48, 24


def three_points(
    means: list[tuple[str, float | None, int]], number: Callable[[float], str], _: Callable[..., str]
) -> Markup | None:
    """`means`: (label, mean percent or None, n) for before, after and the follow-up, in that order."""
    shown = [(label, mean, n) for label, mean, n in means if mean is not None]
    if len(shown) < 2:
        return None
    step = (WIDTH - LEFT - RIGHT) / (len(means) - 1)

    def y(percent: float) -> float:
        return BOTTOM - (BOTTOM - TOP) * percent / 100

    summary = "; ".join(f"{label}: {number(mean)} % (n = {n})" for label, mean, n in shown)
    parts = []
    for grid in (0, 50, 100):
        parts.append(svg.line(LEFT, y(grid), WIDTH - RIGHT, y(grid), GRID, 1))
        parts.append(svg.text(LEFT - 6, y(grid) + 5, str(grid), "end", fill=MUTED))
    points = [(LEFT + step * i, mean) for i, (_label, mean, _n) in enumerate(means)]
    line = " ".join(f"{x:.1f},{y(mean):.1f}" for x, mean in points if mean is not None)
    parts.append(f'<polyline points="{line}" fill="none" stroke="{INK}" stroke-width="2"/>')
    for (x, mean), (label, _mean, n), colour in zip(points, means, (BEFORE_EDGE, AFTER, LATER), strict=False):
        anchor = "start" if x == LEFT else ("end" if x >= WIDTH - RIGHT else "middle")
        parts.append(svg.text(x, HEIGHT - 26, label, anchor))
        if mean is None:
            continue
        parts.append(f'<circle cx="{x:.1f}" cy="{y(mean):.1f}" r="8" fill="{colour}">')
        parts.append(f"<title>{escape(label)}: {escape(number(mean))} % (n = {n})</title></circle>")
        parts.append(svg.text(x, y(mean) - 14, number(mean), anchor, weight="bold"))
        parts.append(svg.text(x, HEIGHT - 6, f"n = {n}", anchor, fill=MUTED))
    return svg.document("ret", HEIGHT, _("Mean score before, after and at the follow-up"), summary, parts)
