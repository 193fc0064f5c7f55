"""The service as a user starts it (`python -m service serve`, embedded DynamoDB unless the
environment names an endpoint), on a free port, for the benchmarks and the end-to-end tests.

Its output is read to the end by a thread: the links and tokens it prints at start, then every
log line into `Server.log`. Nobody else reads the pipe, and once its buffer (64 KiB) is full the
server blocks on its next log line, in the middle of a request (a class of 90 logs that much).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]


@dataclass
class Server:
    process: subprocess.Popen
    root: str
    output: str  # what it printed up to "Serving on": links, tokens, where the data lives
    log: list[str] = field(default_factory=list)  # every line after that

    def printed(self, label: str) -> str:
        """A value it printed at start: `printed("Trainer link")`."""
        return re.search(rf"^{label}:\s+(\S+)", self.output, re.MULTILINE).group(1)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(environment: dict[str, str] | None = None, data_dir: Path | None = None) -> Server:
    """Start the service and wait until it answers /healthz. Its own ASSESS_ and AWS_ settings
    are not inherited from this process: only what `environment` gives it. Without `data_dir` it
    keeps nothing (`--memory`); with one, it keeps its database and secrets there (`--data`)."""
    port = free_port()
    keeping = ["--data", str(data_dir)] if data_dir is not None else ["--memory"]
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("ASSESS_", "AWS_"))}
    process = subprocess.Popen(
        [sys.executable, "-m", "service", "serve", "--port", str(port), *keeping],
        cwd=REPOSITORY,
        env=inherited | {"PYTHONUNBUFFERED": "1"} | (environment or {}),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    printed = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        printed.append(line)
        if line.startswith("Serving on"):
            break
    output = "".join(printed)
    if process.poll() is not None or "Serving on" not in output:
        process.kill()
        raise RuntimeError(f"the service did not start:\n{output}{process.stdout.read()}")
    server = Server(process, f"http://127.0.0.1:{port}", output)
    threading.Thread(target=_keep_reading, args=(server,), daemon=True).start()
    _wait_healthy(server)
    return server


def create_cohort(root: str, admin_token: str, **fields) -> dict:
    """A cohort made through the JSON API as the coordinator (the shipped bank's version 2 unless
    `fields` say otherwise), both tests open (a class's whole life at once); the API's answer: cohort
    id, links, the trainer token."""
    both_open = {"pre": {"open": True}, "post": {"open": True}}
    body = {"bank_id": "online-child-safety", "bank_version": "2", "label": "bench", "phases": both_open} | fields
    request = urllib.request.Request(
        f"{root}/api/v1/cohorts",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {admin_token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


@contextlib.contextmanager
def served(environment: dict[str, str] | None = None, data_dir: Path | None = None) -> Iterator[Server]:
    server = start(environment, data_dir)
    try:
        yield server
    finally:
        server.stop()


def _keep_reading(server: Server) -> None:
    for line in server.process.stdout:
        server.log.append(line)


def _wait_healthy(server: Server) -> None:
    """ "Serving on" is printed just before the port is bound: wait until /healthz answers."""
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"{server.root}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    server.stop()
    raise RuntimeError("the service never became healthy")
