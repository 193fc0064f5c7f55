"""Charts of the evaluator's pooled report and of the printed report: inline SVG drawn on the
server, as the trainer page's (service/web/charts.py: its palette and sizes), no script, no request.

- indicators: each indicator's value as a bar with its 95% interval as a whisker and the target as
  a mark, on one 0-100 scale (a negative mean gain starts left of zero);
- scores before and after: the share of participants per 10-point score bin, before (hollow, orange)
  and after (filled, blue), so the shift to the right shows at a glance.

Every chart has a <title> and a <desc> saying in words what it shows. No Flask imports: the words
come in through `_` and numbers through `signed`."""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup, escape

from service.web.charts import AFTER, BEFORE_EDGE, FONT, GRID, INK, MUTED

WIDTH = 640
LABEL = 220  # room for the indicator's short name on the left (23 characters)
ROW = 46


def charts(context: dict, _: Callable[..., str], signed: Callable) -> dict[str, Markup]:
    return {
        "indicators": indicator_chart(context["indicators"], _),
        "scores": score_chart(context["report"], _),
    }


def _x(value: float, low: float, high: float, left: float, width: float) -> float:
    return left + (min(max(value, low), high) - low) / (high - low) * width


def _svg(name: str, height: int, title: str, desc: str) -> list[str]:
    return [
        f'<svg viewBox="0 0 {WIDTH} {height}" width="100%" role="img" class="chart" '
        f'aria-labelledby="{name}-t {name}-d">',
        f'<title id="{name}-t">{escape(title)}</title><desc id="{name}-d">{escape(desc)}</desc>',
    ]


def _text(x: float, y: float, words, anchor: str = "start", fill: str = INK) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{FONT}" text-anchor="{anchor}" fill="{fill}">{escape(words)}</text>'
    )


def _line(x1: float, y1: float, x2: float, y2: float, stroke: str = INK, width: int = 2) -> str:
    return f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{stroke}" stroke-width="{width}"/>'


def _rect(x: float, y: float, width: float, height: float, fill: str, edge: str, tip: str) -> str:
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" fill="{fill}" stroke="{edge}" '
        f'stroke-width="2"><title>{escape(tip)}</title></rect>'
    )


def indicator_chart(rows: list[dict], _: Callable[..., str]) -> Markup:
    shown = [row for row in rows if row["value"] is not None]
    lowest = min([0.0, *(row["interval"][0] for row in shown if row["interval"]), *(r["value"] for r in shown)])
    low = -100.0 if lowest < -50 else (-50.0 if lowest < 0 else 0.0)
    high, left, width = 100.0, LABEL, WIDTH - LABEL - 30
    height = ROW * len(rows) + 40
    parts = _svg(
        "ind",
        height,
        _("Indicators against targets"),
        _("Each bar is an indicator's value, the line across it its interval (95%), the black mark its target."),
    )
    for tick in range(int(low), 101, 25):
        x = _x(tick, low, high, left, width)
        parts += [_line(x, 10, x, height - 25, GRID, 1), _text(x, height - 6, str(tick), "middle", MUTED)]
    for index, row in enumerate(rows):
        top = 12 + index * ROW
        name = _(row["indicator"].short)
        parts.append(_text(0, top + 22, name))
        if row["value"] is None:
            continue
        zero, end = _x(max(low, 0), low, high, left, width), _x(row["value"], low, high, left, width)
        x0, x1 = min(zero, end), max(zero, end)
        parts.append(_rect(x0, top + 6, max(1.0, x1 - x0), 24, AFTER, AFTER, f"{name}: {row['value']:.1f}"))
        if row["interval"]:
            a, b = (_x(value, low, high, left, width) for value in row["interval"])
            parts += [_line(a, top + 18, b, top + 18), _line(a, top + 11, a, top + 25), _line(b, top + 11, b, top + 25)]
        if row["target"] is not None:
            t = _x(row["target"], low, high, left, width)
            tip = escape(f"{_('target')}: {row['target']:g}")
            parts.append(
                f'<path d="M{t - 7:.1f} {top} L{t + 7:.1f} {top} L{t:.1f} {top + 12} Z" fill="{INK}">'
                f"<title>{tip}</title></path>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def score_chart(report: dict, _: Callable[..., str]) -> Markup:
    phases = report["phases"]
    shares = {}
    for phase in ("pre", "post"):
        bins, n = phases[phase].get("histogram") or [], phases[phase]["n"]
        shares[phase] = [(b["low"], b["n"] / n * 100 if n else 0.0) for b in bins]
    height, left, bottom, top = 300, 50, 250, 20
    parts = _svg(
        "sc",
        height,
        _("Scores before and after"),
        _("Share of participants in each 10-point score band, before (hollow) and after (filled) the training."),
    )
    peak = max([10.0, *(share for bins in shares.values() for _low, share in bins)])
    for tick in range(0, int(peak) + 1, 10 if peak <= 60 else 20):
        y = bottom - tick / peak * (bottom - top)
        parts += [_line(left, y, WIDTH - 30, y, GRID, 1), _text(left - 6, y + 5, f"{tick}%", "end", MUTED)]
    slot = (WIDTH - left - 30) / 10
    names = {"pre": _("Before"), "post": _("After")}
    for phase, offset, fill, edge in (("pre", 4, "#ffffff", BEFORE_EDGE), ("post", slot / 2, AFTER, AFTER)):
        for index, (low, share) in enumerate(shares[phase]):
            h = share / peak * (bottom - top)
            tip = f"{names[phase]} {low}–{low + 10}: {share:.0f}%"
            parts.append(_rect(left + index * slot + offset, bottom - h, slot / 2 - 4, h, fill, edge, tip))
    parts += [_text(left + index * slot, bottom + 20, str(index * 10), "middle", MUTED) for index in range(11)]
    parts += [
        _rect(left, height - 24, 16, 16, "#ffffff", BEFORE_EDGE, names["pre"]),
        _text(left + 22, height - 10, names["pre"]),
        _rect(left + 140, height - 24, 16, 16, AFTER, AFTER, names["post"]),
        _text(left + 162, height - 10, names["post"]),
    ]
    parts.append("</svg>")
    return Markup("".join(parts))
