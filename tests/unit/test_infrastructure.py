"""The deployed table is the table the store and the tests use; the template lints; the Zappa
stages and the template agree on roles, buckets and functions; permissions stay least-privilege."""

import fnmatch
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from service.store.table import ATTRIBUTE_DEFINITIONS, GLOBAL_SECONDARY_INDEXES, KEY_SCHEMA, TIME_TO_LIVE

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "serverless" / "template.yaml"
WEB_STAGES = ("dev", "prod")
STAGES = ("dev", "dev_exports", "prod", "prod_exports")


def template() -> dict:
    return yaml.safe_load(TEMPLATE.read_text())


def zappa_stage(name: str) -> dict:
    """A stage as Zappa reads it: `extends` merges the parent's keys (shallowly) under the stage's."""
    settings = json.loads((ROOT / "zappa_settings.json").read_text())
    stage = settings[name]
    return zappa_stage(stage["extends"]) | stage if "extends" in stage else stage


def statements(role: str) -> list[dict]:
    policy = template()["Resources"][role]["Properties"]["Policies"][0]["PolicyDocument"]
    return policy["Statement"]


def actions(role: str) -> set[str]:
    return {action for statement in statements(role) for action in statement["Action"]}


def test_template_table_matches_the_store_definition():
    table = template()["Resources"]["Table"]["Properties"]
    assert table["KeySchema"] == KEY_SCHEMA
    assert table["AttributeDefinitions"] == ATTRIBUTE_DEFINITIONS
    assert table["GlobalSecondaryIndexes"] == GLOBAL_SECONDARY_INDEXES
    assert table["TimeToLiveSpecification"] == TIME_TO_LIVE
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert table["SSESpecification"] == {"SSEEnabled": True}
    assert table["DeletionProtectionEnabled"] == {"Fn::If": ["IsProd", True, False]}


