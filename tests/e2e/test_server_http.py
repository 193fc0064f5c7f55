"""Drive the real server process over HTTP: the printed links, the HTML form and the JSON API."""

import csv
import io
import json
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest

pytestmark = pytest.mark.e2e


def request(url, data=None, headers=None, method=None):
    body = None
    headers = dict(headers or {})
    if isinstance(data, dict) and headers.get("Content-Type") == "application/json":
        body = json.dumps(data).encode()
    elif data is not None:
        body = urllib.parse.urlencode(data, doseq=True).encode()
    req = urllib.request.Request(url, data=body, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode("utf-8")


def test_start_up_output_names_links_tokens_and_whether_data_survives(server):
    assert "embedded (moto)" in server["output"]
    assert "LOST when this process stops" in server["output"]  # the e2e server runs with --memory
    assert server["participant_url"].startswith(server["root"] + "/c/")


def test_html_form_submission_over_http(server):
    status, _, page = request(server["participant_url"])
    assert status == 200 and '<html lang="uk">' in page
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    for name, value in re.findall(r'name="(a\.[^"]+)" value="([^"]+)"', page):
        if len([f for f in fields if f.startswith("a.")]) < 12 and name not in fields:
            fields[name] = value  # 12 of 21 answered: enough to be stored
    status, _, again = request(server["participant_url"], data=fields)
    assert status == 200 and 'id="unanswered"' in again  # the others are unanswered: pointed out once
    status, _, result = request(server["participant_url"], data=fields | {"anyway": "1"})
    assert status == 200
    assert re.search(r'class="code">[0-9A-Z]{3}-[0-9A-Z]{3}-[0-9A-Z]{3}<', result)


def test_json_api_create_submit_report_and_export_over_http(server):
    root, admin = (
        server["root"],
        {"Authorization": f"Bearer {server['admin_token']}", "Content-Type": "application/json"},
    )
    status, _, banks = request(f"{root}/api/v1/banks")
    bank = json.loads(banks)["banks"][0]
    status, _, created = request(
        f"{root}/api/v1/cohorts",
        data={"bank_id": bank["bank_id"], "bank_version": bank["versions"][0], "label": "e2e"},
        headers=admin,
    )
    assert status == 201, created
    created = json.loads(created)
    status, _, public_bank = request(f"{root}/api/v1/banks/{bank['bank_id']}/{bank['versions'][0]}")
    answers = {question["id"]: ["a"] for question in json.loads(public_bank)["questions"]}
    body = {"submission_id": str(uuid.uuid4()), "phase": "pre", "language": "en", "answers": answers}
    status, _, result = request(
        f"{root}/api/v1/cohorts/{created['cohort_id']}/submissions",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    assert status == 201, result
    trainer = {"Authorization": f"Bearer {created['trainer_token']}"}
    status, _, report = request(f"{root}/api/v1/cohorts/{created['cohort_id']}/report", headers=trainer)
    assert status == 200 and json.loads(report)["phases"]["pre"]["n"] == 1
    evaluator = {"Authorization": f"Bearer {server['evaluator_token']}"}
    status, headers, exported = request(
        f"{root}/api/v1/exports/submissions?format=csv&cohort_id={created['cohort_id']}", headers=evaluator
    )
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.lstrip("\ufeff"))))
    # one participant is a group under k: the row is withheld from the export and counted (issue 13)
    assert rows == [] and headers["X-Export-Withheld-Rows"] == "1"
