"""The trainer page's "compared with other groups" with three finished groups of the same bank version,
filled over the real server's HTTP API, in Debian's headless Chromium without JavaScript, in both
languages: the forest plot fits a phone with readable text, axe-core finds no serious violation,
and no other group's name is on the page. Screenshots go to screenshots/trainer-compared-*.png."""

import pytest

from bench.screenshots import fill_demonstration_cohort
from tests.e2e.conftest import screenshot
from tests.e2e.pages import api, new_cohort, serious_axe_violations, small_text

pytestmark = pytest.mark.e2e
TITLE = {"uk": "Порівняно з іншими групами цього тесту", "en": "Compared with other groups of this test"}


@pytest.fixture(scope="module")
def trainer_url(server):
    for index in range(3):
        finished = new_cohort(server, f"Finished group {index}")
        cohort_id = fill_demonstration_cohort(server["root"], finished["trainer_url"], seed=index, pre=12, post=10)
        api(server, f"/api/v1/cohorts/{cohort_id}/close", {}, method="POST")
    own = new_cohort(server, "Compared group")
    fill_demonstration_cohort(server["root"], own["trainer_url"], seed=99, pre=10, post=8)
    return own["trainer_url"]


@pytest.mark.parametrize("language", ["uk", "en"])
def test_the_comparison_fits_a_phone_and_shows_no_other_group(browser, trainer_url, language):
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{trainer_url}&lang={language}")
        section = page.locator("section.compared")
        assert section.locator("h2").inner_text() == TITLE[language]
        plot = section.locator("svg[aria-labelledby='compared-title compared-desc']")
        assert plot.count() == 1
        box = plot.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
        assert box["width"] / 400 * 16 >= 14  # the plot's 16-unit text, as drawn
        assert len(plot.locator("rect").all()) == 1 and len(plot.locator("polygon").all()) == 1
        assert "Finished group" not in page.content()
        assert section.locator("script").count() == 0
        section.scroll_into_view_if_needed()
        screenshot(page, f"trainer-compared-{language}-390")
    finally:
        context.close()
    context = browser.new_context(viewport={"width": 390, "height": 844})  # axe-core runs as a script
    page = context.new_page()
    try:
        page.goto(f"{trainer_url}&lang={language}")
        assert page.locator("section.compared svg").count() == 1
        assert serious_axe_violations(page) == []
        assert small_text(page) == []
    finally:
        context.close()
