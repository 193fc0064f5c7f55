"""The Flask application factory: settings → store and banks → blueprints. Nothing connects to
AWS at import time; `create_app` builds one boto3 client per process and passes it down."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, jsonify

from service import observability
from service.domain.bank_snapshot import load_published
from service.domain.banks import BankRegistry
from service.operations import Services
from service.settings import Settings
from service.store.dynamodb import Store, dynamodb_client, end_request_budget, start_request_budget
from service.web import compiled_locales, compiled_templates, errors, formatting, i18n, observe, pages, security

PACKAGE = Path(__file__).resolve().parent


def create_app(
    settings: Settings | None = None,
    *,
    store: Store | None = None,
    banks: BankRegistry | None = None,
) -> Flask:
    settings = settings or Settings.from_environment()
    observability.quiet_chatty_libraries()
    app = Flask(__name__)
    app.config.update(
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        MAX_FORM_MEMORY_SIZE=settings.max_body_bytes,
        API_TITLE="Pre/post training knowledge assessment",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        JSON_SORT_KEYS=False,
    )
    if banks is None:
        banks = load_published(settings.banks_dir)
    if store is None:
        store = Store(dynamodb_client(settings.region, settings.dynamodb_endpoint), settings.table_name)
    app.extensions["assess"] = Services(settings=settings, store=store, banks=banks)

    observe.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    formatting.init_app(app)
    compiled_templates.init_app(app)
    compiled_locales.init_app(app)
    pages.init_app(app)

    from service.web import admin, api, api_export_jobs, participant, trainer

    app.register_blueprint(participant.bp)
    app.register_blueprint(trainer.bp)
    app.register_blueprint(admin.bp)
    api.init_app(app)
    api_export_jobs.init_app(app)
    errors.init_app(app)

    # Every request gets a budget for its DynamoDB calls that fits inside API Gateway's 29 s.
    app.before_request(start_request_budget)
    app.teardown_request(end_request_budget)

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    return app
