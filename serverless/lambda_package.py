"""Build the real Lambda package with `zappa package` and run it as the Lambda runtime would.

Shared by serverless/package_check.py (the proof that the package works) and bench/cold_start.py.
Nothing here goes into the package (zappa_settings.json excludes it).

- The build virtualenv holds exactly requirements-deploy.lock (requirements.txt plus Zappa, every
  distribution pinned with its hashes), cached under .build/ by a hash of those files and the
  Python version, because `zappa package` copies the active virtualenv into the zip.
- boto3 and botocore go into the zip at the locked versions the tests ran (botocore's service
  models trimmed to the services the functions call, in zappa_settings.json). The Lambda runtime's
  own copy, in /var/runtime, comes after /var/task on sys.path; a separate folder with the same
  distributions stands in for it here.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / ".build"  # hidden: Zappa neither copies nor scans hidden folders
RUNNER = ROOT / "serverless" / "lambda_runner.py"
# Distributions the python3.11 Lambda runtime has on its path (/var/runtime), shadowed by the zip's.
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer", "python-dateutil", "six", "urllib3")
# What Zappa's handler.py imports at run time, beyond the Lambda runtime: the rest of Zappa's
# dependencies are build tools and are excluded in zappa_settings.json.
ZAPPA_RUNTIME = ("zappa", "durationpy")
ZIPPED_BUDGET = 50 * 1024 * 1024
UNZIPPED_BUDGET = 250 * 1024 * 1024


@dataclass(frozen=True)
class Package:
    zip_path: Path
    folder: Path  # the unzipped package: /var/task
    runtime: Path  # stands in for /var/runtime
    zipped_bytes: int
    unzipped_bytes: int
    files: int
    settings: dict  # Zappa's generated zappa_settings.py as a dict


LOCK = ROOT / "requirements-deploy.lock"


def requirements_key() -> str:
    digest = hashlib.sha256()
    for name in ("requirements.txt", "requirements-deploy.txt", LOCK.name):
        digest.update((ROOT / name).read_bytes())
    digest.update(f"{sys.version_info[:2]}{platform.machine()}".encode())
    return digest.hexdigest()[:12]


def build_virtualenv(log=print) -> Path:
    """The build virtualenv for the current requirements, made once and reused while they do not change."""
    venv = BUILD / f"lambda-venv-{requirements_key()}"
    if (venv / ".complete").exists():
        return venv
    shutil.rmtree(venv, ignore_errors=True)
    for stale in [*BUILD.glob("lambda-venv-*"), *BUILD.glob("lambda-runtime-*")]:
        shutil.rmtree(stale, ignore_errors=True)
    log(f"creating the build virtualenv {venv.relative_to(ROOT)} from {LOCK.name}")
    base_python = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base_python, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    # Exactly the locked files: every distribution pinned with its hashes, nothing resolved here.
    subprocess.run(
        [*pip, "--require-hashes", "--no-deps", "-r", str(LOCK)],
        check=True,
        env=_clean_environment(),
    )
    (venv / ".complete").touch()
    return venv


def zappa_package(venv: Path, stage: str, log=print) -> Path:
    """`zappa package <stage>` run from the repository in the build virtualenv, as an operator would."""
    output = BUILD / f"assess-{stage}.zip"
    output.unlink(missing_ok=True)
    environment = _clean_environment() | {
        "VIRTUAL_ENV": str(venv),
        "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        "AWS_DEFAULT_REGION": "eu-central-1",
    }
    done = subprocess.run(
        [str(venv / "bin" / "zappa"), "package", stage, "-o", str(output.relative_to(ROOT))],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0 or not output.exists():
        raise RuntimeError(f"zappa package {stage} failed:\n{done.stdout}\n{done.stderr}")
    log(done.stdout.strip().splitlines()[-1])
    return output


def unpack(zip_path: Path, venv: Path, folder: Path) -> Package:
    shutil.rmtree(folder, ignore_errors=True)
    with zipfile.ZipFile(zip_path) as archive:
        infos = archive.infolist()
        archive.extractall(folder)
    settings: dict = {}
    exec((folder / "zappa_settings.py").read_text(), {}, settings)  # Zappa's own generated settings module
    return Package(
        zip_path=zip_path,
        folder=folder,
        runtime=runtime_folder(venv),
        zipped_bytes=zip_path.stat().st_size,
        unzipped_bytes=sum(info.file_size for info in infos),
        files=len(infos),
        settings=settings,
    )


def build(stage: str = "prod", log=print) -> Package:
    venv = build_virtualenv(log)
    zip_path = zappa_package(venv, stage, log)
    return unpack(zip_path, venv, BUILD / f"package-{stage}")


def runtime_folder(venv: Path) -> Path:
    """A folder with the runtime-provided distributions (same versions as the build), like /var/runtime."""
    folder = BUILD / f"lambda-runtime-{venv.name.removeprefix('lambda-venv-')}"
    if (folder / ".complete").exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    site_packages = _site_packages(venv)
    files = _venv_query(venv, "files", RUNTIME_PROVIDED)
    for relative in files:
        source = site_packages / relative
        if ".." not in Path(relative).parts and source.is_file():
            target = folder / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    (folder / ".complete").touch()
    return folder


def content_problems(package: Package, venv: Path) -> list[str]:
    """What is in the zip that should not be, or missing that should be."""
    expected = set(_venv_query(venv, "closure", _requirement_names())) | set(ZAPPA_RUNTIME)
    present = {_normalise(path.name.split("-")[0]) for path in package.folder.glob("*.dist-info")}
    problems = [f"unexpected distribution in the package: {name}" for name in sorted(present - expected)]
    problems += [f"missing distribution: {name}" for name in sorted(expected - present)]
    locked = _locked_versions()
    for dist_info in package.folder.glob("*.dist-info"):
        name, version = dist_info.name.removesuffix(".dist-info").rsplit("-", 1)
        if _normalise(name) in locked and locked[_normalise(name)] != version:
            problems.append(f"{name} {version} in the package, {locked[_normalise(name)]} in {LOCK.name}")
    if not (package.folder / "botocore" / "docs").is_dir():
        problems.append("botocore is incomplete (an exclude pattern matched one of its folders)")
    for unwanted in ("tests", "docs", "bench", "scripts", "build", ".git", ".venv", "zappa_settings.json"):
        if (package.folder / unwanted).exists():
            problems.append(f"{unwanted} is in the package")
    for needed in ("handler.py", "service/lambda_app.py", "question_banks/published.lock"):
        if not (package.folder / needed).exists():
            problems.append(f"{needed} is missing")
    for language in ("uk", "en"):
        if not (package.folder / f"service/translations/{language}/LC_MESSAGES/messages.mo").exists():
            problems.append(f"the compiled {language} catalog is missing")
    if package.zipped_bytes >= ZIPPED_BUDGET:
        problems.append(f"zipped size {package.zipped_bytes} is over the {ZIPPED_BUDGET} budget")
    if package.unzipped_bytes >= UNZIPPED_BUDGET:
        problems.append(f"unzipped size {package.unzipped_bytes} is over the {UNZIPPED_BUDGET} budget")
    return problems


def _locked_versions() -> dict[str, str]:
    versions = {}
    for line in LOCK.read_text().splitlines():
        if "==" in line and not line.startswith((" ", "#")):
            name, version = line.split("==", 1)
            versions[_normalise(name)] = version.split()[0]
    return versions


def stage_aws_environment(stage: str) -> dict:
    """A stage's `aws_environment_variables` from zappa_settings.json (with the stage it extends): what
    Zappa puts on the function's configuration, and so what the process has from its start."""
    from serverless.stage import zappa_stage_settings

    return dict(zappa_stage_settings(stage).get("aws_environment_variables", {}))


