"""The drawing primitives every chart on the pages shares: one viewBox width, one smallest font, the
Okabe-Ito colours, and small functions that write escaped SVG elements (text, rectangles, lines,
dots, legends, a counting plot). No Flask: plain strings and Markup, tested through the charts.

The charts themselves are apart: the report's (charts.py, report_charts.py), the retention chart
(chart_retention.py) and the forest plot (forest_plot.py).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup, escape

Translate = Callable[..., str]  # gettext(message, **variables)
Signed = Callable[[float, int], str]  # a change with its sign and so many decimals, in the page's locale

WIDTH = 400
FONT = 16  # user units; the smallest text of every chart
LINE = 22
CHAR = 0.56 * FONT  # average width of a character, to lay out and wrap text without a font engine
BOLD_CHAR = 0.66 * FONT  # the same in bold, with room for wide Cyrillic letters
INK, MUTED, GRID = "#1a1a1a", "#555555", "#d0d0d0"
BEFORE, BEFORE_EDGE = "#E69F00", "#8F6400"  # Okabe-Ito orange; the edge gives 3:1 contrast on white
AFTER = "#0072B2"  # Okabe-Ito blue
ROSE, SAME, FELL = "#0072B2", "#8C8C8C", "#D55E00"  # blue, grey, Okabe-Ito vermillion
FLAG_BAND, FLAG_INK = "#FBE3D2", "#A4161A"


def plain_signed(value: float, digits: int) -> str:
    """+12.5 and −3 (a real minus sign), for tests and pages without a locale."""
    return f"{value:+.{digits}f}".replace("-", "−")


def shorten(text: str, width: float, char: float = CHAR) -> str:
    """The text cut at a word to fit `width` units on one line, with an ellipsis when cut."""
    text = " ".join(text.split())
    most = int(width / char)
    if len(text) <= most:
        return text
    cut = text[: most - 1].rsplit(" ", 1)[0] if " " in text[: most - 1] else text[: most - 1]
    return cut.rstrip(" ,.;:—–-") + "…"


@dataclass(frozen=True)
class Plot:
    """A rectangle of bars counting participants, with the count axis on the left up to a round number."""

    left: float
    top: float
    width: float
    height: float
    most: int  # the largest count drawn

    @property
    def bottom(self) -> float:
        return self.top + self.height

    @property
    def step(self) -> int:
        return nice_step(self.most)

    @property
    def axis_top(self) -> int:
        return max(self.step, math.ceil(self.most / self.step) * self.step)

    def y_grid(self) -> str:
        parts = []
        for value in range(0, self.axis_top + 1, self.step):
            y = self.bottom - value / self.axis_top * self.height
            parts.append(line(self.left, y, self.left + self.width, y, GRID if value else MUTED, 1))
            parts.append(text(self.left - 6, y + 5, str(value), "end", fill=MUTED))
        return "".join(parts)

    def bar(self, x: float, width: float, n: int, colour: str, words: str, edge: str | None = None) -> str:
        if not n:
            return ""
        height = n / self.axis_top * self.height
        return rect(x, self.bottom - height, width, height, colour, words, edge)


def nice_step(most: int) -> int:
    """A step of 1, 2 or 5 x 10^k giving at most five grid lines up to `most`."""
    for magnitude in (1, 10, 100, 1000, 10_000):
        for step in (1, 2, 5):
            if most / (step * magnitude) <= 5:
                return step * magnitude
    return 100_000


def legend(items: list[tuple[str, str]], y: float) -> tuple[str, float]:
    """Swatch-and-words pairs laid out left to right, wrapping before the edge; returns (svg, bottom)."""
    parts, x, y = [], 0.0, y + FONT
    for swatch, words in items:
        width = 22 + len(words) * CHAR
        if x and x + width > WIDTH:
            x, y = 0.0, y + LINE
        parts.append(f'<g transform="translate({x:.1f},{y:.1f})">{swatch}{text(22, 0, words)}</g>')
        x += width + 18
    return "".join(parts), y + 6


def wrap(text: str, width: float, char: float = CHAR) -> list[str]:
    """Words into lines of at most `width` units by the average character width."""
    limit = max(8, int(width / char))
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > limit:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line] if line else lines


def document(chart_id: str, height: float, title: str, desc: str, parts: list[str], width: float = WIDTH) -> Markup:
    """The <svg> element: scales to the page's width, named by its <title> and described by its <desc>."""
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 -2 {width} {height + 2:.0f}" width="100%" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" font-size="{FONT}" class="chart">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(desc)}</desc>'
        + "".join(parts)
        + "</svg>"
    )


def text(x: float, y: float, words: str, anchor: str = "start", weight: str | None = None, fill: str = INK) -> str:
    extra = f' text-anchor="{anchor}"' if anchor != "start" else ""
    extra += f' font-weight="{weight}"' if weight else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" fill="{fill}"{extra}>{escape(words)}</text>'


def rect(x: float, y: float, width: float, height: float, fill: str, words: str, edge: str | None = None) -> str:
    stroke = f' stroke="{edge}" stroke-width="1.5"' if edge else ""
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" fill="{fill}"{stroke}>'
        f"<title>{escape(words)}</title></rect>"
    )


def line(x1: float, y1: float, x2: float, y2: float, colour: str, width: float, dash: str | None = None) -> str:
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    ends = f'x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"'
    return f'<line {ends} stroke="{colour}" stroke-width="{width}"{dashes}/>'


def box(fill: str, edge: str | None = None) -> str:
    stroke = f' stroke="{edge}" stroke-width="1.5"' if edge else ""
    return f'<rect x="0" y="-13" width="15" height="15" fill="{fill}"{stroke}/>'


def dot(x: float, y: float, colour: str, hollow: bool = False) -> str:
    fill = "#ffffff" if hollow else colour
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6.5" fill="{fill}" stroke="{colour}" stroke-width="3"/>'
