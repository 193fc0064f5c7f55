"""The whole path for a class of 30 on the demonstration bank: pre for all, post for 25, a retry
and a duplicate; then the trainer's numbers and the evaluator's export, checked independently."""

import csv
import io
import json
import random
import statistics
import uuid

import pytest

from tests.conftest import ADMIN, EVALUATOR, all_items

CLASS_SIZE, POST_TAKERS = 30, 25


def expected_percent(bank, answers: dict) -> float:
    """Scoring written again from SPEC.md, independently of service.domain.scoring."""
    earned = 0.0
    for question in bank.questions:
        picked = set(answers.get(question.id, []))
        correct = {o.id for o in question.options if o.correct}
        if not picked:
            mark = 0.0
        elif question.type == "single" or bank.scoring == "all_or_nothing":
            mark = float(picked == correct)
        else:
            mark = max(0.0, (len(picked & correct) - len(picked - correct)) / len(correct))
        earned += mark * question.points
    return 100 * earned / sum(q.points for q in bank.questions)


def random_answers(bank, rng: random.Random, skill: float) -> dict:
    answers = {}
    for question in bank.questions:
        correct = [o.id for o in question.options if o.correct]
        others = [o.id for o in question.options if not o.correct]
        if rng.random() < skill:
            answers[question.id] = correct if question.type == "multiple" else correct[:1]
        elif rng.random() < 0.9:
            answers[question.id] = [rng.choice(others)] + (correct[:1] if question.type == "multiple" else [])
    return answers


@pytest.fixture
def flow(app, client):
    bank_id = "online-child-safety"
    services = app.extensions["assess"]
    version = services.banks.versions(bank_id)[-1]
    bank = services.banks.get(bank_id, version)
    created = client.post(
        "/api/v1/cohorts",
        json={
            "bank_id": bank_id,
            "bank_version": version,
            "label": "Vinnytsia police, May",
            "region": "Вінницька область",
            "phases": {"pre": {"open": True}, "post": {"open": True}},
        },
        headers=ADMIN,
    ).json
    cohort_id = created["cohort_id"]
    rng = random.Random(20261128)
    roles = ["police", "cyber_police", "educator"]
    pre, post, codes = {}, {}, {}
    for person in range(CLASS_SIZE):
        answers = random_answers(bank, rng, skill=0.35)
        body = {
            "submission_id": str(uuid.uuid4()),
            "phase": "pre",
            "language": "uk" if person % 3 else "en",
            "answers": answers,
            "demographics": {"role": roles[person % 3]},
        }
        response = client.post(f"/api/v1/cohorts/{cohort_id}/submissions", json=body)
        assert response.status_code == 201, response.json
        codes[person] = response.json["participant_code"]
        pre[person] = expected_percent(bank, answers)
        assert response.json["score"]["percent"] == pytest.approx(pre[person])
        if person == 0:  # a phone retrying after a lost answer
            retry = client.post(f"/api/v1/cohorts/{cohort_id}/submissions", json=body)
            assert retry.status_code == 200 and retry.json == response.json
    for person in range(POST_TAKERS):
        answers = random_answers(bank, rng, skill=0.75)
        body = {
            "submission_id": str(uuid.uuid4()),
            "phase": "post",
            "language": "uk",
            "answers": answers,
            "participant_code": codes[person].lower(),
        }
        response = client.post(f"/api/v1/cohorts/{cohort_id}/submissions", json=body)
        assert response.status_code == 201, response.json
        post[person] = expected_percent(bank, answers)
    duplicate = client.post(
        f"/api/v1/cohorts/{cohort_id}/submissions",
        json={
            "submission_id": str(uuid.uuid4()),
            "phase": "post",
            "language": "uk",
            "answers": {q.id: [q.options[0].id] for q in bank.questions},
            "participant_code": codes[1],
        },
    )
    assert duplicate.status_code == 409
    return {"bank": bank, "created": created, "pre": pre, "post": post, "codes": codes}


