"""The operator's steps around `zappa deploy`, as one command per step (docs/deploy.md):

    python -m serverless.stage infra prod [--alarm-topic-arn ARN] [--active-table NAME]
    python -m serverless.stage settings prod [--public-url https://assess.example.org]
    python -m serverless.stage secrets prod
    zappa deploy prod && zappa deploy prod_exports
    python -m serverless.stage finish prod
    python -m serverless.stage restore-drill prod --at 2026-05-01T09:00:00Z

These are the commands docs/deploy.md gives and tests/e2e/test_deploy_walk.py runs from there,
against a moto server, with `zappa deploy` and `zappa update` between them: one text, so the
documented path is the tested one. They use boto3 (in the deploy virtualenv already, for Zappa),
so no AWS CLI is needed; every AWS call is a public boto3 API and honours AWS_ENDPOINT_URL.

Names are fixed here and nowhere else: the infrastructure stack is `assess-<stage>-infra`, never
`assess-<stage>`, which is the name Zappa gives its own API Gateway stack (and a deploy would
update, deleting the roles, the bucket and, but for deletion protection, the table).
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import json
import re
import secrets as random_secrets
import sys
from pathlib import Path

import boto3
from botocore.exceptions import ClientError

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "serverless" / "template.yaml"
SETTINGS = ROOT / "zappa_settings.json"
ACCOUNT_PLACEHOLDER = "your-account-id"
STAGES = ("dev", "prod")
SECRET_NAMES = ("ASSESS_HMAC_KEY", "ASSESS_ADMIN_TOKEN", "ASSESS_EVALUATOR_TOKEN")
# API Gateway stage throttling for every method (Zappa has no setting for it). A class of 90 phones
# sends a few requests a second at its busiest and 34 classes never meet at one minute; the limits
# bound what a flood can cost before reserved concurrency (zappa_settings.json) and the budget alarm.
THROTTLE_RATE_PER_SECOND = 50
THROTTLE_BURST = 100


def infra_stack(stage: str) -> str:
    return f"assess-{stage}-infra"


def web_function(stage: str) -> str:
    return f"assess-{stage}"  # Zappa's name: <project_name>-<stage>; its API and API stack share it


def exports_function(stage: str) -> str:
    return f"assess-{stage}-exports"  # the Zappa stage <stage>_exports


def zappa_stage_settings(stage: str, settings: dict | None = None) -> dict:
    """A Zappa stage's settings with the stage it extends, as Zappa merges them."""
    settings = settings if settings is not None else json.loads(SETTINGS.read_text())
    config = settings[stage]
    if "extends" in config:
        return zappa_stage_settings(config["extends"], settings) | config
    return config


# --- 1. infrastructure ---------------------------------------------------------------------------


def deploy_infra(session, stage: str, alarm_topic_arn: str = "", active_table: str = "", log=print) -> dict:
    """Create or update the infrastructure stack from serverless/template.yaml; its outputs."""
    cloudformation = session.client("cloudformation")
    name = infra_stack(stage)
    arguments = {
        "StackName": name,
        "TemplateBody": TEMPLATE.read_text(),
        "Parameters": [
            {"ParameterKey": "Stage", "ParameterValue": stage},
            {"ParameterKey": "AlarmTopicArn", "ParameterValue": alarm_topic_arn},
            {"ParameterKey": "ActiveTableName", "ParameterValue": active_table},
        ],
        "Capabilities": ["CAPABILITY_NAMED_IAM"],
    }
    if _stack_status(cloudformation, name) is None:
        log(f"creating stack {name}")
        cloudformation.create_stack(**arguments, OnFailure="ROLLBACK")
        waiter = "stack_create_complete"
    else:
        log(f"updating stack {name}")
        try:
            cloudformation.update_stack(**arguments)
        except ClientError as error:
            if "No updates are to be performed" not in str(error):
                raise
            log("  nothing to change")
        waiter = "stack_update_complete"
    cloudformation.get_waiter(waiter).wait(StackName=name, WaiterConfig={"Delay": 5, "MaxAttempts": 360})
    outputs = stack_outputs(cloudformation, name)
    for key, value in outputs.items():
        log(f"  {key}: {value}")
    return outputs


def stack_outputs(cloudformation, name: str) -> dict:
    stack = cloudformation.describe_stacks(StackName=name)["Stacks"][0]
    return {output["OutputKey"]: output["OutputValue"] for output in stack.get("Outputs", [])}


