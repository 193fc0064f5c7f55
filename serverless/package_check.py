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
    # Each side has its own cohort, so its own linkage key (domain/linkage.py): a code derived for a
    # first pre-test differs between them although the submission id is the same.
    (re.compile(r"\b[0-9A-HJKMNP-TV-Z]{3}-[0-9A-HJKMNP-TV-Z]{3}-[0-9A-HJKMNP-TV-Z]{3}\b"), "<code>"),
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
    exports_package = lambda_package.build(f"{STAGE}_exports")
    with moto_endpoint() as endpoint:
        world = prepare_aws(endpoint)
        outcome = compare_with_test_client(package, world)
        job = export_job_through_lambda(package, exports_package, world, outcome)
    problems += outcome["problems"] + job["problems"]
    figures = {
        "zipped_bytes": package.zipped_bytes,
        "unzipped_bytes": package.unzipped_bytes,
        "files": package.files,
        "build_seconds": round(built - started, 1),
        "import_seconds": round(outcome["import_seconds"], 3),
        "requests": outcome["requests"],
        "export_job": job["figures"],
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
        "bucket": stage_environment["ASSESS_EXPORT_BUCKET"],
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
        # The scenario's one participant is exported (k = 1): this checks the package, not disclosure
        # control, which would otherwise withhold a group under k from every export (docs/security.md).
        "ASSESS_K_ANONYMITY": "1",
        # Links on the scenario's custom domain: the test client, beside Lambda, has no API Gateway event.
        "ASSESS_PUBLIC_URL": f"https://{HOST}",
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
    if segments:
        problems.append("the web function sent X-Ray segments: its stage should leave the SDK out (cold start)")
    sync_export = dict(via_lambda["answers"])["GET export (CSV)"]
    return {
        "problems": problems,
        "requests": requests,
        "import_seconds": function.import_seconds,
        "overrides": overrides,
        "cohort_id": via_lambda["known_ids"]["cohort_id"],
        "sync_export": sync_export["body"],
    }


def export_job_through_lambda(package, exports_package, world: dict, outcome: dict) -> dict:
    """An export over the row limit: the web function answers 202 and invokes the export function
    (the Lambda Invoke API on a local endpoint); the export function, started like Lambda with
    the event, writes the file to S3; the status gives a pre-signed URL, fetched over HTTP."""
    problems = []
    scratch = Path(tempfile.mkdtemp(prefix="assess-export-job-"))
    evaluator = {"Authorization": f"Bearer {world['secrets']['ASSESS_EVALUATOR_TOKEN']}"}
    with lambda_invoke_endpoint() as invoke, xray_daemon() as daemon:
        overrides = outcome["overrides"] | {
            "AWS_ENDPOINT_URL_LAMBDA": invoke.url,
            "AWS_XRAY_DAEMON_ADDRESS": daemon.address,
            "ASSESS_EXPORT_SYNC_MAX_ROWS": "1",
        }
        web = lambda_package.LambdaProcess(
            package,
            lambda_package.lambda_environment(package, f"assess-{STAGE}", 1024, overrides),
            scratch / "web.log",
        )
        try:
            client = LambdaClient(web)
            query = {"format": "csv", "cohort_id": outcome["cohort_id"], "pseudonym_key": "package-check"}
            accepted = client.request("GET", "/api/v1/exports/submissions", query=query, headers=evaluator)
            if accepted["status"] != 202:
                return {"problems": [f"an export over the limit answered {accepted['status']}, not 202"], "figures": {}}
            job_id = json.loads(accepted["body"])["job_id"]
            (function_name, invocation_type, event), *more = invoke.received()
            expected_function = _stage_environment()["ASSESS_EXPORT_FUNCTION"]
            if function_name != expected_function or invocation_type != "Event" or more:
                problems.append(f"the job was started as {function_name} {invocation_type}, +{len(more)} more")
            exports = lambda_package.LambdaProcess(
                exports_package,
                lambda_package.lambda_environment(exports_package, expected_function, 2048, overrides),
                scratch / "exports.log",
                timeout_seconds=300,
            )
            began = time.perf_counter()
            try:
                result = exports.invoke(event)
            finally:
                exports_log = exports.close()
            job_seconds = time.perf_counter() - began
            if result["response"] != {"job_id": job_id, "status": "done", "rows": 2}:
                problems.append(f"the export function answered {result['response']}")
            status = json.loads(client.request("GET", f"/api/v1/exports/jobs/{job_id}", headers=evaluator)["body"])
        finally:
            web.close()
        segments = daemon.received()
    import urllib.request

    with urllib.request.urlopen(status["download_url"], timeout=30) as download:
        downloaded = download.read().decode("utf-8")
    if downloaded != outcome["sync_export"]:
        problems.append("the job's file differs from the synchronous export of the same request")
    if not any("dynamodb" in segment.lower() for segment in segments) or not any("s3" in s.lower() for s in segments):
        problems.append("the export function sent no X-Ray subsegments for DynamoDB and S3")
    secrets_seen = [name for name, value in world["secrets"].items() if value in exports_log]
    if secrets_seen or SOURCE_IP in exports_log:
        problems.append(f"the export function's log contains {secrets_seen or 'an IP address'}")
    request_id = client.request_ids[0]
    lines = _json_lines(exports_log)
    if not any(line.get("correlation_id") == request_id for line in lines):
        problems.append("the export function's log lines do not carry the starting request's correlation id")
    if not any("ExportsProduced" in line for line in lines if "_aws" in line):
        problems.append("no EMF metrics line counts ExportsProduced")
    print(f"  {'export job (202 -> S3)':<28} {status['status']}  file equals the synchronous export: {not problems}")
    figures = {"status": status["status"], "rows": status.get("rows"), "job_seconds": round(job_seconds, 2)}
    return {"problems": problems, "figures": figures}


class lambda_invoke_endpoint:
    """The Lambda Invoke API on a local port: records what the web function invokes, answers 202."""

    def __enter__(self):
        import http.server
        import threading

        calls = self.calls = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                name = self.path.split("/functions/", 1)[1].split("/", 1)[0]
                calls.append((name, self.headers.get("X-Amz-Invocation-Type"), json.loads(self.rfile.read(length))))
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        return self

    def received(self) -> list:
        return list(self.calls)

    def __exit__(self, *exc_info):
        self.server.shutdown()


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
    body = {"bank_id": bank.id, "bank_version": bank.version, "label": "Kyiv, group 3", "region": "Київська область"}
    body["phases"] = {"pre": {"open": True}, "post": {"open": True}}  # the scenario sends both tests
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
    query = {"format": "csv", "cohort_id": cohort_id, "pseudonym_key": "package-check"}
    send("GET export (CSV)", "GET", "/api/v1/exports/submissions", query=query, headers=evaluator)
    send("GET openapi.json", "GET", "/api/v1/openapi.json")
    known = {cohort_id: "<cohort>", trainer_token: "<trainer-token>"}
    return {
        "answers": said,
        "known": known,
        "known_ids": {"cohort_id": cohort_id},
        "code": code,
        "trainer_token": trainer_token,
    }


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
    lines = _json_lines(log)
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


def _json_lines(log: str) -> list[dict]:
    """The function's structured log lines (Zappa also prints Python reprs, which are skipped)."""
    lines = []
    for line in log.splitlines():
        if line.startswith("{"):
            try:
                lines.append(json.loads(line))
            except ValueError:
                continue
    return lines


def _brief(answer: dict) -> str:
    return json.dumps(answer)[:600]


def _stage_environment() -> dict:
    return lambda_package.stage_aws_environment(STAGE)


def _credential_arguments(world: dict) -> dict:
    creds = world["credentials"]
    return {
        "aws_access_key_id": creds["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": creds["AWS_SECRET_ACCESS_KEY"],
        "aws_session_token": creds["AWS_SESSION_TOKEN"],
    }


if __name__ == "__main__":
    sys.exit(main())
