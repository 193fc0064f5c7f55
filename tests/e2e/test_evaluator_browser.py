"""The evaluator's workspace in Debian's headless Chromium, on its own server with two filled cohorts:
sign in, filter, open a pooled report, download an XLSX and read it back with openpyxl, print the
report to PDF, sign out (the old session no longer works). axe finds no violation on any of its
pages. Screenshots: the dashboard, a pooled report, the printed report's first page."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest

from bench.simulation import fill_cohort
from service.domain.bank_snapshot import load_published
from tests.e2e.conftest import REPOSITORY, SCREENSHOTS, running_server
from tests.e2e.pages import api

pytestmark = pytest.mark.e2e
BANK = ("online-child-safety", "2")
REGIONS = ("Київська область", "Львівська область")


def axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page).response
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}" for v in results["violations"]]


@pytest.fixture(scope="module")
def programme():
    """Its own server, so that the other tests' demonstration cohort keeps its numbers."""
    with running_server() as server:
        bank = load_published(REPOSITORY / "question_banks").get(*BANK)
        both = {"pre": {"open": True}, "post": {"open": True}}
        for number, region in enumerate(REGIONS):
            body = {"bank_id": BANK[0], "bank_version": BANK[1], "label": f"Група {number + 1}", "region": region}
            created = api(server, "/api/v1/cohorts", body | {"phases": both})
            fill_cohort(server["root"], created["cohort_id"], bank, seed=number + 1, pre=20, post=16)
        yield server