def _stack_status(cloudformation, name: str) -> str | None:
    try:
        return cloudformation.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"]
    except ClientError as error:
        if "does not exist" in str(error):
            return None
        raise


# --- 2. Zappa's settings for this account --------------------------------------------------------


def point_settings_at_account(session, stage: str, public_url: str = "", log=print) -> None:
    """Put the account id in the bucket names of zappa_settings.json, and the public URL if given."""
    account = session.client("sts").get_caller_identity()["Account"]
    text = SETTINGS.read_text()
    if ACCOUNT_PLACEHOLDER in text:
        text = text.replace(ACCOUNT_PLACEHOLDER, account)
        log(f"zappa_settings.json: bucket names for account {account}")
    if not public_url:
        SETTINGS.write_text(text)
        return
    settings = json.loads(text)
    if public_url:
        if not re.fullmatch(r"https://[a-z0-9.-]+(/[A-Za-z0-9._~-]+)*", public_url):
            raise SystemExit(f"--public-url must be an https:// address without a trailing slash, not {public_url!r}")
        for name in (stage, f"{stage}_exports"):
            settings[name].setdefault("aws_environment_variables", {})["ASSESS_PUBLIC_URL"] = public_url
        log(f"zappa_settings.json: links and QR codes on {public_url}")
    SETTINGS.write_text(json.dumps(settings, indent=4, ensure_ascii=False) + "\n")


# --- 3. secrets ----------------------------------------------------------------------------------


def create_secrets(session, stage: str, log=print) -> None:
    """The stage's secrets as one SecureString, random values made here and never written to disk.
    An existing parameter is left alone: a new HMAC key would unlink every stored post-test."""
    ssm = session.client("ssm")
    name = zappa_stage_settings(stage)["aws_environment_variables"]["ASSESS_SECRETS_PARAMETER"]
    values = {key: random_secrets.token_urlsafe(32) for key in SECRET_NAMES}
    try:
        ssm.put_parameter(Name=name, Type="SecureString", Value=json.dumps(values), Overwrite=False)
    except ClientError as error:
        if error.response["Error"]["Code"] != "ParameterAlreadyExists":
            raise
        log(f"{name} exists already: left as it is (docs/deploy.md, 'Rotate a secret')")
        return
    log(f"{name} created. Keep the admin and evaluator tokens in your password manager:")
    log(f"  ASSESS_ADMIN_TOKEN     {values['ASSESS_ADMIN_TOKEN']}")
    log(f"  ASSESS_EVALUATOR_TOKEN {values['ASSESS_EVALUATOR_TOKEN']}")


# --- 4. after `zappa deploy` / `zappa update` ----------------------------------------------------


def rest_api_id(session, stage: str) -> str:
    name = web_function(stage)
    paginator = session.client("apigateway").get_paginator("get_rest_apis")
    ids = [api["id"] for page in paginator.paginate() for api in page["items"] if api["name"] == name]
    if len(ids) != 1:
        raise SystemExit(f"expected one REST API named {name} (made by `zappa deploy {stage}`), found {len(ids)}")
    return ids[0]


def throttle_stage(session, stage: str, log=print) -> None:
    """Rate and burst limits on every method of Zappa's API stage."""
    api = rest_api_id(session, stage)
    session.client("apigateway").update_stage(
        restApiId=api,
        stageName=stage,
        patchOperations=[
            {"op": "replace", "path": "/*/*/throttling/rateLimit", "value": str(THROTTLE_RATE_PER_SECOND)},
            {"op": "replace", "path": "/*/*/throttling/burstLimit", "value": str(THROTTLE_BURST)},
        ],
    )
    log(f"stage {stage} of API {api}: {THROTTLE_RATE_PER_SECOND} requests/s, bursts of {THROTTLE_BURST}")


