"""The trainer's cohort page: live counts and scores, the participant link as a QR code, and the
buttons that open and close each phase.

The trainer link carries the secret once: it is moved into an HttpOnly, SameSite=Strict cookie
scoped to the cohort's path and the browser is redirected to a URL without it.
"""

from __future__ import annotations

from flask import Blueprint, make_response, redirect, render_template, request, url_for

from service import operations
from service.errors import InvalidInput
from service.web import auth, base_url, services

bp = Blueprint("trainer", __name__)
COOKIE = "trainer"
COOKIE_DAYS = 30
REFRESH_SECONDS = 15


@bp.get("/cohorts/<cohort_id>")
def cohort_page(cohort_id: str):
    token = request.args.get("token")
    if token:
        auth.cohort_for_trainer(cohort_id, token, coordinator_too=False)
        response = redirect(url_for(".cohort_page", cohort_id=cohort_id), 303)
        response.set_cookie(
            COOKIE,
            token,
            max_age=COOKIE_DAYS * 86400,
            path=f"/cohorts/{cohort_id}",
            httponly=True,
            samesite="Strict",
            secure=request.is_secure,
        )
        return response
    import segno  # here, not at the top: the participant pages (and a cold start) do not need them

    from service.domain.report import cohort_report

    cohort, bank = auth.cohort_for_trainer(cohort_id, request.cookies.get(COOKIE), coordinator_too=False)
    submissions = operations.cohort_submissions(services(), cohort)
    report = cohort_report(bank, submissions, cohort_id=cohort.id)
    participant_url = f"{base_url()}/c/{cohort.id}"
    qr_svg = segno.make(participant_url, error="m").svg_inline(scale=6, border=2, title=participant_url)
    page = render_template(
        "trainer/cohort.html",
        cohort=cohort,
        bank=bank,
        report=report,
        participant_url=participant_url,
        qr_svg=qr_svg,
        refresh_seconds=REFRESH_SECONDS if cohort.open_phases else None,
    )
    return make_response(page)


@bp.post("/cohorts/<cohort_id>/phases")
def change_phase(cohort_id: str):
    auth.cohort_for_trainer(cohort_id, request.cookies.get(COOKIE), coordinator_too=False)
    phase = request.form.get("phase", "")
    wanted = request.form.get("open")
    if wanted not in ("0", "1"):
        raise InvalidInput("say whether to open or close", {"open": "1 or 0"})
    operations.set_phases(services(), cohort_id, {phase: wanted == "1"})
    return redirect(url_for(".cohort_page", cohort_id=cohort_id), 303)
