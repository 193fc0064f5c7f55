"""Cohorts collected in a room without internet, arriving from the laptop (coordinator only):
`python -m service room upload` calls these; service/imports.py says what they accept."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from service import imports
from service.schemas import api as schemas
from service.web import auth, services
from service.web.auth import BEARER

blp = Blueprint(
    "imports", __name__, url_prefix="/api/v1/imports/cohorts", description="Cohorts uploaded from a room (coordinator)"
)


@blp.route("/<cohort_id>")
class ImportedCohort(MethodView):
    @blp.arguments(schemas.CohortImportSchema)
    @blp.response(200, schemas.ImportResultSchema)
    @blp.alt_response(201, schema=schemas.ImportResultSchema, description="The cohort was stored now")
    @blp.doc(security=BEARER)
    def put(self, body: dict, cohort_id: str):
        """Store a room's closed cohort as it was (201), or confirm it is here already (200); another
        cohort with this id here is 409."""
        auth.require_coordinator()
        status = imports.import_cohort(services(), imports.cohort_from_wire(cohort_id, body["cohort"]))
        return {"cohort_id": cohort_id, "status": status}, 201 if status == "created" else 200


@blp.route("/<cohort_id>/submissions")
class ImportedSubmissions(MethodView):
    @blp.arguments(schemas.SubmissionsImportSchema)
    @blp.response(200, schemas.ImportResultSchema)
    @blp.doc(security=BEARER)
    def post(self, body: dict, cohort_id: str):
        """Store up to 20 of an imported cohort's submissions as they were; those here already count as
        unchanged, a different one for the same participant and phase is 409."""
        auth.require_coordinator()
        counts = imports.import_submissions(services(), cohort_id, body["submissions"])
        return {"cohort_id": cohort_id, "stored": counts.stored, "unchanged": counts.unchanged}
