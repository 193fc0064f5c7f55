"""The coordinator console under /admin: cohorts (list, create, open/close phases, rotate the
trainer link, close for good) and a preview of every published bank version.

The admin token is typed once into a login form; the browser then holds a session cookie (HttpOnly,
SameSite=Strict, path /admin) carrying a random id of a session kept in the table
(service/console_sessions.py): logging out ends it at once, and so do 30 idle minutes, 8 hours and
a new admin token. Every form repeats the session's CSRF secret in a hidden field. No token is
ever in a URL, a page's script or a log.
"""

from __future__ import annotations

import re

from flask import Blueprint, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from service import operations, reports
from service.domain.models import DEFAULT_EXPECTED_PARTICIPANTS
from service.domain.models import MAX_EXPECTED_PARTICIPANTS as MAX_EXPECTED
from service.domain.text import HIDDEN_CHARACTER_MESSAGE, hidden_character
from service.errors import N_, InvalidInput, NotFound
from service.web import auth, i18n, links, services, sessions, validation_messages

bp = Blueprint("admin", __name__, url_prefix="/admin")
COOKIE = "admin_session"
PAGE_SIZE = 20
_PAGE_KEY = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\dZ#[a-z0-9]{1,40}$")
_OPEN_ENDPOINTS = ("admin.login", "admin.login_form")


DOOR = sessions.SessionDoor(
    role="coordinator",
    cookie=COOKIE,
    path="/admin",
    is_token=auth.is_coordinator,
    login_template="admin/login.html",
    wrong_token=N_("That is not the coordinator's token."),
    log_name="console",
)
bp.record_once(sessions.start_throttle)


@bp.before_request
def require_session():
    g.admin_session = sessions.current(DOOR)
    if request.endpoint in _OPEN_ENDPOINTS:
        return None
    if g.admin_session is None:
        return redirect(url_for("admin.login_form"), 303)
    sessions.check_form(g.admin_session)
    return None


@bp.context_processor
def console_context():
    session = g.get("admin_session")
    return {"csrf": session.csrf if session else "", "languages": i18n.LANGUAGES}


@bp.get("/login")
def login_form():
    if g.admin_session is not None:
        return redirect(url_for("admin.cohorts"), 303)
    return render_template("admin/login.html", error=None)


@bp.post("/login")
def login():
    return sessions.log_in(DOOR, url_for("admin.cohorts"))


@bp.post("/logout")
def logout():
    return sessions.log_out(DOOR, url_for("admin.login_form"))


@bp.get("")
def cohorts():
    after = request.args.get("after") or None
    if after and not _PAGE_KEY.match(after):
        raise InvalidInput(N_("This page of the list does not exist."), {"after": "not a page key"})
    rows, next_key = reports.cohort_page(services(), after=after, limit=PAGE_SIZE)
    return render_template("admin/cohorts.html", rows=rows, next_key=next_key, first_page=after is None)


@bp.get("/cohorts/new")
def new_cohort():
    form = {
        "language": i18n.LANGUAGES[0],
        "open_pre": True,
        "open_post": False,
        "shuffle": False,
        "expected_participants": str(DEFAULT_EXPECTED_PARTICIPANTS),
    }
    return render_template("admin/new_cohort.html", form=form, errors={}, **_cohort_choices())


@bp.post("/cohorts")
def create_cohort():
    form, errors = _read_cohort_form()
    if not errors:
        bank_id, _at, version = form["bank"].partition("@")
        try:
            created = operations.create_cohort(
                services(),
                bank_id=bank_id,
                bank_version=version,
                label=form["label"],
                language=form["language"],
                region=form["region"] or None,
                phases={"pre": form["open_pre"], "post": form["open_post"]},
                shuffle=form["shuffle"],
                expected_participants=int(form["expected_participants"]),
            )
        except InvalidInput as error:
            errors = {name: _(problem) for name, problem in error.fields.items()} or {"bank": _(error.message)}
    if errors:
        page = render_template("admin/new_cohort.html", form=form, errors=errors, **_cohort_choices())
        return page, 422
    return _links_page(created, heading=_("The cohort is created"))


@bp.get("/cohorts/<cohort_id>")
def cohort(cohort_id: str):
    return _cohort_page(cohort_id)


def _cohort_page(cohort_id: str, close_error: str | None = None, delete_error: str | None = None) -> str:
    cohort, bank = operations.find_cohort(services(), cohort_id)
    counts = reports.cohort_summary(services(), cohort)
    participant_url = links.participant_url(cohort.id)
    return render_template(
        "admin/cohort.html",
        cohort=cohort,
        bank=bank,
        counts=counts,
        participant_url=participant_url,
        qr_svg=links.qr_svg(participant_url),
        close_error=close_error,
        delete_error=delete_error,
    )


