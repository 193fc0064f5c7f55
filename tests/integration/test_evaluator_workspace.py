"""The evaluator's workspace with the Flask client: its own session (a coordinator's opens none of
its pages), filters, the pooled report with indicators against the coordinator's targets, the XLSX
download and the same XLSX from the JSON API, the printable report; the console's read-only results."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest

from tests.conftest import ENVIRONMENT, EVALUATOR
from tests.integration.test_api_basics import create_cohort, submit

TOKEN = ENVIRONMENT["ASSESS_EVALUATOR_TOKEN"]
RIGHT = {"q1": ["b"], "q2": ["a", "c"], "q3": ["d"]}
HALF = {"q1": ["b"], "q3": ["a"]}
WRONG = {"q1": ["a"]}


def cohort_of(client, people: int, **cohort) -> str:
    """A cohort of `people` participants, each improving from WRONG or HALF to RIGHT."""
    cohort_id = create_cohort(client, **cohort)["cohort_id"]
    for index in range(people):
        taken = submit(client, cohort_id, WRONG if index % 2 else HALF)
        assert taken.status_code == 201
        code = taken.json["participant_code"]
        assert submit(client, cohort_id, RIGHT, phase="post", participant_code=code).status_code == 201
    return cohort_id


def evaluator(app):
    browser = app.test_client()
    response = browser.post("/evaluator/login", data={"token": TOKEN})
    assert response.status_code == 303 and response.headers["Location"] == "/evaluator"
    cookie = browser.get_cookie("evaluator_session", path="/evaluator")
    assert cookie.http_only and cookie.same_site == "Strict"
    return browser


def csrf_of(browser, path="/evaluator") -> str:
    return re.search(r'name="csrf" value="([^"]+)"', browser.get(path).text).group(1)


@pytest.fixture
def programme(small_client):
    """Two cohorts of 6 in Kyiv oblast and Lviv oblast, and one of 2 (under k = 5)."""
    kyiv = cohort_of(small_client, 6, label="Kyiv, police")
    lviv = cohort_of(small_client, 6, label="Lviv, teachers", region="Львівська область")
    small = cohort_of(small_client, 2, label="Tiny group")
    return {"kyiv": kyiv, "lviv": lviv, "small": small}


def test_the_dashboard_shows_cohorts_filters_by_region_and_withholds_a_small_cohort(small_app, programme):
    browser = evaluator(small_app)
    page = browser.get("/evaluator?lang=en").text
    assert "Kyiv, police" in page and "Lviv, teachers" in page and "Tiny group" in page
    assert "fewer than 5 participants: not shown" in page
    totals = re.search(r"<tfoot>(.*?)</tfoot>", page, re.S).group(1)  # the cohort of 2 is not counted
    assert "Total of 2 cohorts with figures" in totals and re.findall(r'"n">(\d+)<', totals) == ["12", "12", "12"]
    row = re.search(r"Tiny group</td>(.*?)</tr>", page, re.S).group(1)
    assert "not shown" in row and '<td class="n">2</td>' not in row  # no count either
    lviv_only = browser.get("/evaluator?lang=en&region=Львівська область").text
    assert "Lviv, teachers" in lviv_only and "Kyiv, police" not in lviv_only
    future = browser.get("/evaluator?lang=en&from=2999-01-01").text
    assert "No cohort matches these filters." in future
    assert "Give a date as YYYY-MM-DD." in browser.get("/evaluator?lang=en&to=yesterday").text


def test_the_pooled_report_shows_indicators_against_the_coordinators_targets(small_app, programme):
    console = small_app.test_client()
    console.post("/admin/login", data={"token": ENVIRONMENT["ASSESS_ADMIN_TOKEN"]})
    csrf = csrf_of(console, "/admin")
    bad = console.post("/admin/banks/small/targets", data={"csrf": csrf, "mean_gain": "lots"})
    assert bad.status_code == 422
    saved = console.post(
        "/admin/banks/small/targets", data={"csrf": csrf, "improved_share": "70", "mean_gain": "90", "pairing_rate": ""}
    )
    assert saved.status_code == 303
    assert 'value="70"' in console.get("/admin/banks/small/targets").text
    page = evaluator(small_app).get("/evaluator/reports/small/1?lang=en").text
    assert "Pooled over 3 cohorts." in page
    assert "1 cohort with fewer than 5 participants is left out of every figure." in page
    table = re.search(r'<table class="indicators">(.*?)</table>', page, re.S).group(1)
    improved, gain, pairing = re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", table, re.S)
    assert "100.0%" in improved and '<span class="met">met</span>' in improved  # 12 of 12 improved
    assert '<span class="unmet">not met</span>' in gain  # gains of 62.5 and 100 points, mean < 90
    assert "no target set" in pairing
    assert "<svg" in page and "Tiny group" in page


def test_a_cohort_with_fewer_than_k_pairs_shows_no_gain_anywhere_and_the_report_has_its_forest_plot(
    small_app, small_client, programme
):
    """Issue 17's rule in the workspace too: 7 took the first test, 2 both; their mean gain is two
    people's, so neither the programme table nor the pooled report shows it, and the forest plot and
    the random-effects summary cover the cohorts with k pairs or more."""
    few = create_cohort(small_client, label="Few came back")["cohort_id"]
    codes = [submit(small_client, few, WRONG).json["participant_code"] for _ in range(7)]
    for code in codes[:2]:
        assert submit(small_client, few, RIGHT, phase="post", participant_code=code).status_code == 201
    browser = evaluator(small_app)

    row = re.search(r"Few came back</td>(.*?)</tr>", browser.get("/evaluator?lang=en").text, re.S).group(1)
    assert '<td class="n">7</td>' in row and "not shown" in row and "+" not in row
    page = browser.get("/evaluator/reports/small/1?lang=en").text
    row = re.search(r"Few came back</td>(.*?)</tr>", page, re.S).group(1)
    assert "not shown" in row and "+" not in row
    assert 'id="forest' in page and "Across 2 cohorts (12 people who took both tests)" in page


def test_an_xlsx_download_has_the_csvs_rows_a_codebook_of_every_column_and_the_metadata(small_app, programme):
    browser = evaluator(small_app)
    query = "bank=small@1"
    xlsx = browser.get(f"/evaluator/exports/submissions?format=xlsx&{query}")
    assert xlsx.status_code == 200 and xlsx.headers["Content-Disposition"].endswith('submissions.xlsx"')
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx.data), read_only=True)
    assert workbook.sheetnames == ["data", "codebook", "metadata"]
    data = list(workbook["data"].iter_rows(values_only=True))
    rows = list(csv.reader(io.StringIO(browser.get(f"/evaluator/exports/submissions?format=csv&{query}").text)))
    assert len(data) == len(rows) == 1 + 24  # 12 participants with both tests; the cohort of 2 withheld
    header = list(data[0])
    assert [row[0] for row in workbook["codebook"].iter_rows(min_row=2, values_only=True)] == header
    percent = header.index("percent")
    assert all(isinstance(row[percent], (int, float)) for row in data[1:])  # typed, not text
    metadata = dict(workbook["metadata"].iter_rows(min_row=2, values_only=True))
    assert metadata["k"] == 5 and metadata["bank_versions"] == "small/1" and metadata["exported_at"]
    assert "suppressed_rows" in metadata and "withheld_rows" in metadata
    assert browser.get("/evaluator/exports/submissions?format=xlsx&bank=small@9").status_code == 422  # not all banks
    api = small_app.test_client().get(
        "/api/v1/exports/submissions?format=xlsx&bank_id=small&bank_version=1", headers=EVALUATOR
    )
    assert api.status_code == 200
    api_rows = list(openpyxl.load_workbook(io.BytesIO(api.data), read_only=True)["data"].iter_rows(values_only=True))
    assert len(api_rows) == len(data) and api_rows[0] == data[0]


def test_the_printable_report_from_the_workspace_and_from_the_api(small_app, programme):
    page = evaluator(small_app).get("/evaluator/reports/small/1/print?lang=uk")
    assert page.status_code == 200 and '<html lang="uk">' in page.text
    api = small_app.test_client().get(
        "/api/v1/reports?bank_id=small&bank_version=1&format=html&lang=en", headers=EVALUATOR
    )
    assert api.status_code == 200 and api.mimetype == "text/html"
    assert "Training effectiveness report" in api.text and "Data protection" in api.text
    refused = small_app.test_client().get(
        f"/api/v1/reports?cohort_id={programme['kyiv']}&format=html", headers=EVALUATOR
    )
    assert refused.status_code == 422


def test_logging_out_ends_the_evaluators_session_and_roles_do_not_cross(small_app, programme):
    browser = evaluator(small_app)
    cookie = browser.get_cookie("evaluator_session", path="/evaluator").value
    assert browser.post("/evaluator/logout", data={"csrf": "wrong"}).status_code == 403
    assert browser.post("/evaluator/logout", data={"csrf": csrf_of(browser)}).status_code == 303
    replay = small_app.test_client()
    replay.set_cookie("evaluator_session", cookie, path="/evaluator")
    assert replay.get("/evaluator").status_code == 303
    as_console = small_app.test_client()  # an evaluator's session id presented to the console
    as_console.set_cookie(
        "admin_session", evaluator(small_app).get_cookie("evaluator_session", path="/evaluator").value, path="/admin"
    )
    assert as_console.get("/admin").status_code == 303
    wrong = small_app.test_client().post("/evaluator/login", data={"token": ENVIRONMENT["ASSESS_ADMIN_TOKEN"]})
    assert wrong.status_code == 401


def test_the_console_shows_a_cohorts_results_read_only_and_the_trainer_link_still_works(small_app, small_client):
    created = create_cohort(small_client)
    console = small_app.test_client()
    console.post("/admin/login", data={"token": ENVIRONMENT["ASSESS_ADMIN_TOKEN"]})
    cohort_page = console.get(f"/admin/cohorts/{created['cohort_id']}").text
    assert f"/admin/cohorts/{created['cohort_id']}/results" in cohort_page
    results = console.get(f"/admin/cohorts/{created['cohort_id']}/results")
    assert results.status_code == 200
    assert "/phases" not in results.text and "expected_participants" not in results.text
    assert "trainer.js" not in results.text and "/projector" not in results.text
    trainer = small_app.test_client().get(f"/cohorts/{created['cohort_id']}?token={created['trainer_token']}")
    assert trainer.status_code == 303


def test_a_large_download_becomes_a_job_whose_page_shows_progress_then_the_link(settings, store, tmp_path):
    import dataclasses
    import time

    from service.app import create_app
    from service.domain.banks import BankRegistry
    from tests.factories import small_bank

    changed = dataclasses.replace(settings, export_sync_max_rows=3, export_dir=tmp_path)
    app = create_app(changed, store=store, banks=BankRegistry([small_bank("partial")]))
    cohort_of(app.test_client(), 6)
    browser = evaluator(app)
    asked = browser.get("/evaluator/exports/participants?format=xlsx&bank=small@1&lang=en")
    assert asked.status_code == 303 and asked.headers["Location"].startswith("/evaluator/jobs/")
    for _ in range(100):
        page = browser.get(asked.headers["Location"]).text
        if "<progress" not in page:
            break
        assert 'http-equiv="refresh"' in page
        time.sleep(0.1)
    assert "Ready: 6 rows." in page
    link = re.search(r'href="([^"]+/api/v1/exports/files/[^"]+)"', page).group(1).replace("&amp;", "&")
    path = link.split("://", 1)[-1].partition("/")[2]
    file = app.test_client().get("/" + path)
    assert file.status_code == 200
    data = openpyxl.load_workbook(io.BytesIO(file.data), read_only=True)["data"]
    assert len(list(data.iter_rows(values_only=True))) == 1 + 6


def test_an_idle_evaluator_session_ends_and_so_do_all_when_the_evaluator_token_changes(settings, store):
    import dataclasses
    import hashlib

    from service.app import create_app
    from tests.integration.test_console_sessions import Clock

    clock = Clock()
    app = create_app(settings, store=store, clock=clock)
    busy, idle = evaluator(app), evaluator(app)
    for _ in range(3):  # 87 minutes in all, never 30 without a request
        clock.advance(29 * 60)
        assert busy.get("/evaluator").status_code == 200
    assert idle.get("/evaluator").status_code == 303  # 30 minutes without a request
    new_token = dataclasses.replace(settings, evaluator_token_sha256=hashlib.sha256(b"a-new-token-" * 3).hexdigest())
    rotated = create_app(new_token, store=store, clock=clock).test_client()
    rotated.set_cookie(
        "evaluator_session", busy.get_cookie("evaluator_session", path="/evaluator").value, path="/evaluator"
    )
    assert rotated.get("/evaluator").status_code == 303
