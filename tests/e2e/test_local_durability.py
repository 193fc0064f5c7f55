"""A laptop run keeps every answered submission: `python -m service serve --data DIR` is stopped
the hard way (kill -9 of the service and of its database, as a power cut would), started again on
the same folder, and every submission it had answered 201 is there, with the same secrets."""

from __future__ import annotations

import http.client
import json
import os
import signal
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bench import served as serving
from service import local

pytestmark = pytest.mark.skipif(local.durable_dynamodb_problem() is not None, reason="no Node.js/dynalite here")


CREATE_ARGUMENTS = ("--bank", "online-child-safety", "--version", "2", "--label", "second")


def call(url: str, body=None, headers=None, cookie: str | None = None) -> tuple[int, str]:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"} | (headers or {}) | ({"Cookie": cookie} if cookie else {})
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def power_cut(server: serving.Server) -> None:
    """kill -9 the service and its database together: nothing gets to flush or close anything."""
    for pid in [*children(server.process.pid), server.process.pid]:
        os.kill(pid, signal.SIGKILL)
    server.process.wait(timeout=10)


def kept_identity(server: serving.Server) -> tuple[str, str, str]:
    """The tokens and the demo cohort's participant link (its path: the port is new each start)."""
    link = server.printed("Participant link")
    return server.printed("Admin token"), server.printed("Evaluator token"), link.split("/c/")[1]


def new_cohort(server: serving.Server) -> dict:
    admin = {"Authorization": f"Bearer {server.printed('Admin token')}"}
    body = {"bank_id": "online-child-safety", "bank_version": "2", "label": "laptop"}
    body["phases"] = {"pre": {"open": True}, "post": {"open": True}}
    status, created = call(f"{server.root}/api/v1/cohorts", body, admin)
    assert status == 201, created
    return json.loads(created)


def full_answers(server: serving.Server) -> dict[str, list[str]]:
    _, bank = call(f"{server.root}/api/v1/banks/online-child-safety/2")
    return {question["id"]: [question["options"][0]["id"]] for question in json.loads(bank)["questions"]}


def submit(server: serving.Server, cohort_id: str, answers: dict) -> tuple[int, dict]:
    body = {"submission_id": str(uuid.uuid4()), "phase": "pre", "language": "uk", "answers": answers}
    try:
        status, text = call(f"{server.root}/api/v1/cohorts/{cohort_id}/submissions", body)
    except (OSError, http.client.HTTPException):  # the service went away mid-request: no answer, no promise
        return 0, {}
    return status, json.loads(text) if status == 201 else {}


def result_is_kept(server: serving.Server, cohort_id: str, code: str) -> bool:
    """The participant's result page finds their stored submission by the code they were given."""
    status, page = call(f"{server.root}/c/{cohort_id}/result", cookie=f"code_{cohort_id}={code}")
    return status == 200 and code in page


def stored_count(server: serving.Server, cohort: dict) -> int:
    headers = {"Authorization": f"Bearer {cohort['trainer_token']}"}
    status, body = call(f"{server.root}/api/v1/cohorts/{cohort['cohort_id']}/report", headers=headers)
    assert status == 200, body
    return json.loads(body)["phases"]["pre"]["n"]


def test_answered_submissions_and_secrets_survive_a_power_cut(tmp_path):
    server = serving.start(data_dir=tmp_path)
    try:
        assert "dynalite on disk" in server.output and str(tmp_path) in server.output
        cohort = new_cohort(server)
        answers = full_answers(server)
        answered = [submit(server, cohort["cohort_id"], answers) for _ in range(6)]
        assert [status for status, _ in answered] == [201] * 6
        before = kept_identity(server)
    finally:
        power_cut(server)

    with serving.served(data_dir=tmp_path) as again:
        assert kept_identity(again) == before  # same secrets, same demo cohort
        assert stored_count(again, cohort) == 6
        assert all(result_is_kept(again, cohort["cohort_id"], body["participant_code"]) for _, body in answered)
    assert json.loads((tmp_path / "secrets.json").read_text())["ASSESS_HMAC_KEY"]
    assert oct((tmp_path / "secrets.json").stat().st_mode & 0o777) == "0o600"


