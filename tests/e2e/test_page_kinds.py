"""Every page kind in both languages, in Debian's headless Chromium: axe-core finds no serious or
critical violation, and the phone rules hold (labels, focus ring, 44 px tap targets, 16 px text,
no horizontal scrolling at 320 px or at 200% zoom). Screenshots of each go to screenshots/."""

import pytest

from tests.e2e.conftest import screenshot
from tests.e2e.pages import (
    PAGE_KINDS,
    fits_without_horizontal_scrolling,
    focus_rings,
    new_cohort,
    open_kind,
    serious_axe_violations,
    small_tap_targets,
    small_text,
    unlabelled_inputs,
)

pytestmark = pytest.mark.e2e
LANGUAGES = ("uk", "en")


@pytest.fixture(scope="module")
def cohorts(server):
    return {
        "open": new_cohort(server, "Page kinds"),
        "closed": new_cohort(server, "Closed", phases={"pre": {"open": False}, "post": {"open": False}}),
    }


def visit(browser, server, cohorts, kind, language, **context_options):
    options = {"viewport": {"width": 390, "height": 844}} | context_options
    context = browser.new_context(**options)
    page = open_kind(context, kind, language, server, cohorts["open"], cohorts["closed"])
    return context, page


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_page_kind_has_no_serious_accessibility_violation_and_follows_the_phone_rules(
    browser, server, cohorts, kind, language
):
    context, page = visit(browser, server, cohorts, kind, language)
    try:
        screenshot(page, f"{kind}-{language}-390")
        assert serious_axe_violations(page) == []
        assert unlabelled_inputs(page) == []
        assert small_tap_targets(page) == []
        assert small_text(page) == []
        assert focus_rings(page) == []
        assert fits_without_horizontal_scrolling(page)
    finally:
        context.close()


@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_page_kind_reflows_at_320_px_and_at_200_percent_zoom(browser, server, cohorts, kind):
    narrow, page = visit(browser, server, cohorts, kind, "uk", viewport={"width": 320, "height": 640})
    try:
        assert fits_without_horizontal_scrolling(page)
    finally:
        narrow.close()
    # A 1366×768 laptop at 200% zoom lays the page out in 683×384 CSS px at two device pixels each.
    zoom = {"viewport": {"width": 683, "height": 384}, "device_scale_factor": 2}
    zoomed, page = visit(browser, server, cohorts, kind, "en", **zoom)
    try:
        assert fits_without_horizontal_scrolling(page)
    finally:
        zoomed.close()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_page_kind_at_laptop_size(browser, server, cohorts, kind, language):
    context, page = visit(browser, server, cohorts, kind, language, viewport={"width": 1366, "height": 768})
    try:
        screenshot(page, f"{kind}-{language}-1366")
        assert fits_without_horizontal_scrolling(page)
    finally:
        context.close()
