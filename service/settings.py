"""Configuration, read and checked once at start-up into one Settings object.

Locally everything comes from the environment (and `python -m service serve` generates what is
missing). In a deployed stage the secrets must be set and must look random — the service refuses to
start without them, or with a value copied from docs, tests or examples, rather than run with a
guessable secret. Bearer tokens are kept only as their SHA-256 from here on (docs/security.md).
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from service.domain.anonymity import SUPPRESSED
from service.domain.text import hidden_character
from service.secret_strength import COMMON_PASSWORDS, MIN_BITS, estimated_bits

REPOSITORY = Path(__file__).resolve().parent.parent
STAGES = ("local", "dev", "prod")
DEPLOYED_STAGES = ("dev", "prod")
SECRET_NAMES = ("ASSESS_HMAC_KEY", "ASSESS_ADMIN_TOKEN", "ASSESS_EVALUATOR_TOKEN")
# A bearer token may be configured as its SHA-256 instead, so the configuration never holds it.
TOKEN_HASH_NAMES = {
    "ASSESS_ADMIN_TOKEN": "ASSESS_ADMIN_TOKEN_SHA256",
    "ASSESS_EVALUATOR_TOKEN": "ASSESS_EVALUATOR_TOKEN_SHA256",
}
PARAMETER_KEYS = (*SECRET_NAMES, *TOKEN_HASH_NAMES.values(), "ASSESS_EXPORT_KEY")
MIN_SECRET_LENGTH = 24
MIN_DISTINCT_CHARACTERS = 10
# Words that mark a value copied from documentation, a test or an example rather than generated.
PLACEHOLDER_WORDS = (
    "change",
    "example",
    "default",
    "placeholder",
    "secret",
    "password",
    "test",
    "dummy",
    "sample",
    "token",
    "admin",
    "evaluator",
    "hmac",
)
_WEAK_TOKENS = ("", "admin", "evaluator", "token", "secret", "password", "changeme", "change-me", *COMMON_PASSWORDS)
_WEAK_HASHES = {
    hashlib.sha256(spelling.encode()).hexdigest()
    for word in _WEAK_TOKENS
    for spelling in (word, word.capitalize(), word.upper())
}
_SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
# ASSESS_PUBLIC_URL's value for a stage served on API Gateway's default URL: links start from the API
# id and stage API Gateway passes with each request (service/web/links.py), never from the Host header.
EXECUTE_API = "execute-api"
_PUBLIC_URL = re.compile(r"^https://[A-Za-z0-9.-]+(:\d+)?(/[A-Za-z0-9._~-]+)*$")
GENERATE_HINT = "generate one with: python -c 'import secrets; print(secrets.token_urlsafe(32))'"
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


def token_sha256(token: str) -> str:
    """How bearer tokens are kept and compared: their SHA-256, hex (tokens are long and random, so a
    fast hash is enough; a leaked configuration or table does not give the token itself)."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Settings:
    stage: str
    table_name: str
    region: str
    dynamodb_endpoint: str | None
    hmac_key: bytes
    export_key: bytes
    admin_token_sha256: str
    evaluator_token_sha256: str
    banks_dir: Path
    public_url: str | None = None
    k_anonymity: int = 5
    retention_days: int = 730  # items are deleted by DynamoDB's TTL this long after they were written
    max_body_bytes: int = 64 * 1024
    trusted_proxies: int = 0
    regions: tuple[str, ...] = UKRAINIAN_REGIONS
    # Exports past one response's limits (service/export_jobs.py, docs/deploy.md).
    export_bucket: str | None = None
    export_function: str | None = None
    export_dir: Path = REPOSITORY / ".local" / "exports"
    export_sync_max_rows: int = 10_000
    export_sync_max_bytes: int = 5_000_000
    export_url_seconds: int = 600
    export_job_seconds: int = 360  # the export function's timeout (300 s) and a margin: later, a job has failed

    @property
    def deployed(self) -> bool:
        return self.stage in DEPLOYED_STAGES

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        stage = _stage(env)
        secrets = {name: env.get(name, "") for name in PARAMETER_KEYS}
        region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "eu-central-1"
        if env.get("ASSESS_SECRETS_PARAMETER"):
            stored = load_secrets_parameter(env["ASSESS_SECRETS_PARAMETER"], region)
            secrets.update({name: value for name, value in stored.items() if not secrets.get(name)})
        hmac_key = _secret(secrets, "ASSESS_HMAC_KEY", stage)
        admin = _token_hash(secrets, "ASSESS_ADMIN_TOKEN", stage)
        evaluator = _token_hash(secrets, "ASSESS_EVALUATOR_TOKEN", stage)
        if admin == evaluator:
            raise SettingsError("ASSESS_ADMIN_TOKEN and ASSESS_EVALUATOR_TOKEN must differ: each role has its own")
        if token_sha256(hmac_key) in (admin, evaluator):
            raise SettingsError("ASSESS_HMAC_KEY must not be one of the tokens: a leaked token would reveal it")
        export_key = secrets["ASSESS_EXPORT_KEY"] and _secret(secrets, "ASSESS_EXPORT_KEY", stage)
        if export_key:
            _refuse_shared_export_key(export_key, hmac_key, admin, evaluator)
        return cls(
            stage=stage,
            table_name=env.get("ASSESS_TABLE", "assessments"),
            region=region,
            dynamodb_endpoint=env.get("ASSESS_DYNAMODB_ENDPOINT") or None,
            hmac_key=hmac_key.encode(),
            export_key=export_key.encode() if export_key else b"export:" + hmac_key.encode(),
            admin_token_sha256=admin,
            evaluator_token_sha256=evaluator,
            banks_dir=Path(env.get("ASSESS_BANKS_DIR") or REPOSITORY / "question_banks"),
            public_url=_public_url(env.get("ASSESS_PUBLIC_URL"), stage),
            k_anonymity=_positive_int(env, "ASSESS_K_ANONYMITY", 5),
            retention_days=_positive_int(env, "ASSESS_RETENTION_DAYS", 730),
            max_body_bytes=_positive_int(env, "ASSESS_MAX_BODY_BYTES", 64 * 1024),
            trusted_proxies=_positive_int(env, "ASSESS_TRUSTED_PROXIES", 0, minimum=0),
            regions=_regions(env.get("ASSESS_REGIONS")),
            export_bucket=env.get("ASSESS_EXPORT_BUCKET") or None,
            export_function=env.get("ASSESS_EXPORT_FUNCTION") or None,
            export_dir=Path(env.get("ASSESS_EXPORT_DIR") or REPOSITORY / ".local" / "exports"),
            export_sync_max_rows=_positive_int(env, "ASSESS_EXPORT_SYNC_MAX_ROWS", 10_000),
            export_sync_max_bytes=_positive_int(env, "ASSESS_EXPORT_SYNC_MAX_BYTES", 5_000_000),
            export_url_seconds=_positive_int(env, "ASSESS_EXPORT_URL_SECONDS", 600),
            export_job_seconds=_positive_int(env, "ASSESS_EXPORT_JOB_SECONDS", 360),
        )


