"""Every template the app has is rendered, in both languages, with Babel's locale data exactly as the
Lambda package holds it (service/web/compiled_locales.py trims it the same way in every checkout), so
that a template which formats something the package leaves out (a time zone, "in 5 minutes") fails
here and not only on Lambda. A new template fails this test until the tour below renders it."""

import re
import uuid

import pytest
from babel import localedata
from babel.dates import format_timedelta
from flask import render_template_string

from service import operations
from service.web import compiled_locales
from tests.conftest import ENVIRONMENT
from tests.faults import Faults
from tests.integration.test_admin_console import COHORT_FORM, csrf_of
from tests.integration.test_participant_pages import form_fields

LANGUAGES = ("uk", "en")


@pytest.fixture
def loaded(app) -> set[str]:
    """The names of the templates the app loads from now on (pages, their layouts and includes)."""
    names: set[str] = set()
    environment = app.jinja_env
    get_template = environment.get_template

    def recording(name, *args, **kwargs):
        names.add(name if isinstance(name, str) else name.name)
        return get_template(name, *args, **kwargs)

    environment.get_template = recording
    environment.cache.clear()
    return names


@pytest.mark.parametrize("dynamodb", ["moto"], indirect=True)
def test_every_template_renders_in_both_languages_with_the_packages_locale_data(app, dynamodb, loaded):
    for language in LANGUAGES:
        rendered = {name: status for name, status in tour(app, dynamodb, language)}
        assert all(status < 500 or status == 503 for status in rendered.values()), rendered
        for code in LANGUAGES:
            assert localedata._cache[code] == compiled_locales.trimmed(code), "the package's data, not Babel's own"
    missing = set(app.jinja_env.list_templates()) - loaded
    assert missing == set(), f"add a request that renders {sorted(missing)} to this tour"


def test_a_template_formatting_what_the_package_leaves_out_fails_here(app, monkeypatch):
    """The tour's data is not Babel's full data: "in 5 minutes" needs unit patterns, trimmed away."""

    def render() -> str:
        with app.test_request_context("/?lang=uk"):
            return render_template_string(
                "{{ soon() }}", soon=lambda: format_timedelta(300, add_direction=True, locale="uk")
            )

    with pytest.raises(KeyError):
        render()
    for cache in ("_cache", "_dict_cache"):  # Babel's own, complete data: the checkouts before
        monkeypatch.setattr(localedata, cache, {})
    assert render() == "через 5 хвилин"


def first_options(html: str) -> dict[str, str]:
    """The first option of every question on a test page."""
    return dict(reversed(re.findall(r'name="(a\.[^"]+)" value="([^"]+)"', html)))


def last_options(html: str) -> dict[str, str]:
    return dict(re.findall(r'name="(a\.[^"]+)" value="([^"]+)"', html))


def evaluator_tour(app, language: str, cohort_id: str):
    """The evaluator's workspace: sign-in, programme, pooled report, its print view, an export job."""
    from service import export_jobs
    from service.exports import ExportQuery
    from service.web import evaluator

    browser = app.test_client()
    browser.set_cookie("lang", language)
    yield "evaluator login", browser.get("/evaluator/login").status_code
    browser.post("/evaluator/login", data={"token": ENVIRONMENT["ASSESS_EVALUATOR_TOKEN"]})
    yield "programme", browser.get("/evaluator").status_code
    version = app.extensions["assess"].store.get_cohort(cohort_id).bank_version
    yield "pooled report", browser.get(f"/evaluator/reports/online-child-safety/{version}").status_code
    yield "print", browser.get(f"/evaluator/reports/online-child-safety/{version}/print").status_code
    with app.test_request_context():
        job_id = export_jobs.create_job(evaluator._jobs(), ExportQuery(kind="participants", cohort_id=cohort_id))
    yield "export job", browser.get(f"/evaluator/jobs/{job_id}").status_code


