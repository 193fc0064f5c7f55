"""Exports past one response's limits, at the HTTP edge: the export endpoints answer 202 with a job
when the export could be too large (service/export_jobs.py), and the job's status gives a
download link valid for minutes. Locally (no S3) the app serves the files itself, behind the
same kind of expiring signed link."""

from __future__ import annotations

import contextlib

from flask import Flask, Response, current_app, jsonify, request, send_file
from flask.views import MethodView
from flask_smorest import Blueprint

from service import export_jobs, exports, observability
from service.errors import N_, NotFound
from service.exports import ExportFile, ExportQuery
from service.store.export_files import LocalExportFiles, job_key
from service.web import auth, links, services
from service.web.auth import BEARER
from service.web.errors import with_retry_after

bp = Blueprint("export_jobs", __name__, url_prefix="/api/v1/exports", description="Large exports as jobs")


def init_app(app: Flask) -> None:
    """The app's export jobs: started on the export function on AWS, in a thread locally."""
    services = app.extensions["assess"]

    def build(query: ExportQuery) -> ExportFile:
        return exports.build_export(services, query)

    def run_locally(job_id: str) -> None:
        # A failure is logged and stored as the job's status by run_job; on AWS it also fails the
        # invocation, but a thread has no one to tell.
        with contextlib.suppress(Exception):
            export_jobs.run_job(jobs, job_id, build)

    jobs = export_jobs.ExportJobs(services.settings, run_locally=run_locally)
    app.extensions["assess.export_jobs"] = jobs


def jobs() -> export_jobs.ExportJobs:
    return current_app.extensions["assess.export_jobs"]


def export_or_job(query: ExportQuery) -> Response:
    """The export itself when it fits in one response, else 202 and a job that builds it."""
    result = export_jobs.file_or_job(jobs(), services(), query)
    if isinstance(result, str):
        return _accepted(result)
    return file_response(result)


def file_response(export_file: ExportFile) -> Response:
    """An export as a download, its metadata in X-Export-* headers."""
    observability.count(observability.EXPORTS_PRODUCED)
    response = Response(export_file.body, mimetype=export_file.content_type)
    response.headers.update(export_file.headers)
    response.headers["Content-Disposition"] = f'attachment; filename="{export_file.filename}"'
    return response


def _accepted(job_id: str) -> Response:
    status_url = links.export_job_url(job_id)
    response = jsonify(job_id=job_id, status="pending", status_url=status_url)
    response.status_code = 202
    response.headers["Location"] = status_url
    return response


@bp.route("/jobs/<job_id>")
class ExportJob(MethodView):
    @bp.doc(security=BEARER, responses={"200": {"description": "pending, failed, or done with a download_url"}})
    def get(self, job_id: str):
        """An export job's status; when done, a link to the file valid for minutes (evaluator)."""
        auth.require_evaluator()
        jobs().delete_expired_files()
        status = export_jobs.job_status(jobs(), job_id)
        body = {"job_id": job_id, "kind": status.kind, "status": status.status}
        if status.status == "done":
            seconds = services().settings.export_url_seconds
            body |= {
                "rows": status.rows,
                "bytes": status.bytes,
                "filename": status.filename,
                "download_url": jobs().files.download_url(status.download_key, seconds, links.site_root()),
                "expires_in": seconds,
            }
        response = jsonify(body)
        return with_retry_after(response) if status.status == "pending" else response


@bp.route("/files/<job_id>/<filename>")
class ExportFileDownload(MethodView):
    @bp.doc(responses={"200": {"description": "the export file (local runs only; on AWS links go to S3)"}})
    def get(self, job_id: str, filename: str):
        """A finished export's file through its signed, expiring link (local runs without S3)."""
        files = jobs().files
        key = job_key(job_id, filename)
        try:
            expires = int(request.args.get("expires", ""))
        except ValueError:
            expires = 0
        signature = request.args.get("signature", "")
        if not isinstance(files, LocalExportFiles) or not files.valid_signature(key, expires, signature):
            raise NotFound(N_("no such export"))
        try:
            path = files.path_of(key)
        except ValueError:
            raise NotFound(N_("no such export")) from None
        if not path.is_file() or filename in ("request.json", "result.json", LocalExportFiles.KEEP_UNTIL):
            raise NotFound(N_("no such export"))
        return send_file(path, as_attachment=True, download_name=filename)
