"""The projector's debrief view in Chromium at the two projector sizes a room has (1920x1080 and
1280x720): it fits the screen without scrolling sideways, axe finds no violation, and the screenshots
in screenshots/ show what the back row sees."""

from __future__ import annotations

import pytest

from bench.simulation import fill_cohort
from service.domain.bank_snapshot import load_published
from tests.e2e.conftest import REPOSITORY, running_server, screenshot
from tests.e2e.pages import api
from tests.e2e.test_evaluator_browser import axe_violations

pytestmark = pytest.mark.e2e
BANK = ("online-child-safety", "2")


@pytest.fixture(scope="module")
def class_of_40():
    with running_server() as server:
        bank = load_published(REPOSITORY / "question_banks").get(*BANK)
        body = {"bank_id": BANK[0], "bank_version": BANK[1], "label": "Київ, 3 грудня", "expected_participants": 45}
        created = api(server, "/api/v1/cohorts", body | {"phases": {"pre": {"open": True}, "post": {"open": True}}})
        fill_cohort(server["root"], created["cohort_id"], bank, seed=7, pre=40, post=36)
        yield server, created


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1280, 720)])
def test_the_debrief_fits_a_projected_screen_and_passes_axe(browser, class_of_40, width, height):
    server, created = class_of_40
    context = browser.new_context(viewport={"width": width, "height": height}, locale="uk-UA")
    page = context.new_page()
    page.goto(created["trainer_url"])
    page.goto(server["root"] + f"/cohorts/{created['cohort_id']}/projector?view=results&lang=uk")
    assert page.locator("h1").inner_text() == "Що змінилося в цій групі"
    assert page.locator(".movers li").count() >= 3
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert axe_violations(page) == []
    screenshot(page, f"projector-results-{width}x{height}")
    page.goto(server["root"] + f"/cohorts/{created['cohort_id']}/projector?lang=uk")
    assert "40 з 45" in page.locator(".answered").first.inner_text()
    assert axe_violations(page) == []
    screenshot(page, f"projector-live-{width}x{height}")
    context.close()
