import json

import boto3
import pytest
from moto import mock_aws

from service.settings import Settings, SettingsError

LONG = "x" * 32
BASE = {"ASSESS_HMAC_KEY": LONG, "ASSESS_ADMIN_TOKEN": LONG, "ASSESS_EVALUATOR_TOKEN": LONG}


@pytest.mark.parametrize("missing", sorted(BASE))
def test_a_missing_secret_fails_at_start_naming_it(missing):
    environ = {k: v for k, v in BASE.items() if k != missing}
    with pytest.raises(SettingsError, match=missing):
        Settings.from_environment(environ)


def test_deployed_stage_refuses_short_secrets():
    with pytest.raises(SettingsError, match="ASSESS_ADMIN_TOKEN is too short for stage 'prod'"):
        Settings.from_environment(BASE | {"ASSESS_STAGE": "prod", "ASSESS_ADMIN_TOKEN": "admin"})


@pytest.mark.parametrize(("name", "value"), [("ASSESS_K_ANONYMITY", "five"), ("ASSESS_MAX_BODY_BYTES", "0")])
def test_bad_numbers_are_refused_naming_the_setting(name, value):
    with pytest.raises(SettingsError, match=name):
        Settings.from_environment(BASE | {name: value})


def test_secrets_come_from_an_ssm_parameter_when_one_is_named(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-central-1")
    with mock_aws():
        boto3.client("ssm", region_name="eu-central-1").put_parameter(
            Name="/assess/prod/secrets", Type="SecureString", Value=json.dumps({k: v + "-ssm" for k, v in BASE.items()})
        )
        settings = Settings.from_environment(
            {"ASSESS_STAGE": "prod", "ASSESS_SECRETS_PARAMETER": "/assess/prod/secrets"}
        )
    assert settings.admin_token == LONG + "-ssm"
    assert settings.hmac_key == (LONG + "-ssm").encode()


def test_an_unreadable_secrets_parameter_fails_at_start(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-central-1")
    with mock_aws(), pytest.raises(SettingsError, match="could not be read"):
        Settings.from_environment({"ASSESS_SECRETS_PARAMETER": "/assess/missing"})
