"""The Flask application factory: settings → store and banks → blueprints. Nothing connects to
AWS at import time; `create_app` builds one boto3 client per process and passes it down.

Two Flask apps share those services: the pages (participants, trainers, the console) and the JSON
API under /api/. The API's app — flask-smorest, marshmallow, its schemas — is built on the first
request for /api/, so a phone's first page on a cold Lambda does not pay for it
(docs/performance.md, "Cold start")."""

from __future__ import annotations

import threading
from collections.abc import Callable

from flask import Flask, jsonify

from service import observability
from service.domain.bank_snapshot import load_published
from service.domain.banks import BankRegistry
from service.operations import Services
from service.settings import Settings
from service.store.dynamodb import Store, dynamodb_client, end_request_budget, start_request_budget
from service.web import compiled_locales, compiled_templates, errors, formatting, i18n, observe, pages, security

API_PREFIX = "/api/"


def create_app(
    settings: Settings | None = None,
    *,
    store: Store | None = None,
    banks: BankRegistry | None = None,
    clock: Callable[[], float] | None = None,
) -> Flask:
    settings = settings or Settings.from_environment()
    observability.quiet_chatty_libraries()
    if banks is None:
        banks = load_published(settings.banks_dir)
    if store is None:
        store = Store(dynamodb_client(settings.region, settings.dynamodb_endpoint), settings.table_name)
    services = Services(settings=settings, store=store, banks=banks, **({"clock": clock} if clock else {}))

    app = _flask_app(services)
    from service.web import (
        admin,
        admin_results,  # noqa: F401  (its routes join the console's blueprint)
        evaluator,
        handouts,  # noqa: F401  (its routes join the console's and the trainer's blueprints)
        participant,
        trainer,
    )

    app.register_blueprint(participant.bp)
    app.register_blueprint(trainer.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(evaluator.bp)
    errors.init_app(app)

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    api = ApiOnFirstUse(app.wsgi_app, lambda: _api_app(services))
    app.wsgi_app = api
    app.extensions["assess.api"] = api
    return app


def api_app(app: Flask) -> Flask:
    """The JSON API's own app behind `app` (built now if no /api/ request has built it yet)."""
    return app.extensions["assess.api"].app()


def _api_app(services: Services) -> Flask:
    app = _flask_app(services, static_folder=None)
    app.config.update(
        API_TITLE="Pre/post training knowledge assessment",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
    )
    from service.web import api, api_export_jobs, json_body

    json_body.init_app(app)
    api.init_app(app)
    api_export_jobs.init_app(app)
    errors.init_app(app)
    return app


def _flask_app(services: Services, **options) -> Flask:
    """A Flask app with what every response needs: settings, languages, headers, budgets (the error
    handlers go in last, after the blueprints, so that no extension's own handlers replace them)."""
    app = Flask(__name__, **options)
    settings = services.settings
    app.config.update(
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        MAX_FORM_MEMORY_SIZE=settings.max_body_bytes,
        JSON_SORT_KEYS=False,
    )
    app.extensions["assess"] = services
    observe.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    formatting.init_app(app)
    compiled_templates.init_app(app)
    compiled_locales.init_app(app)
    pages.init_app(app)
    # Every request gets a budget for its DynamoDB calls that fits inside API Gateway's 29 s.
    app.before_request(start_request_budget)
    app.teardown_request(end_request_budget)
    return app


class ApiOnFirstUse:
    """WSGI: paths under /api/ go to the API's app, built by `build` on the first such request;
    everything else to the pages."""

    def __init__(self, pages: Callable, build: Callable[[], Flask]):
        self.pages = pages
        self._build = build
        self._api: Flask | None = None
        self._building = threading.Lock()

    def app(self) -> Flask:
        if self._api is None:
            with self._building:
                if self._api is None:
                    self._api = self._build()
        return self._api

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO", "").startswith(API_PREFIX):
            return self.app()(environ, start_response)
        return self.pages(environ, start_response)
