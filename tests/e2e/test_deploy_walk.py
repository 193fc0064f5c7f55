"""docs/deploy.md's own commands, run in order against a moto server as on an empty AWS account
(issue 14): the infrastructure stack from serverless/template.yaml, the account in Zappa's settings,
the secrets, `zappa deploy` of the web and export stages, `finish`; then the update section's
`zappa update`s. After each, the infrastructure stack must be whole, API Gateway's integration role
must trust API Gateway and may invoke the web function, and the functions must carry what Lambda
reads at import.

Then the very zip Zappa deployed runs through Zappa's handler with the environment the deployed
function has (read back from Lambda, not from the settings file), taking API Gateway events as a
phone's browser would send them: on the execute-api host, where API Gateway serves the stage under
`/prod`, and behind a custom domain without a prefix. Console login, a cohort created from the
console, the participant's test and result, the trainer link and page: every link, form action,
redirect and cookie path must stay under the stage.

The commands are read from docs/deploy.md, between its `deploy-walk` markers, not retyped here.
Two settings differ from the documented ones, both because moto is not AWS: Zappa's `touch` (a GET of
/healthz on the execute-api host, which moto does not serve; the walk below does it instead) is off,
and the local zip is kept (Zappa deletes it after uploading) so that the walk runs what was deployed.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import tempfile
from html import unescape
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

import pytest

from serverless import lambda_package, stage

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "deploy.md"
STAGE = "prod"
REGION = "eu-central-1"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "AKIADEPLOYWALK", "AWS_SECRET_ACCESS_KEY": "deploy-walk"}
CUSTOM_DOMAIN = "https://assess.example.org"
COMMAND = re.compile(r"^(python -m serverless\.stage|zappa) ")

pytestmark = [pytest.mark.e2e, pytest.mark.lambda_package, pytest.mark.timeout(900)]


def walk_blocks(text: str) -> dict[str, list[str]]:
    """The commands of each `<!-- deploy-walk: NAME -->` part of the document, in order."""
    parts = {}
    for name, body in re.findall(r"<!-- deploy-walk: ([a-z ]+) -->\n(.*?)<!-- deploy-walk: end -->", text, re.S):
        lines = []
        for block in re.findall(r"```sh\n(.*?)```", body, re.S):
            lines += [line.strip() for line in block.splitlines() if line.strip() and not line.startswith("#")]
        parts[name] = lines
    return parts


def test_the_walked_parts_hold_only_commands_this_test_can_run():
    parts = walk_blocks(DOC.read_text())
    assert set(parts) == {"first deploy", "update", "restore drill"}
    for lines in parts.values():
        assert lines and all(COMMAND.match(line) for line in lines), lines
    assert "zappa deploy $STAGE" in parts["first deploy"] and "zappa update $STAGE" in parts["update"]


LIST_FUNCTION_URLS = re.compile(r"/2021-10-31/functions/[^/]+/urls")


def with_list_function_urls(app):
    """moto 5.2 has no ListFunctionUrlConfigs, which `zappa update` calls to remove a function URL the
    stage does not use (`function_url_enabled` is off). Its honest answer here is an empty list."""

    def application(environ, start_response):
        if environ["REQUEST_METHOD"] == "GET" and LIST_FUNCTION_URLS.fullmatch(environ["PATH_INFO"]):
            start_response("200 OK", [("Content-Type", "application/json")])
            return [b'{"FunctionUrlConfigs": []}']
        return app(environ, start_response)

    return application


@pytest.fixture(scope="module")
def aws():
    from moto.moto_server.threaded_moto_server import ThreadedMotoServer
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server

    class Server(ThreadedMotoServer):
        def _server_entry(self) -> None:
            app = with_list_function_urls(DomainDispatcherApplication(create_backend_app))
            self._server = make_server(self._ip_address, self._port, app, True)
            self._server_ready_event.set()
            self._server.serve_forever()

    server = Server(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture(scope="module")
def deployed(aws, tmp_path_factory):
    """The repository copied as an operator clones it, and the documented commands run in it."""
    venv = lambda_package.build_virtualenv()
    checkout = tmp_path_factory.mktemp("operator") / "assess"
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for relative in filter(None, listed.split("\0")):
        source = ROOT / relative
        if source.is_file():
            (checkout / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, checkout / relative)
    settings_path = checkout / "zappa_settings.json"
    settings = json.loads(settings_path.read_text())
    settings["dev"] |= {"touch": False, "delete_local_zip": False}  # moto is not AWS (module docstring)
    settings_path.write_text(json.dumps(settings, indent=4))

    environment = lambda_package._clean_environment() | CREDENTIALS
    environment |= {
        "AWS_ENDPOINT_URL": aws,
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "STAGE": STAGE,
        "VIRTUAL_ENV": str(venv),
        "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    transcript = []

    def run(part: str) -> None:
        for line in walk_blocks(DOC.read_text())[part]:
            done = subprocess.run(
                ["bash", "-c", line], cwd=checkout, env=environment, capture_output=True, text=True, timeout=600
            )
            transcript.append(f"$ {line}\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
            assert done.returncode == 0, "\n".join(transcript)

    import boto3

    session = boto3.session.Session(region_name=REGION, **_boto_credentials())
    session = _with_endpoint(session, aws)
    run("first deploy")
    first = _state(session)
    run("update")
    deployed_state = {
        "session": session,
        "checkout": checkout,
        "venv": venv,
        "first": first,
        "after_update": _state(session),
        "transcript": transcript,
        "endpoint": aws,
        "run": run,
    }
    return deployed_state


def _boto_credentials() -> dict:
    return {
        "aws_access_key_id": CREDENTIALS["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    }


class _with_endpoint:
    """A boto3 session whose clients go to the moto server."""

    def __init__(self, session, endpoint: str):
        self._session, self._endpoint, self.region_name = session, endpoint, session.region_name

    def client(self, name: str, **arguments):
        return self._session.client(name, endpoint_url=self._endpoint, **arguments)


def _state(session) -> dict:
    cloudformation = session.client("cloudformation")
    stacks = {s["StackName"]: s["StackStatus"] for s in cloudformation.describe_stacks()["Stacks"]}
    resources = {
        r["LogicalResourceId"]: r["ResourceStatus"]
        for r in cloudformation.list_stack_resources(StackName=stage.infra_stack(STAGE))["StackResourceSummaries"]
    }
    functions = {
        name: session.client("lambda").get_function_configuration(FunctionName=name)
        for name in (stage.web_function(STAGE), stage.exports_function(STAGE))
    }
    return {"stacks": stacks, "resources": resources, "functions": functions}


def test_zappas_stacks_leave_the_infrastructure_stack_whole(deployed):
    for state in (deployed["first"], deployed["after_update"]):
        assert state["stacks"][stage.infra_stack(STAGE)] in ("CREATE_COMPLETE", "UPDATE_COMPLETE")
        assert state["stacks"][stage.web_function(STAGE)] in ("CREATE_COMPLETE", "UPDATE_COMPLETE")
        for resource in ("Table", "ExportBucket", "DeploymentBucket", "LambdaRole", "ExportsRole", "WebLogGroup"):
            assert state["resources"][resource] in ("CREATE_COMPLETE", "UPDATE_COMPLETE"), resource
    session = deployed["session"]
    assert session.client("dynamodb").describe_table(TableName="assess-prod")["Table"]["TableStatus"] == "ACTIVE"


def test_api_gateways_role_trusts_it_and_may_invoke_the_web_function(deployed):
    assert stage._integration_problems(deployed["session"], STAGE) == []
    template = deployed["session"].client("cloudformation").get_template(StackName="assess-prod")["TemplateBody"]
    template = json.loads(template) if isinstance(template, str) else template
    credentials = {
        r["Properties"]["Integration"]["Credentials"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::ApiGateway::Method"
    }
    assert credentials == {"arn:aws:iam::123456789012:role/assess-prod-lambda"}
    assert template["Resources"]["Api"]["Properties"]["EndpointConfiguration"] == {"Types": ["REGIONAL"]}


def test_the_deployed_functions_read_their_settings_at_import(deployed):
    for state in (deployed["first"], deployed["after_update"]):
        web = state["functions"]["assess-prod"]
        variables = web["Environment"]["Variables"]
        assert variables["INSTANTIATE_LAMBDA_HANDLER_ON_IMPORT"] == "true"
        assert variables["ASSESS_EXPORT_BUCKET"] == "assess-prod-exports-123456789012"  # the settings step
        assert variables["POWERTOOLS_TRACE_DISABLED"] == "true"
        assert web["Role"].endswith(":role/assess-prod-lambda") and web["Timeout"] == 25
        exports = state["functions"]["assess-prod-exports"]
        assert exports["Environment"]["Variables"]["INSTANTIATE_LAMBDA_HANDLER_ON_IMPORT"] == "true"
        assert exports["Role"].endswith(":role/assess-prod-exports") and exports["Timeout"] == 300
    lambda_client = deployed["session"].client("lambda")
    assert lambda_client.get_function_concurrency(FunctionName="assess-prod")["ReservedConcurrentExecutions"] == 20


def test_failed_export_jobs_go_to_the_queue_without_a_retry(deployed):
    session = deployed["session"]
    config = session.client("lambda").get_function_event_invoke_config(FunctionName="assess-prod-exports")
    assert config["MaximumRetryAttempts"] == 0
    queue = config["DestinationConfig"]["OnFailure"]["Destination"]
    assert queue.endswith(":assess-prod-export-failures")
    assert session.client("sqs").get_queue_url(QueueName="assess-prod-export-failures")["QueueUrl"]


def test_the_stage_is_throttled_after_the_update_too(deployed):
    apigateway = deployed["session"].client("apigateway")
    api = stage.rest_api_id(deployed["session"], STAGE)
    settings = apigateway.get_stage(restApiId=api, stageName=STAGE)["methodSettings"]["*/*"]
    assert settings["throttlingRateLimit"] == stage.THROTTLE_RATE_PER_SECOND
    assert settings["throttlingBurstLimit"] == stage.THROTTLE_BURST


def test_finish_reports_a_role_api_gateway_cannot_assume(deployed):
    """The check `finish` runs is not a rubber stamp: the trust the first deploy lacked is caught."""
    iam = deployed["session"].client("iam")
    role = iam.get_role(RoleName="assess-prod-lambda")["Role"]
    original = stage._policy(role["AssumeRolePolicyDocument"])
    lambda_only = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": ["lambda.amazonaws.com"]}, "Action": "sts:AssumeRole"}
        ],
    }
    iam.update_assume_role_policy(RoleName="assess-prod-lambda", PolicyDocument=json.dumps(lambda_only))
    try:
        problems = stage._integration_problems(deployed["session"], STAGE)
    finally:
        iam.update_assume_role_policy(RoleName="assess-prod-lambda", PolicyDocument=json.dumps(original))
    assert problems == ["role assess-prod-lambda does not trust apigateway.amazonaws.com: every request would be a 500"]


# --- the deployed package, walked as a phone's browser ---------------------------------------------


@pytest.fixture(scope="module")
def deployed_function(deployed):
    """The zip Zappa uploaded, unpacked, with the deployed function's own environment."""
    zips = sorted(deployed["checkout"].glob("assess-prod-[0-9]*.zip"), key=lambda p: p.stat().st_mtime)
    assert zips, "zappa kept no local zip"
    package = lambda_package.unpack(zips[-1], deployed["venv"], Path(tempfile.mkdtemp(prefix="assess-deployed-")))
    variables = deployed["after_update"]["functions"]["assess-prod"]["Environment"]["Variables"]
    ssm = deployed["session"].client("ssm")
    secrets = json.loads(
        ssm.get_parameter(Name=variables["ASSESS_SECRETS_PARAMETER"], WithDecryption=True)["Parameter"]["Value"]
    )

    def start(extra: dict) -> lambda_package.LambdaProcess:
        overrides = variables | CREDENTIALS | {"AWS_ENDPOINT_URL": deployed["endpoint"]} | extra
        environment = lambda_package.lambda_environment(package, "assess-prod", 1024, overrides)
        log = Path(tempfile.mkdtemp(prefix="assess-walk-")) / "function.log"
        return lambda_package.LambdaProcess(package, environment, log)

    return {"start": start, "secrets": secrets, "variables": variables}


