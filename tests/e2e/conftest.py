"""A real server process (`python -m service serve`) on a free port, with its printed links."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPOSITORY / "screenshots"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def server():
    """Start the service as a user would and read what it prints; stop it afterwards."""
    with running_server() as started:
        yield started


@contextlib.contextmanager
def running_server(environment: dict[str, str] | None = None):
    """`python -m service serve` on a free port (embedded DynamoDB unless `environment` names one)."""
    port = free_port()
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("ASSESS_", "AWS_"))}
    process = subprocess.Popen(
        [sys.executable, "-m", "service", "serve", "--port", str(port)],
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
        pytest.fail(f"server did not start:\n{output}{process.stdout.read()}")
    # Keep reading what the server logs: nobody else reads the pipe, and once its buffer (64 KiB)
    # is full the server blocks on its next log line, in the middle of a request.
    later: list[str] = []
    drain = threading.Thread(target=lambda: later.extend(iter(process.stdout.readline, "")), daemon=True)
    drain.start()
    root = f"http://127.0.0.1:{port}"
    _wait_healthy(root)

    def value(label: str) -> str:
        return re.search(rf"^{label}:\s+(\S+)", output, re.MULTILINE).group(1)

    try:
        yield {
            "root": root,
            "output": output,
            "participant_url": value("Participant link"),
            "trainer_url": value("Trainer link"),
            "admin_token": value("Admin token"),
            "evaluator_token": value("Evaluator token"),
            "log": later,
        }
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def _wait_healthy(root: str) -> None:
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"{root}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server never became healthy")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail("Debian's chromium is not installed: run `make browser` (the test command does)")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    """A fresh phone-sized browser context (390×844), JavaScript off: the pages must work without it."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False, locale="uk-UA")
    yield context
    context.close()


def screenshot(page, name: str) -> None:
    """Save the first screen (what a person sees on opening) and the whole page, for people to look at."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
    page.screenshot(path=str(SCREENSHOTS / f"{name}-full.png"), full_page=True)