def _stage(env) -> str:
    stage = env.get("ASSESS_STAGE", "local")
    if stage not in STAGES:
        # An unknown name would silently skip the deployed-stage checks below.
        raise SettingsError(f"ASSESS_STAGE must be one of {', '.join(STAGES)}, not {stage!r}")
    if stage == "local" and env.get("AWS_LAMBDA_FUNCTION_NAME"):
        raise SettingsError("ASSESS_STAGE is 'local' inside AWS Lambda: set it to dev or prod")
    return stage


def _public_url(raw: str | None, stage: str) -> str | None:
    """Where links and QR codes point. A deployed stage must say so: left to the request's Host
    header, a client could have a trainer link or QR code name any site."""
    url = (raw or "").strip().rstrip("/")
    if stage not in DEPLOYED_STAGES:
        if url == EXECUTE_API:
            raise SettingsError("ASSESS_PUBLIC_URL=execute-api is for a stage behind API Gateway, not a local run")
        return url or None
    if url != EXECUTE_API and not _PUBLIC_URL.match(url):
        raise SettingsError(
            f"ASSESS_PUBLIC_URL must be set for stage {stage!r}, to the https:// address links and QR codes use"
            f" (a custom domain, or the stage's execute-api URL), or to {EXECUTE_API!r}; not {raw!r}"
        )
    return url


def _secret(secrets: dict[str, str], name: str, stage: str) -> str:
    value = secrets[name]
    if not value:
        raise SettingsError(f"{name} is not set")
    if stage in DEPLOYED_STAGES:
        _refuse_guessable(name, value, stage)
    return value


def _token_hash(secrets: dict[str, str], name: str, stage: str) -> str:
    """The SHA-256 of a bearer token, configured either as the token or as its hash (not both)."""
    hash_name = TOKEN_HASH_NAMES[name]
    token, hashed = secrets[name], secrets[hash_name].strip().lower()
    if token and hashed:
        raise SettingsError(f"set {name} or {hash_name}, not both")
    if not hashed:
        if not token:
            raise SettingsError(f"{name} is not set (or set {hash_name} to its SHA-256)")
        return token_sha256(_secret(secrets, name, stage))
    if not _SHA256_HEX.match(hashed):
        raise SettingsError(f"{hash_name} must be 64 hexadecimal digits: the SHA-256 of the token")
    if stage in DEPLOYED_STAGES and hashed in _WEAK_HASHES:
        raise SettingsError(f"{hash_name} is the hash of a default value for stage {stage!r}: {GENERATE_HINT}")
    return hashed


