"""Every route × every role, each with the exact status it must get.

The routes come from the app's url_map, so a new route without an entry in ACCESS fails
`test_every_route_has_an_entry`: whoever adds a route decides here who may use it. Unknown cohorts
must answer exactly what a wrong secret answers, so that existence is never revealed.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from service import operations, submissions
from service.app import api_app, create_app
from service.domain.banks import BankRegistry
from service.settings import Settings
from service.store.dynamodb import Store
from tests.conftest import ADMIN, ENVIRONMENT, EVALUATOR, moto_app
from tests.factories import small_bank

ROLES = ("none", "participant", "wrong_trainer", "right_trainer", "evaluator", "coordinator")
UNKNOWN_COHORT = "nosuchcohortx"


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def only(status: int, *roles: str, others: int) -> dict[str, int]:
    return {role: status if role in roles else others for role in ROLES}


def new_submission(_world, _role) -> dict:
    return {"submission_id": str(uuid.uuid4()), "phase": "pre", "language": "uk", "answers": {"q1": ["b"]}}


def new_form(_world, _role) -> dict:
    return {"submission_id": str(uuid.uuid4()), "phase": "pre", "lang": "uk", "a.q1": "b"}


def this_cohort(world, _role) -> dict:
    return {"cohort_id": world.cohort_id}


def console_form(**fields) -> Callable:
    """A console form: the session's CSRF secret (only a logged-in coordinator has one) and fields."""
    return lambda world, role: {"csrf": world.values.get("csrf", "")} | fields


def workspace_form(**fields) -> Callable:
    """A form of the evaluator's workspace: its session's CSRF secret (only a logged-in evaluator has one)."""
    return lambda world, role: {"csrf": world.values.get("evaluator_csrf", "")} | fields


def login_form(world, role) -> dict:
    """The login form holding whatever token the role holds."""
    tokens = {
        "right_trainer": world.trainer_token,
        "wrong_trainer": world.other_trainer_token,
        "evaluator": ENVIRONMENT["ASSESS_EVALUATOR_TOKEN"],
        "coordinator": ENVIRONMENT["ASSESS_ADMIN_TOKEN"],
    }
    return {"token": tokens.get(role, "")}


@dataclass(frozen=True)
class Case:
    expect: dict[str, int]
    json: Callable | None = None  # (world, role) -> body
    form: Callable | None = None
    query: Callable | None = None
    static: bool = False  # a public file: cacheable, the only thing that is
    refused: int | None = None  # what a role that may not use the route gets, when not evident
    allowed: tuple[str, ...] = ()  # the roles that may use it, when not evident from the statuses
    creates: bool = False  # the route stores a cohort under the id in its path: an unknown id is its normal case

    @property
    def refusal(self) -> int | None:
        """What a role that may not use the route gets (the role with nothing gets it on every route
        that is not public); None for public routes."""
        if self.refused is not None:
            return self.refused
        status = self.expect["none"]
        return status if status in (303, 401, 404) and len(set(self.expect.values())) > 1 else None

    def refuses(self, role: str) -> bool:
        if self.refusal is None or role in self.allowed:
            return False
        return self.expect[role] == self.refusal


def console(status: int, **options) -> Case:
    """A console route: the logged-in coordinator gets `status`, everyone else a 303 to the login page."""
    return Case(only(status, "coordinator", others=303), refused=303, allowed=("coordinator",), **options)


def workspace(status: int, **options) -> Case:
    """An evaluator's page: the logged-in evaluator gets `status`, everyone else a 303 to its login page."""
    return Case(only(status, "evaluator", others=303), refused=303, allowed=("evaluator",), **options)


