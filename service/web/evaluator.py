"""The evaluator's workspace under /evaluator: the programme at a glance (cohorts with their counts
and mean gain, filtered by bank version, region and dates), the pooled report of a bank version
with the indicators against the coordinator's targets, downloads (CSV, JSON Lines, XLSX, zip; large
ones as jobs with their progress) and the report to print (A4, also `GET /api/v1/reports?format=html`).

The evaluator's token is typed once into a login form; the browser then holds a session cookie
(HttpOnly, SameSite=Strict, path /evaluator) of a session kept in the table with the role
"evaluator" (service/web/sessions.py): a coordinator's session opens none of these pages, an
evaluator's none of the console's. Logging out ends it; so do 30 idle minutes and 8 hours."""

from __future__ import annotations

import re
from datetime import date

from flask import Blueprint, Response, current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from service import evaluation, observability
from service.domain.models import Bank
from service.errors import N_, InvalidInput, NotFound
from service.operations import now_to_the_minute
from service.web import auth, i18n, services, sessions

bp = Blueprint("evaluator", __name__, url_prefix="/evaluator")
COOKIE = "evaluator_session"
DOOR = sessions.SessionDoor(
    role="evaluator",
    cookie=COOKIE,
    path="/evaluator",
    is_token=auth.is_evaluator,
    login_template="evaluator/login.html",
    wrong_token=N_("That is not the evaluator's token."),
    log_name="evaluator",
)
_OPEN_ENDPOINTS = ("evaluator.login", "evaluator.login_form")
DOWNLOAD_FORMATS = ("xlsx", "csv", "jsonl", "zip")
_JOB_ID = re.compile(r"^[A-Za-z0-9_-]{10,40}$")
bp.record_once(sessions.start_throttle)


@bp.before_request
def require_session():
    g.evaluator_session = sessions.current(DOOR)
    if request.endpoint in _OPEN_ENDPOINTS:
        return None
    if g.evaluator_session is None:
        return redirect(url_for("evaluator.login_form"), 303)
    sessions.check_form(g.evaluator_session)
    return None


@bp.after_request
def private(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.context_processor
def workspace_context():
    session = g.get("evaluator_session")
    return {"csrf": session.csrf if session else "", "languages": i18n.LANGUAGES}


@bp.get("/login")
def login_form():
    if g.evaluator_session is not None:
        return redirect(url_for("evaluator.dashboard"), 303)
    return render_template("evaluator/login.html", error=None)


@bp.post("/login")
def login():
    return sessions.log_in(DOOR, url_for("evaluator.dashboard"))


@bp.post("/logout")
def logout():
    return sessions.log_out(DOOR, url_for("evaluator.login_form"))


@bp.get("")
def dashboard():
    filters, chosen, problems = _filters()
    rows = evaluation.cohort_rows(services(), filters)
    versions = evaluation.bank_versions(services())
    return render_template(
        "evaluator/dashboard.html",
        rows=rows,
        bank_versions=versions,
        regions=services().settings.regions,
        chosen=chosen,
        problems=problems,
        withheld=sum(row.withheld for row in rows),
        k=services().settings.k_anonymity,
        formats=DOWNLOAD_FORMATS,
    )


@bp.get("/reports/<bank_id>/<version>")
def pooled(bank_id: str, version: str):
    bank = _bank(bank_id, version)
    return render_template("evaluator/pooled.html", **report_context(bank))


@bp.get("/reports/<bank_id>/<version>/print")
def printable(bank_id: str, version: str):
    """The report to print or save as PDF from the browser (A4), in the page's language."""
    bank = _bank(bank_id, version)
    return render_template("evaluator/print.html", **report_context(bank))


@bp.get("/exports/<kind>")
def download(kind: str):
    """A download from the dashboard's form: the file at once when it fits in one response, else a
    job whose page shows its progress (service/export_jobs.py, the same as the JSON API's)."""
    from service import export_jobs
    from service.exports import KINDS, ExportQuery

    if kind not in KINDS or request.args.get("format") not in DOWNLOAD_FORMATS:
        raise NotFound(N_("No such download."))
    filters, _chosen, problems = _filters()
    if problems:  # a filter dropped would export more than was asked for
        raise InvalidInput(N_("This download's filters are not valid: go back to the programme and choose again."))
    query = ExportQuery(
        kind=kind,
        file_format=request.args["format"],
        pooled=request.args.get("pooled") == "1",
        bank_id=filters.bank_id,
        bank_version=filters.bank_version,
        region=filters.region,
        day_from=filters.day_from,
        day_to=filters.day_to,
    )
    result = export_jobs.file_or_job(_jobs(), services(), query)
    if isinstance(result, str):
        return redirect(url_for("evaluator.job", job_id=result), 303)
    observability.count(observability.EXPORTS_PRODUCED)
    response = Response(result.body, mimetype=result.content_type)  # text/csv with its charset, as the API's
    response.headers.update(result.headers)
    response.headers["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    return response


@bp.get("/jobs/<job_id>")
def job(job_id: str):
    """A large export's progress; the page reloads itself (no script) until the file is ready."""
    from service import export_jobs
    from service.web import links

    if not _JOB_ID.match(job_id):
        raise NotFound(N_("No such download."))
    jobs = _jobs()
    jobs.delete_expired_files()
    status = export_jobs.job_status(jobs, job_id)
    seconds = services().settings.export_url_seconds
    url = jobs.files.download_url(status.download_key, seconds, links.site_root()) if status.download_key else None
    return render_template("evaluator/job.html", status=status, download_url=url, minutes=max(1, seconds // 60))


def _jobs():
    """The export jobs of the JSON API's app (built now if no /api/ request has built it yet)."""
    from service.app import api_app

    return api_app(current_app).extensions["assess.export_jobs"]


def _bank(bank_id: str, version: str) -> Bank:
    bank = services().banks.get(bank_id, version)
    if bank is None:
        raise NotFound(N_("No such published bank version."))
    return bank


def report_context(bank: Bank) -> dict:
    """The pooled report's figures, its charts, and the language's texts (report_charts)."""
    from service.web import formatting, report_charts

    context = evaluation.pooled_report(services(), bank)
    language = i18n.current_language()
    context["charts"] = report_charts.charts(context, _, formatting.signed)
    from service.web.forest_plot import forest_plot

    context["charts"]["forest"] = forest_plot(context["report"], _, signed=formatting.signed)
    context["bank_title"] = bank.title.get(language) or next(iter(bank.title.values()))
    context["generated_on"] = now_to_the_minute()[:10]
    return context


def _filters() -> tuple[evaluation.Filters, dict, dict]:
    """The dashboard's filters from the query string: the filters, the form's values, the problems."""
    arguments = request.args
    chosen = {name: arguments.get(name, "").strip() for name in ("bank", "region", "from", "to")}
    problems = {}
    bank_id, _at, version = chosen["bank"].partition("@")
    if chosen["bank"] and services().banks.get(bank_id, version) is None:
        problems["bank"] = _("Choose a published question bank.")
        bank_id = version = ""
    region = chosen["region"]
    if region and region not in services().settings.regions:
        problems["region"] = _("Choose a region from the list.")
        region = ""
    days = {}
    for name in ("from", "to"):
        try:
            days[name] = date.fromisoformat(chosen[name]) if chosen[name] else None
        except ValueError:
            problems[name] = _("Give a date as YYYY-MM-DD.")
            days[name] = None
    filters = evaluation.Filters(bank_id or None, version or None, region or None, days["from"], days["to"])
    return filters, chosen, problems
