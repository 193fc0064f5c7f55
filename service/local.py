"""Running the service on one machine with no AWS account: a DynamoDB-compatible endpoint, the
secrets, the table and a demonstration cohort.

By default a local run keeps everything in a data folder (`.local/`, `--data DIR` or
ASSESS_DATA_DIR): the table in dynalite's LevelDB files, every write synced to disk before it is
acknowledged (scripts/durable_dynalite.js), the generated secrets in `secrets.json`, export files in
`exports/`. A restart, a `kill -9` or a power cut loses no answered submission. `--memory` is the
throwaway run: moto's server in this process, secrets made up for the run.

Only `python -m service` imports this module; the Lambda package never does.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from service.settings import REPOSITORY

DEMO_BANK = "online-child-safety"
DUMMY_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local"}
SECRET_NAMES = ("ASSESS_HMAC_KEY", "ASSESS_ADMIN_TOKEN", "ASSESS_EVALUATOR_TOKEN")
DEFAULT_DATA_DIR = REPOSITORY / ".local"
DYNALITE_MODULES = REPOSITORY / ".cache" / "dynalite" / "node_modules"
DURABLE_DYNALITE = REPOSITORY / "scripts" / "durable_dynalite.js"
START_SECONDS = 30


class LocalSetupError(RuntimeError):
    """What a local run lacks, in words that say how to get it."""


@dataclass(frozen=True)
class LocalEnvironment:
    endpoint: str
    embedded: bool  # an endpoint this process started (not one ASSESS_DYNAMODB_ENDPOINT named)
    generated: tuple[str, ...]  # names of the secrets made up by this run
    data_dir: Path | None = None  # None: nothing is kept (--memory)
    engine: str = "moto"  # what answers at `endpoint`: "moto" (memory), "dynalite" (disk), "external"
    given: tuple[str, ...] = ()  # names of the secrets the environment set (as values or hashes): never printed


def data_dir_from(option: str | None, environ=os.environ) -> Path:
    return Path(option or environ.get("ASSESS_DATA_DIR") or DEFAULT_DATA_DIR).resolve()


def fill_local_secrets(environ=os.environ, data_dir: Path | None = None) -> tuple[str, ...]:
    """Fill in the secrets the environment lacks and return the names of those generated now.

    With a data folder they are generated once and kept in its `secrets.json` (readable by this user
    only), so participant codes, tokens and export pseudonyms stay the same across restarts; without
    one they are made up for this run only."""
    kept = _read_json(data_dir / "secrets.json") if data_dir else {}
    generated = []
    for name in SECRET_NAMES:
        if environ.get(name) or environ.get(f"{name}_SHA256"):
            continue
        if kept.get(name):
            environ[name] = kept[name]
            continue
        environ[name] = kept[name] = secrets.token_urlsafe(24)
        generated.append(name)
    if data_dir and generated:
        _write_private_json(data_dir / "secrets.json", kept)
    return tuple(generated)


def prepare_environment(environ=os.environ, *, data_dir: Path | None = None) -> LocalEnvironment:
    """Fill in what a local run lacks: secrets, an endpoint (unless one is set) and the export folder.

    `data_dir` None is the throwaway run (moto in memory); otherwise durable dynalite in that folder."""
    if data_dir is not None:
        data_dir.mkdir(parents=True, exist_ok=True)
        environ.setdefault("ASSESS_EXPORT_DIR", str(data_dir / "exports"))
    given = tuple(name for name in SECRET_NAMES if environ.get(name) or environ.get(f"{name}_SHA256"))
    generated = fill_local_secrets(environ, data_dir)
    endpoint = environ.get("ASSESS_DYNAMODB_ENDPOINT")
    embedded = not endpoint
    engine = "external"
    if embedded:
        if data_dir is None:
            endpoint, engine = start_embedded_dynamodb(), "moto"
        else:
            endpoint, engine = start_durable_dynamodb(data_dir / "dynamodb"), "dynalite"
        environ["ASSESS_DYNAMODB_ENDPOINT"] = endpoint
    if embedded or not environ.get("AWS_ACCESS_KEY_ID"):
        for name, value in DUMMY_CREDENTIALS.items():
            environ.setdefault(name, value)
    environ.setdefault("AWS_DEFAULT_REGION", "eu-central-1")
    return LocalEnvironment(endpoint, embedded, generated, data_dir, engine, given)


def start_embedded_dynamodb(host: str = "127.0.0.1", port: int = 0) -> str:
    """Start moto's DynamoDB server in a daemon thread (port 0: a free one); data lives in memory.

    Requests are handled one at a time: moto checks a ConditionExpression and then writes without a
    lock, while DynamoDB applies a conditional write atomically. Serialised, two racing submissions
    for the same participant and phase get one success and one ConditionalCheckFailed, as on AWS.
    """
    import threading

    from moto.server import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server

    # werkzeug's request log would print client addresses; nothing here logs an address.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    moto_app = DomainDispatcherApplication(create_backend_app)
    one_at_a_time = threading.Lock()

    def serialised(environ, start_response):
        with one_at_a_time:
            return list(moto_app(environ, start_response))

    server = make_server(host, port, serialised, threaded=True)
    threading.Thread(target=server.serve_forever, name="embedded-dynamodb", daemon=True).start()
    bound_host, bound_port = server.server_address[:2]
    return f"http://{bound_host}:{bound_port}"


def durable_dynamodb_problem() -> str | None:
    """Why the durable local database cannot start here, or None when it can."""
    if shutil.which("node") is None:
        return "Node.js is not installed: `make run` installs it (Debian's nodejs), or run with --memory"
    if not (DYNALITE_MODULES / "dynalite").is_dir():
        return "dynalite is not installed: `make run` installs it (make dynalite), or run with --memory"
    return None


def start_durable_dynamodb(folder: Path, host: str = "127.0.0.1") -> str:
    """Start dynalite on LevelDB files in `folder` as a child process that ends with this one (its
    stdin is our pipe), every write synced to disk; return its endpoint."""
    problem = durable_dynamodb_problem()
    if problem:
        raise LocalSetupError(problem)
    folder.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [shutil.which("node") or "node", str(DURABLE_DYNALITE), str(DYNALITE_MODULES), str(folder), host],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline()  # "listening PORT", or nothing if it stopped
    if not line.startswith("listening "):
        process.kill()
        detail = process.stderr.read().strip()
        if "LOCK" in detail or "lock" in detail:
            detail = f"{folder} is in use by another running service (one `serve` per data folder)"
        raise LocalSetupError(f"the local database did not start: {detail or line.strip()}")
    # stdout is not read again: dynalite prints nothing more (it was started without --verbose).
    return f"http://{host}:{int(line.split()[1])}"


def write_run_file(data_dir: Path, endpoint: str, root: str) -> None:
    """Where the running service's database answers, for `python -m service cohorts create` and
    `report` run beside it (they find the data folder's endpoint and secrets without settings)."""
    _write_private_json(data_dir / "serve.json", {"endpoint": endpoint, "root": root, "pid": os.getpid()})


def running_service(data_dir: Path) -> dict | None:
    """The run file of a service still running on this data folder, or None."""
    run = _read_json(data_dir / "serve.json")
    if not run.get("pid"):
        return None
    try:
        os.kill(int(run["pid"]), 0)
    except (OSError, ValueError):
        return None
    return run


def create_demo_cohort(services, data_dir: Path | None = None, *, seeded: bool | None = None):
    """The demonstration cohort: made once per data folder (its links are kept in `demo.json` so a
    restart prints them again), or once per run without one. With a data folder (`make run`), or
    `seeded`, it comes with a simulated class in all three tests (service/demo_data.py); a run that
    keeps nothing (`serve --memory`, as the browser tests start it) starts it empty.
    Returns (cohort_id, trainer_token)."""
    from service import operations

    if data_dir is not None:
        kept = _read_json(data_dir / "demo.json")
        if kept.get("cohort_id") and services.store.get_cohort(kept["cohort_id"]) is not None:
            return kept["cohort_id"], kept.get("trainer_token")
    versions = services.banks.versions(DEMO_BANK)
    if not versions:
        return None
    created = operations.create_cohort(
        services,
        bank_id=DEMO_BANK,
        bank_version=versions[-1],
        label="Demonstration cohort",
        region="м. Київ",
    )
    if seeded if seeded is not None else data_dir is not None:
        from service import demo_data

        demo_data.seed(services, created.cohort, services.banks.get(DEMO_BANK, versions[-1]))
    if data_dir is not None:
        _write_private_json(
            data_dir / "demo.json", {"cohort_id": created.cohort.id, "trainer_token": created.trainer_token}
        )
    return created.cohort.id, created.trainer_token


def _read_json(path: Path) -> dict:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _write_private_json(path: Path, value: dict) -> None:
    """Write atomically (a power cut leaves the old file or the new one) and readable by this user only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    with open(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as file:
        json.dump(value, file, indent=2)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)