class Browser:
    """A phone's browser in front of API Gateway: absolute URLs, cookies by path, redirects followed;
    each request becomes the REST proxy event API Gateway sends for that host."""

    def __init__(self, function, base: str, stage_prefix: str):
        self.function, self.base, self.prefix = function, base, stage_prefix
        self.cookies: dict[str, tuple[str, str]] = {}  # name -> (value, path)
        self.cookie_paths: list[str] = []
        self.pages: list[tuple[str, str]] = []

    def get(self, url: str):
        return self.request("GET", url)

    def post(self, url: str, fields: list[tuple[str, str]]):
        return self.request("POST", url, body=urlencode(fields))

    def request(self, method: str, url: str, body: str | None = None):
        for _ in range(5):
            status, headers, text = self._send(method, url, body)
            if status in (301, 302, 303):
                url, method, body = urljoin(url, headers["Location"][0]), "GET", None
                continue
            self.pages.append((url, text))
            return status, text, url
        raise AssertionError(f"too many redirects from {url}")

    def _send(self, method: str, url: str, body: str | None):
        parts = urlsplit(url)
        assert url.startswith(f"{urlsplit(self.base).scheme}://{urlsplit(self.base).netloc}/"), url
        assert parts.path.startswith(self.prefix + "/"), f"{url} is outside the stage {self.prefix!r}"
        resource_path = parts.path[len(self.prefix) :]
        headers = {
            "Host": parts.netloc,
            "User-Agent": "Mozilla/5.0 (Linux; Android 14) Mobile",
            "Accept-Language": "uk",
        }
        cookies = [
            f"{n}={v}"
            for n, (v, p) in self.cookies.items()
            if parts.path == p or parts.path.startswith(p.rstrip("/") + "/")
        ]
        if cookies:
            headers["Cookie"] = "; ".join(cookies)
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        query = dict(pair.split("=", 1) for pair in parts.query.split("&") if pair) if parts.query else None
        # API Gateway names the API a request reached: on its execute-api host, the host's first label.
        api_id = parts.netloc.split(".")[0] if ".execute-api." in parts.netloc else "abcdef1234"
        event = lambda_package.api_gateway_event(
            method, resource_path, headers=headers, query=query, body=body, api_id=api_id
        )
        event["requestContext"]["path"] = parts.path  # API Gateway's own view includes the stage
        answer = self.function.invoke(event)["response"]
        multi = {k: v for k, v in (answer.get("multiValueHeaders") or {}).items()}
        for cookie in multi.get("Set-Cookie", []):
            name, value = cookie.split(";", 1)[0].split("=", 1)
            path = re.search(r"Path=([^;]+)", cookie).group(1)
            self.cookie_paths.append(path)
            self.cookies[name] = (value, path)
        text = answer.get("body") or ""
        if answer.get("isBase64Encoded"):
            text = base64.b64decode(text).decode("utf-8")
        return answer["statusCode"], multi, text