def test_report_numbers_match_an_independent_computation(client, flow):
    created, pre, post = flow["created"], flow["pre"], flow["post"]
    report = client.get(
        f"/api/v1/cohorts/{created['cohort_id']}/report",
        headers={"Authorization": f"Bearer {created['trainer_token']}"},
    ).json
    pre_values, post_values = list(pre.values()), list(post.values())
    assert report["phases"]["pre"]["n"] == CLASS_SIZE
    assert report["phases"]["post"]["n"] == POST_TAKERS
    assert report["phases"]["pre"]["mean_percent"] == pytest.approx(statistics.mean(pre_values))
    assert report["phases"]["pre"]["median_percent"] == pytest.approx(statistics.median(pre_values))
    assert report["phases"]["pre"]["sd_percent"] == pytest.approx(statistics.stdev(pre_values))
    assert report["phases"]["post"]["mean_percent"] == pytest.approx(statistics.mean(post_values))
    assert report["phases"]["post"]["min_percent"] == pytest.approx(min(post_values))
    assert report["phases"]["post"]["max_percent"] == pytest.approx(max(post_values))
    gains = [post[p] - pre[p] for p in post]
    paired = report["paired"]
    assert paired["n"] == POST_TAKERS
    assert paired["pairing_rate"] == pytest.approx(POST_TAKERS / CLASS_SIZE)
    assert paired["mean_gain"] == pytest.approx(statistics.mean(gains))
    assert paired["cohen_dz"] == pytest.approx(statistics.mean(gains) / statistics.stdev(gains))
    mean_pre = statistics.mean(pre[p] for p in post)
    mean_post = statistics.mean(post_values)
    assert paired["normalized_gain_class"] == pytest.approx((mean_post - mean_pre) / (100 - mean_pre))
    individual = [(post[p] - pre[p]) / (100 - pre[p]) for p in post if pre[p] < 100]
    assert paired["normalized_gain_mean"] == pytest.approx(statistics.mean(individual))
    assert [item["question_id"] for item in report["items"]] == [q.id for q in flow["bank"].questions]


def test_export_has_one_anonymized_row_per_submission(client, flow, dynamodb):
    response = client.get("/api/v1/exports/submissions?format=csv", headers=EVALUATOR)
    assert response.status_code == 200
    assert response.data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert len(rows) == CLASS_SIZE + POST_TAKERS
    assert response.headers["X-Export-Rows"] == str(len(rows))
    item_columns = [c for c in rows[0] if c.startswith("item.")]
    assert item_columns == [f"item.{q.id}" for q in flow["bank"].questions]
    assert {row["phase"] for row in rows} == {"pre", "post"}
    assert all(len(row["submitted_day"]) == 10 for row in rows)
    pre_percents = sorted(float(row["percent"]) for row in rows if row["phase"] == "pre")
    assert pre_percents == pytest.approx(sorted(round(p, 2) for p in flow["pre"].values()))
    # 10 per role, but whether someone came to the post-test counts too: the five who did not are in
    # classes of one or two by role, so their pre-test rows lose region, language, day and role.
    assert response.headers["X-Export-Suppressed-Rows"] == "5"
    assert response.headers["X-Export-Suppressed-Participants"] == "5"
    suppressed = [row for row in rows if row["demographic.role"] == "suppressed"]
    assert len(suppressed) == 5 and {row["phase"] for row in suppressed} == {"pre"}
    stored = json.dumps(all_items(dynamodb))
    exported = (
        response.data.decode("utf-8-sig")
        + client.get("/api/v1/exports/submissions?format=jsonl", headers=EVALUATOR).text
    )
    for code in flow["codes"].values():
        for text in (stored, exported):
            assert code not in text and code.replace("-", "") not in text
    hashes = {item["participant_hash"]["S"] for item in all_items(dynamodb) if "participant_hash" in item}
    assert not any(h in exported for h in hashes)


def test_jsonl_export_carries_the_same_rows(client, flow):
    lines = client.get("/api/v1/exports/submissions?format=jsonl", headers=EVALUATOR).text.splitlines()
    rows = [json.loads(line) for line in lines]
    assert len(rows) == CLASS_SIZE + POST_TAKERS
    assert {row["bank_version"] for row in rows} == {flow["bank"].version}


def test_participant_export_has_one_row_per_linked_participant(client, flow):
    response = client.get("/api/v1/exports/participants?format=csv", headers=EVALUATOR)
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert len(rows) == POST_TAKERS
    gains = sorted(round(flow["post"][p] - flow["pre"][p], 2) for p in flow["post"])
    assert sorted(float(row["gain"]) for row in rows) == pytest.approx(gains)


def test_exports_need_the_evaluator_token(client, flow):
    for headers in ({}, ADMIN, {"Authorization": f"Bearer {flow['created']['trainer_token']}"}):
        assert client.get("/api/v1/exports/submissions", headers=headers).status_code == 401
