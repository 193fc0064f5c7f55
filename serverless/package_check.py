"""Prove the Lambda package works, without AWS: build it with `zappa package prod`, check its
size and contents, then run it in a fresh interpreter (only the package and what the Lambda
runtime provides on sys.path) through Zappa's own handler, with API Gateway REST events, against
a moto server — and compare every answer with the same request through the Flask test client.

    .venv/bin/python serverless/package_check.py        # exit status 0 when everything holds

The same moto server holds the DynamoDB table (from the same definition as everywhere), the
secrets as an SSM SecureString read through powertools Parameters (as in prod), and the export
bucket. The function's log is checked too: JSON lines with the API Gateway request id as
correlation id, EMF metrics, X-Ray segments sent to the daemon address, and no token, participant
code, IP address or user agent anywhere. Figures go to .build/package-check.json.
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import socket
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from serverless import lambda_package

STAGE = "prod"
HOST = "assess.example.org"
USER_AGENT = "Mozilla/5.0 (PackageCheck; secret-user-agent)"
SOURCE_IP = "198.51.100.23"
DYNAMIC = [
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "<uuid>"),
    (re.compile(r"\b[0-9a-f]{16}\b"), "<pseudonym>"),
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\dZ"), "<minute>"),
    (re.compile(r"Expires=[^;]+"), "Expires=<date>"),
]


def main() -> int:
    started = time.perf_counter()
    package = lambda_package.build(STAGE)
    built = time.perf_counter()
    problems = lambda_package.content_problems(package, lambda_package.build_virtualenv())
    print(
        f"package: {package.zipped_bytes / 2**20:.1f} MiB zipped, {package.unzipped_bytes / 2**20:.1f} MiB"
        f" unzipped, {package.files} files (budgets 50 / 250 MB); built in {built - started:.0f} s"
    )
    with moto_endpoint() as endpoint:
        world = prepare_aws(endpoint)
        outcome = compare_with_test_client(package, world)
    problems += outcome["problems"]
    figures = {
        "zipped_bytes": package.zipped_bytes,
        "unzipped_bytes": package.unzipped_bytes,
        "files": package.files,
        "build_seconds": round(built - started, 1),
        "import_seconds": round(outcome["import_seconds"], 3),
        "requests": outcome["requests"],
        "total_seconds": round(time.perf_counter() - started, 1),
    }
    (lambda_package.BUILD / "package-check.json").write_text(json.dumps(figures, indent=2))
    for problem in problems:
        print(f"PROBLEM: {problem}")
    print(f"{len(outcome['requests'])} requests compared; {'FAILED' if problems else 'all as expected'}")
    return 1 if problems else 0


class moto_endpoint:
    """A moto server on a free local port, with dummy credentials for this process."""

    def __enter__(self) -> str:
        import logging

        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.WARNING)

        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.server.start()
        host, port = self.server.get_host_and_port()
        return f"http://{host}:{port}"

    def __exit__(self, *exc_info):
        self.server.stop()


def prepare_aws(endpoint: str) -> dict:
    """The stage's table, secrets parameter and export bucket, as serverless/template.yaml and the
    operator's steps in docs/deploy.md create them."""
    import boto3

    from service.store.table import create_table

    stage_environment = _stage_environment()
    world = {
        "endpoint": endpoint,
        "table": stage_environment["ASSESS_TABLE"],
        "parameter": stage_environment["ASSESS_SECRETS_PARAMETER"],
        "bucket": f"assess-{STAGE}-exports-123456789012",
        "secrets": {
            "ASSESS_HMAC_KEY": secrets.token_urlsafe(32),
            "ASSESS_ADMIN_TOKEN": secrets.token_urlsafe(32),
            "ASSESS_EVALUATOR_TOKEN": secrets.token_urlsafe(32),
        },
        "credentials": {
            "AWS_ACCESS_KEY_ID": "AKIAPACKAGECHECK",
            "AWS_SECRET_ACCESS_KEY": "package-check",
            "AWS_SESSION_TOKEN": "package-check",
        },
    }
    session = boto3.session.Session(region_name="eu-central-1", **_credential_arguments(world))
    create_table(session.client("dynamodb", endpoint_url=endpoint), world["table"])
    session.client("ssm", endpoint_url=endpoint).put_parameter(
        Name=world["parameter"], Type="SecureString", Value=json.dumps(world["secrets"])
    )
    session.client("s3", endpoint_url=endpoint).create_bucket(
        Bucket=world["bucket"], CreateBucketConfiguration={"LocationConstraint": "eu-central-1"}
    )
    return world


