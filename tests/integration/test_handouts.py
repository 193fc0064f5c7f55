"""The QR code downloads of the console's cohort page and the trainer's page: the participant link from
service/web/links.py, as SVG and PNG, behind the console's session and the trainer's cookie."""

import io
import re

import segno

from tests.conftest import ENVIRONMENT
from tests.integration.test_api_basics import create_cohort
from tests.integration.test_trainer_page import trainer_login


def test_the_trainer_downloads_the_qr_code_as_svg_and_png(small_client):
    created = create_cohort(small_client)
    cohort_id = created["cohort_id"]
    assert small_client.get(f"/cohorts/{cohort_id}/qr.png").status_code == 404  # no cookie
    trainer_login(small_client, created)
    page = small_client.get(f"/cohorts/{cohort_id}?lang=en").text
    assert f'href="/cohorts/{cohort_id}/qr.svg"' in page and f'href="/cohorts/{cohort_id}/qr.png"' in page
    svg = small_client.get(f"/cohorts/{cohort_id}/qr.svg")
    assert svg.mimetype == "image/svg+xml" and svg.data.startswith(b"<?xml")
    assert f"https://assess.example.org/c/{cohort_id}" in svg.text
    png = small_client.get(f"/cohorts/{cohort_id}/qr.png")
    assert png.mimetype == "image/png" and png.data.startswith(b"\x89PNG")
    assert f'filename="qr-{cohort_id}.png"' in png.headers["Content-Disposition"]
    width = int.from_bytes(png.data[16:20], "big")
    expected = segno.make(f"https://assess.example.org/c/{cohort_id}", error="m")
    out = io.BytesIO()
    expected.save(out, kind="png", scale=20, border=4)
    assert png.data == out.getvalue() and width >= 600  # print-friendly


def test_the_console_offers_the_same_downloads_behind_its_session(small_client):
    created = create_cohort(small_client)
    cohort_id = created["cohort_id"]
    assert small_client.get(f"/admin/cohorts/{cohort_id}/qr.svg").status_code == 303  # to the login
    small_client.post("/admin/login", data={"token": ENVIRONMENT["ASSESS_ADMIN_TOKEN"]})
    page = small_client.get(f"/admin/cohorts/{cohort_id}?lang=en").text
    assert re.search(rf'href="/admin/cohorts/{cohort_id}/qr.png" download>PNG', page)
    assert small_client.get(f"/admin/cohorts/{cohort_id}/qr.png").data.startswith(b"\x89PNG")
    assert small_client.get("/admin/cohorts/nosuchcohort/qr.png").status_code == 404