ACCESS: dict[tuple[str, str], Case] = {
    ("GET", "/healthz"): Case(everyone(200)),
    ("GET", "/static/<path:filename>"): Case(everyone(200), static=True),
    ("GET", "/api/v1/openapi.json"): Case(everyone(200)),
    ("GET", "/api/v1/banks"): Case(everyone(200)),
    ("GET", "/api/v1/banks/<bank_id>/<version>"): Case(everyone(200)),
    # participants: no credentials, the cohort id is in their link
    ("GET", "/c/<cohort_id>"): Case(everyone(200)),
    # a phone holding a code is asked before a second pre-test replaces it (issue 15)
    ("POST", "/c/<cohort_id>"): Case(only(409, "participant", others=200), form=new_form),
    # this phone's result again: the code cookie says whose; without one, back to the test
    ("GET", "/c/<cohort_id>/result"): Case(only(200, "participant", others=303), allowed=ROLES),
    ("POST", "/api/v1/cohorts/<cohort_id>/submissions"): Case(everyone(201), json=new_submission),
    # the trainer's pages: the cohort's own secret, in the cookie the trainer link sets
    ("GET", "/cohorts/<cohort_id>"): Case(only(200, "right_trainer", others=404)),
    ("GET", "/cohorts/<cohort_id>/projector"): Case(only(200, "right_trainer", others=404)),
    ("GET", "/cohorts/<cohort_id>/qr.svg"): Case(only(200, "right_trainer", others=404)),
    ("GET", "/cohorts/<cohort_id>/qr.png"): Case(only(200, "right_trainer", others=404)),
    ("GET", "/cohorts/<cohort_id>/live.json"): Case(only(200, "right_trainer", others=404)),
    ("POST", "/cohorts/<cohort_id>/phases"): Case(
        only(303, "right_trainer", others=404), form=lambda w, r: {"phase": "post", "open": "0"}
    ),
    ("POST", "/cohorts/<cohort_id>/expected"): Case(
        only(303, "right_trainer", others=404), form=lambda w, r: {"expected_participants": "40"}
    ),
    # the trainer's API, also open to the coordinator; everyone else sees an unknown cohort
    ("PATCH", "/api/v1/cohorts/<cohort_id>"): Case(
        only(200, "right_trainer", "coordinator", others=404), json=lambda w, r: {"phases": {"post": {"open": False}}}
    ),
    ("GET", "/api/v1/cohorts/<cohort_id>/report"): Case(only(200, "right_trainer", "coordinator", others=404)),
    # the coordinator's API: 401 for anyone else, before anything is looked up
    ("POST", "/api/v1/cohorts"): Case(
        only(201, "coordinator", others=401),
        json=lambda w, r: {"bank_id": "small", "bank_version": "1", "label": "New"},
    ),
    ("POST", "/api/v1/cohorts/<cohort_id>/trainer-token"): Case(only(200, "coordinator", others=401)),
    ("POST", "/api/v1/cohorts/<cohort_id>/close"): Case(only(200, "coordinator", others=401)),
    ("DELETE", "/api/v1/cohorts/<cohort_id>"): Case(only(204, "coordinator", others=401)),
    # a room's cohorts uploaded from a laptop: the coordinator's; an empty item is refused as no item
    ("PUT", "/api/v1/imports/cohorts/<cohort_id>"): Case(
        only(422, "coordinator", others=401), json=lambda w, r: {"cohort": {}}, creates=True
    ),
    ("POST", "/api/v1/imports/cohorts/<cohort_id>/submissions"): Case(
        only(404, "coordinator", others=401), json=lambda w, r: {"submissions": [{}]}
    ),  # only into an imported cohort
    # the evaluator's exports
    ("GET", "/api/v1/exports/submissions"): Case(only(200, "evaluator", others=401), query=this_cohort),
    ("GET", "/api/v1/exports/participants"): Case(only(200, "evaluator", others=401), query=this_cohort),
    ("GET", "/api/v1/reports"): Case(only(200, "evaluator", others=401), query=this_cohort),
    # large exports as jobs: the status needs the evaluator's token; the file only its signed link
    ("GET", "/api/v1/exports/jobs/<job_id>"): Case(only(404, "evaluator", others=401)),
    ("GET", "/api/v1/exports/files/<job_id>/<filename>"): Case(everyone(404)),
    # the coordinator's console: a session from the login form; everyone else is sent to log in (303)
    ("GET", "/admin/login"): Case(only(303, "coordinator", others=200)),
    ("POST", "/admin/login"): Case(only(303, "coordinator", others=401), form=login_form),
    ("POST", "/admin/logout"): console(303, form=console_form()),
    ("GET", "/admin"): console(200),
    ("GET", "/admin/banks"): console(200),
    ("GET", "/admin/banks/<bank_id>/<version>"): console(200),
    ("GET", "/admin/cohorts/new"): console(200),
    ("POST", "/admin/cohorts"): console(
        200, form=console_form(bank="small@1", label="New", language="uk", open_pre="1", open_post="1")
    ),
    ("GET", "/admin/cohorts/<cohort_id>"): console(200),
    ("POST", "/admin/cohorts/<cohort_id>/phases"): console(303, form=console_form(phase="post", open="0")),
    ("POST", "/admin/cohorts/<cohort_id>/trainer-link"): console(200, form=console_form()),
    ("POST", "/admin/cohorts/<cohort_id>/close"): console(303, form=console_form(confirm="yes")),
    ("POST", "/admin/cohorts/<cohort_id>/delete"): console(303, form=console_form(confirm="yes")),
    ("GET", "/admin/cohorts/<cohort_id>/results"): console(200),
    ("GET", "/admin/cohorts/<cohort_id>/qr.svg"): console(200),
    ("GET", "/admin/cohorts/<cohort_id>/qr.png"): console(200),
    ("GET", "/admin/banks/<bank_id>/targets"): console(200),
    ("POST", "/admin/banks/<bank_id>/targets"): console(303, form=console_form(improved_share="70")),
    # the evaluator's workspace: a session from its own login form; the console's session opens none of it
    ("GET", "/evaluator/login"): Case(only(303, "evaluator", others=200)),
    ("POST", "/evaluator/login"): Case(only(303, "evaluator", others=401), form=login_form),
    ("POST", "/evaluator/logout"): workspace(303, form=workspace_form()),
    ("GET", "/evaluator"): workspace(200),
    ("GET", "/evaluator/reports/<bank_id>/<version>"): workspace(200),
    ("GET", "/evaluator/reports/<bank_id>/<version>/print"): workspace(200),
    ("GET", "/evaluator/exports/<kind>"): workspace(200, query=lambda w, r: {"format": "xlsx", "bank": "small@1"}),
    ("GET", "/evaluator/jobs/<job_id>"): workspace(404),
}
LOGIN_PAGE = "/admin/login"
WORKSPACE_LOGIN_PAGE = "/evaluator/login"


