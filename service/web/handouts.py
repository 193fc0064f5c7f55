"""Handouts for the room: the participant link's QR code as a file to download (SVG for print
layouts, PNG at a print-friendly scale), from the console's cohort page and the trainer's page.

The link is the one every page shows (service/web/links.py, so a stage prefix or a custom domain is
in the code); the routes sit behind the console's session and the trainer's cookie respectively.
"""

from __future__ import annotations

import io

from flask import Response, request

from service import operations
from service.web import admin, auth, links, services, trainer

PNG_SCALE = 20  # modules of 20 px: a 33-module code is ~740 px, sharp at 6 cm on a 300-dpi print
KINDS = {"svg": "image/svg+xml", "png": "image/png"}


def qr_file(url: str, kind: str) -> bytes:
    """The link's QR code (error correction M, a 4-module quiet zone) as a standalone SVG or PNG file."""
    import segno  # here: a cold start serving a participant page draws no QR code

    buffer = io.BytesIO()
    code = segno.make(url, error="m")
    if kind == "png":
        code.save(buffer, kind="png", scale=PNG_SCALE, border=4)
    else:
        code.save(buffer, kind="svg", scale=10, border=4, xmldecl=True, title=url)
    return buffer.getvalue()


def _download(cohort_id: str, kind: str) -> Response:
    body = qr_file(links.participant_url(cohort_id), kind)
    response = Response(body, mimetype=KINDS[kind])
    response.headers["Content-Disposition"] = f'attachment; filename="qr-{cohort_id}.{kind}"'
    return response


@admin.bp.get("/cohorts/<cohort_id>/qr.svg", defaults={"kind": "svg"})
@admin.bp.get("/cohorts/<cohort_id>/qr.png", defaults={"kind": "png"})
def console_qr(cohort_id: str, kind: str):
    operations.find_cohort(services(), cohort_id)
    return _download(cohort_id, kind)


@trainer.bp.get("/cohorts/<cohort_id>/qr.svg", defaults={"kind": "svg"})
@trainer.bp.get("/cohorts/<cohort_id>/qr.png", defaults={"kind": "png"})
def trainer_qr(cohort_id: str, kind: str):
    auth.cohort_for_trainer(cohort_id, request.cookies.get(trainer.COOKIE), coordinator_too=False)
    return _download(cohort_id, kind)