def hidden_fields(html: str) -> list[tuple[str, str]]:
    fields = []
    for tag in re.findall(r"<input[^>]*>", html):
        if 'type="hidden"' in tag:
            fields.append(
                (re.search(r'name="([^"]+)"', tag).group(1), unescape(re.search(r'value="([^"]*)"', tag).group(1)))
            )
    return fields


def first_answers(html: str) -> list[tuple[str, str]]:
    chosen = {}
    for tag in re.findall(r'<input[^>]*type="(?:radio|checkbox)"[^>]*>', html):
        name = re.search(r'name="([^"]+)"', tag).group(1)
        chosen.setdefault(name, re.search(r'value="([^"]*)"', tag).group(1))
    return list(chosen.items())


def walk(browser: Browser, admin_token: str) -> dict:
    base = browser.base
    status, page, _ = browser.get(f"{base}/admin")
    assert status == 200 and 'name="token"' in page
    status, page, url = browser.post(f"{base}/admin/login", [("token", admin_token)])
    assert status == 200 and url == f"{base}/admin", url
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    cohort_form = [
        ("csrf", csrf),
        ("bank", "online-child-safety@2"),
        ("label", "Kyiv, group 3"),
        ("region", "Вінницька область"),
        ("language", "uk"),
        ("open_pre", "1"),  # a new cohort: the pre-test open, the trainer starts the post-test later
    ]
    status, page, _ = browser.post(f"{base}/admin/cohorts", cohort_form)
    assert status == 200
    participant_url = re.search(rf"{re.escape(base)}/c/[a-z0-9]+", page).group(0)
    trainer_url = unescape(re.search(rf'{re.escape(base)}/cohorts/[a-z0-9]+\?token=[^"<\s]+', page).group(0))

    phone = Browser(browser.function, base, browser.prefix)
    status, form_page, _ = phone.get(participant_url)
    assert status == 200 and "<form" in form_page
    action = re.search(r'<form[^>]*action="([^"]*)"', form_page).group(1)
    fields = [(n, v) for n, v in hidden_fields(form_page) if n != "phase"] + [("phase", "pre")]
    status, result, _ = phone.post(
        urljoin(participant_url, action) if action else participant_url, fields + first_answers(form_page)
    )
    assert status == 200 and re.search(r"\b[0-9A-Z]{3}-[0-9A-Z]{3}-[0-9A-Z]{3}\b", result), result[:2000]

    trainer = Browser(browser.function, base, browser.prefix)
    status, trainer_page, url = trainer.get(trainer_url)
    assert status == 200 and "?token=" not in url and participant_url in trainer_page
    return {"browsers": (browser, phone, trainer), "participant_url": participant_url, "trainer_url": trainer_url}