def tour(app, dynamodb, language: str):
    """Every page a person can meet, in `language`: (what was asked, its status)."""
    coordinator, phone, trainer = (app.test_client() for _ in range(3))
    for client in (coordinator, phone, trainer):
        client.set_cookie("lang", language)
    yield "login", coordinator.get("/admin/login").status_code
    coordinator.post("/admin/login", data={"token": ENVIRONMENT["ASSESS_ADMIN_TOKEN"]})
    yield "cohorts", coordinator.get("/admin").status_code
    csrf = csrf_of(coordinator.get("/admin"))
    yield "new cohort", coordinator.get("/admin/cohorts/new").status_code
    created = coordinator.post("/admin/cohorts", data=COHORT_FORM | {"csrf": csrf})
    yield "created", created.status_code
    cohort_id = re.search(r"/c/([a-z0-9]+)", created.text).group(1)
    trainer_url = re.search(r'id="trainer-link"[^>]* value="([^"]+)"', created.text).group(1)
    yield "console cohort", coordinator.get(f"/admin/cohorts/{cohort_id}").status_code
    yield "banks", coordinator.get("/admin/banks").status_code
    yield "bank and its changes", coordinator.get("/admin/banks/online-child-safety/2").status_code

    participant = f"/c/{cohort_id}"
    yield "which test", phone.get(participant).status_code
    test_page = phone.get(f"{participant}?phase=pre").text
    fields = form_fields(test_page)
    yield "unanswered", phone.post(participant, data=fields | {"check_unanswered": "1"}).status_code
    yield "pre result", phone.post(participant, data=fields | first_options(test_page)).status_code
    for answers in (first_options(test_page), last_options(test_page)):  # then other answers: already sent
        post_page = phone.get(f"{participant}?phase=post").text
        code = re.search(r'name="participant_code"[^>]* value="([^"]*)"', post_page).group(1)
        post = form_fields(post_page) | answers | {"participant_code": code}
        yield "post result, then already sent", phone.post(participant, data=post).status_code
    yield "done", phone.get(participant).status_code

    path = trainer_url.removeprefix(ENVIRONMENT["ASSESS_PUBLIC_URL"])
    yield "trainer link from a chat app", trainer.get(path, headers={"Sec-Fetch-Site": "cross-site"}).status_code
    yield "trainer", trainer.get(f"/cohorts/{cohort_id}").status_code
    yield "projector", trainer.get(f"/cohorts/{cohort_id}/projector").status_code
    yield "projector results", trainer.get(f"/cohorts/{cohort_id}/projector?view=results").status_code
    yield "live", trainer.get(f"/cohorts/{cohort_id}/live.json").status_code
    yield "results, read-only", coordinator.get(f"/admin/cohorts/{cohort_id}/results").status_code
    yield "targets", coordinator.get("/admin/banks/online-child-safety/targets").status_code
    yield from evaluator_tour(app, language, cohort_id)

    faults = Faults(dynamodb)
    faults.fail("GetItem", "throttling", times=3)
    yield "retry", phone.post(participant, data=fields | {"submission_id": str(uuid.uuid4())}).status_code
    services = app.extensions["assess"]
    operations.set_phases(services, cohort_id, {"pre": False, "post": False})
    yield "closed", app.test_client().get(participant).status_code
    operations.close_cohort(services, cohort_id)
    yield "ended", phone.get(participant).status_code
    yield "error", phone.get("/c/no-such-cohort").status_code
    yield "reaction", reaction_form(app, language)


def reaction_form(app, language: str) -> int:
    """The post-test form of a bank with reaction items and sure marks (issue 18), rendered by the
    same app: no shipped bank asks them yet."""
    from flask import render_template

    from service.domain.models import Cohort
    from service.web.participant_form import FormState
    from tests.factories import cohort, reaction_bank

    bank = reaction_bank()
    shown: Cohort = cohort(bank=bank)
    with app.test_request_context(f"/c/{shown.id}?lang={language}"):
        app.preprocess_request()
        page = render_template(
            "participant/test.html",
            cohort=shown,
            bank=bank,
            questions=bank.questions,
            state=FormState(submission_id=str(uuid.uuid4()), phase="post", reaction={"r-apply": 4}),
            error=None,
            unanswered=[],
            unanswered_ids=set(),
            already_sent=False,
            ask_new_participant=False,
            other_phases=[],
            participant_url="https://example.org/c/x",
        )
    return 200 if 'name="r.r-apply" value="4" checked' in page and 'name="s.q1"' in page else 500
