"""The trainer's cohort page: live counts and scores, the participant link as a QR code, and the
buttons that open and close each phase; a projector view of the QR code and the counts.

The trainer link carries the secret once: it is moved into an HttpOnly, SameSite=Strict session
cookie (Secure over https) scoped to the cohort's path, and the browser is redirected to a URL
without it. A session cookie ends with the browser, so a shared or projector computer does not keep
a cohort open for the next person; the trainer opens the link again. A link clicked on another site
(a webmail) gets a small page instead of the redirect, which goes on by itself: a browser withholds
Strict cookies all along a navigation another site started, redirects included, but not along one
this site's own page starts. The page's live refresh (`static/js/trainer.js`) polls `live.json`
under the same path, so the cookie authenticates it and the token is never exposed to a script.
"""

from __future__ import annotations

import re

from flask import Blueprint, g, jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from service import operations, reports
from service.domain.models import MAX_EXPECTED_PARTICIPANTS, PHASES, Bank, Cohort
from service.errors import N_, InvalidInput
from service.web import auth, formatting, i18n, links, services

bp = Blueprint("trainer", __name__)
COOKIE = "trainer"
REFRESH_SECONDS = 10
LIVE_PARTS = {
    "headline": "trainer/_headline.html",
    "counts": "trainer/_counts.html",
    "capacity": "trainer/_capacity.html",
    "analysis": "trainer/_analysis.html",
    "answered": "trainer/_answered.html",
}


@bp.get("/cohorts/<cohort_id>")
def cohort_page(cohort_id: str):
    token = request.args.get("token")
    if token:
        cohort, bank = auth.cohort_for_trainer(cohort_id, token, coordinator_too=False)
        page_url = url_for(".cohort_page", cohort_id=cohort_id)
        if request.headers.get("Sec-Fetch-Site") == "cross-site":
            _use_cohort_language(cohort, bank)
            response = make_response(render_template("trainer/continue.html", cohort=cohort, next_url=page_url))
        else:
            response = redirect(page_url, 303)
        response.set_cookie(
            COOKIE,
            token,
            path=links.cookie_path(f"/cohorts/{cohort_id}"),
            httponly=True,
            samesite="Strict",
            secure=request.is_secure,
        )
        return response
    cohort, bank = _trainer_cohort(cohort_id)
    from service.web.compared import compared_with_others  # statistics: not for a cold start

    context = _page_context(cohort, bank)
    context["compared"] = compared_with_others(cohort, context["report"])  # the page only, never live.json
    return make_response(render_template("trainer/cohort.html", **context))


@bp.get("/cohorts/<cohort_id>/projector")
def projector_page(cohort_id: str):
    """The participant link as a QR code filling a projected screen, with the live counts; with
    `?view=results`, the debrief after the post-test (service/web/projector.py)."""
    cohort, bank = _trainer_cohort(cohort_id)
    if request.args.get("view") == "results":
        from service.web import projector

        return make_response(
            render_template("trainer/projector_results.html", **projector.results_context(cohort, bank))
        )
    return make_response(render_template("trainer/projector.html", **_page_context(cohort, bank)))


@bp.get("/cohorts/<cohort_id>/live.json")
def live(cohort_id: str):
    """What the page's script swaps in while a phase is open: the report and the page's live parts,
    rendered here so that plural forms and number formats stay server-side."""
    cohort, bank = _trainer_cohort(cohort_id)
    live = reports.live_submissions(services(), cohort)
    tag = live_tag(cohort, bank, *live)
    if request.if_none_match.contains(tag):
        # Nothing the view shows has changed: no report, no charts, no body (docs/performance.md).
        response = make_response("", 304)
    else:
        context = _live_context(cohort, bank, live)
        parts = {name: render_template(template, **context) for name, template in LIVE_PARTS.items()}
        response = jsonify(open=cohort.open_phases, report=context["report"], html=parts)
    response.set_etag(tag)
    return response


def live_tag(cohort: Cohort, bank: Bank, shown, submissions) -> str:
    """What the live view is drawn from: who is released, who submitted, which phases are open, the
    expected size, the language and k. Equal tags, equal views; computed before anything is rendered."""
    import hashlib

    state = [
        cohort.id,
        bank.id,
        bank.version,
        sorted(cohort.open_phases),
        cohort.expected_participants,
        i18n.current_language(bank.languages),
        services().settings.k_anonymity,
        sorted((sub.participant_hash, sub.phase) for sub in shown),
        sorted((sub.participant_hash, sub.phase) for sub in submissions),
    ]
    return hashlib.sha256(repr(state).encode()).hexdigest()[:32]


