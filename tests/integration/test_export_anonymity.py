"""A realistic export, checked the way a data-protection officer would: unzip it, read it with the
standard library only, and verify k-anonymity row by row and as an employer would attack it.

Six cohorts like the pilot's (police, cyber police, educators, mixed groups; 4 to 90 people; some
in English, some absent from the post-test, some arriving a day late), on the shipped bank with its
two demographic questions.
"""

from __future__ import annotations

import csv
import io
import json
import random
import uuid
import zipfile
from collections import defaultdict
from dataclasses import dataclass

import pytest

from service import operations, submissions
from service.app import create_app
from service.settings import Settings
from tests.conftest import ADMIN, ENVIRONMENT, EVALUATOR
from tests.fakes import InMemoryStore
from tests.integration.test_full_flow import random_answers

K = 5
SUPPRESSED = "suppressed"
BANK = "online-child-safety"
COHORTS = [
    # label, region, size, role weights (police, cyber_police, educator, child_rights, other)
    ("Kyiv police, March", "Київська область", 60, (70, 20, 0, 0, 10)),
    ("Vinnytsia mixed, April", "Вінницька область", 35, (20, 0, 40, 30, 10)),
    ("Lviv cyber police, April", "Львівська область", 45, (10, 85, 0, 0, 5)),
    ("Kyiv schools, May", "Київська область", 90, (0, 0, 80, 10, 10)),
    ("Lviv NGO pilot", "Львівська область", 4, (0, 0, 25, 75, 0)),
    ("Vinnytsia police, June", "Вінницька область", 12, (90, 10, 0, 0, 0)),
]
ROLES = ("police", "cyber_police", "educator", "child_rights", "other")
EXPERIENCE = ("lt2", "2to5", "gt5", "")


@dataclass
class Person:
    """What an employer may know about a participant: everything but their scores."""

    cohort_id: str
    code: str
    role: str
    experience: str
    phases: dict  # phase -> (language, day)


def seed(app, monkeypatch) -> list[Person]:
    services = app.extensions["assess"]
    version = services.banks.versions(BANK)[-1]
    bank = services.banks.get(BANK, version)
    rng = random.Random(4)
    people = []
    for number, (label, region, size, weights) in enumerate(COHORTS):
        created = operations.create_cohort(
            services, bank_id=BANK, bank_version=version, label=label, region=region, phases={"post": True}
        )
        cohort, bank = operations.find_cohort(services, created.cohort.id)
        day = 3 + 7 * number
        for _ in range(size):
            role = rng.choices(ROLES, weights)[0]
            experience = rng.choices(EXPERIENCE, (30, 35, 25, 10))[0]
            language = "en" if rng.random() < 0.08 else "uk"
            pre_day = f"2026-05-{day + (rng.random() < 0.05):02d}"  # a few arrive a day late
            monkeypatch.setattr(operations, "now_to_the_minute", lambda d=pre_day: f"{d}T09:{rng.randrange(60):02d}Z")
            demographics = {"role": role} | ({"experience": experience} if experience else {})
            pre = submissions.submit(
                services,
                cohort,
                bank,
                submission_id=str(uuid.uuid4()),
                phase="pre",
                language=language,
                answers=random_answers(bank, rng, 0.4),
                demographics=demographics,
            )
            person = Person(cohort.id, pre.participant_code, role, experience, {"pre": (language, pre_day)})
            if rng.random() < 0.85:
                post_language = language if rng.random() < 0.97 else ("en" if language == "uk" else "uk")
                post_day = f"2026-05-{day + 2:02d}"
                monkeypatch.setattr(operations, "now_to_the_minute", lambda d=post_day: f"{d}T16:00Z")
                submissions.submit(
                    services,
                    cohort,
                    bank,
                    submission_id=str(uuid.uuid4()),
                    phase="post",
                    language=post_language,
                    answers=random_answers(bank, rng, 0.75),
                    participant_code=pre.participant_code,
                )
                person.phases["post"] = (post_language, post_day)
            people.append(person)
    return people


