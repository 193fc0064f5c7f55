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

from service.web import svg
from service.web.svg import AFTER, BEFORE_EDGE, GRID, INK, MUTED

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


def indicator_chart(rows: list[dict], _: Callable[..., str]) -> Markup:
    shown = [row for row in rows if row["value"] is not None]
    lowest = min([0.0, *(row["interval"][0] for row in shown if row["interval"]), *(r["value"] for r in shown)])
    low = -100.0 if lowest < -50 else (-50.0 if lowest < 0 else 0.0)
    high, left, width = 100.0, LABEL, WIDTH - LABEL - 30
    height = ROW * len(rows) + 40
    title = _("Indicators against targets")
    desc = _("Each bar is an indicator's value, the line across it its interval (95%), the black mark its target.")
    parts = []
    for tick in range(int(low), 101, 25):
        x = _x(tick, low, high, left, width)
        parts += [svg.line(x, 10, x, height - 25, GRID, 1), svg.text(x, height - 6, str(tick), "middle", fill=MUTED)]
    for index, row in enumerate(rows):
        top = 12 + index * ROW
        name = _(row["indicator"].short)
        parts.append(svg.text(0, top + 22, name))
        if row["value"] is None:
            continue
        zero, end = _x(max(low, 0), low, high, left, width), _x(row["value"], low, high, left, width)
        x0, x1 = min(zero, end), max(zero, end)
        parts.append(svg.rect(x0, top + 6, max(1.0, x1 - x0), 24, AFTER, f"{name}: {row['value']:.1f}", AFTER))
        if row["interval"]:
            a, b = (_x(value, low, high, left, width) for value in row["interval"])
            parts += [
                svg.line(a, top + 18, b, top + 18, INK, 2),
                svg.line(a, top + 11, a, top + 25, INK, 2),
                svg.line(b, top + 11, b, top + 25, INK, 2),
            ]
        if row["target"] is not None:
            t = _x(row["target"], low, high, left, width)
            tip = escape(_("target: %(value)s", value=f"{row['target']:g}"))
            parts.append(
                f'<path d="M{t - 7:.1f} {top} L{t + 7:.1f} {top} L{t:.1f} {top + 12} Z" fill="{INK}">'
                f"<title>{tip}</title></path>"
            )
    return svg.document("ind", height, title, desc, parts, width=WIDTH)


def score_chart(report: dict, _: Callable[..., str]) -> Markup:
    phases = report["phases"]
    shares = {}
    for phase in ("pre", "post"):
        bins, n = phases[phase].get("histogram") or [], phases[phase]["n"]
        shares[phase] = [(b["low"], b["n"] / n * 100 if n else 0.0) for b in bins]
    height, left, bottom, top = 300, 50, 250, 20
    title = _("Scores before and after")
    desc = _("Share of participants in each 10-point score band, before (hollow) and after (filled) the training.")
    parts = []
    peak = max([10.0, *(share for bins in shares.values() for _low, share in bins)])
    for tick in range(0, int(peak) + 1, 10 if peak <= 60 else 20):
        y = bottom - tick / peak * (bottom - top)
        parts += [svg.line(left, y, WIDTH - 30, y, GRID, 1), svg.text(left - 6, y + 5, f"{tick}%", "end", fill=MUTED)]
    slot = (WIDTH - left - 30) / 10
    names = {"pre": _("Before"), "post": _("After")}
    for phase, offset, fill, edge in (("pre", 4, "#ffffff", BEFORE_EDGE), ("post", slot / 2, AFTER, AFTER)):
        for index, (low, share) in enumerate(shares[phase]):
            h = share / peak * (bottom - top)
            tip = f"{names[phase]} {low}–{low + 10}: {share:.0f}%"
            parts.append(svg.rect(left + index * slot + offset, bottom - h, slot / 2 - 4, h, fill, tip, edge))
    parts += [svg.text(left + index * slot, bottom + 20, str(index * 10), "middle", fill=MUTED) for index in range(11)]
    parts += [
        svg.rect(left, height - 24, 16, 16, "#ffffff", names["pre"], BEFORE_EDGE),
        svg.text(left + 22, height - 10, names["pre"]),
        svg.rect(left + 140, height - 24, 16, 16, AFTER, names["post"], AFTER),
        svg.text(left + 162, height - 10, names["post"]),
    ]
    return svg.document("sc", height, title, desc, parts, width=WIDTH)
