import hashlib
import json
import secrets
import uuid

import boto3
import pytest
from moto import mock_aws

from service.settings import SECRET_NAMES, Settings, SettingsError, token_sha256


def strong() -> str:
    return secrets.token_urlsafe(32)


PUBLIC_URL = {"ASSESS_PUBLIC_URL": "https://assess.example.org"}


@pytest.fixture
def base():
    secrets_ = {"ASSESS_HMAC_KEY": strong(), "ASSESS_ADMIN_TOKEN": strong(), "ASSESS_EVALUATOR_TOKEN": strong()}
    return secrets_ | PUBLIC_URL


@pytest.fixture
def ssm(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-central-1")
    with mock_aws():
        yield boto3.client("ssm", region_name="eu-central-1")


def put_secrets(ssm, values: dict) -> str:
    """A parameter under a fresh name: powertools caches parameters per process, by name."""
    name = f"/assess/prod/secrets-{uuid.uuid4().hex}"
    ssm.put_parameter(Name=name, Type="SecureString", Value=json.dumps(values))
    return name


@pytest.mark.parametrize("missing", ["ASSESS_HMAC_KEY", "ASSESS_ADMIN_TOKEN", "ASSESS_EVALUATOR_TOKEN"])
def test_a_missing_secret_fails_at_start_naming_it(base, missing):
    environ = {k: v for k, v in base.items() if k != missing}
    with pytest.raises(SettingsError, match=missing):
        Settings.from_environment(environ)


def test_deployed_stage_refuses_short_secrets(base):
    with pytest.raises(SettingsError, match="ASSESS_ADMIN_TOKEN is too short for stage 'prod'"):
        Settings.from_environment(base | {"ASSESS_STAGE": "prod", "ASSESS_ADMIN_TOKEN": "admin"})


@pytest.mark.parametrize(
    ("name", "value", "why"),
    [
        ("ASSESS_HMAC_KEY", "change-me-change-me-change-me-1234", "default or example"),
        ("ASSESS_ADMIN_TOKEN", "test-admin-token-that-is-long-enough", "default or example"),
        ("ASSESS_EVALUATOR_TOKEN", "my-evaluator-password-for-2026-xyz", "default or example"),
        ("ASSESS_EXPORT_KEY", "EXAMPLE-export-key-from-the-readme-00", "default or example"),
        ("ASSESS_HMAC_KEY", "x" * 40, "too few different characters"),
        ("ASSESS_ADMIN_TOKEN", "1212121212121212121212121212", "too few different characters"),
    ],
)
@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_deployed_stages_refuse_default_example_and_non_random_secrets(base, stage, name, value, why):
    with pytest.raises(SettingsError, match=f"{name} .*{why}"):
        Settings.from_environment(base | {"ASSESS_STAGE": stage, name: value})


def test_the_local_stage_accepts_readable_secrets_for_development():
    readable = {"ASSESS_HMAC_KEY": "k", "ASSESS_ADMIN_TOKEN": "a", "ASSESS_EVALUATOR_TOKEN": "e"}
    assert Settings.from_environment(readable).stage == "local"


@pytest.mark.parametrize("stage", ["production", "Prod", "staging"])
def test_an_unknown_stage_is_refused_rather_than_treated_as_local(base, stage):
    with pytest.raises(SettingsError, match="ASSESS_STAGE must be one of local, dev, prod"):
        Settings.from_environment(base | {"ASSESS_STAGE": stage})


def test_the_local_stage_is_refused_inside_lambda(base):
    with pytest.raises(SettingsError, match="inside AWS Lambda"):
        Settings.from_environment(base | {"AWS_LAMBDA_FUNCTION_NAME": "assess-prod"})


def test_the_admin_and_evaluator_tokens_must_differ(base):
    with pytest.raises(SettingsError, match="must differ"):
        Settings.from_environment(base | {"ASSESS_EVALUATOR_TOKEN": base["ASSESS_ADMIN_TOKEN"]})


def test_the_hmac_key_must_not_be_a_token(base):
    with pytest.raises(SettingsError, match="ASSESS_HMAC_KEY must not be one of the tokens"):
        Settings.from_environment(base | {"ASSESS_HMAC_KEY": base["ASSESS_EVALUATOR_TOKEN"]})


def test_settings_keep_only_the_tokens_hashes(base):
    settings = Settings.from_environment(base | {"ASSESS_STAGE": "prod"})
    assert settings.admin_token_sha256 == hashlib.sha256(base["ASSESS_ADMIN_TOKEN"].encode()).hexdigest()
    shown = repr(settings)
    assert base["ASSESS_ADMIN_TOKEN"] not in shown and base["ASSESS_EVALUATOR_TOKEN"] not in shown


def test_tokens_may_be_configured_as_their_sha256(base):
    admin, evaluator = base.pop("ASSESS_ADMIN_TOKEN"), base.pop("ASSESS_EVALUATOR_TOKEN")
    environ = base | {
        "ASSESS_STAGE": "prod",
        "ASSESS_ADMIN_TOKEN_SHA256": token_sha256(admin).upper(),
        "ASSESS_EVALUATOR_TOKEN_SHA256": token_sha256(evaluator),
    }
    settings = Settings.from_environment(environ)
    assert (settings.admin_token_sha256, settings.evaluator_token_sha256) == (
        token_sha256(admin),
        token_sha256(evaluator),
    )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"ASSESS_ADMIN_TOKEN_SHA256": "ab" * 32}, "set ASSESS_ADMIN_TOKEN or ASSESS_ADMIN_TOKEN_SHA256, not both"),
        ({"ASSESS_ADMIN_TOKEN": "", "ASSESS_ADMIN_TOKEN_SHA256": "xyz"}, "64 hexadecimal digits"),
        ({"ASSESS_ADMIN_TOKEN": "", "ASSESS_ADMIN_TOKEN_SHA256": token_sha256("admin")}, "hash of a default value"),
    ],
)
def test_bad_token_hashes_are_refused(base, extra, message):
    with pytest.raises(SettingsError, match=message):
        Settings.from_environment(base | {"ASSESS_STAGE": "prod"} | extra)