def deployment_problems(session, stage: str) -> list[str]:
    """What would make the deployed stage fail or unsafe, checked on AWS itself."""
    problems = []
    cloudformation = session.client("cloudformation")
    status = _stack_status(cloudformation, infra_stack(stage))
    if status not in ("CREATE_COMPLETE", "UPDATE_COMPLETE"):
        problems.append(f"stack {infra_stack(stage)} is {status}")
    else:
        present = {
            summary["LogicalResourceId"]
            for page in cloudformation.get_paginator("list_stack_resources").paginate(StackName=infra_stack(stage))
            for summary in page["StackResourceSummaries"]
            if "DELETE" not in summary["ResourceStatus"]
        }
        for needed in ("Table", "ExportBucket", "DeploymentBucket", "LambdaRole", "ExportsRole"):
            if needed not in present:
                problems.append(f"stack {infra_stack(stage)} has lost {needed}")
    lambda_client = session.client("lambda")
    for zappa_name, function in ((stage, web_function(stage)), (f"{stage}_exports", exports_function(stage))):
        wanted = zappa_stage_settings(zappa_name)["aws_environment_variables"]
        try:
            configuration = lambda_client.get_function_configuration(FunctionName=function)
        except ClientError:
            problems.append(f"function {function} is not deployed (`zappa deploy {zappa_name}`)")
            continue
        environment = configuration.get("Environment", {}).get("Variables", {})
        for key, value in wanted.items():
            if environment.get(key) != value:
                problems.append(f"{function}: {key} is {environment.get(key)!r} on the function, not {value!r}")
    problems += _integration_problems(session, stage)
    return problems


def _integration_problems(session, stage: str) -> list[str]:
    """API Gateway calls the function with the role in the integration's credentials: that role must
    trust apigateway.amazonaws.com and may invoke the web function."""
    template = session.client("cloudformation").get_template(StackName=web_function(stage))["TemplateBody"]
    template = json.loads(template) if isinstance(template, str) else template
    roles = {
        resource["Properties"]["Integration"].get("Credentials")
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::ApiGateway::Method"
    }
    if len(roles) != 1 or None in roles:
        return [f"Zappa's API stack {web_function(stage)} has integrations with credentials {roles}"]
    role_name = roles.pop().rsplit("/", 1)[-1]
    iam = session.client("iam")
    role = iam.get_role(RoleName=role_name)["Role"]
    trust = _policy(role["AssumeRolePolicyDocument"])
    principals = set()
    for statement in trust["Statement"]:
        service = statement.get("Principal", {}).get("Service", [])
        principals |= {service} if isinstance(service, str) else set(service)
    problems = []
    if "apigateway.amazonaws.com" not in principals:
        problems.append(f"role {role_name} does not trust apigateway.amazonaws.com: every request would be a 500")
    function_arn = session.client("lambda").get_function_configuration(FunctionName=web_function(stage))["FunctionArn"]
    invokable = False
    for policy_name in iam.list_role_policies(RoleName=role_name)["PolicyNames"]:
        document = iam.get_role_policy(RoleName=role_name, PolicyName=policy_name)["PolicyDocument"]
        document = _policy(document)
        for statement in document["Statement"]:
            actions = statement.get("Action", [])
            resources = statement.get("Resource", [])
            actions = [actions] if isinstance(actions, str) else actions
            resources = [resources] if isinstance(resources, str) else resources
            if statement["Effect"] == "Allow" and "lambda:InvokeFunction" in actions and function_arn in resources:
                invokable = True
    if not invokable:
        problems.append(f"role {role_name} may not invoke {function_arn}: every request would be a 500")
    return problems


def _policy(document) -> dict:
    """A policy document as boto3 gives it: a dict (AWS sends URL-encoded JSON, which botocore
    decodes), or a string where the endpoint kept one (moto's CloudFormation stores inline policies
    as Python's repr of the template's mapping)."""
    if isinstance(document, dict):
        return document
    try:
        return json.loads(document)
    except json.JSONDecodeError:
        return ast.literal_eval(document)


def send_failed_jobs_to_the_queue(session, stage: str, log=print) -> None:
    """The export function's asynchronous invocations (export jobs): no retry (a job that failed once
    fails again, and its status reads failed after its time limit), the event kept on failure."""
    queue = stack_outputs(session.client("cloudformation"), infra_stack(stage))["ExportFailuresQueueArn"]
    session.client("lambda").put_function_event_invoke_config(
        FunctionName=exports_function(stage),
        MaximumRetryAttempts=0,
        MaximumEventAgeInSeconds=3600,
        DestinationConfig={"OnFailure": {"Destination": queue}},
    )
    log(f"{exports_function(stage)}: failed jobs go to {queue}, no retry")


def finish(session, stage: str, log=print) -> int:
    """After `zappa deploy` or `zappa update`: throttle the stage, route failed export jobs, then
    check the deployment."""
    throttle_stage(session, stage, log)
    send_failed_jobs_to_the_queue(session, stage, log)
    problems = deployment_problems(session, stage)
    for problem in problems:
        log(f"PROBLEM: {problem}")
    if not problems:
        region = session.region_name
        log(f"stage {stage} is ready: https://{rest_api_id(session, stage)}.execute-api.{region}.amazonaws.com/{stage}")
    return 1 if problems else 0