def lambda_environment(package: Package, function_name: str, memory_mb: int, overrides: dict) -> dict:
    """The environment Lambda gives the process: the function's configured variables (Zappa's
    `aws_environment_variables`), then the runtime's own. Zappa's `environment_variables` are not here:
    its handler applies them itself, after the import, so nothing read at import may rely on them."""
    environment = stage_aws_environment(package.settings["API_STAGE"])
    environment.setdefault("AWS_REGION", "eu-central-1")
    environment |= {
        "AWS_LAMBDA_FUNCTION_NAME": function_name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(memory_mb),
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.11",
        "LAMBDA_TASK_ROOT": str(package.folder),
        "LAMBDA_RUNTIME_DIR": str(package.runtime),
        "AWS_DEFAULT_REGION": environment.get("AWS_REGION", "eu-central-1"),
        "LANG": "en_US.UTF-8",
        "TZ": ":UTC",
        "PYTHONUNBUFFERED": "1",
    }
    return environment | overrides


class LambdaProcess:
    """One warm container: a fresh interpreter that imported the package once and takes events."""

    def __init__(self, package: Package, environment: dict, log_path: Path, timeout_seconds: int = 25):
        read_end, write_end = os.pipe()
        job = {
            "sys_path": [str(package.folder), str(package.runtime)],
            "environment": environment,
            "answer_fd": write_end,
            "timeout_seconds": timeout_seconds,
        }
        job_path = log_path.with_suffix(".job.json")
        job_path.write_text(json.dumps(job))
        self.log_path = log_path
        self._log = log_path.open("w")
        self.process = subprocess.Popen(
            [base_interpreter(), "-I", "-S", str(RUNNER), str(job_path)],
            stdin=subprocess.PIPE,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=_minimal_environment(),
            pass_fds=(write_end,),
            text=True,
        )
        os.close(write_end)
        self._answers = os.fdopen(read_end, encoding="utf-8")
        ready = self._read()
        self.import_seconds = ready["import_seconds"]

    def invoke(self, event: dict) -> dict:
        self.process.stdin.write(json.dumps(event) + "\n")
        self.process.stdin.flush()
        return self._read()

    def _read(self) -> dict:
        line = self._answers.readline()
        if not line:
            self.close()
            raise RuntimeError(f"the Lambda process died; its log:\n{self.log_path.read_text()[-4000:]}")
        return json.loads(line)

    def close(self) -> str:
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
        return self.log_path.read_text()