@pytest.mark.parametrize(
    ("name", "value"),
    [("ASSESS_K_ANONYMITY", "five"), ("ASSESS_MAX_BODY_BYTES", "0"), ("ASSESS_TRUSTED_PROXIES", "-1")],
)
def test_bad_numbers_are_refused_naming_the_setting(base, name, value):
    with pytest.raises(SettingsError, match=name):
        Settings.from_environment(base | {name: value})


def test_proxies_are_not_trusted_unless_configured(base):
    assert Settings.from_environment(base).trusted_proxies == 0
    assert Settings.from_environment(base | {"ASSESS_TRUSTED_PROXIES": "1"}).trusted_proxies == 1


def test_secrets_come_from_an_ssm_parameter_when_one_is_named(ssm, base):
    name = put_secrets(ssm, {k: v for k, v in base.items() if k != "ASSESS_PUBLIC_URL"})
    settings = Settings.from_environment({"ASSESS_STAGE": "prod", "ASSESS_SECRETS_PARAMETER": name} | PUBLIC_URL)
    assert settings.admin_token_sha256 == token_sha256(base["ASSESS_ADMIN_TOKEN"])
    assert settings.hmac_key == base["ASSESS_HMAC_KEY"].encode()


def test_the_ssm_parameter_may_hold_token_hashes_instead_of_tokens(ssm, base):
    stored = {
        "ASSESS_HMAC_KEY": base["ASSESS_HMAC_KEY"],
        "ASSESS_ADMIN_TOKEN_SHA256": token_sha256(base["ASSESS_ADMIN_TOKEN"]),
        "ASSESS_EVALUATOR_TOKEN_SHA256": token_sha256(base["ASSESS_EVALUATOR_TOKEN"]),
    }
    environ = {"ASSESS_STAGE": "prod", "ASSESS_SECRETS_PARAMETER": put_secrets(ssm, stored)} | PUBLIC_URL
    settings = Settings.from_environment(environ)
    assert settings.evaluator_token_sha256 == token_sha256(base["ASSESS_EVALUATOR_TOKEN"])