# --- restore drill -------------------------------------------------------------------------------


def restore_drill(session, stage: str, at: dt.datetime, log=print) -> str:
    """Restore the stage's table as it was at `at` into a new table, wait until it can be read, and
    compare its cohorts with the live table's. Switching to it is `use-table` (docs/deploy.md)."""
    dynamodb = session.client("dynamodb")
    source = zappa_stage_settings(stage)["aws_environment_variables"]["ASSESS_TABLE"]
    target = f"assess-{stage}-restored-{at:%Y%m%d%H%M}"
    dynamodb.restore_table_to_point_in_time(SourceTableName=source, TargetTableName=target, RestoreDateTime=at)
    dynamodb.get_waiter("table_exists").wait(TableName=target, WaiterConfig={"Delay": 10, "MaxAttempts": 360})
    live, restored = _cohort_count(dynamodb, source), _cohort_count(dynamodb, target)
    log(f"{target}: {restored} cohorts (the live table {source} has {live} now)")
    log(
        f"to switch: python -m serverless.stage use-table {stage} {target}; then zappa update {stage}"
        f" && zappa update {stage}_exports && python -m serverless.stage finish {stage}"
    )
    return target


def _cohort_count(dynamodb, table: str) -> int:
    from service.store.table import COHORTS_INDEX

    paginator = dynamodb.get_paginator("query")
    pages = paginator.paginate(
        TableName=table,
        IndexName=COHORTS_INDEX,
        KeyConditionExpression="gsi1pk = :all",
        ExpressionAttributeValues={":all": {"S": "COHORTS"}},
        Select="COUNT",
    )
    return sum(page["Count"] for page in pages)


def use_table(session, stage: str, table: str, log=print) -> None:
    """Point both functions' settings and the roles' permissions at another table (a restored one)."""
    settings = json.loads(SETTINGS.read_text())
    for name in (stage, f"{stage}_exports"):
        settings[name].setdefault("aws_environment_variables", {})["ASSESS_TABLE"] = table
    SETTINGS.write_text(json.dumps(settings, indent=4, ensure_ascii=False) + "\n")
    log(f"zappa_settings.json: ASSESS_TABLE={table} for {stage} and {stage}_exports")
    default = f"assess-{stage}"
    deploy_infra(session, stage, active_table="" if table == default else table, log=log)


# --- command line --------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m serverless.stage", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    infra = commands.add_parser("infra", help="create or update the stack assess-<stage>-infra")
    infra.add_argument("stage", choices=STAGES)
    infra.add_argument("--alarm-topic-arn", default="", help="SNS topic for the alarms and the budget")
    infra.add_argument("--active-table", default="", help="the table in use, when not assess-<stage>")
    settings = commands.add_parser("settings", help="zappa_settings.json for this account")
    settings.add_argument("stage", choices=STAGES)
    settings.add_argument("--public-url", default="", help="a custom domain, e.g. https://assess.example.org")
    for name, text in (("secrets", "create the secrets parameter"), ("finish", "throttle and check after zappa")):
        commands.add_parser(name, help=text).add_argument("stage", choices=STAGES)
    drill = commands.add_parser("restore-drill", help="point-in-time restore into a new table")
    drill.add_argument("stage", choices=STAGES)
    drill.add_argument("--at", required=True, help="UTC time, e.g. 2026-05-01T09:00:00Z")
    use = commands.add_parser("use-table", help="switch the stage to another table")
    use.add_argument("stage", choices=STAGES)
    use.add_argument("table")
    arguments = parser.parse_args(argv)

    session = boto3.session.Session()
    if session.region_name is None:
        session = boto3.session.Session(region_name=zappa_stage_settings(arguments.stage)["aws_region"])
    if arguments.command == "infra":
        deploy_infra(session, arguments.stage, arguments.alarm_topic_arn, arguments.active_table)
    elif arguments.command == "settings":
        point_settings_at_account(session, arguments.stage, arguments.public_url)
    elif arguments.command == "secrets":
        create_secrets(session, arguments.stage)
    elif arguments.command == "finish":
        return finish(session, arguments.stage)
    elif arguments.command == "restore-drill":
        at = dt.datetime.fromisoformat(arguments.at.replace("Z", "+00:00"))
        restore_drill(session, arguments.stage, at)
    elif arguments.command == "use-table":
        use_table(session, arguments.stage, arguments.table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