def api_gateway_event(
    method: str, path: str, *, headers=None, query=None, body=None, request_id=None, api_id: str = "abcdef1234"
) -> dict:
    """A REST API (v1) proxy event as API Gateway sends it for `ANY /{proxy+}` of the API `api_id`."""
    headers = dict(headers or {})
    query = dict(query or {})
    request_id = request_id or str(uuid.uuid4())
    source_ip = headers.pop("X-Test-Source-Ip", "198.51.100.23")
    user_agent = headers.get("User-Agent", "")
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters": {name: [value] for name, value in query.items()} or None,
        "pathParameters": {"proxy": path.lstrip("/")},
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/{proxy+}",
            "httpMethod": method,
            "path": path,
            "stage": "prod",
            "requestId": request_id,
            "accountId": "123456789012",
            "apiId": api_id,
            "domainName": headers.get("Host", f"{api_id}.execute-api.eu-central-1.amazonaws.com"),
            "identity": {"sourceIp": source_ip, "userAgent": user_agent},
        },
        "body": body,
        "isBase64Encoded": False,
    }


def base_interpreter() -> str:
    return getattr(sys, "_base_executable", sys.executable)


def _requirement_names() -> list[str]:
    names = []
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            names.append(line.split("==")[0].split("[")[0])
    return names


_QUERY = r"""
import json, sys
from importlib import metadata
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name as norm
what, names, provided = sys.argv[1], json.loads(sys.argv[2]), set(map(norm, json.loads(sys.argv[3])))
if what == "files":
    print(json.dumps([str(f) for n in names for f in (metadata.distribution(n).files or [])]))
else:
    seen, todo = set(), [norm(n) for n in names]
    while todo:
        name = todo.pop()
        if name in seen or name in provided:
            continue
        seen.add(name)
        for spec in metadata.requires(name) or []:
            requirement = Requirement(spec)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(norm(requirement.name))
    print(json.dumps(sorted(seen)))
"""


def _venv_query(venv: Path, what: str, names, left_out=()) -> list[str]:
    done = subprocess.run(
        [str(venv / "bin" / "python"), "-c", _QUERY, what, json.dumps(list(names)), json.dumps(list(left_out))],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def _normalise(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def _site_packages(venv: Path) -> Path:
    return next((venv / "lib").glob("python3*/site-packages"))


def _clean_environment() -> dict:
    """The caller's environment without a virtualenv or Python settings that would leak into a build."""
    drop = ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PIP_REQUIRE_VIRTUALENV")
    return {key: value for key, value in os.environ.items() if key not in drop and not key.startswith("ASSESS_")}


def _minimal_environment() -> dict:
    """A Lambda container starts with little: no AWS credentials, no ASSESS_ settings of this shell."""
    keep = ("PATH", "HOME", "TMPDIR", "SYSTEMROOT")
    return {key: os.environ[key] for key in keep if key in os.environ}
