"""Configuration, read and checked once at start-up into one Settings object.

Locally everything comes from the environment (and `python -m service serve` generates what is
missing). In a deployed stage the secrets must be set — the service refuses to start without them
rather than run with a guessable default.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
DEPLOYED_STAGES = ("dev", "prod")
SECRET_NAMES = ("ASSESS_HMAC_KEY", "ASSESS_ADMIN_TOKEN", "ASSESS_EVALUATOR_TOKEN")
# The regions a coordinator picks a cohort's region from (ASSESS_REGIONS, comma-separated, overrides).
UKRAINIAN_REGIONS = (
    "Вінницька область", "Волинська область", "Дніпропетровська область", "Донецька область",
    "Житомирська область", "Закарпатська область", "Запорізька область", "Івано-Франківська область",
    "Київська область", "Кіровоградська область", "Луганська область", "Львівська область",
    "Миколаївська область", "Одеська область", "Полтавська область", "Рівненська область",
    "Сумська область", "Тернопільська область", "Харківська область", "Херсонська область",
    "Хмельницька область", "Черкаська область", "Чернівецька область", "Чернігівська область",
    "Автономна Республіка Крим", "м. Київ", "м. Севастополь",
)  # fmt: skip


class SettingsError(ValueError):
    """A missing or bad setting; the message names the environment variable."""


@dataclass(frozen=True)
class Settings:
    stage: str
    table_name: str
    region: str
    dynamodb_endpoint: str | None
    hmac_key: bytes
    export_key: bytes
    admin_token: str
    evaluator_token: str
    banks_dir: Path
    public_url: str | None = None
    k_anonymity: int = 5
    max_body_bytes: int = 64 * 1024
    demo_cohort_id: str | None = None
    regions: tuple[str, ...] = UKRAINIAN_REGIONS

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        stage = env.get("ASSESS_STAGE", "local")
        secrets = {name: env.get(name, "") for name in SECRET_NAMES}
        if env.get("ASSESS_SECRETS_PARAMETER"):
            stored = load_secrets_parameter(env["ASSESS_SECRETS_PARAMETER"])
            secrets.update({name: value for name, value in stored.items() if not secrets.get(name)})
        for name, value in secrets.items():
            if not value:
                raise SettingsError(f"{name} is not set")
            if stage in DEPLOYED_STAGES and len(value) < 24:
                raise SettingsError(f"{name} is too short for stage {stage!r}: use at least 24 random characters")
        hmac_key = secrets["ASSESS_HMAC_KEY"].encode()
        return cls(
            stage=stage,
            table_name=env.get("ASSESS_TABLE", "assessments"),
            region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "eu-central-1",
            dynamodb_endpoint=env.get("ASSESS_DYNAMODB_ENDPOINT") or None,
            hmac_key=hmac_key,
            export_key=(env.get("ASSESS_EXPORT_KEY") or "").encode() or b"export:" + hmac_key,
            admin_token=secrets["ASSESS_ADMIN_TOKEN"],
            evaluator_token=secrets["ASSESS_EVALUATOR_TOKEN"],
            banks_dir=Path(env.get("ASSESS_BANKS_DIR") or REPOSITORY / "question_banks"),
            public_url=(env.get("ASSESS_PUBLIC_URL") or "").rstrip("/") or None,
            k_anonymity=_positive_int(env, "ASSESS_K_ANONYMITY", 5),
            max_body_bytes=_positive_int(env, "ASSESS_MAX_BODY_BYTES", 64 * 1024),
            regions=_regions(env.get("ASSESS_REGIONS")),
        )


def load_secrets_parameter(name: str) -> dict[str, str]:
    """The secrets as one SecureString JSON parameter in SSM Parameter Store, read through powertools
    Parameters (cached for five minutes): {"ASSESS_HMAC_KEY": ..., "ASSESS_ADMIN_TOKEN": ..., ...}."""
    from aws_lambda_powertools.utilities import parameters

    try:
        value = parameters.get_parameter(name, decrypt=True, transform="json", max_age=300)
    except parameters.exceptions.GetParameterError as error:
        raise SettingsError(f"ASSESS_SECRETS_PARAMETER {name!r} could not be read: {error}") from None
    if not isinstance(value, dict):
        raise SettingsError(f"ASSESS_SECRETS_PARAMETER {name!r} must hold a JSON object")
    unknown = sorted(set(value) - set(SECRET_NAMES))
    if unknown:
        raise SettingsError(f"ASSESS_SECRETS_PARAMETER {name!r} holds unknown keys: {', '.join(unknown)}")
    return {key: str(val) for key, val in value.items()}


def _regions(raw: str | None) -> tuple[str, ...]:
    if raw is None or not raw.strip():
        return UKRAINIAN_REGIONS
    regions = tuple(dict.fromkeys(name.strip() for name in raw.split(",") if name.strip()))
    too_long = [name for name in regions if len(name) > 80]
    if too_long:
        raise SettingsError(f"ASSESS_REGIONS: a region name is at most 80 characters, not {too_long[0]!r}")
    return regions


def _positive_int(env, name: str, default: int) -> int:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}") from None
    if value < 1:
        raise SettingsError(f"{name} must be at least 1, not {value}")
    return value
