"""Issue 13's attacks by an insider, each as the issue tells it, through the HTTP routes an evaluator
or a trainer has: each must now fail to single anyone out, while groups of k or more keep every figure.

The insider knows who sat in the room, their role and their language, and wants one person's score.
"""

from __future__ import annotations

import csv
import io
import random
import uuid
from collections import defaultdict

import pytest

from service import operations, submissions
from service.app import create_app
from service.settings import Settings
from tests.conftest import ADMIN, ENVIRONMENT, EVALUATOR
from tests.fakes import InMemoryStore
from tests.integration.test_full_flow import random_answers

K = 5
BANK = "online-child-safety"
WITHHELD = f"fewer than {K}"


@pytest.fixture
def app():
    return create_app(Settings.from_environment(dict(ENVIRONMENT)), store=InMemoryStore())


class Room:
    """One cohort, filled through the use cases as phones would, on days the test chooses."""

    def __init__(self, app, monkeypatch, rng, label="room"):
        self.services = app.extensions["assess"]
        self.monkeypatch, self.rng = monkeypatch, rng
        version = self.services.banks.versions(BANK)[-1]
        created = operations.create_cohort(
            self.services, bank_id=BANK, bank_version=version, label=label, phases={"post": True}
        )
        self.trainer_token = created.trainer_token
        self.cohort, self.bank = operations.find_cohort(self.services, created.cohort.id)
        self.id = self.cohort.id

    def at(self, day: str) -> None:
        self.monkeypatch.setattr(operations, "now_to_the_minute", lambda: f"{day}T10:00Z")

    def person(self, role="police", language="uk", phases=("pre", "post"), day="2026-05-04") -> dict:
        """One participant's submissions; answers random, so their marks are a fingerprint."""
        self.at(day)
        code, scores = None, {}
        for phase in phases:
            self.cohort, self.bank = operations.find_cohort(self.services, self.id)
            result = submissions.submit(
                self.services,
                self.cohort,
                self.bank,
                submission_id=str(uuid.uuid4()),
                phase=phase,
                language=language,
                answers=random_answers(self.bank, self.rng, 0.5),
                demographics={"role": role} if phase == "pre" else None,
                participant_code=code,
            )
            code, scores[phase] = result.participant_code, result.submission.score.percent
        return scores


def export_rows(client, path: str) -> list[dict]:
    response = client.get(f"/api/v1/exports/{path}", headers=EVALUATOR)
    assert response.status_code == 200, response.json
    return list(csv.DictReader(io.StringIO(response.text.removeprefix("\ufeff"))))


def fingerprint(row: dict) -> tuple:
    """What joins two exports whatever their pseudonyms: phase, score and every per-question mark."""
    return (row["phase"], row["percent"], *sorted((c, v) for c, v in row.items() if c.startswith("item.")))


# Attack 1: join two exports.


def test_joining_a_per_cohort_and_a_pooled_export_does_not_reveal_the_lone_educator(app, monkeypatch):
    rng = random.Random(13)
    x, y = Room(app, monkeypatch, rng, "X"), Room(app, monkeypatch, rng, "Y")
    for _ in range(10):
        x.person("police")
    educator = x.person("educator")
    for _ in range(5):
        y.person("educator")
    client = app.test_client()
    bank = f"bank_id={BANK}&bank_version={x.bank.version}"
    per_cohort = export_rows(client, f"submissions?format=csv&cohort_id={x.id}")
    pooled = export_rows(client, f"submissions?format=csv&pooled=true&{bank}")
    assert len(per_cohort) == 22 and len(pooled) == 32  # nothing withheld: every group has k or more

    pooled_by_print = defaultdict(list)
    for row in pooled:
        pooled_by_print[fingerprint(row)].append(row)
    roles_known = defaultdict(set)  # pseudonym in X's export -> every role shown for its rows, joined
    for row in per_cohort:
        for shown in [row, *pooled_by_print[fingerprint(row)]]:
            if shown["demographic.role"] not in ("", "suppressed"):
                roles_known[row["pseudonym"]].add(shown["demographic.role"])
    participants = {row["pseudonym"] for row in per_cohort}
    could_be_the_educator = [p for p in participants if roles_known[p] <= {"educator"}]
    assert len(could_be_the_educator) >= K
    # and so the educator's scores are not singled out: at least k pre scores stay candidates
    candidates = {row["percent"] for row in per_cohort if row["pseudonym"] in could_be_the_educator}
    assert str(round(educator["pre"], 2)) in candidates and len(could_be_the_educator) >= K
    # the educators of Y, a class of 5, still show their role in the pooled export
    assert sum(row["demographic.role"] == "educator" for row in pooled) == 10


