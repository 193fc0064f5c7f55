"""The three-point chart of the follow-up (issue 18): the mean score before, after and at the
follow-up, as inline SVG drawn on the server, in the style of web/charts.py (viewBox 400 wide,
text at least 16 units, Okabe-Ito colours, a <title> and <desc> in words). No Flask imports."""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup, escape

from service.web.charts import AFTER, BEFORE_EDGE, FONT, GRID, INK, MUTED, WIDTH

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
    parts = [
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" aria-labelledby="ret-t ret-d">',
        f'<title id="ret-t">{escape(_("Mean score before, after and at the follow-up"))}</title>',
        f'<desc id="ret-d">{escape(summary)}</desc>',
    ]
    for grid in (0, 50, 100):
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(grid):.1f}" y2="{y(grid):.1f}" stroke="{GRID}"/>')
        parts.append(
            f'<text x="{LEFT - 6}" y="{y(grid) + 5:.1f}" font-size="{FONT}" text-anchor="end" '
            f'fill="{MUTED}">{grid}</text>'
        )
    points = [(LEFT + step * i, mean) for i, (_label, mean, _n) in enumerate(means)]
    line = " ".join(f"{x:.1f},{y(mean):.1f}" for x, mean in points if mean is not None)
    parts.append(f'<polyline points="{line}" fill="none" stroke="{INK}" stroke-width="2"/>')
    for (x, mean), (label, _mean, n), colour in zip(points, means, (BEFORE_EDGE, AFTER, LATER), strict=False):
        anchor = "start" if x == LEFT else ("end" if x >= WIDTH - RIGHT else "middle")
        parts.append(f'<text x="{x:.1f}" y="{HEIGHT - 26}" font-size="{FONT}" text-anchor="{anchor}" fill="{INK}">')
        parts.append(f"{escape(label)}</text>")
        if mean is None:
            continue
        parts.append(f'<circle cx="{x:.1f}" cy="{y(mean):.1f}" r="8" fill="{colour}">')
        parts.append(f"<title>{escape(label)}: {escape(number(mean))} % (n = {n})</title></circle>")
        parts.append(
            f'<text x="{x:.1f}" y="{y(mean) - 14:.1f}" font-size="{FONT}" font-weight="bold" '
            f'text-anchor="{anchor}" fill="{INK}">{escape(number(mean))}</text>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{HEIGHT - 6}" font-size="{FONT}" text-anchor="{anchor}" '
            f'fill="{MUTED}">n = {n}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