def read_zip(response) -> tuple[dict, list[dict], list[dict], dict]:
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    kind = json.loads(archive.read("metadata.json"))["export"]
    text = archive.read(f"{kind}.csv").decode("utf-8")
    assert text.startswith("\ufeff")
    csv_rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    jsonl_rows = [json.loads(line) for line in archive.read(f"{kind}.jsonl").decode("utf-8").splitlines()]
    return json.loads(archive.read("metadata.json")), csv_rows, jsonl_rows, json.loads(archive.read("codebook.json"))


def check_k_anonymity(rows: list[dict], quasi: list[str], k: int, within: list[str]) -> dict:
    """Row by row: the rows sharing this row's scope (its cohort; for a pooled export its bank version),
    phase and quasi-identifiers belong to at least k participants — unless the row is fully
    suppressed and its (scope, phases taken) group is itself smaller than k. Then the same for whole
    participants (all their rows together)."""

    def scope(row):
        return tuple(row[column] for column in within)

    phases_of = defaultdict(set)
    for row in rows:
        phases_of[row["pseudonym"]].add(row.get("phase", ""))
    groups = defaultdict(set)
    for row in rows:
        groups[(scope(row), tuple(sorted(phases_of[row["pseudonym"]])))].add(row["pseudonym"])
    classes = defaultdict(set)
    for row in rows:
        classes[(scope(row), row.get("phase", ""), *(row[c] for c in quasi))].add(row["pseudonym"])
    for row in rows:
        members = classes[(scope(row), row.get("phase", ""), *(row[c] for c in quasi))]
        if len(members) < k:
            assert all(row[c] == SUPPRESSED for c in quasi), f"class of {len(members)} left visible: {row}"
            group = groups[(scope(row), tuple(sorted(phases_of[row["pseudonym"]])))]
            assert len(group) < k, f"a group of {len(group)} was not protected: {row}"
    vectors = defaultdict(list)
    scope_of = {}
    for row in rows:
        vectors[row["pseudonym"]].append((row.get("phase", ""), *(row[c] for c in quasi)))
        scope_of[row["pseudonym"]] = scope(row)
    participant_classes = defaultdict(set)
    for pseudonym, signature in vectors.items():
        participant_classes[(scope_of[pseudonym], tuple(sorted(signature)))].add(pseudonym)
    for (_, signature), members in participant_classes.items():
        if len(members) < k:
            assert all(value == SUPPRESSED for entry in signature for value in entry[1:])
    return {
        "rows": len(rows),
        "participants": len(vectors),
        "row_classes": len(classes),
        "participant_classes": len(participant_classes),
        "suppressed_rows": sum(1 for row in rows if row[quasi[0]] == SUPPRESSED),
    }


def check_metadata_export(metadata: dict, rows: list[dict]) -> dict:
    within = [column for column in metadata["classes_counted_within"] if column != "phases taken"]
    return check_k_anonymity(rows, metadata["quasi_identifiers"], metadata["k"], within)


@pytest.fixture(scope="module")
def realistic_app():
    """Seeded once for the module: about 250 participants and 440 submissions, kept in memory (the
    subject here is the export; moto would take a minute to serialise these Query answers)."""
    app = create_app(Settings.from_environment(dict(ENVIRONMENT)), store=InMemoryStore())
    with pytest.MonkeyPatch.context() as clock:
        people = seed(app, clock)
    return app, people


@pytest.fixture(scope="module")
def realistic(realistic_app):
    app, people = realistic_app
    response = app.test_client().get("/api/v1/exports/submissions?format=zip", headers=EVALUATOR)
    assert response.status_code == 200 and response.mimetype == "application/zip"
    return people, *read_zip(response)


@pytest.fixture
def realistic_client(realistic_app):
    return realistic_app[0].test_client()


