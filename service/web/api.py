"""The JSON API under /api/v1 (flask-smorest): marshmallow schemas at the edge, OpenAPI generated
from them at /api/v1/openapi.json. Views are thin: they check who is asking and call operations."""

from __future__ import annotations

import threading

from flask import Flask, Response
from flask.views import MethodView
from flask_smorest import Api, Blueprint
from marshmallow import RAISE

from service import operations, reports, submissions
from service.errors import N_, CrossSite, NotFound
from service.exports import ExportQuery
from service.schemas import api as schemas
from service.schemas import report as report_schemas
from service.web import api_export_jobs, api_imports, api_reports, auth, links, services
from service.web.auth import BEARER


class AssessApi(Api):
    """flask-smorest's Api, except that the OpenAPI description of the routes is generated on the
    first request for /api/v1/openapi.json instead of at start: turning every schema into JSON
    Schema is work a Lambda cold start should not do for a document few clients ever ask for."""

    ERROR_SCHEMA = schemas.ErrorSchema

    def __init__(self, *args, **kwargs):
        self._undocumented: list[tuple] = []
        self._documenting = threading.Lock()
        super().__init__(*args, **kwargs)

    def register_blueprint(self, blp, *, parameters=None, **options):
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        self._undocumented.append((blp, name, parameters))

    def _openapi_json(self):
        with self._documenting:
            while self._undocumented:
                blp, name, parameters = self._undocumented.pop(0)
                blp.register_views_in_doc(self, self._app, self.spec, name=name, parameters=parameters)
                self.spec.tag({"name": name, "description": blp.description})
        return super()._openapi_json()


banks_bp = Blueprint("banks", __name__, url_prefix="/api/v1/banks", description="Published question banks")
cohorts_bp = Blueprint("cohorts", __name__, url_prefix="/api/v1/cohorts", description="Cohorts and submissions")
exports_bp = Blueprint("exports", __name__, url_prefix="/api/v1/exports", description="Anonymized exports")


def init_app(app: Flask) -> None:
    api = AssessApi(
        app, spec_kwargs={"info": {"description": "See SPEC.md. Errors: {error: {code, message, fields}}."}}
    )
    api.spec.components.security_scheme(auth.BEARER_SCHEME, {"type": "http", "scheme": "bearer"})
    for blueprint in (banks_bp, cohorts_bp, exports_bp, api_reports.blp, api_export_jobs.bp, api_imports.blp):
        api.register_blueprint(blueprint)


@banks_bp.route("")
class Banks(MethodView):
    @banks_bp.response(200, schemas.BankListSchema)
    def get(self):
        """Every bank and its published versions."""
        registry = services().banks
        listing = []
        for bank_id in registry.bank_ids():
            versions = registry.versions(bank_id)
            latest = registry.get(bank_id, versions[-1])
            listing.append(
                {"bank_id": bank_id, "versions": versions, "title": latest.title, "languages": latest.languages}
            )
        return {"banks": listing}


@banks_bp.route("/<bank_id>/<version>")
class BankVersion(MethodView):
    @banks_bp.response(200, schemas.PublicBankSchema)
    def get(self, bank_id: str, version: str):
        """One published bank version, without correct flags or explanations."""
        bank = services().banks.get(bank_id, version)
        if bank is None:
            raise NotFound(N_("no such bank version"))
        return bank


@cohorts_bp.route("")
class Cohorts(MethodView):
    @cohorts_bp.arguments(schemas.CohortCreateSchema)
    @cohorts_bp.response(201, schemas.CohortCreatedSchema)
    @cohorts_bp.doc(security=BEARER)
    def post(self, body: dict):
        """Create a cohort pinned to a published bank version (coordinator). The trainer token is shown once."""
        auth.require_coordinator()
        phases = {phase: state["open"] for phase, state in (body.get("phases") or {}).items()}
        created = operations.create_cohort(
            services(),
            bank_id=body["bank_id"],
            bank_version=body["bank_version"],
            label=body["label"],
            language=body.get("language"),
            region=body.get("region"),
            phases=phases,
            shuffle=body["shuffle"],
            allow_unpaired_codes=body["allow_unpaired_codes"],
            expected_participants=body["expected_participants"],
        )
        return cohort_links(created)


@cohorts_bp.route("/<cohort_id>")
class CohortResource(MethodView):
    @cohorts_bp.arguments(schemas.CohortPatchSchema)
    @cohorts_bp.response(200, schemas.CohortSchema)
    @cohorts_bp.doc(security=BEARER)
    def patch(self, body: dict, cohort_id: str):
        """Open or close phases (trainer or coordinator)."""
        auth.cohort_for_trainer(cohort_id, auth.bearer_token())
        phases = {phase: state["open"] for phase, state in body["phases"].items()}
        return cohort_json(operations.set_phases(services(), cohort_id, phases))

    @cohorts_bp.response(204)
    @cohorts_bp.doc(security=BEARER)
    def delete(self, cohort_id: str):
        """Erase the cohort and all its submissions (coordinator). Afterwards every route of it answers 404;
        only the table's point-in-time backups keep it, for 35 days (docs/security.md)."""
        auth.require_coordinator()
        operations.delete_cohort(services(), cohort_id)
        return "", 204