def assert_everything_under(walked: dict, prefix: str) -> None:
    for browser in walked["browsers"]:
        assert browser.cookie_paths and all(
            p == prefix + "/" or p.startswith(prefix + "/") for p in browser.cookie_paths
        ), browser.cookie_paths
        for url, page in browser.pages:
            for link in re.findall(r'(?:href|src|action)="([^"#][^"]*)"', page):
                link = unescape(link)
                if re.match(r"(data|mailto|tel):", link):
                    continue
                if link.startswith(("http://", "https://")):
                    assert link.startswith(browser.base + "/") or not link.startswith(
                        "https://" + urlsplit(browser.base).netloc
                    ), link
                else:
                    assert urlsplit(urljoin(url, link)).path.startswith(prefix + "/"), f"{link} on {url}"


def test_the_deployed_package_walks_the_execute_api_url_under_the_stage(deployed, deployed_function):
    function = deployed_function["start"]({})
    try:
        host = f"https://{stage.rest_api_id(deployed['session'], STAGE)}.execute-api.{REGION}.amazonaws.com"
        browser = Browser(function, f"{host}/prod", "/prod")
        walked = walk(browser, deployed_function["secrets"]["ASSESS_ADMIN_TOKEN"])
        assert_everything_under(walked, "/prod")
        assert walked["participant_url"].startswith(f"{host}/prod/c/")
    finally:
        function.close()


