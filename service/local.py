"""Running the service on one machine with no AWS account: an embedded DynamoDB-compatible
endpoint (moto's server, in this process), generated secrets, the table, a demonstration cohort.

Only `python -m service serve` imports this module; the Lambda package never does.
"""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass

DEMO_BANK = "online-child-safety"
DUMMY_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local"}


@dataclass(frozen=True)
class LocalEnvironment:
    endpoint: str
    embedded: bool
    generated: tuple[str, ...]  # names of the secrets made up for this run


def fill_local_secrets(environ=os.environ) -> tuple[str, ...]:
    """Generate the secrets a local run lacks (for this run only); return their names."""
    generated = []
    for name in ("ASSESS_HMAC_KEY", "ASSESS_ADMIN_TOKEN", "ASSESS_EVALUATOR_TOKEN"):
        if not environ.get(name) and not environ.get(f"{name}_SHA256"):
            environ[name] = secrets.token_urlsafe(24)
            generated.append(name)
    return tuple(generated)


def prepare_environment(environ=os.environ) -> LocalEnvironment:
    """Fill in what a local run lacks: secrets and, unless one is set, an embedded endpoint."""
    generated = fill_local_secrets(environ)
    endpoint = environ.get("ASSESS_DYNAMODB_ENDPOINT")
    embedded = not endpoint
    if embedded:
        endpoint = start_embedded_dynamodb()
        environ["ASSESS_DYNAMODB_ENDPOINT"] = endpoint
    if embedded or not environ.get("AWS_ACCESS_KEY_ID"):
        for name, value in DUMMY_CREDENTIALS.items():
            environ.setdefault(name, value)
    environ.setdefault("AWS_DEFAULT_REGION", "eu-central-1")
    return LocalEnvironment(endpoint=endpoint, embedded=embedded, generated=tuple(generated))


def start_embedded_dynamodb(host: str = "127.0.0.1", port: int = 0) -> str:
    """Start moto's DynamoDB server in a daemon thread (port 0: a free one); data lives in memory.

    Requests are handled one at a time: moto checks a ConditionExpression and then writes without a
    lock, while DynamoDB applies a conditional write atomically. Serialised, two racing submissions
    for the same participant and phase get one success and one ConditionalCheckFailed, as on AWS.
    """
    import threading

    from moto.server import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server

    # werkzeug's request log would print client addresses; nothing here logs an address.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    moto_app = DomainDispatcherApplication(create_backend_app)
    one_at_a_time = threading.Lock()

    def serialised(environ, start_response):
        with one_at_a_time:
            return list(moto_app(environ, start_response))

    server = make_server(host, port, serialised, threaded=True)
    threading.Thread(target=server.serve_forever, name="embedded-dynamodb", daemon=True).start()
    bound_host, bound_port = server.server_address[:2]
    return f"http://{bound_host}:{bound_port}"


def create_demo_cohort(services):
    from service import operations

    versions = services.banks.versions(DEMO_BANK)
    if not versions:
        return None
    return operations.create_cohort(
        services,
        bank_id=DEMO_BANK,
        bank_version=versions[-1],
        label="Demonstration cohort",
        region="Kyiv oblast",
    )
