"""The demonstration cohort after a seeded simulated class (60 before, 50 after) sent through the real
server's HTTP API, on the trainer page in Debian's headless Chromium at phone and laptop size.
Saves the screenshots bench/screenshots.py also makes, into screenshots/, for people to look at."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from bench.screenshots import SCREENSHOTS, fill_demonstration_cohort, trainer_screenshots
from tests.e2e.pages import new_cohort

pytestmark = pytest.mark.e2e
CHARTS = ("scores", "gains", "topics", "questions")


@pytest.fixture(scope="module")
def filled(server):
    fill_demonstration_cohort(server["root"], server["trainer_url"], pre=60, post=50)
    return server


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1366, 768)])
def test_charts_fit_the_screen_with_readable_text(filled, browser, width, height):
    context = browser.new_context(viewport={"width": width, "height": height}, java_script_enabled=False)
    page = context.new_page()
    page.goto(filled["trainer_url"])
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    for name in CHARTS:
        chart = page.locator(f"svg[aria-labelledby='{name}-title {name}-desc']")
        assert chart.count() == 1, name
        box = chart.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, name
        # The charts' text is 16 of the viewBox's 400 units wide: at least 14 px as drawn.
        assert box["width"] / 400 * 16 >= 14, (name, box["width"])
    # Other tests of the session may have added a participant or two to the demonstration cohort.
    assert page.locator("figcaption", has_text=re.compile(r"n = 6\d")).count() >= 2
    assert page.locator(".flagged > li").count() >= 1
    context.close()


def test_screenshots_of_the_filled_trainer_page(filled, browser):
    saved = trainer_screenshots(browser, filled["trainer_url"])
    assert len(saved) == 4
    assert all(path.stat().st_size > 10_000 for path in saved)


@pytest.mark.parametrize("language", ["en", "uk"])
def test_the_first_phone_screen_answers_did_it_work(filled, browser, language):
    """Issue 20: on a 390x844 phone the first screen holds the one-sentence answer (before -> after, the
    gain in percentage points with its interval, how many improved), and axe finds nothing."""
    context = browser.new_context(viewport={"width": 390, "height": 844})  # axe needs scripts
    page = context.new_page()
    page.goto(filled["trainer_url"])
    page.goto(f"{page.url}?lang={language}")
    answer = page.locator("[data-live='headline'] .answer")
    box = answer.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 844, box
    words = {
        "en": ("percentage points", "95% interval", "improved", " to "),
        "uk": ("в. п.", "95% інтервал", "покращили", " до "),
    }[language]
    text = answer.inner_text()
    assert all(word in text for word in words), text
    assert re.search(r"\d+\s?%", text)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"trainer-first-screen-390x844-{language}.png"))
    glossary = page.locator("details.glossary")
    glossary.locator("summary").click()
    assert glossary.locator("dt").count() >= 10
    assert all_axe_violations(page) == []
    context.close()


def test_an_empty_cohort_says_once_that_there_is_not_enough_data(server, browser):
    cohort = new_cohort(server, "empty, for the trainer page")
    context = browser.new_context(viewport={"width": 390, "height": 844})  # axe needs scripts
    page = context.new_page()
    page.goto(cohort["trainer_url"])
    page.goto(f"{page.url}?lang=en")
    assert page.locator("body").inner_text().lower().count("not enough data") == 1
    assert page.locator("[data-live='headline'] .empty").bounding_box()["y"] < 844
    assert all_axe_violations(page) == []
    context.close()


def all_axe_violations(page) -> list[str]:
    results = Axe().run(page).response
    return [f"{v['id']} ({v['impact']}): {[node['target'] for node in v['nodes']]}" for v in results["violations"]]