def test_a_kill_in_the_middle_of_a_class_submitting_at_once_loses_no_answered_submission(tmp_path):
    server = serving.start(data_dir=tmp_path)
    cohort = new_cohort(server)
    answers = full_answers(server)
    answered: list[tuple[int, dict]] = []
    enough = threading.Event()

    def one(_):
        outcome = submit(server, cohort["cohort_id"], answers)
        answered.append(outcome)
        if sum(status == 201 for status, _ in answered) >= 10:
            enough.set()
        return outcome

    with ThreadPoolExecutor(max_workers=30) as pool:
        futures = [pool.submit(one, n) for n in range(30)]
        assert enough.wait(timeout=60), answered
        power_cut(server)
        for future in futures:
            future.result(timeout=60)
    acknowledged = [body for status, body in answered if status == 201]
    assert len(acknowledged) >= 10

    with serving.served(data_dir=tmp_path) as again:
        for body in acknowledged:
            assert result_is_kept(again, cohort["cohort_id"], body["participant_code"]), body
        # Nothing half-written: every stored item reads back whole (the report reads each one).
        assert len(acknowledged) <= stored_count(again, cohort) <= 30


def test_two_services_on_one_data_folder_are_refused_with_a_message(tmp_path):
    with serving.served(data_dir=tmp_path), pytest.raises(RuntimeError, match="already running"):
        serving.start(data_dir=tmp_path)


def test_memory_run_keeps_nothing_and_says_so(tmp_path):
    with serving.served() as server:
        assert "LOST when this process stops" in server.output
        assert "Data folder" not in server.output


def test_cohorts_create_beside_a_running_service_finds_its_database_and_secrets(tmp_path):
    import subprocess
    import sys

    with serving.served(data_dir=tmp_path) as server:
        environment = {k: v for k, v in os.environ.items() if not k.startswith(("ASSESS_", "AWS_"))}
        created = subprocess.run(
            [sys.executable, "-m", "service", "cohorts", "create", *CREATE_ARGUMENTS],
            cwd=serving.REPOSITORY,
            env=environment | {"ASSESS_DATA_DIR": str(tmp_path)},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert created.returncode == 0, created.stderr
        cohort_id = created.stdout.split("cohort_id:")[1].split()[0]
        status, _ = call(f"{server.root}/c/{cohort_id}")
        assert status == 200


def test_room_mode_names_the_laptops_network_address_in_every_link(tmp_path):
    """Only loopback is asked here (the address printed is the laptop's own, for phones on its network)."""
    from service import room

    chosen = room.choose_room_address(room.interface_addresses())
    if chosen.address is None:
        pytest.skip("this machine has no network address besides loopback")
    import subprocess
    import sys

    port = serving.free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("ASSESS_", "AWS_"))}
    process = subprocess.Popen(
        [sys.executable, "-m", "service", "serve", "--room", "--memory", "--port", str(port)],
        cwd=serving.REPOSITORY,
        env=environment | {"PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        printed = []
        for line in process.stdout:
            printed.append(line)
            if line.startswith("Serving on"):
                break
        output = "".join(printed)
        root = f"http://{chosen.address}:{port}"
        assert f"Participant link:   {root}/c/" in output and "Serving on http://0.0.0.0:" in output
        assert "▄" in output or "█" in output  # the QR code, drawn in the terminal
        cohort_id = output.split(f"{root}/c/")[1].split()[0]
        trainer = output.split("Trainer link:")[1].split()[0].replace(root, f"http://127.0.0.1:{port}")
        for _ in range(50):
            try:
                status, _ = call(f"http://127.0.0.1:{port}/c/{cohort_id}")
                break
            except OSError:
                time.sleep(0.1)
        assert status == 200
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        with opener.open(trainer, timeout=10) as response:
            projector = (
                opener.open(f"http://127.0.0.1:{port}/cohorts/{cohort_id}/projector", timeout=10).read().decode()
            )
        assert response.status == 200 and f"{chosen.address}:{port}/c/{cohort_id}" in projector
    finally:
        process.terminate()
        process.wait(timeout=10)
