"""The demonstration cohort after a seeded simulated class (60 before, 50 after) sent through the real
server's HTTP API, on the trainer page in Debian's headless Chromium at phone and laptop size.
Saves the screenshots bench/screenshots.py also makes, into screenshots/, for people to look at."""

import re

import pytest

from bench.screenshots import fill_demonstration_cohort, trainer_screenshots

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