def test_the_deployed_package_walks_a_custom_domain_without_a_prefix(deployed, deployed_function):
    function = deployed_function["start"]({"ASSESS_PUBLIC_URL": CUSTOM_DOMAIN})
    try:
        walked = walk(Browser(function, CUSTOM_DOMAIN, ""), deployed_function["secrets"]["ASSESS_ADMIN_TOKEN"])
        assert_everything_under(walked, "")
        assert walked["participant_url"].startswith(f"{CUSTOM_DOMAIN}/c/")
    finally:
        function.close()


def test_the_restore_drill_switches_both_functions_and_their_roles_to_the_restored_table(deployed):
    """Last in this module: it moves the stage to another table. The walks above left cohorts behind."""
    session = deployed["session"]
    dynamodb = session.client("dynamodb")
    before = stage._cohort_count(dynamodb, "assess-prod")
    assert before >= 2
    deployed["run"]("restore drill")
    restored = "assess-prod-restored-202605010900"
    assert stage._cohort_count(dynamodb, restored) == before
    state = _state(session)
    for function in state["functions"].values():
        assert function["Environment"]["Variables"]["ASSESS_TABLE"] == restored
    cloudformation = session.client("cloudformation")
    stack = cloudformation.describe_stacks(StackName="assess-prod-infra")["Stacks"][0]
    assert {"ParameterKey": "ActiveTableName", "ParameterValue": restored} in stack["Parameters"]
    # moto's CloudFormation does not apply a role's changed inline policies on an update (it updates a
    # role's description only), so the roles' switch is shown on a stack created with the parameter:
    # a dev stage whose active table is a restored one.
    stage.deploy_infra(session, "dev", active_table="assess-dev-restored-202605010900", log=lambda *_: None)
    iam = session.client("iam")
    for role, policy in (("assess-dev-lambda", "assess-web"), ("assess-dev-exports", "assess-exports")):
        document = stage._policy(iam.get_role_policy(RoleName=role, PolicyName=policy)["PolicyDocument"])
        tables = {r for statement in document["Statement"] for r in _list(statement["Resource"]) if ":table/" in r}
        assert tables == {
            "arn:aws:dynamodb:eu-central-1:123456789012:table/assess-dev-restored-202605010900",
            "arn:aws:dynamodb:eu-central-1:123456789012:table/assess-dev-restored-202605010900/index/*",
        }


def _list(value):
    return [value] if isinstance(value, str) else value