def build_app(store: Store):
    return create_app(Settings.from_environment(dict(ENVIRONMENT)), store=store, banks=BankRegistry([small_bank()]))


def app_routes(app) -> list[tuple[str, str]]:
    """Every route of the pages and of the API's app behind them."""
    rules = [*app.url_map.iter_rules(), *api_app(app).url_map.iter_rules()]
    return sorted((method, rule.rule) for rule in rules for method in rule.methods - {"HEAD", "OPTIONS"})


ROUTES = app_routes(build_app(Store(None, "never-used")))  # building the app connects to nothing
COHORT_ROUTES = [route for route in ROUTES if "<cohort_id>" in route[1]]


@dataclass
class World:
    app: object
    cohort_id: str
    trainer_token: str
    other_trainer_token: str
    participant_code: str
    values: dict = field(default_factory=dict)


@pytest.fixture(scope="module")
def matrix_app():
    """One moto table and app for the whole matrix; each test gets fresh cohorts in it."""
    with moto_app(BankRegistry([small_bank()])) as (app, _):
        yield app


@pytest.fixture
def world(matrix_app) -> World:
    services = matrix_app.extensions["assess"]
    # The app lives for the module; its login throttle would count every role's refused login.
    matrix_app.extensions["assess.login_throttle"].succeeded()
    small = {"bank_id": "small", "bank_version": "1", "phases": {"post": True}}
    this = operations.create_cohort(services, **small, label="This", region="Київська область")
    other = operations.create_cohort(services, **small, label="Other", region="Львівська область")
    cohort, bank = operations.find_cohort(services, this.cohort.id)
    taken = submissions.submit(
        services, cohort, bank, submission_id=str(uuid.uuid4()), phase="pre", language="uk", answers={"q1": ["a"]}
    )
    return World(matrix_app, this.cohort.id, this.trainer_token, other.trainer_token, taken.participant_code)


def client_as(world: World, role: str, cohort_id: str, forms: bool = True):
    """A test client holding what `role` holds: cookies for pages, a bearer token for the API (and,
    for a form, the session's CSRF value: read from the evaluator's programme page only when needed,
    since that page reads every cohort of the matrix's one table, which grows test by test)."""
    client = world.app.test_client()
    headers = {}
    if role == "participant":
        client.set_cookie(f"code_{cohort_id}", world.participant_code, path=f"/c/{cohort_id}")
    elif role in ("wrong_trainer", "right_trainer"):
        token = world.trainer_token if role == "right_trainer" else world.other_trainer_token
        client.set_cookie("trainer", token, path=f"/cohorts/{cohort_id}")
        headers["Authorization"] = f"Bearer {token}"
    elif role == "evaluator":
        headers |= EVALUATOR
        login = client.post(WORKSPACE_LOGIN_PAGE, data={"token": ENVIRONMENT["ASSESS_EVALUATOR_TOKEN"]})
        assert login.status_code == 303
        if forms:
            page = client.get("/evaluator").text
            world.values["evaluator_csrf"] = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    elif role == "coordinator":
        headers |= ADMIN
        assert client.post(LOGIN_PAGE, data={"token": ENVIRONMENT["ASSESS_ADMIN_TOKEN"]}).status_code == 303
        world.values["csrf"] = re.search(r'name="csrf" value="([^"]+)"', client.get("/admin").text).group(1)
    return client, headers


def path_for(rule: str, cohort_id: str) -> str:
    values = {
        "cohort_id": cohort_id,
        "bank_id": "small",
        "version": "1",
        "filename": "app.css",
        "job_id": "no-such-job",
        "kind": "submissions",
    }

    def value(match: re.Match) -> str:
        name = match.group(1)
        if name not in values:
            pytest.fail(f"the access matrix has no sample value for <{name}> in {rule}: add one to path_for")
        return values[name]

    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", value, rule)


