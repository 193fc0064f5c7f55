"""The coordinator console's views of results (routes on the console's blueprint, behind its
session and CSRF check, service/web/admin.py): a cohort's results read-only — the trainer page's
figures without the trainer's controls, and without the trainer's token, which stays the trainer's —
and the indicator targets of a bank that the evaluator's dashboard and report measure against."""

from __future__ import annotations

from flask import make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from service import operations
from service.errors import N_, NotFound
from service.web import services
from service.web.admin import bp


@bp.get("/cohorts/<cohort_id>/results")
def cohort_results(cohort_id: str):
    """The trainer page's figures, read-only: no phase buttons, no expected size, no live refresh."""
    from service.web import trainer

    cohort, bank = operations.find_cohort(services(), cohort_id)
    context = trainer._page_context(cohort, bank) | {"read_only": True, "refresh_seconds": None}
    return make_response(render_template("trainer/cohort.html", **context))


@bp.get("/banks/<bank_id>/targets")
def targets_form(bank_id: str):
    _bank_versions(bank_id)
    return _targets_page(bank_id, services().store.get_targets(bank_id), {})


@bp.post("/banks/<bank_id>/targets")
def save_targets(bank_id: str):
    from service.domain.indicators import check_targets

    _bank_versions(bank_id)
    targets, problems = check_targets(request.form)
    if problems:
        form = {name: request.form.get(name, "") for name in request.form if name != "csrf"}
        return _targets_page(bank_id, form, problems), 422
    services().store.put_targets(bank_id, targets, operations.now_to_the_minute())
    return redirect(url_for("admin.targets_form", bank_id=bank_id, saved=1), 303)


def _targets_page(bank_id: str, values: dict, problems: dict):
    from service.domain.indicators import BY_NAME, INDICATORS

    errors = {
        name: _(message, lowest=BY_NAME[name].lowest, highest=BY_NAME[name].highest)
        for name, message in problems.items()
    }
    bank = _bank_versions(bank_id)[-1]
    return render_template(
        "admin/targets.html",
        bank=bank,
        indicators=INDICATORS,
        values=values,
        errors=errors,
        saved=request.args.get("saved") == "1",
    )


def _bank_versions(bank_id: str) -> list:
    registry = services().banks
    versions = registry.versions(bank_id) if bank_id in registry.bank_ids() else []
    if not versions:
        raise NotFound(N_("No such published bank version."))
    return [registry.get(bank_id, version) for version in versions]