def test_every_class_of_a_realistic_export_has_k_participants_row_by_row(realistic):
    people, metadata, rows, jsonl_rows, codebook = realistic
    quasi = metadata["quasi_identifiers"]
    demographic_columns = [c["name"] for c in codebook["columns"] if c["name"].startswith("demographic.")]
    assert {"region", "language", *demographic_columns} <= set(quasi)
    assert demographic_columns == ["demographic.role", "demographic.experience"]
    assert metadata["classes_counted_within"] == ["cohort_id", "phases taken"]
    figures = check_metadata_export(metadata, rows)
    print(f"\nrealistic submissions export, k={K}: {figures}, metadata: {metadata}")
    assert metadata["k"] == K
    # a (cohort, phases taken) group under k has no row (disclosure.py): counted as withheld
    assert figures["rows"] == metadata["rows"] == sum(len(p.phases) for p in people) - metadata["withheld_rows"]
    assert metadata["withheld_rows"] > 0 and metadata["withheld_reason"] == f"fewer than {K}"
    assert figures["suppressed_rows"] == metadata["suppressed_rows"]
    assert figures["participant_classes"] == metadata["classes"]
    # not vacuous: suppression happened, a cohort was below k, and many rows still show demographics
    assert 0 < metadata["suppressed_rows"] < figures["rows"]
    assert sum(row["demographic.role"] not in ("", SUPPRESSED) for row in rows) > figures["rows"] / 3
    assert metadata["cohorts_below_k"] == 1
    assert [{k: str(v) if v is not None else "" for k, v in r.items()} for r in jsonl_rows] == rows


def test_a_cohort_smaller_than_k_has_no_row_in_a_row_level_export(realistic):
    """Was: exported without its demographics; but its rows' scores and marks then joined with a
    pooled export's (issue 13, attack 1). Now its rows are withheld and counted."""
    people, metadata, rows, _, _ = realistic
    small = next(p.cohort_id for p in people if sum(q.cohort_id == p.cohort_id for q in people) < K)
    assert not [row for row in rows if row["cohort_id"] == small]
    assert metadata["withheld_participants"] >= sum(p.cohort_id == small for p in people)


def test_an_employer_who_knows_everything_but_the_score_still_faces_k_candidates(realistic):
    """For each real participant, the rows consistent with what their employer knows (cohort, role,
    experience, languages, days, which tests they took; 'suppressed' fits anything) belong to at
    least k participants — or to their whole group, when that group is smaller than k."""
    people, _metadata, rows, _, _ = realistic
    rows_of = defaultdict(list)
    for row in rows:
        rows_of[row["pseudonym"]].append(row)

    def fits(value, known):
        return value in (known, SUPPRESSED)

    def consistent(person: Person, own_rows: list[dict]) -> bool:
        if own_rows[0]["cohort_id"] != person.cohort_id or {r["phase"] for r in own_rows} != set(person.phases):
            return False
        return all(
            fits(r["demographic.role"], person.role)
            and fits(r["demographic.experience"], person.experience)
            and fits(r["language"], person.phases[r["phase"]][0])
            and fits(r["submitted_day"], person.phases[r["phase"]][1])
            for r in own_rows
        )

    smallest = len(rows_of)
    for person in people:
        candidates = [p for p, own in rows_of.items() if consistent(person, own)]
        group = [q for q in people if q.cohort_id == person.cohort_id and set(q.phases) == set(person.phases)]
        if len(group) < K:  # a small group has no row at all
            assert not candidates, person
            continue
        assert len(candidates) >= K, person
        smallest = min(smallest, len(candidates))
    print(f"\nfewest candidates any participant's employer faces: {smallest}")


