"""A real server process (`python -m service serve`) on a free port, with its printed links."""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

import pytest

from bench.served import served

REPOSITORY = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPOSITORY / "screenshots"


@pytest.fixture(scope="session")
def server():
    """Start the service as a user would and read what it prints; stop it afterwards."""
    with running_server() as started:
        yield started


@contextlib.contextmanager
def running_server(environment: dict[str, str] | None = None):
    """`python -m service serve` on a free port (embedded DynamoDB unless `environment` names one),
    with the links and tokens it printed."""
    with served(environment) as started:
        yield {
            "root": started.root,
            "output": started.output,
            "participant_url": started.printed("Participant link"),
            "trainer_url": started.printed("Trainer link"),
            "admin_token": started.printed("Admin token"),
            "evaluator_token": started.printed("Evaluator token"),
            "log": started.log,
        }


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
