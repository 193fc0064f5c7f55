"""Where schemathesis found the service and its OpenAPI document disagreeing, fixed and kept fixed."""

import pytest

from tests.conftest import ADMIN, EVALUATOR
from tests.integration.test_api_basics import create_cohort


def test_a_refused_method_names_the_allowed_ones(small_client):
    response = small_client.delete("/api/v1/banks")
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET"}
    assert response.json["error"]["code"] == "method_not_allowed"


@pytest.mark.parametrize("phases", [{}, {"post": {"open": 0}}, {"pre": {"open": "yes"}}])
def test_a_phase_change_needs_a_named_phase_and_a_json_boolean(small_client, phases):
    cohort = create_cohort(small_client)
    response = small_client.patch(f"/api/v1/cohorts/{cohort['cohort_id']}", json={"phases": phases}, headers=ADMIN)
    assert response.status_code == 422, response.json
    assert response.json["error"]["fields"]


def test_the_document_states_how_many_answers_a_submission_may_hold(small_client):
    spec = small_client.get("/api/v1/openapi.json").json
    answers = spec["components"]["schemas"]["SubmissionCreate"]["properties"]["answers"]
    assert answers["maxProperties"] == 500 and "maxLength" not in answers


@pytest.mark.parametrize("path", ["/api/v1/exports/submissions", "/api/v1/exports/participants"])
def test_a_mistyped_export_filter_is_refused_not_ignored(small_client, path):
    response = small_client.get(f"{path}?frm=2026-01-01", headers=EVALUATOR)
    assert response.status_code == 422
    assert "frm" in response.json["error"]["fields"]
