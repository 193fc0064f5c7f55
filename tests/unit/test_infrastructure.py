"""The deployed table is the table the store and the tests use."""

import json
from pathlib import Path

import yaml

from service.store.table import ATTRIBUTE_DEFINITIONS, GLOBAL_SECONDARY_INDEXES, KEY_SCHEMA

ROOT = Path(__file__).resolve().parents[2]


def template() -> dict:
    return yaml.safe_load((ROOT / "serverless" / "template.yaml").read_text())


def test_template_table_matches_the_store_definition():
    table = template()["Resources"]["Table"]["Properties"]
    assert table["KeySchema"] == KEY_SCHEMA
    assert table["AttributeDefinitions"] == ATTRIBUTE_DEFINITIONS
    assert table["GlobalSecondaryIndexes"] == GLOBAL_SECONDARY_INDEXES
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert table["SSESpecification"] == {"SSEEnabled": True}


def test_lambda_may_not_scan_or_delete():
    statements = template()["Resources"]["LambdaRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    actions = {action for statement in statements for action in statement["Action"]}
    assert "dynamodb:Scan" not in actions and "dynamodb:DeleteItem" not in actions


def test_zappa_stages_name_no_secret_values_and_fit_api_gateway():
    settings = json.loads((ROOT / "zappa_settings.json").read_text())
    for stage in ("dev", "prod"):
        merged = settings["dev"] | settings[stage]
        assert merged["timeout_seconds"] < 29
        assert merged["aws_region"].startswith("eu-")
        assert merged["app_function"] == "service.lambda_app.app"
        environment = merged["environment_variables"]
        assert not {"ASSESS_HMAC_KEY", "ASSESS_ADMIN_TOKEN", "ASSESS_EVALUATOR_TOKEN"} & set(environment)
