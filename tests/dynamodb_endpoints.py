"""The two DynamoDB implementations the store and API tests run against, each a local process on a
free loopback port:

- moto: the same embedded endpoint `python -m service serve` uses (service/local.py), in its own
  process so that the tests' `mock_aws` (which guards against real AWS calls) cannot reset it;
- dynalite: the npm package (tests/dynalite/package.json), installed by `make dynalite` into
  `.cache/dynalite`. It validates requests as DynamoDB does, but has no transactions and does not
  return the old item on a failed condition (ReturnValuesOnConditionCheckFailure), so the store
  uses neither without a fallback (docs/data-model.md).

`python -m tests.dynamodb_endpoints moto PORT` runs the moto endpoint until stopped.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
DYNALITE_CLI = REPOSITORY / ".cache" / "dynalite" / "node_modules" / "dynalite" / "cli.js"
START_SECONDS = 30


@dataclass
class Endpoint:
    name: str
    url: str
    process: subprocess.Popen

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def dynalite_problem() -> str | None:
    """Why dynalite cannot run here, or None when it can."""
    if shutil.which("node") is None:
        return "Node.js is not installed, so the tests run on moto only"
    if not DYNALITE_CLI.is_file():
        return "dynalite is not installed: run `make dynalite` (make test does)"
    return None


def start_moto() -> Endpoint:
    port = free_port()
    command = [sys.executable, "-m", "tests.dynamodb_endpoints", "moto", str(port)]
    return _start("moto", command, port)


def start_dynalite() -> Endpoint:
    port = free_port()
    command = [
        shutil.which("node") or "node",
        str(DYNALITE_CLI),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        # Tables are ACTIVE at once (DynamoDB takes seconds; the tests make one per test).
        "--createTableMs",
        "0",
        "--deleteTableMs",
        "0",
        "--updateTableMs",
        "0",
    ]
    return _start("dynalite", command, port)


def _start(name: str, command: list[str], port: int) -> Endpoint:
    process = subprocess.Popen(
        command, cwd=REPOSITORY, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL
    )
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} stopped at start: {process.stderr.read().decode(errors='replace')}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return Endpoint(name, f"http://127.0.0.1:{port}", process)
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{name} did not listen on port {port} within {START_SECONDS} s")


if __name__ == "__main__":
    from service.local import start_embedded_dynamodb

    start_embedded_dynamodb(port=int(sys.argv[2]))
    while True:
        time.sleep(3600)