def test_the_ssm_parameter_is_cached_between_reads(ssm, base):
    name = put_secrets(ssm, {k: v for k, v in base.items() if k != "ASSESS_PUBLIC_URL"})
    first = Settings.from_environment({"ASSESS_STAGE": "prod", "ASSESS_SECRETS_PARAMETER": name} | PUBLIC_URL)
    ssm.delete_parameter(Name=name)  # a second container start within the cache age does not call SSM
    second = Settings.from_environment({"ASSESS_STAGE": "prod", "ASSESS_SECRETS_PARAMETER": name} | PUBLIC_URL)
    assert second == first


def test_defaults_in_the_ssm_parameter_are_refused_too(ssm, base):
    secrets_ = {k: v for k, v in base.items() if k != "ASSESS_PUBLIC_URL"}
    name = put_secrets(ssm, secrets_ | {"ASSESS_HMAC_KEY": "please-change-me-before-going-live"})
    with pytest.raises(SettingsError, match="ASSESS_HMAC_KEY looks like a default"):
        Settings.from_environment({"ASSESS_STAGE": "prod", "ASSESS_SECRETS_PARAMETER": name} | PUBLIC_URL)


def test_unknown_keys_in_the_ssm_parameter_are_refused(ssm, base):
    secrets_ = {k: v for k, v in base.items() if k != "ASSESS_PUBLIC_URL"}
    name = put_secrets(ssm, secrets_ | {"ASSESS_ADMIN_PASSWORD": strong()})
    with pytest.raises(SettingsError, match="unknown keys: ASSESS_ADMIN_PASSWORD"):
        Settings.from_environment({"ASSESS_STAGE": "prod", "ASSESS_SECRETS_PARAMETER": name} | PUBLIC_URL)


def test_an_unreadable_secrets_parameter_fails_at_start(ssm):
    with pytest.raises(SettingsError, match="could not be read"):
        Settings.from_environment({"ASSESS_SECRETS_PARAMETER": "/assess/missing"})


@pytest.mark.parametrize(
    ("regions", "message"),
    [
        ("Kyiv,suppressed", "'suppressed' marks withheld values"),
        ("Kyiv,Suppressed ", "'suppressed' marks withheld values"),
        ("Kyiv,Lviv\u202e", "U\\+202E"),
        ("Kyiv,Lv\x00iv", "U\\+0000"),
    ],
)
def test_configured_regions_are_visible_text_and_never_the_exports_suppression_marker(base, regions, message):
    with pytest.raises(SettingsError, match=f"ASSESS_REGIONS.*{message}"):
        Settings.from_environment(base | {"ASSESS_REGIONS": regions})


WEAK_FOR_A_DEPLOYED_STAGE = [
    ("ASSESS_HMAC_KEY", "abcdefghijklmnopqrstuvwxyz"),
    ("ASSESS_ADMIN_TOKEN", "qwertyuiopasdfghjklzxcvbnm"),
    ("ASSESS_ADMIN_TOKEN", "QWERTYUIOP1234567890asdfghjkl"),
    ("ASSESS_EVALUATOR_TOKEN", "0123456789012345678901234"),
    ("ASSESS_EVALUATOR_TOKEN", "CorrectHorseBatteryStaple1!"),
    ("ASSESS_EXPORT_KEY", "Abcdefghijklmnopqrstuvwxyz1234"),
    ("ASSESS_HMAC_KEY", "Tr0ub4dour&3Tr0ub4dour&3Tr0ub4dour&3"),
]


@pytest.mark.parametrize(("name", "value"), WEAK_FOR_A_DEPLOYED_STAGE)
def test_deployed_stages_refuse_secrets_estimated_under_128_bits(base, name, value):
    with pytest.raises(SettingsError, match=f"{name} is too easy to guess .*estimated .* bits, 128 needed"):
        Settings.from_environment(base | {"ASSESS_STAGE": "prod", name: value})


