"""The projector's debrief view (`/cohorts/<id>/projector?view=results`): what a class of 90 sees on
the wall after the post-test — the mean score before and after, the change, the mean per topic and
the few questions whose share of right answers moved most, with their text shortened.

Every figure comes from the disclosed live report (service/domain/disclosure.py) the trainer page
shows: the same released participants, so the wall moves in steps of k like the page does, and a
phase with fewer than k participants shows no figure at all. Nothing here is about one person.
The topic bars are inline SVG (the Content-Security-Policy allows no inline style), drawn large:
1000 units wide with 30-unit text, so they read from the back of a room at 1280x720 and 1920x1080.
"""

from __future__ import annotations

import textwrap

from flask_babel import gettext as _
from markupsafe import Markup, escape

from service import reports
from service.domain.models import Bank, Cohort
from service.web import i18n, services
from service.web.svg import AFTER, BEFORE, BEFORE_EDGE, INK

MOVERS = 5  # the questions shown: the 3-5 whose facility moved most
MIN_MOVE = 0.005  # a change of facility under half a point is no movement
PROMPT_CHARS = 110
WIDTH, FONT, BAR, GAP = 1000, 30, 34, 6


def results_context(cohort: Cohort, bank: Bank) -> dict:
    """What the debrief view shows, from the live report after disclosure control."""
    from service.domain.disclosure import disclose_report
    from service.domain.report import cohort_report

    k = services().settings.k_anonymity
    shown, _submissions = reports.live_submissions(services(), cohort)
    report = disclose_report(cohort_report(bank, shown, cohort_id=cohort.id), k)
    language = i18n.current_language(bank.languages)
    pre, post = (_shown_phase(report["phases"][phase], k) for phase in ("pre", "post"))
    paired = report["paired"] if report["paired"]["n"] >= k else None
    return {
        "cohort": cohort,
        "bank": bank,
        "k": k,
        "pre": pre,
        "post": post,
        "paired": paired,
        "topic_bars": topic_bars(bank, pre, post, language) if pre or post else None,
        "movers": movers(bank, report["items"], language) if pre and post else [],
    }


def _shown_phase(summary: dict, k: int) -> dict | None:
    """A phase's summary, or None when it has fewer than k participants (nothing of it is shown)."""
    return summary if summary["n"] >= k and summary["mean_percent"] is not None else None


def movers(bank: Bank, items: list[dict], language: str) -> list[dict]:
    """Up to MOVERS questions whose facility changed most (either way), with their shortened text."""
    moved = [
        item
        for item in items
        if item["facility_pre"] is not None
        and item["facility_post"] is not None
        and abs(item["facility_post"] - item["facility_pre"]) >= MIN_MOVE
    ]
    moved.sort(key=lambda item: (-abs(item["facility_post"] - item["facility_pre"]), item["question_id"]))
    numbers = {question.id: number for number, question in enumerate(bank.questions, start=1)}
    rows = []
    for item in moved[:MOVERS]:
        question = bank.question(item["question_id"])
        prompt = question.prompt.get(language) or next(iter(question.prompt.values()))
        rows.append(
            {
                "number": numbers[question.id],
                "text": textwrap.shorten(prompt, PROMPT_CHARS, placeholder=" …"),
                "before": item["facility_pre"],
                "after": item["facility_post"],
                "change": (item["facility_post"] - item["facility_pre"]) * 100,
            }
        )
    return rows


def topic_bars(bank: Bank, pre: dict | None, post: dict | None, language: str) -> Markup | None:
    """Per topic, two thick bars (before hollow-edged orange, after blue) with the mean written at
    the end; the topic's name above them. None when no topic has a mean to show."""
    nobody = {"mean_percent": None}
    rows = [
        (
            topic.label.get(language) or next(iter(topic.label.values())),
            pre["by_topic"].get(topic.id, nobody)["mean_percent"] if pre else None,
            post["by_topic"].get(topic.id, nobody)["mean_percent"] if post else None,
        )
        for topic in bank.topics
    ]
    rows = [row for row in rows if row[1] is not None or row[2] is not None]
    if not rows:
        return None
    scale = (WIDTH - 130) / 100
    parts, y = [], 0
    for label, before, after in rows:
        y += FONT + 4
        parts.append(_text(0, y - 6, textwrap.shorten(label, 60, placeholder=" …"), weight="700"))
        for mean, colour, edge, phase in ((before, BEFORE, BEFORE_EDGE, _("Before")), (after, AFTER, None, _("After"))):
            if mean is not None:
                stroke = f' stroke="{edge}" stroke-width="3"' if edge else ""
                width = max(mean * scale, 3)
                parts.append(
                    f'<rect x="0" y="{y}" width="{width:.1f}" height="{BAR}" fill="{colour}"{stroke}>'
                    f"<title>{escape(label)} · {escape(phase)}: {mean:.0f}%</title></rect>"
                )
            parts.append(_text((mean or 0) * scale + 10, y + BAR - 6, "–" if mean is None else f"{mean:.0f}%"))
            y += BAR + GAP
        y += 18
    title = escape(_("Mean score by topic, before and after the training"))
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {y}" width="100%" role="img" '
        f'aria-labelledby="topic-bars-title" font-size="{FONT}" class="bars">'
        f'<title id="topic-bars-title">{title}</title>' + "".join(parts) + "</svg>"
    )


def _text(x: float, y: float, words: str, weight: str | None = None) -> str:
    bold = f' font-weight="{weight}"' if weight else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" fill="{INK}"{bold}>{escape(words)}</text>'