# Attack 2: small cells in reports and on the trainer page.


def _language_cells_recoverable(phase: dict) -> bool:
    """Total minus the cells shown: is what is left a single cell of fewer than k?"""
    shown = [cell for cell in phase["by_language"].values() if cell.get("withheld") is None]
    left = phase["n"] - sum(cell["n"] for cell in shown)
    return 0 < left < K


def test_a_language_of_one_has_no_figure_in_any_report_and_cannot_be_recovered(app, monkeypatch):
    room = Room(app, monkeypatch, random.Random(2))
    for _ in range(9):
        room.person(language="uk", phases=("pre",))
    room.person(language="en", phases=("pre",))
    client = app.test_client()
    reports = [
        client.get(f"/api/v1/cohorts/{room.id}/report", headers={"Authorization": f"Bearer {room.trainer_token}"}),
        client.get(f"/api/v1/reports?cohort_id={room.id}", headers=EVALUATOR),
    ]
    for response in reports:
        assert response.status_code == 200
        pre = response.json["phases"]["pre"]
        assert pre["n"] == 10 and pre["mean_percent"] is not None  # the cohort's own figures stay
        english = pre["by_language"]["en"]
        assert english["mean_percent"] is None and english["n"] is None and english["withheld"] == WITHHELD
        assert not _language_cells_recoverable(pre)  # uk withheld too: 10 - 0 leaves nothing
    table = client.get(f"/api/v1/reports?cohort_id={room.id}&format=csv", headers=EVALUATOR).text
    rows = [row for row in csv.DictReader(io.StringIO(table)) if row["section"] == "language" and row["phase"] == "pre"]
    assert {row["group"] for row in rows} == {"uk", "en"}
    assert all(row["value"] == "" and row["withheld"] == WITHHELD for row in rows)


def test_a_language_of_three_has_no_figure_on_the_trainer_page(app, monkeypatch):
    room = Room(app, monkeypatch, random.Random(3))
    for _ in range(7):
        room.person(language="uk", phases=("pre",))
    for _ in range(3):
        room.person(language="en", phases=("pre",))
    client = app.test_client()
    client.get(f"/cohorts/{room.id}?token={room.trainer_token}")
    live = client.get(f"/cohorts/{room.id}/live.json").json
    pre = live["report"]["phases"]["pre"]
    assert pre["n"] == 10 and pre["by_language"]["en"]["withheld"] == WITHHELD
    assert not _language_cells_recoverable(pre)
    page = client.get(f"/cohorts/{room.id}").text
    languages = page[page.index('id="languages"') :]
    languages = languages[: languages.index("</table>")]
    assert "n = 3" not in languages and "n = 7" not in languages and "%" not in languages


def test_languages_of_k_or_more_keep_every_figure(app, monkeypatch):
    room = Room(app, monkeypatch, random.Random(4))
    for language in ["uk"] * 6 + ["en"] * 5:
        room.person(language=language, phases=("pre",))
    client = app.test_client()
    pre = client.get(f"/api/v1/reports?cohort_id={room.id}", headers=EVALUATOR).json["phases"]["pre"]
    assert pre["by_language"]["en"]["n"] == 5 and pre["by_language"]["en"]["mean_percent"] is not None
    assert pre["by_language"]["uk"]["n"] == 6 and pre["min_percent"] is not None


# Attack 4: the day filter.