@cohorts_bp.route("/<cohort_id>/trainer-token")
class TrainerToken(MethodView):
    @cohorts_bp.response(200, schemas.TrainerTokenSchema)
    @cohorts_bp.doc(security=BEARER)
    def post(self, cohort_id: str):
        """Give the cohort a new trainer token (coordinator), shown once; the old one stops working at once."""
        auth.require_coordinator()
        rotated = operations.rotate_trainer_token(services(), cohort_id)
        links = cohort_links(rotated)
        return {key: links[key] for key in ("cohort_id", "trainer_url", "trainer_token")}


@cohorts_bp.route("/<cohort_id>/close")
class CloseCohort(MethodView):
    @cohorts_bp.response(200, schemas.CohortSchema)
    @cohorts_bp.doc(security=BEARER)
    def post(self, cohort_id: str):
        """Close the cohort for good (coordinator): no phase opens again and submissions get 409.
        Results stay readable by the trainer and in exports. Closing again changes nothing."""
        auth.require_coordinator()
        return cohort_json(operations.close_cohort(services(), cohort_id))


@cohorts_bp.route("/<cohort_id>/submissions")
class Submissions(MethodView):
    @cohorts_bp.arguments(schemas.SubmissionCreateSchema)
    @cohorts_bp.response(201, schemas.SubmissionResultSchema)
    @cohorts_bp.alt_response(200, schema=schemas.SubmissionResultSchema, description="A retry: the stored result")
    @cohorts_bp.alt_response(
        429,
        schema=schemas.ErrorSchema,
        description="cohort_full: the phase has taken 1.5 times the cohort's expected participants; the message "
        "tells the participant to show it to the trainer, who can raise the number",
    )
    def post(self, body: dict, cohort_id: str):
        """Submit one phase's answers. The same submission_id again returns the stored result.
        Refused (403 cross_site) when a browser says another site's page sent it."""
        if links.from_another_site():
            raise CrossSite(N_("This test can only be sent from its own page."))
        cohort, bank = operations.find_cohort(services(), cohort_id)
        result = submissions.submit(
            services(),
            cohort,
            bank,
            submission_id=str(body["submission_id"]),
            phase=body["phase"],
            language=body["language"],
            answers=body["answers"],
            participant_code=body.get("participant_code"),
            demographics=body.get("demographics"),
            reaction=body.get("reaction"),
            confidence=body.get("confidence"),
        )
        payload = {
            "participant_code": result.participant_code,
            "phase": result.submission.phase,
            "score": result.submission.score,
        }
        return payload, 201 if result.created else 200


@cohorts_bp.route("/<cohort_id>/report")
class Report(MethodView):
    @cohorts_bp.response(200, report_schemas.ReportSchema)
    @cohorts_bp.doc(security=BEARER)
    def get(self, cohort_id: str):
        """The cohort's numbers (trainer or coordinator)."""
        from service.domain.disclosure import disclose_report
        from service.domain.report import cohort_report

        cohort, bank = auth.cohort_for_trainer(cohort_id, auth.bearer_token())
        report = cohort_report(bank, reports.cohort_submissions(services(), cohort), cohort_id=cohort.id)
        return disclose_report(report, services().settings.k_anonymity)


_EXPORT_DOC = {
    "security": BEARER,
    "responses": {
        "200": {
            "description": "CSV (UTF-8 with BOM), JSON Lines, an Excel workbook (data, codebook and metadata "
            "sheets), or a zip with CSV and JSON Lines, codebook.json, metadata.json and the bank versions used. "
            "CSV, JSON Lines and XLSX carry the metadata in X-Export-* headers (docs/security.md)."
        }
    },
}


# unknown=RAISE: webargs reads a query string with EXCLUDE whatever the schema says, and a mistyped
# filter (`frm=`) silently ignored would export everything.
@exports_bp.route("/submissions")
class SubmissionExport(MethodView):
    @exports_bp.arguments(schemas.ExportQuerySchema, location="query", unknown=RAISE)
    @exports_bp.doc(**_EXPORT_DOC)
    def get(self, query: dict):
        """Anonymized export, one row per submission (evaluator)."""
        auth.require_evaluator()
        return _export_response("submissions", query)


@exports_bp.route("/participants")
class ParticipantExport(MethodView):
    @exports_bp.arguments(schemas.ExportQuerySchema, location="query", unknown=RAISE)
    @exports_bp.doc(**_EXPORT_DOC)
    def get(self, query: dict):
        """Anonymized export, one row per participant with both phases (evaluator)."""
        auth.require_evaluator()
        return _export_response("participants", query)


def cohort_links(created: operations.NewCohort) -> dict:
    cohort_id = created.cohort.id
    return {
        "cohort_id": cohort_id,
        "participant_url": links.participant_url(cohort_id),
        "trainer_url": links.trainer_url(cohort_id, created.trainer_token),
        "trainer_token": created.trainer_token,
    }


def cohort_json(cohort) -> dict:
    return {
        "cohort_id": cohort.id,
        "bank_id": cohort.bank_id,
        "bank_version": cohort.bank_version,
        "label": cohort.label,
        "language": cohort.language,
        "region": cohort.region,
        "phases": {phase: {"open": is_open} for phase, is_open in cohort.phases.items()},
        "created_at": cohort.created_at,
        "closed": cohort.closed,
        "closed_at": cohort.closed_at,
        "expected_participants": cohort.expected_participants,
    }


def _export_response(kind: str, arguments: dict) -> Response:
    """One response, or 202 and a job when the export could be too large for one (api_export_jobs);
    the query is built here, once, and both paths take it as it is."""
    return api_export_jobs.export_or_job(ExportQuery.from_arguments(kind, arguments))