@bp.post("/cohorts/<cohort_id>/phases")
def change_phase(cohort_id: str):
    operations.change_phases(services(), cohort_id, request.form)
    return redirect(url_for("admin.cohort", cohort_id=cohort_id), 303)


@bp.post("/cohorts/<cohort_id>/trainer-link")
def rotate_trainer_link(cohort_id: str):
    operations.find_cohort(services(), cohort_id)
    created = operations.rotate_trainer_token(services(), cohort_id)
    return _links_page(created, heading=_("A new trainer link"), rotated=True)


@bp.post("/cohorts/<cohort_id>/close")
def close_cohort(cohort_id: str):
    if request.form.get("confirm") != "yes":
        return _cohort_page(cohort_id, close_error=_("Tick the box to confirm.")), 422
    operations.close_cohort(services(), cohort_id)
    return redirect(url_for("admin.cohort", cohort_id=cohort_id), 303)


@bp.post("/cohorts/<cohort_id>/delete")
def delete_cohort(cohort_id: str):
    """Erase the cohort and its answers (the data-protection officer's "right to erasure" for a class)."""
    if request.form.get("confirm") != "yes":
        return _cohort_page(cohort_id, delete_error=_("Tick the box to confirm.")), 422
    operations.delete_cohort(services(), cohort_id)
    return redirect(url_for("admin.cohorts"), 303)


@bp.get("/banks")
def banks():
    return render_template("admin/banks.html", bank_versions=_bank_versions())


@bp.get("/banks/<bank_id>/<version>")
def bank(bank_id: str, version: str):
    registry = services().banks
    shown = registry.get(bank_id, version)
    if shown is None:
        raise NotFound(N_("No such published bank version."))
    versions = registry.versions(bank_id)
    position = versions.index(version)
    previous = registry.get(bank_id, versions[position - 1]) if position > 0 else None
    from service.authoring.diff import diff_banks  # the console's bank view only

    diff = diff_banks(previous, shown) if previous else None
    topics = {topic.id: topic for topic in shown.topics}
    return render_template(
        "admin/bank.html", bank=shown, previous=previous, diff=diff, versions=versions, topics=topics
    )


def _cohort_choices() -> dict:
    return {"bank_versions": _bank_versions(), "regions": services().settings.regions}


def _bank_versions() -> list:
    """Every published bank version, each bank's newest first."""
    registry = services().banks
    return [registry.get(b, v) for b in registry.bank_ids() for v in reversed(registry.versions(b))]


def _read_cohort_form() -> tuple[dict, dict[str, str]]:
    submitted = request.form
    form = {
        "bank": submitted.get("bank", ""),
        "label": submitted.get("label", "").strip(" "),
        "region": submitted.get("region", ""),
        "language": submitted.get("language", ""),
        "open_pre": submitted.get("open_pre") == "1",
        "open_post": submitted.get("open_post") == "1",
        "shuffle": submitted.get("shuffle") == "1",
        "expected_participants": submitted.get("expected_participants", str(DEFAULT_EXPECTED_PARTICIPANTS)).strip(),
    }
    errors = {}
    bank_id, _at, version = form["bank"].partition("@")
    if services().banks.get(bank_id, version) is None:
        errors["bank"] = _("Choose a published question bank.")
    if not form["label"]:
        errors["label"] = _("Give the cohort a name, e.g. the place and date of the training.")
    elif hidden := hidden_character(form["label"]):
        errors["label"] = validation_messages.translate(HIDDEN_CHARACTER_MESSAGE.format(character=hidden))
    elif len(form["label"]) > 120:
        errors["label"] = _("At most 120 characters.")
    if form["region"] and form["region"] not in services().settings.regions:
        errors["region"] = _("Choose a region from the list.")
    if form["language"] not in i18n.LANGUAGES:
        errors["language"] = _("Choose a language.")
    expected = form["expected_participants"]
    if not (re.fullmatch(r"[0-9]{1,5}", expected) and 1 <= int(expected) <= MAX_EXPECTED):
        errors["expected_participants"] = _("Give a whole number from 1 to %(most)s.", most=MAX_EXPECTED)
    return form, errors


def _links_page(created: operations.NewCohort, *, heading: str, rotated: bool = False):
    participant_url = links.participant_url(created.cohort.id)
    page = render_template(
        "admin/created.html",
        heading=heading,
        rotated=rotated,
        cohort=created.cohort,
        participant_url=participant_url,
        trainer_url=links.trainer_url(created.cohort.id, created.trainer_token),
        qr_svg=links.qr_svg(participant_url),
    )
    response = make_response(page)
    response.headers["Cache-Control"] = "no-store"  # the trainer link is on this page, once
    return response