def compare_with_test_client(package, world: dict) -> dict:
    overrides = world["credentials"] | {
        "AWS_ENDPOINT_URL": world["endpoint"],
        "ASSESS_EXPORT_BUCKET": world["bucket"],
    }
    with xray_daemon() as daemon:
        overrides["AWS_XRAY_DAEMON_ADDRESS"] = daemon.address
        environment = lambda_package.lambda_environment(package, f"assess-{STAGE}", 1024, overrides)
        log_path = Path(tempfile.mkdtemp(prefix="assess-lambda-")) / "function.log"
        function = lambda_package.LambdaProcess(package, environment, log_path)
        try:
            via_lambda = run_scenario(LambdaClient(function), world)
        finally:
            log = function.close()
        segments = daemon.received()
    via_flask = run_scenario(FlaskClient(environment), world)

    problems = []
    requests = []
    for (name, lambda_answer), (_, flask_answer) in zip(via_lambda["answers"], via_flask["answers"], strict=True):
        left = normalise(lambda_answer, via_lambda["known"])
        right = normalise(flask_answer, via_flask["known"])
        same = left == right
        requests.append({"request": name, "status": lambda_answer["status"], "same_as_test_client": same})
        print(f"  {name:<28} {lambda_answer['status']}  {'same as the test client' if same else 'DIFFERENT'}")
        if not same:
            problems.append(f"{name}: Lambda answered {_brief(left)} but the test client {_brief(right)}")
    problems += expected_statuses(via_lambda["answers"])
    problems += log_problems(log, via_lambda, world)
    if not any('"DynamoDB"' in segment or "dynamodb" in segment.lower() for segment in segments):
        problems.append("no X-Ray subsegment for DynamoDB reached the daemon address")
    return {"problems": problems, "requests": requests, "import_seconds": function.import_seconds}


def run_scenario(client, world: dict) -> dict:
    """The requests the issue lists, in the order a cohort lives through them."""
    from service.domain.banks import load_published_banks
    from service.settings import REPOSITORY

    bank = load_published_banks(REPOSITORY / "question_banks").get("online-child-safety", "2")
    answers_pre = {q.id: [q.options[0].id] for q in bank.questions}
    answers_post = {q.id: [o.id for o in q.options if o.correct][:1] for q in bank.questions}
    admin = {"Authorization": f"Bearer {world['secrets']['ASSESS_ADMIN_TOKEN']}"}
    evaluator = {"Authorization": f"Bearer {world['secrets']['ASSESS_EVALUATOR_TOKEN']}"}
    said = []

    def send(name, method, path, **arguments):
        answer = client.request(method, path, **arguments)
        said.append((name, answer))
        return answer

    send("GET /healthz", "GET", "/healthz")
    body = {"bank_id": bank.id, "bank_version": bank.version, "label": "Kyiv, group 3", "region": "Kyiv oblast"}
    created = json.loads(send("POST /api/v1/cohorts", "POST", "/api/v1/cohorts", json_body=body, headers=admin)["body"])
    cohort_id, trainer_token = created["cohort_id"], created["trainer_token"]
    send("GET participant page", "GET", f"/c/{cohort_id}")
    form = {"submission_id": "6f1c1b9e-8d4a-4f43-9a55-1d8c2b7e0a11", "phase": "pre", "lang": "uk"}
    form_pairs = list(form.items()) + [(f"a.{qid}", option) for qid, (option,) in answers_pre.items()]
    result = send("POST participant form", "POST", f"/c/{cohort_id}", form=form_pairs)
    code = re.search(rf"code_{cohort_id}=([A-Z0-9-]+)", " ".join(result["cookies"])).group(1)
    submission = {
        "submission_id": "0b7d3c5e-2a41-4c8e-b1f0-93e6d4a2c7f5",
        "phase": "post",
        "language": "en",
        "answers": answers_post,
        "participant_code": code,
    }
    send("POST JSON submission", "POST", f"/api/v1/cohorts/{cohort_id}/submissions", json_body=submission)
    trainer = {"Authorization": f"Bearer {trainer_token}"}
    send("GET trainer report", "GET", f"/api/v1/cohorts/{cohort_id}/report", headers=trainer)
    query = {"format": "csv", "cohort_id": cohort_id}
    send("GET export (CSV)", "GET", "/api/v1/exports/submissions", query=query, headers=evaluator)
    send("GET openapi.json", "GET", "/api/v1/openapi.json")
    known = {cohort_id: "<cohort>", trainer_token: "<trainer-token>"}
    return {"answers": said, "known": known, "code": code, "trainer_token": trainer_token}


class LambdaClient:
    """Requests as API Gateway events through Zappa's handler in the package's own process."""

    def __init__(self, function):
        self.function = function
        self.request_ids = []

    def request(self, method, path, *, headers=None, query=None, json_body=None, form=None) -> dict:
        headers = _headers(headers, json_body, form)
        request_id = str(uuid.uuid4())
        self.request_ids.append(request_id)
        event = lambda_package.api_gateway_event(
            method, path, headers=headers, query=query, body=_body(json_body, form), request_id=request_id
        )
        answer = self.function.invoke(event)["response"]
        multi = answer.get("multiValueHeaders") or {}
        body = answer.get("body") or ""
        if answer.get("isBase64Encoded"):
            body = base64.b64decode(body).decode("utf-8")
        return {
            "status": answer["statusCode"],
            "content_type": (multi.get("Content-Type") or [""])[0],
            "cookies": multi.get("Set-Cookie", []),
            "body": body,
        }