def test_a_day_filter_that_holds_one_person_gives_no_row(app, monkeypatch):
    room = Room(app, monkeypatch, random.Random(5))
    for _ in range(8):
        room.person(phases=("pre",), day="2026-05-04")
    for _ in range(5):
        room.person(phases=("pre",), day="2026-05-05")
    room.person(phases=("pre",), day="2026-05-06")
    client = app.test_client()
    response = client.get(
        f"/api/v1/exports/submissions?format=csv&cohort_id={room.id}&from=2026-05-06&to=2026-05-06", headers=EVALUATOR
    )
    rows = list(csv.DictReader(io.StringIO(response.text.removeprefix("\ufeff"))))
    assert rows == [] and response.headers["X-Export-Withheld-Rows"] == "1"
    # the day of k or more is still exported, row by row
    busy = export_rows(client, f"submissions?format=csv&cohort_id={room.id}&from=2026-05-04&to=2026-05-04")
    assert len(busy) == 8


# Attack 3: differencing the live view.


def test_one_late_submission_cannot_be_read_off_two_polls_of_live_json(app, monkeypatch):
    room = Room(app, monkeypatch, random.Random(6))
    for _ in range(7):
        room.person(phases=("pre",))
    client = app.test_client()
    client.get(f"/cohorts/{room.id}?token={room.trainer_token}")
    before = client.get(f"/cohorts/{room.id}/live.json").json["report"]
    late = room.person(phases=("pre",))
    after = client.get(f"/cohorts/{room.id}/live.json").json["report"]
    pre_before, pre_after = before["phases"]["pre"], after["phases"]["pre"]
    assert pre_before == pre_after  # score figures do not: nothing to difference
    total_before = pre_before["n"] * pre_before["mean_percent"]
    total_after = pre_after["n"] * pre_after["mean_percent"]
    assert total_after - total_before != pytest.approx(late["pre"])
    assert (before["submitted"]["pre"], after["submitted"]["pre"]) == (7, 8)  # counts move one by one


def test_live_figures_move_in_steps_of_k_and_all_show_when_the_phase_closes(app, monkeypatch):
    room = Room(app, monkeypatch, random.Random(7))
    client = app.test_client()
    client.get(f"/cohorts/{room.id}?token={room.trainer_token}")
    shown = []
    for _ in range(12):
        room.person(phases=("pre",))
        shown.append(client.get(f"/cohorts/{room.id}/live.json").json["report"]["phases"]["pre"]["n"])
    assert shown == [0, 0, 0, 0, 5, 5, 5, 5, 5, 10, 10, 10]
    operations.set_phases(room.services, room.id, {"pre": False})
    closed = client.get(f"/cohorts/{room.id}/live.json").json["report"]["phases"]["pre"]
    assert closed["n"] == 12 and closed["mean_percent"] is not None
    page = client.get(f"/cohorts/{room.id}/projector")
    assert page.status_code == 200


def test_a_cohort_under_k_gives_no_figure_alone_nor_by_difference_of_pooled_reports(small_client):
    """A cohort of 3 in an evaluator report showed its mean (three people's scores), and a pooled report
    with and without it differed by exactly them. Cohorts under k count in no report's figures."""

    def cohort(label: str, people: int) -> str:
        created = small_client.post(
            "/api/v1/cohorts", json={"bank_id": "small", "bank_version": "1", "label": label}, headers=ADMIN
        ).json
        for n in range(people):
            answers = {"q1": ["b" if n % 2 else "a"], "q3": ["d"]}
            body = {"submission_id": str(uuid.uuid4()), "phase": "pre", "language": "uk", "answers": answers}
            assert (
                small_client.post(f"/api/v1/cohorts/{created['cohort_id']}/submissions", json=body).status_code == 201
            )
        return created["cohort_id"]

    big, small = cohort("big", 6), cohort("small", 3)
    alone = small_client.get(f"/api/v1/reports?cohort_id={small}", headers=EVALUATOR).json
    assert alone["phases"]["pre"]["n"] == 0 and alone["phases"]["pre"]["mean_percent"] is None
    assert alone["cohorts_withheld"]["n"] == 1
    both = small_client.get(f"/api/v1/reports?cohort_id={big}&cohort_id={small}", headers=EVALUATOR).json
    only_big = small_client.get(f"/api/v1/reports?cohort_id={big}", headers=EVALUATOR).json
    assert both["phases"]["pre"] == only_big["phases"]["pre"]  # nothing of the small cohort to subtract