@bp.post("/cohorts/<cohort_id>/phases")
def change_phase(cohort_id: str):
    auth.cohort_for_trainer(cohort_id, request.cookies.get(COOKIE), coordinator_too=False)
    operations.change_phases(services(), cohort_id, request.form)
    return redirect(url_for(".cohort_page", cohort_id=cohort_id), 303)


@bp.post("/cohorts/<cohort_id>/expected")
def set_expected(cohort_id: str):
    """Raise (or lower) the number of participants the cohort expects, and with it how many submissions
    each test takes: what the trainer does when a phone shows "this group is full"."""
    auth.cohort_for_trainer(cohort_id, request.cookies.get(COOKIE), coordinator_too=False)
    wanted = request.form.get("expected_participants", "").strip()
    if not re.fullmatch(r"[0-9]{1,5}", wanted):
        raise InvalidInput(
            N_("the expected number of participants must be a whole number from 1 to %(most)s"),
            {"expected_participants": N_("a whole number from 1 to 5000")},
            params={"most": MAX_EXPECTED_PARTICIPANTS},
        )
    operations.set_expected_participants(services(), cohort_id, int(wanted))
    return redirect(url_for(".cohort_page", cohort_id=cohort_id), 303)


def _trainer_cohort(cohort_id: str) -> tuple[Cohort, Bank]:
    cohort, bank = auth.cohort_for_trainer(cohort_id, request.cookies.get(COOKIE), coordinator_too=False)
    _use_cohort_language(cohort, bank)
    return cohort, bank


def _use_cohort_language(cohort: Cohort, bank: Bank) -> None:
    g.default_language = cohort.language
    i18n.use_language(i18n.current_language(bank.languages), bank.languages)


def _live_context(cohort: Cohort, bank: Bank, live=None) -> dict:
    """What the live parts show (the counts, the analysis): asked for again at every poll."""
    # Imported here: the participant pages, and so a cold start, need neither the statistics nor
    # the charts.
    from service.domain.bursts import submission_bursts
    from service.domain.disclosure import disclose_report
    from service.domain.report import cohort_report
    from service.web import chart_retention, charts

    shown, submissions = live if live is not None else reports.live_submissions(services(), cohort)
    k = services().settings.k_anonymity
    report = disclose_report(cohort_report(bank, shown, cohort_id=cohort.id), k)
    report["submitted"] = submission_counts(submissions)
    return {
        "cohort": cohort,
        "bank": bank,
        "report": report,
        "charts": charts.report_charts(report, bank, i18n.current_language(bank.languages), _, formatting.signed),
        "retention_chart": chart_retention.three_points(
            [
                (_("Before"), report["phases"]["pre"]["mean_percent"], report["phases"]["pre"]["n"]),
                (_("After"), report["phases"]["post"]["mean_percent"], report["phases"]["post"]["n"]),
                (_("Follow-up"), report["phases"]["follow_up"]["mean_percent"], report["phases"]["follow_up"]["n"]),
            ],
            lambda value: formatting.number(value, 0),
            _,
        )
        if report["phases"]["follow_up"]["n"]
        else None,
        "refresh_seconds": REFRESH_SECONDS if cohort.open_phases else None,
        "k": k,
        "bursts": submission_bursts(submissions),
    }


def submission_counts(submissions) -> dict[str, int]:
    """Counts may move one by one (only score figures move in steps of k): per phase, and paired."""
    phases = {phase: {sub.participant_hash for sub in submissions if sub.phase == phase} for phase in PHASES}
    return {phase: len(people) for phase, people in phases.items()} | {"paired": len(phases["pre"] & phases["post"])}


def _page_context(cohort: Cohort, bank: Bank) -> dict:
    """A whole page: the live parts and the participant link with its QR code (~5 ms, once)."""
    participant_url = links.participant_url(cohort.id)
    return _live_context(cohort, bank) | {
        "participant_url": participant_url,
        "short_link": links.short_link(participant_url),
        "qr_svg": links.qr_svg(participant_url),
    }
