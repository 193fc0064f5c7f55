"""A cohort may shuffle question and option order per participant; scoring never notices."""

import re

from tests.conftest import ADMIN


def create(client, shuffle: bool) -> str:
    body = {"bank_id": "online-child-safety", "bank_version": "2", "label": "Lviv", "shuffle": shuffle}
    response = client.post("/api/v1/cohorts", json=body, headers=ADMIN)
    assert response.status_code == 201
    return response.json["cohort_id"]


def order(page) -> list[tuple[str, list[str]]]:
    """(question id, option ids in the order shown) for every question of a test page."""
    shown = []
    for question_id, block in re.findall(r'<fieldset id="q-([^"]+)">(.*?)</fieldset>', page.text, re.S):
        shown.append((question_id, re.findall(rf'name="a\.{re.escape(question_id)}" value="([^"]+)"', block)))
    return shown


def test_without_shuffling_everyone_sees_the_banks_order(app, client):
    cohort_id = create(client, shuffle=False)
    page = client.get(f"/c/{cohort_id}")
    bank = app.extensions["assess"].banks.get("online-child-safety", "2")
    assert order(page) == [(q.id, list(q.option_ids)) for q in bank.questions]
    assert "form_" not in page.headers.get("Set-Cookie", "")


def test_a_shuffled_order_is_per_participant_and_survives_a_reload_and_a_failed_submit(app, client):
    cohort_id = create(client, shuffle=True)
    bank = app.extensions["assess"].banks.get("online-child-safety", "2")
    first = client.get(f"/c/{cohort_id}")
    shown = order(first)
    assert sorted(q for q, _ in shown) == sorted(q.id for q in bank.questions)
    assert [q for q, _ in shown] != [q.id for q in bank.questions]
    assert any(options != list(bank.question(q).option_ids) for q, options in shown)
    assert order(client.get(f"/c/{cohort_id}")) == shown  # a reload

    submission_id = re.search(r'name="submission_id" value="([^"]+)"', first.text).group(1)
    form = {"submission_id": submission_id, "phase": "pre", "lang": "uk", "a.q-grooming-definition": "zz"}
    failed = client.post(f"/c/{cohort_id}", data=form)
    assert failed.status_code == 422 and order(failed) == shown

    other_phone = app.test_client()
    assert order(other_phone.get(f"/c/{cohort_id}")) != shown


def test_shuffled_answers_score_by_id_as_unshuffled_ones_do(app, client):
    cohort_id = create(client, shuffle=True)
    bank = app.extensions["assess"].banks.get("online-child-safety", "2")
    page = client.get(f"/c/{cohort_id}")
    submission_id = re.search(r'name="submission_id" value="([^"]+)"', page.text).group(1)
    form = {"submission_id": submission_id, "phase": "pre", "lang": "uk"}
    form |= {f"a.{q.id}": sorted(q.correct_ids) for q in bank.questions}
    result = client.post(f"/c/{cohort_id}", data=form)
    assert result.status_code == 200 and "100%" in result.text
    assert (
        "form_" in result.headers.getlist("Set-Cookie")[-1] and "Max-Age=0" in result.headers.getlist("Set-Cookie")[-1]
    )
