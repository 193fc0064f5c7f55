"""What the deployment files must say for the logs and the secrets to stay clean."""

import json
import logging
from pathlib import Path

import pytest

from service.settings import PARAMETER_KEYS

ROOT = Path(__file__).resolve().parents[2]


def stages() -> dict[str, dict]:
    """Each stage as Zappa reads it: `extends` followed all the way up (prod_exports -> prod -> dev)."""
    raw = json.loads((ROOT / "zappa_settings.json").read_text())

    def resolved(name: str) -> dict:
        stage = raw[name]
        return resolved(stage["extends"]) | stage if "extends" in stage else dict(stage)

    return {name: resolved(name) for name in raw}


@pytest.mark.parametrize("stage", sorted(stages()))
def test_zappa_keeps_its_access_log_out_of_cloudwatch(stage):
    # Zappa's handler logs every request at INFO on the root logger in Apache format: the client's
    # address, the user agent and the request line with its query string (a trainer link's token).
    level = logging.getLevelName(stages()[stage].get("log_level", "DEBUG"))
    assert level >= logging.WARNING


@pytest.mark.parametrize("stage", sorted(stages()))
def test_secrets_are_never_in_the_lambda_environment(stage):
    environment = stages()[stage].get("aws_environment_variables", {})
    assert not set(environment) & set(PARAMETER_KEYS)
    assert environment["ASSESS_SECRETS_PARAMETER"].startswith(f"/assess/{environment['ASSESS_STAGE']}/")
