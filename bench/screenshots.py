"""Screenshots of the trainer's cohort page after a real run: `python bench/screenshots.py`.

Starts `python -m service serve` on a free port (embedded DynamoDB, nothing outside this
machine), fills the demonstration cohort with a seeded simulated class through the real HTTP
API (60 participants before, 50 of them after), opens the trainer link in Debian's headless
Chromium at 390x844 (a phone) and 1366x768 (a laptop on a projector), JavaScript off, and saves
the first screen and the whole page of each into screenshots/ (git-ignored). The end-to-end test
tests/e2e/test_trainer_analysis.py does the same inside `make test`.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import urllib.request
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
if str(REPOSITORY) not in sys.path:
    sys.path.insert(0, str(REPOSITORY))

from bench.served import served  # noqa: E402
from bench.simulation import fill_cohort  # noqa: E402
from service.domain.banks import load_published_banks  # noqa: E402

SCREENSHOTS = REPOSITORY / "screenshots"
VIEWPORTS = ((390, 844), (1366, 768))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-sync"]


def fill_demonstration_cohort(
    root: str, trainer_url: str, *, seed: int = 20261128, pre: int = 60, post: int = 50
) -> str:
    """Fill the cohort behind a trainer link with a simulated class; returns the cohort id."""
    cohort_id = re.search(r"/cohorts/([^/?]+)\?token=(\S+)", trainer_url).group(1)
    token = trainer_url.split("token=", 1)[1]
    request = urllib.request.Request(
        f"{root}/api/v1/cohorts/{cohort_id}/report", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        report = json.load(response)
    bank = load_published_banks(REPOSITORY / "question_banks").get(report["bank_id"], report["bank_version"])
    # A new cohort opens the pre-test only: the class takes both, so both are open here.
    both = json.dumps({"phases": {"pre": {"open": True}, "post": {"open": True}}}).encode()
    opened = urllib.request.Request(
        f"{root}/api/v1/cohorts/{cohort_id}",
        data=both,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="PATCH",
    )
    urllib.request.urlopen(opened, timeout=10).close()
    fill_cohort(root, cohort_id, bank, seed=seed, pre=pre, post=post)
    return cohort_id


def trainer_screenshots(browser, trainer_url: str, prefix: str = "trainer-analysis") -> list[Path]:
    """The trainer page at each viewport: first screen and whole page, JavaScript off."""
    SCREENSHOTS.mkdir(exist_ok=True)
    saved = []
    for width, height in VIEWPORTS:
        context = browser.new_context(viewport={"width": width, "height": height}, java_script_enabled=False)
        page = context.new_page()
        page.goto(trainer_url)
        for suffix, full_page in (("", False), ("-full", True)):
            path = SCREENSHOTS / f"{prefix}-{width}x{height}{suffix}.png"
            page.screenshot(path=str(path), full_page=full_page)
            saved.append(path)
        context.close()
    return saved


def main() -> None:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with served() as server:
        fill_demonstration_cohort(server.root, server.printed("Trainer link"))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
            for path in trainer_screenshots(browser, server.printed("Trainer link")):
                print(path.relative_to(REPOSITORY))
            browser.close()


if __name__ == "__main__":
    main()
