"""Evaluator reports: the cohort report's numbers for one cohort, or pooled across cohorts of one
bank version, as JSON or as a flat CSV (one row per figure, docs/report.md)."""

from __future__ import annotations

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from service import reports
from service.domain import report_table
from service.errors import N_, InvalidInput, NotFound
from service.schemas import report as schemas
from service.web import auth, services

blp = Blueprint("reports", __name__, url_prefix="/api/v1/reports", description="Effectiveness reports (evaluator)")
DESCRIPTION = "The report as JSON; with format=csv one row per figure (docs/report.md)"
CSV_EXAMPLE = (
    "bank_id,bank_version,cohorts,section,phase,group,figure,value,n\r\n"
    "online-child-safety,2,k7m2qx9pab,phase,pre,,mean_percent,52.5,60\r\n"
)


def _printable(query: dict) -> Response:
    """The pooled report of a bank version to print (A4, `lang=uk` or `en`): the page the evaluator's
    workspace prints, with the same figures (service/evaluation.py)."""
    from flask import render_template

    from service.web.evaluator import report_context

    bank_id, version = query.get("bank_id"), query.get("bank_version")
    if query.get("cohort_id") or not (bank_id and version):
        raise InvalidInput(
            N_("format=html is the pooled report of a bank version: give bank_id and bank_version"),
            {"format": N_("give bank_id and bank_version, not cohort_id")},
        )
    bank = services().banks.get(bank_id, version)
    if bank is None:
        raise NotFound(N_("no such bank version"))
    response = Response(render_template("evaluator/print.html", **report_context(bank)), mimetype="text/html")
    response.charset = "utf-8"
    return response


@blp.route("")
class Reports(MethodView):
    @blp.arguments(schemas.ReportQuerySchema, location="query")
    @blp.response(200, schemas.ReportSchema, description=DESCRIPTION)
    @blp.alt_response(200, content_type="text/csv", description=DESCRIPTION, example=CSV_EXAMPLE, success=True)
    @blp.doc(security=auth.BEARER)
    def get(self, query: dict):
        """The report of one cohort (`cohort_id`), of several pooled (`cohort_id` repeated), or of every
        cohort of a bank version pooled (`bank_id` and `bank_version`). Participants are paired only
        within their own cohort. `cohorts` has a row per cohort (paired n, mean gain and its paired t
        interval) and `meta` their DerSimonian-Laird random-effects summary; a cohort with fewer than k
        participants or k pairs has its row withheld and is in no paired figure and not in `meta`
        (docs/report.md, "Cohorts compared"). `format=csv` answers one row per figure (UTF-8);
        `format=html` (with `bank_id` and `bank_version`, and `lang=uk` or `en`) the report to print (A4)."""
        auth.require_evaluator()
        if query["format"] == "html":
            return _printable(query)
        report = reports.evaluator_report(
            services(),
            cohort_ids=query.get("cohort_id") or (),
            bank_id=query.get("bank_id"),
            bank_version=query.get("bank_version"),
        )
        if query["format"] != "csv":
            return report
        response = Response(report_table.to_csv(report_table.report_rows(report)), mimetype="text/csv")
        response.charset = "utf-8"
        response.headers["Content-Disposition"] = 'attachment; filename="report.csv"'
        return response