def _refuse_guessable(name: str, value: str, stage: str) -> None:
    """Deployed stages refuse secrets that are short, copied from docs or tests, or worth less than
    128 bits of guessing by service/secret_strength.py's estimate."""
    if len(value) < MIN_SECRET_LENGTH:
        raise SettingsError(
            f"{name} is too short for stage {stage!r}: use at least {MIN_SECRET_LENGTH} random characters"
        )
    lowered = value.lower()
    word = next((word for word in PLACEHOLDER_WORDS if word in lowered), None)
    # A word of the list inside a long random value is chance (about one token in ten thousand holds
    # "test", "hmac" or "token"): it counts only when what is left around it is not strong.
    if word and estimated_bits(lowered.replace(word, "")) < MIN_BITS:
        raise SettingsError(
            f"{name} looks like a default or example value ({word!r}) for stage {stage!r}: {GENERATE_HINT}"
        )
    if len(set(value)) < MIN_DISTINCT_CHARACTERS:
        raise SettingsError(
            f"{name} has too few different characters to be random for stage {stage!r}: {GENERATE_HINT}"
        )
    bits = estimated_bits(value)
    if bits < MIN_BITS:
        raise SettingsError(
            f"{name} is too easy to guess for stage {stage!r} (a sequence, a keyboard run, a repetition or words):"
            f" estimated {bits:.0f} bits, {MIN_BITS} needed: {GENERATE_HINT}"
        )


def _refuse_shared_export_key(export_key: str, hmac_key: str, admin: str, evaluator: str) -> None:
    """The export key roots every named pseudonym key: one that is also another secret would let
    whoever holds that secret compute pseudonyms, or the other way round."""
    shared = {
        "ASSESS_HMAC_KEY": export_key == hmac_key,
        "ASSESS_ADMIN_TOKEN": token_sha256(export_key) == admin,
        "ASSESS_EVALUATOR_TOKEN": token_sha256(export_key) == evaluator,
    }
    for name, same in shared.items():
        if same:
            raise SettingsError(f"ASSESS_EXPORT_KEY must differ from {name}: each secret has its own use")


def load_secrets_parameter(name: str, region: str = "eu-central-1") -> dict[str, str]:
    """The secrets as one SecureString JSON parameter in SSM Parameter Store, read through powertools
    Parameters (cached for five minutes): {"ASSESS_HMAC_KEY": ..., "ASSESS_ADMIN_TOKEN": ..., ...}; the
    token keys may be replaced by their *_SHA256 forms."""
    from aws_lambda_powertools.utilities import parameters

    try:
        value = _ssm_provider(region).get(name, decrypt=True, transform="json", max_age=300)
    except parameters.exceptions.GetParameterError as error:
        raise SettingsError(f"ASSESS_SECRETS_PARAMETER {name!r} could not be read: {error}") from None
    if not isinstance(value, dict):
        raise SettingsError(f"ASSESS_SECRETS_PARAMETER {name!r} must hold a JSON object")
    unknown = sorted(set(value) - set(PARAMETER_KEYS))
    if unknown:
        raise SettingsError(f"ASSESS_SECRETS_PARAMETER {name!r} holds unknown keys: {', '.join(unknown)}")
    return {key: str(val) for key, val in value.items()}


@functools.cache
def _ssm_provider(region: str):
    """One powertools SSM provider per process (its cache is per provider), on the shared boto3 session."""
    from aws_lambda_powertools.utilities import parameters

    from service.store.session import aws_session

    return parameters.SSMProvider(boto3_session=aws_session(region))


def _regions(raw: str | None) -> tuple[str, ...]:
    if raw is None or not raw.strip():
        return UKRAINIAN_REGIONS
    regions = tuple(dict.fromkeys(name.strip() for name in raw.split(",") if name.strip()))
    for name in regions:
        if len(name) > 80:
            raise SettingsError(f"ASSESS_REGIONS: a region name is at most 80 characters, not {name!r}")
        if hidden := hidden_character(name):
            raise SettingsError(f"ASSESS_REGIONS: {name!r} holds the invisible or control character {hidden}")
        if name.casefold() == SUPPRESSED:
            # A cohort in region "suppressed" would read, in an export, as one whose region is withheld.
            raise SettingsError(f"ASSESS_REGIONS: {name!r} is not a region: 'suppressed' marks withheld values")
    return regions


def _positive_int(env, name: str, default: int, minimum: int = 1) -> int:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise SettingsError(f"{name} must be at least {minimum}, not {value}")
    return value