@pytest.fixture
def desk(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-GB", accept_downloads=True)
    yield context
    context.close()


def sign_in(page, server) -> None:
    page.goto(server["root"] + "/evaluator?lang=en")
    assert page.url.endswith("/evaluator/login")
    assert axe_violations(page) == []
    page.fill("#token", server["evaluator_token"])
    page.get_by_role("button", name="Log in").click()
    assert page.url.endswith("/evaluator")


def download(page, button: str, file_format: str) -> bytes:
    page.select_option("#format", file_format)
    with page.expect_download() as waiting:
        page.get_by_role("button", name=button).click()
    return open(waiting.value.path(), "rb").read()


def set_targets(server, browser) -> None:
    """The coordinator sets the bank's targets in the console."""
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.goto(server["root"] + "/admin/login?lang=en")
    page.fill("#token", server["admin_token"])
    page.get_by_role("button", name="Log in").click()
    page.goto(server["root"] + f"/admin/banks/{BANK[0]}/targets")
    assert axe_violations(page) == []
    page.fill("#improved_share", "70")
    page.fill("#mean_gain", "30")
    page.fill("#pairing_rate", "80")
    page.get_by_role("button", name="Save the targets").click()
    assert page.get_by_role("status").inner_text() == "The targets are saved."
    page.goto(server["root"] + "/admin")  # a cohort's results, read-only, from its console page
    page.get_by_role("link", name="Група 2").click()
    page.get_by_role("link", name="Results (read-only)").click()
    assert page.url.endswith("/results") and page.get_by_role("heading", name="Група 2").count() == 1
    assert page.locator("form").count() == 0 and page.locator("script[src]").count() == 0
    assert axe_violations(page) == []
    context.close()


def test_an_evaluator_filters_reads_a_pooled_report_downloads_an_xlsx_prints_and_signs_out(programme, browser, desk):
    set_targets(programme, browser)
    page = desk.new_page()
    sign_in(page, programme)
    assert page.get_by_role("heading", name="Programme at a glance").count() == 1
    rows = page.locator("#cohorts ~ div table tbody tr")
    assert rows.count() == 3  # the demonstration cohort (under k: no figures) and the two filled ones
    assert axe_violations(page) == []
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "evaluator-dashboard-1366x900.png"), full_page=True)

    page.select_option("#region", REGIONS[1])
    page.get_by_role("button", name="Show").click()
    assert "region=" in page.url and rows.count() == 1 and "Група 2" in rows.first.inner_text()

    xlsx = download(page, "Download submissions", "xlsx")
    csv_text = download(page, "Download submissions", "csv").decode("utf-8-sig")
    book = openpyxl.load_workbook(io.BytesIO(xlsx), read_only=True)
    data = list(book["data"].iter_rows(values_only=True))
    csv_rows = list(csv.reader(io.StringIO(csv_text)))
    assert len(data) == len(csv_rows) > 1
    codebook = [row[0] for row in book["codebook"].iter_rows(min_row=2, values_only=True)]
    assert codebook == list(data[0]) == csv_rows[0]
    metadata = dict(book["metadata"].iter_rows(min_row=2, values_only=True))
    assert metadata["k"] == 5 and metadata["bank_versions"] == "/".join(BANK)
    # one cohort, 20 before and 16 after: the 4 who took only the first test are a group under k
    assert metadata["rows"] == len(data) - 1 == 36 - 4 and metadata["withheld_rows"] == 4

    page.goto(programme["root"] + f"/evaluator/reports/{BANK[0]}/{BANK[1]}?lang=en")
    assert page.get_by_role("heading", name="Indicators").count() == 1
    assert "Pooled over 3 cohorts." in page.inner_text("main")
    indicators = page.locator("table.indicators tbody tr")
    assert indicators.count() == 3
    assert "met" in indicators.nth(0).inner_text()  # about 90% improved, target 70%
    assert "not met" in indicators.nth(1).inner_text()  # a mean gain of about 27 points, target 30
    assert axe_violations(page) == []
    page.screenshot(path=str(SCREENSHOTS / "evaluator-pooled-report-1366x900.png"), full_page=True)

    page.get_by_role("link", name="Report to print (A4)").click()
    assert axe_violations(page) == []
    pdf = page.pdf(format="A4", print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))
    assert pdf.startswith(b"%PDF") and 3 <= pages <= 12, pages  # a title page, then the report
    assert re.search(rb"/Count (\d+)", pdf).group(1) == str(pages).encode()
    width, height = (float(v) for v in re.search(rb"/MediaBox\s*\[0 0 ([\d.]+) ([\d.]+)\]", pdf).groups())
    assert (round(width), round(height)) == (596, 843)  # A4 in points
    (SCREENSHOTS / "evaluator-report.pdf").write_bytes(pdf)
    # No pdftoppm here: the print view at A4's width (96 dpi), its title page as printed.
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794, "height": 1123})
    page.locator("section.title").screenshot(path=str(SCREENSHOTS / "evaluator-report-print-page1.png"))
    page.emulate_media(media="screen")

    page.goto(programme["root"] + "/evaluator")
    cookie = next(c for c in desk.cookies() if c["name"] == "evaluator_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    page.get_by_role("button", name="Log out").click()
    assert page.url.endswith("/evaluator/login")
    desk.add_cookies([cookie])  # the old cookie, replayed
    page.goto(programme["root"] + "/evaluator")
    assert page.url.endswith("/evaluator/login")


def test_the_report_prints_from_the_api_in_ukrainian(programme, browser):
    context = browser.new_context(
        extra_http_headers={"Authorization": f"Bearer {programme['evaluator_token']}"}, locale="uk-UA"
    )
    page = context.new_page()
    page.goto(programme["root"] + f"/api/v1/reports?bank_id={BANK[0]}&bank_version={BANK[1]}&format=html&lang=uk")
    assert page.locator("html").get_attribute("lang") == "uk"
    assert page.get_by_role("heading", name="Звіт про ефективність навчання").count() == 1
    assert page.get_by_role("heading", name="Захист даних").count() == 1
    assert axe_violations(page) == []
    assert page.pdf(format="A4").startswith(b"%PDF")
    page.set_viewport_size({"width": 794, "height": 1123})
    page.screenshot(path=str(SCREENSHOTS / "evaluator-report-uk-794x1123.png"), full_page=True)
    page.locator("figure.chart").first.screenshot(path=str(SCREENSHOTS / "evaluator-indicators-uk.png"))
    context.close()