class FlaskClient:
    """The same requests through the Flask test client of an app built in this process."""

    def __init__(self, environment: dict):
        saved = dict(os.environ)
        os.environ.update({k: v for k, v in environment.items() if k != "LAMBDA_TASK_ROOT"})
        try:
            from service.app import create_app

            self.client = create_app().test_client()
        finally:
            os.environ.clear()
            os.environ.update(saved | {k: environment[k] for k in ("AWS_ENDPOINT_URL",)})

    def request(self, method, path, *, headers=None, query=None, json_body=None, form=None) -> dict:
        headers = _headers(headers, json_body, form)
        url = path + (f"?{urlencode(query)}" if query else "")
        response = self.client.open(
            url,
            method=method,
            headers=headers,
            data=_body(json_body, form),
            base_url=f"https://{HOST}",
            environ_base={"REMOTE_ADDR": SOURCE_IP},
        )
        return {
            "status": response.status_code,
            "content_type": response.headers.get("Content-Type", ""),
            "cookies": response.headers.getlist("Set-Cookie"),
            "body": response.get_data(as_text=True),
        }


def normalise(answer: dict, known: dict) -> dict:
    def clean(text: str) -> str:
        for value, placeholder in known.items():
            text = text.replace(value, placeholder)
        for pattern, placeholder in DYNAMIC:
            text = pattern.sub(placeholder, text)
        return text

    return {
        "status": answer["status"],
        "content_type": answer["content_type"],
        # Zappa's middleware repeats each Set-Cookie header under a lower-case name (to get several
        # cookies past API Gateway); the browser sets the same cookie twice, which changes nothing.
        "cookies": sorted({clean(cookie) for cookie in answer["cookies"]}),
        "body": clean(answer["body"]),
    }


def expected_statuses(answers) -> list[str]:
    wanted = {"POST /api/v1/cohorts": 201, "POST JSON submission": 201}
    return [
        f"{name} answered {answer['status']}, not {wanted.get(name, 200)}"
        for name, answer in answers
        if answer["status"] != wanted.get(name, 200)
    ]


def log_problems(log: str, via_lambda: dict, world: dict) -> list[str]:
    problems = []
    forbidden = {
        "a trainer token": via_lambda["trainer_token"],
        "a participant code": via_lambda["code"],
        "an IP address": SOURCE_IP,
        "the user agent": "secret-user-agent",
        **{f"the secret {name}": value for name, value in world["secrets"].items()},
    }
    problems += [f"the function's log contains {what}" for what, value in forbidden.items() if value in log]
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    correlated = [line for line in lines if line.get("correlation_id") and line.get("message")]
    if not correlated:
        problems.append("no JSON log line carries a correlation id")
    emf = [line for line in lines if "_aws" in line]
    if not any("SubmissionsStored" in line for line in emf):
        problems.append("no EMF metrics line counts SubmissionsStored")
    return problems


class xray_daemon:
    """A UDP socket standing in for the X-Ray daemon, to see that the Tracer sends segments."""

    def __enter__(self):
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.socket.bind(("127.0.0.1", 0))
        self.socket.setblocking(False)
        self.address = f"127.0.0.1:{self.socket.getsockname()[1]}"
        return self

    def received(self) -> list[str]:
        datagrams = []
        while True:
            try:
                datagrams.append(self.socket.recv(65536).decode("utf-8", "replace"))
            except BlockingIOError:
                return datagrams

    def __exit__(self, *exc_info):
        self.socket.close()


def _headers(headers, json_body, form) -> dict:
    result = {"Host": HOST, "User-Agent": USER_AGENT, "X-Forwarded-Proto": "https", "Accept-Language": "uk"}
    if json_body is not None:
        result["Content-Type"] = "application/json"
    if form is not None:
        result["Content-Type"] = "application/x-www-form-urlencoded"
    return result | dict(headers or {})


def _body(json_body, form) -> str | None:
    if json_body is not None:
        return json.dumps(json_body)
    if form is not None:
        return urlencode(form)
    return None


def _brief(answer: dict) -> str:
    return json.dumps(answer)[:600]


def _stage_environment() -> dict:
    settings = json.loads((lambda_package.ROOT / "zappa_settings.json").read_text())
    stage = settings[STAGE]
    return (settings[stage["extends"]] | stage if "extends" in stage else stage)["environment_variables"]


def _credential_arguments(world: dict) -> dict:
    creds = world["credentials"]
    return {
        "aws_access_key_id": creds["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": creds["AWS_SECRET_ACCESS_KEY"],
        "aws_session_token": creds["AWS_SESSION_TOKEN"],
    }


if __name__ == "__main__":
    sys.exit(main())