def call(world: World, role: str, method: str, rule: str, cohort_id: str):
    case = ACCESS[(method, rule)]
    client, headers = client_as(world, role, cohort_id, forms=case.form is not None)
    arguments = {"headers": headers}
    if case.json:
        arguments["json"] = case.json(world, role)
    if case.form:
        arguments["data"] = case.form(world, role)
    if case.query:
        arguments["query_string"] = case.query(world, role)
    return client.open(path_for(rule, cohort_id), method=method, **arguments)


def same_path(response, world: World) -> bytes:
    """The body as if the request had named the unknown cohort: pages echo their own path (the
    language switch links to it), which is no news to the one who sent it."""
    return response.get_data().replace(world.cohort_id.encode(), UNKNOWN_COHORT.encode())


def assert_security_headers(response, case: Case) -> None:
    policy = response.headers["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]+)", policy).group(1)
    assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src
    assert "frame-ancestors 'none'" in policy
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    if not case.static:
        assert "no-store" in response.headers["Cache-Control"].split(", ")


def test_every_route_has_an_entry_and_every_entry_a_route():
    missing = [f"{method} {rule}" for method, rule in ROUTES if (method, rule) not in ACCESS]
    stale = [f"{method} {rule}" for method, rule in ACCESS if (method, rule) not in ROUTES]
    assert not missing, f"routes without an entry in ACCESS (decide who may use them): {missing}"
    assert not stale, f"entries for routes that no longer exist: {stale}"


def test_the_matrix_covers_every_role_of_every_entry():
    assert all(set(case.expect) == set(ROLES) for case in ACCESS.values())


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "rule"), ROUTES, ids=[f"{m} {r}" for m, r in ROUTES])
def test_route_answers_each_role_with_its_exact_status(world, method, rule, role):
    case = ACCESS.get((method, rule))
    if case is None:
        pytest.fail(f"{method} {rule} has no entry in ACCESS")
    response = call(world, role, method, rule, world.cohort_id)
    assert response.status_code == case.expect[role], response.get_data(as_text=True)[:500]
    assert_security_headers(response, case)
    if case.refused == 303 and case.refuses(role):
        login = WORKSPACE_LOGIN_PAGE if rule.startswith("/evaluator") else LOGIN_PAGE
        assert response.headers["Location"].endswith(login)  # sent to its own login, not let through
    elif role == "coordinator" and rule == "/admin/cohorts/<cohort_id>/delete":
        assert response.headers["Location"].endswith("/admin")  # the cohort is gone: back to the list
    elif role == "coordinator" and rule.startswith("/admin/cohorts/<cohort_id>") and response.status_code == 303:
        assert response.headers["Location"].endswith(f"/admin/cohorts/{world.cohort_id}")
    if rule.startswith("/api/") and response.status_code >= 400:
        assert set(response.json["error"]) == {"code", "message", "fields"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "rule"), COHORT_ROUTES, ids=[f"{m} {r}" for m, r in COHORT_ROUTES])
def test_an_unknown_cohort_answers_exactly_like_a_cohort_one_may_not_see(world, method, rule, role):
    case = ACCESS.get((method, rule))
    if case is None:
        pytest.fail(f"{method} {rule} has no entry in ACCESS")
    unknown = call(world, role, method, rule, UNKNOWN_COHORT)
    if case.refuses(role):
        known = call(world, role, method, rule, world.cohort_id)
        assert (unknown.status_code, unknown.get_data()) == (known.status_code, same_path(known, world))
    elif case.creates:  # the coordinator uploading a room's cohort: a new id answers as any other
        assert unknown.status_code == case.expect[role]
    else:  # a role that may use the route (or a public route) learns that there is no such cohort
        assert unknown.status_code == 404


@pytest.mark.parametrize(
    ("whose", "status"), [("right", 303), ("other cohort's", 404), ("coordinator's", 404), ("made-up", 404)]
)
def test_the_trainer_link_opens_only_its_own_cohort(world, whose, status):
    token = {
        "right": world.trainer_token,
        "other cohort's": world.other_trainer_token,
        "coordinator's": ENVIRONMENT["ASSESS_ADMIN_TOKEN"],
        "made-up": "x" * 32,
    }[whose]
    client = world.app.test_client()
    response = client.get(f"/cohorts/{world.cohort_id}?token={token}")
    assert response.status_code == status
    unknown = client.get(f"/cohorts/{UNKNOWN_COHORT}?token={token}")
    assert unknown.status_code == 404
    if status == 404:
        assert same_path(response, world) == unknown.get_data() and "Set-Cookie" not in response.headers