def test_a_local_run_still_takes_what_it_is_given(base):
    assert Settings.from_environment(base | {"ASSESS_HMAC_KEY": "abcdefghijklmnopqrstuvwxyz"}).stage == "local"


@pytest.mark.parametrize("password", ["123456", "password", "qwerty", "12345678", "letmein", "iloveyou"])
def test_deployed_stages_refuse_the_hash_of_a_common_password_as_a_token_hash(base, password):
    environ = base | {
        "ASSESS_STAGE": "prod",
        "ASSESS_ADMIN_TOKEN": "",
        "ASSESS_ADMIN_TOKEN_SHA256": hashlib.sha256(password.encode()).hexdigest(),
    }
    with pytest.raises(SettingsError, match="ASSESS_ADMIN_TOKEN_SHA256 is the hash of a default value"):
        Settings.from_environment(environ)


@pytest.mark.parametrize("same_as", ["ASSESS_HMAC_KEY", "ASSESS_ADMIN_TOKEN", "ASSESS_EVALUATOR_TOKEN"])
def test_the_export_key_is_a_secret_of_its_own(base, same_as):
    with pytest.raises(SettingsError, match=f"ASSESS_EXPORT_KEY must differ from {same_as}"):
        Settings.from_environment(base | {"ASSESS_STAGE": "prod", "ASSESS_EXPORT_KEY": base[same_as]})


def test_random_secrets_of_the_documented_kind_pass_on_a_deployed_stage(base):
    for _ in range(20):
        environ = {name: strong() for name in (*SECRET_NAMES, "ASSESS_EXPORT_KEY")}
        assert Settings.from_environment(environ | PUBLIC_URL | {"ASSESS_STAGE": "prod"}).deployed


NOT_A_PUBLIC_URL = [None, "", "http://assess.example.org", "assess.example.org", "https://", "https://a b"]


@pytest.mark.parametrize("stage", ["dev", "prod"])
@pytest.mark.parametrize("url", NOT_A_PUBLIC_URL)
def test_deployed_stages_refuse_to_start_without_an_https_public_url(base, stage, url):
    """Links and QR codes would otherwise come from the request's Host header, which a client sets."""
    environ = {k: v for k, v in base.items() if k != "ASSESS_PUBLIC_URL"} | {"ASSESS_STAGE": stage}
    if url is not None:
        environ["ASSESS_PUBLIC_URL"] = url
    with pytest.raises(SettingsError, match="ASSESS_PUBLIC_URL"):
        Settings.from_environment(environ)


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://assess.example.org/", "https://assess.example.org"),
        ("https://abc123defg.execute-api.eu-central-1.amazonaws.com/prod", None),
        ("execute-api", "execute-api"),
    ],
)
def test_a_deployed_stage_takes_a_custom_domain_its_execute_api_url_or_api_gateways_own_word(base, url, kept):
    settings = Settings.from_environment(base | {"ASSESS_STAGE": "prod", "ASSESS_PUBLIC_URL": url})
    assert settings.public_url == (kept or url)


def test_execute_api_links_need_api_gateway_so_a_local_run_refuses_them(base):
    with pytest.raises(SettingsError, match="ASSESS_PUBLIC_URL=execute-api"):
        Settings.from_environment(base | {"ASSESS_PUBLIC_URL": "execute-api"})


def test_a_random_token_that_happens_to_hold_a_placeholder_word_still_passes(base):
    """About one token in ten thousand holds "test", "hmac" or "token" by chance; refusing it made a
    deploy fail at random (and this test's loop above, once in a few dozen runs)."""
    environ = {name: strong() for name in (*SECRET_NAMES, "ASSESS_EXPORT_KEY")}
    environ["ASSESS_EVALUATOR_TOKEN"] = "Zq8vN1xK-pT3wQ7mL0yR" + "test" + "Hj5uE9cB2sD6fG4aW_kP"
    assert Settings.from_environment(environ | PUBLIC_URL | {"ASSESS_STAGE": "prod"}).deployed