def test_template_passes_cfn_lint():
    """With the informational checks too (-I), e.g. an ARN that hard-codes the aws partition."""
    cfn_lint = Path(sys.executable).with_name("cfn-lint")
    done = subprocess.run([str(cfn_lint), "-I", str(TEMPLATE)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def test_export_bucket_is_private_encrypted_and_forgets_within_days():
    bucket = template()["Resources"]["ExportBucket"]["Properties"]
    assert set(bucket["PublicAccessBlockConfiguration"].values()) == {True}
    encryption = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
    assert encryption["ServerSideEncryptionByDefault"]["SSEAlgorithm"] in ("AES256", "aws:kms")
    (rule,) = bucket["LifecycleConfiguration"]["Rules"]
    assert rule["Status"] == "Enabled" and rule["ExpirationInDays"] == {"Ref": "ExportExpiryDays"}
    assert template()["Parameters"]["ExportExpiryDays"]["MaxValue"] <= 30


@pytest.mark.parametrize("role", ["LambdaRole", "ExportsRole"])
def test_functions_may_not_scan_delete_or_touch_other_resources(role):
    granted = actions(role)
    assert not {"dynamodb:Scan", "dynamodb:DeleteItem", "s3:DeleteObject"} & granted
    # Erasing a cohort (issue 13) is the web function's one way to delete: BatchWriteItem, never on exports.
    assert ("dynamodb:BatchWriteItem" in granted) == (role == "LambdaRole")
    assert not [action for action in granted if action.endswith(":*")]
    for statement in statements(role):
        if statement["Resource"] == "*":
            assert statement["Action"] == ["kms:Decrypt"] and "kms:ViaService" in str(statement["Condition"])


def test_export_function_only_reads_the_table():
    assert {a for a in actions("ExportsRole") if a.startswith("dynamodb:")} == {"dynamodb:GetItem", "dynamodb:Query"}
    assert "lambda:InvokeFunction" not in actions("ExportsRole")


@pytest.mark.parametrize("name", STAGES)
def test_zappa_stages_run_as_the_template_roles(name):
    stage = zappa_stage(name)
    base = name.split("_")[0]
    role = "ExportsRole" if name.endswith("_exports") else "LambdaRole"
    role_name = template()["Resources"][role]["Properties"]["RoleName"]["Fn::Sub"]
    assert stage["manage_roles"] is False
    assert stage["role_name"] == role_name.replace("${Stage}", base)


@pytest.mark.parametrize("name", STAGES)
def test_zappa_stages_name_no_secret_values_and_fit_api_gateway(name):
    stage = zappa_stage(name)
    assert stage["aws_region"] == "eu-central-1"
    assert stage["app_function"] == "service.lambda_app.app"
    assert stage["runtime"] == f"python{sys.version_info.major}.{sys.version_info.minor}"
    if stage.get("apigateway_enabled", True):
        assert stage["timeout_seconds"] < 29
    environment = stage["aws_environment_variables"]
    assert not {"ASSESS_HMAC_KEY", "ASSESS_ADMIN_TOKEN", "ASSESS_EVALUATOR_TOKEN"} & set(environment)
    assert environment["ASSESS_SECRETS_PARAMETER"] == f"/assess/{name.split('_')[0]}/secrets"
    assert environment["INSTANTIATE_LAMBDA_HANDLER_ON_IMPORT"] == "true"
    assert stage["debug"] is False, "Zappa's debug mode puts tracebacks into 500 answers"


@pytest.mark.parametrize("name", WEB_STAGES)
def test_web_stage_starts_export_jobs_on_its_own_export_function(name):
    web, worker = zappa_stage(name), zappa_stage(f"{name}_exports")
    assert web["aws_environment_variables"]["ASSESS_EXPORT_FUNCTION"] == f"{web['project_name']}-{name}-exports"
    assert worker["apigateway_enabled"] is False
    assert worker["timeout_seconds"] > web["timeout_seconds"]
    tracing = "POWERTOOLS_TRACE_DISABLED"
    assert {k: v for k, v in worker["aws_environment_variables"].items() if k != tracing} == {
        k: v for k, v in web["aws_environment_variables"].items() if k != tracing
    }
    bucket = template()["Resources"]["ExportBucket"]["Properties"]["BucketName"]["Fn::Sub"]
    assert web["aws_environment_variables"]["ASSESS_EXPORT_BUCKET"] == bucket.replace("${Stage}", name).replace(
        "${AWS::AccountId}", "your-account-id"
    )


def test_prod_traces_with_xray_and_only_the_export_function_pays_for_the_sdk():
    """Lambda's active tracing costs the web function nothing; the X-Ray SDK (subsegments for each
    AWS call) adds ~110 ms to a cold start, so only the export function loads it."""
    assert zappa_stage("prod")["xray_tracing"] is True and zappa_stage("prod_exports")["xray_tracing"] is True
    assert zappa_stage("prod")["aws_environment_variables"]["POWERTOOLS_TRACE_DISABLED"] == "true"
    assert zappa_stage("prod_exports")["aws_environment_variables"]["POWERTOOLS_TRACE_DISABLED"] == "false"
    assert zappa_stage("dev")["xray_tracing"] is False


@pytest.mark.parametrize("name", ["dev", "dev_exports", "prod", "prod_exports"])
def test_what_the_app_reads_at_import_is_on_the_function_itself(name):
    """Zappa applies `environment_variables` inside its handler, after the import that reads
    INSTANTIATE_LAMBDA_HANDLER_ON_IMPORT (issue 14: functions deployed on moto had no environment at
    all). Every variable goes in `aws_environment_variables`, which Zappa sets on the function."""
    stage = zappa_stage(name)
    assert "environment_variables" not in stage
    assert stage["aws_environment_variables"]["INSTANTIATE_LAMBDA_HANDLER_ON_IMPORT"] == "true"
    assert {"POWERTOOLS_SERVICE_NAME", "ASSESS_STAGE", "ASSESS_TABLE"} <= set(stage["aws_environment_variables"])


def test_api_gateway_may_assume_the_web_role_and_invoke_the_web_function():
    """Zappa's REST integration calls the function with the Lambda role as its credentials (issue 14:
    the role trusted only Lambda and could invoke only the export function: every request a 500)."""
    role = template()["Resources"]["LambdaRole"]["Properties"]
    (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert set(trust["Principal"]["Service"]) == {"lambda.amazonaws.com", "apigateway.amazonaws.com"}
    invokes = [s["Resource"]["Fn::Sub"] for s in statements("LambdaRole") if s["Action"] == ["lambda:InvokeFunction"]]
    assert any(arn.endswith(":function:assess-${Stage}") for arn in invokes)


def test_no_arn_hard_codes_the_aws_partition():
    text = TEMPLATE.read_text()
    assert "arn:aws:" not in text.replace("arn:${AWS::Partition}:", "")


def test_the_export_size_check_knows_what_zappa_sends_as_text():
    """The synchronous export limit counts base64 for what Zappa encodes: its own text types and the
    stages' additional ones must be the app's (service/export_jobs.py)."""
    import ast

    from service import export_jobs

    assert tuple(zappa_stage("prod")["additional_text_mimetypes"]) == export_jobs.ADDITIONAL_TEXT_MIMETYPES
    # Zappa lives in the package's build virtualenv (requirements-deploy.txt), made by the package check
    # (tests/e2e, which runs first); read its DEFAULT_TEXT_MIMETYPES from the source.
    sources = sorted(ROOT.glob(".build/lambda-venv-*/lib/python*/site-packages/zappa/utilities.py"))
    if not sources:
        pytest.skip("no Lambda build virtualenv yet: tests/e2e/test_lambda_package.py makes it")
    tree = ast.parse(sources[-1].read_text())
    defaults = next(
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "DEFAULT_TEXT_MIMETYPES"
    )
    assert tuple(ast.literal_eval(defaults)) == export_jobs.ZAPPA_TEXT_MIMETYPES


@pytest.mark.parametrize("name", ["dev", "prod"])
def test_the_public_endpoint_is_regional_and_its_concurrency_reserved(name):
    """Phones in Ukraine reach eu-central-1 directly (no edge hop); reserved concurrency bounds what a
    flood of requests can cost and leaves the account's other functions their share (docs/deploy.md)."""
    stage = zappa_stage(name)
    assert stage["endpoint_configuration"] == ["REGIONAL"]
    assert 1 <= stage["lambda_concurrency"] <= 100


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line and not line.startswith("-"):
            name, version = line.split("==", 1)
            pins[name.strip().lower().replace("_", "-")] = version.split()[0].rstrip("\\").strip()
    return pins


def test_the_lambda_package_is_built_from_a_lock_with_hashes_that_agrees_with_the_requirements():
    """Issue 14: the same lock gives the same dependency set; `make lock` writes it."""
    lock_path = ROOT / "requirements-deploy.lock"
    locked = _pins(lock_path)
    for source in ("requirements.txt", "requirements-deploy.txt"):
        for name, version in _pins(ROOT / source).items():
            assert locked.get(name) == version, f"{source} pins {name}=={version}, the lock {locked.get(name)}"
    for block in re.split(r"\n(?=[a-z0-9])", lock_path.read_text().split("#\n", 1)[-1].strip()):
        if "==" in block.splitlines()[0]:
            assert "--hash=sha256:" in block, block.splitlines()[0]


def test_boto3_goes_into_the_package_at_the_tested_version_with_only_the_models_it_calls():
    """Issue 14: left out, production ran the runtime's SDK, a version no test ran."""
    excluded = zappa_stage("prod")["exclude_glob"]
    assert not {"boto3", "botocore", "s3transfer", "urllib3"} & set(excluded)
    kept = {"dynamodb", "lambda", "s3", "ssm", "sts", "dynamodbstreams", "lambda-core", "s3control", "ssm-sap", "sso"}
    trimmed = {name for name in kept if any(fnmatch.fnmatch(f"botocore/data/{name}/", g) for g in excluded)}
    assert trimmed == {"dynamodbstreams", "lambda-core", "s3control", "ssm-sap", "sso"}


@pytest.mark.parametrize("name", STAGES)
def test_every_stage_says_where_links_point_so_none_comes_from_the_host_header(name):
    """A deployed stage refuses to start without ASSESS_PUBLIC_URL; `execute-api` until
    `python -m serverless.stage settings --public-url` names a custom domain (docs/deploy.md)."""
    from service.settings import EXECUTE_API

    assert zappa_stage(name)["aws_environment_variables"]["ASSESS_PUBLIC_URL"] == EXECUTE_API