def test_the_participants_export_is_k_anonymous_too(realistic, realistic_client):
    response = realistic_client.get("/api/v1/exports/participants?format=zip", headers=EVALUATOR)
    metadata, rows, _, _ = read_zip(response)
    figures = check_metadata_export(metadata, rows)
    print(f"\nrealistic participants export, k={K}: {figures}")
    assert figures["rows"] == metadata["rows"] > 0
    assert {"language_pre", "language_post", "region"} <= set(metadata["quasi_identifiers"])


def test_a_pooled_export_names_no_cohort_and_suppresses_what_the_per_cohort_one_does(realistic, realistic_client):
    """Was: a pooled export kept more demographics (classes counted across a bank version); joined
    with a per-cohort export on scores and marks it gave them back (issue 13, attack 1). Now both
    apply the cohort's one decision."""
    _, by_cohort, _, _, _ = realistic
    response = realistic_client.get("/api/v1/exports/submissions?format=zip&pooled=true", headers=EVALUATOR)
    metadata, rows, _, codebook = read_zip(response)
    assert metadata["pooled"] is True and metadata["classes_counted_within"] == ["cohort_id", "phases taken"]
    assert "cohort_id" not in rows[0] and "submitted_day" not in rows[0]
    assert "cohort_id" not in {column["name"] for column in codebook["columns"]}
    assert metadata["suppressed_rows"] == by_cohort["suppressed_rows"]
    assert metadata["rows"] == by_cohort["rows"]


def test_csv_and_jsonl_carry_the_metadata_in_headers(realistic, realistic_client):
    _, metadata, rows, _, _ = realistic
    response = realistic_client.get("/api/v1/exports/submissions?format=csv", headers=EVALUATOR)
    assert response.headers["X-Export-K"] == str(K)
    assert response.headers["X-Export-Rows"] == str(len(rows))
    assert response.headers["X-Export-Suppressed-Rows"] == str(metadata["suppressed_rows"])
    assert response.headers["X-Export-Cohorts-Below-K"] == "1"
    assert response.headers["X-Export-Pseudonym-Key"] == "per-export"


def test_a_small_cohort_created_through_the_api_on_dynamodb_is_withheld_too(client):
    body = {"bank_id": BANK, "bank_version": "2", "label": "Tiny", "region": "Київська область"}
    cohort_id = client.post("/api/v1/cohorts", json=body, headers=ADMIN).json["cohort_id"]
    bank = client.application.extensions["assess"].banks.get(BANK, "2")
    answered = {q.id: [q.options[0].id] for q in bank.questions}
    for _i in range(3):
        answer = {"submission_id": str(uuid.uuid4()), "phase": "pre", "language": "uk", "answers": answered}
        answer["demographics"] = {"role": "police", "experience": "gt5"}
        assert client.post(f"/api/v1/cohorts/{cohort_id}/submissions", json=answer).status_code == 201
    exported = client.get(f"/api/v1/exports/submissions?format=csv&cohort_id={cohort_id}", headers=EVALUATOR)
    rows = list(csv.DictReader(io.StringIO(exported.text.removeprefix("\ufeff"))))
    assert rows == [] and exported.headers["X-Export-Withheld-Rows"] == "3"


def pseudonyms(client, query: str) -> set[str]:
    response = client.get(f"/api/v1/exports/participants?format=csv&{query}", headers=EVALUATOR)
    return {row["pseudonym"] for row in csv.DictReader(io.StringIO(response.text.removeprefix("\ufeff")))}


def test_two_exports_join_only_when_asked_for_under_the_same_pseudonym_key(realistic_client):
    first, second = pseudonyms(realistic_client, "format=csv"), pseudonyms(realistic_client, "format=csv")
    # 195 paired participants, less the 3 of the cohort smaller than k (withheld)
    assert len(first) == 192 and first.isdisjoint(second)  # each export its own random key
    study = pseudonyms(realistic_client, "pseudonym_key=study-a")
    assert study == pseudonyms(realistic_client, "pseudonym_key=study-a")
    assert study.isdisjoint(pseudonyms(realistic_client, "pseudonym_key=study-b")) and study.isdisjoint(first)
