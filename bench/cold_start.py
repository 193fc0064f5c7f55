"""Cold start of the Lambda package against the floor its dependencies set.

In fresh processes, exactly as serverless/lambda_runner.py runs the package (only the unzipped
zip and the runtime's own boto3 on sys.path), measure the import of Zappa's handler — which, with
INSTANTIATE_LAMBDA_HANDLER_ON_IMPORT, builds the app — plus the first participant page, and the
same for a minimal Flask + boto3 app (one DynamoDB read, one template) behind the same Zappa
handler. Both read from the same moto server. Prod's settings: X-Ray tracing on, secrets from SSM.

    .venv/bin/python bench/cold_start.py [--rounds 9]

Budget: the service within 1.3x of the minimal app. Writes the figures into docs/performance.md
between the lambda-bench markers.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from serverless import lambda_package, package_check  # noqa: E402

BUDGET = 1.3
PHASES = ("import", "first_page", "total", "cpu", "process")
DOC = ROOT / "docs" / "performance.md"
START, END = "<!-- lambda-bench:start -->", "<!-- lambda-bench:end -->"
MINIMAL_APP = '''
"""The floor: Flask + boto3, one DynamoDB read, one template."""
import boto3
from flask import Flask, render_template

app = Flask(__name__)
client = boto3.session.Session().client("dynamodb")


@app.get("/c/<cohort_id>")
def page(cohort_id):
    item = client.get_item(TableName="assess-prod", Key={"pk": {"S": f"COHORT#{cohort_id}"}, "sk": {"S": "COHORT"}})
    return render_template("page.html", label=item["Item"]["label"]["S"])
'''
MINIMAL_TEMPLATE = "<!doctype html><title>{{ label }}</title><h1>{{ label }}</h1><p>One template, one read.</p>\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--no-doc", action="store_true", help="do not update docs/performance.md")
    args = parser.parse_args()
    package = lambda_package.build("prod")
    baseline = minimal_app_folder(package)
    with package_check.moto_endpoint() as endpoint:
        world = package_check.prepare_aws(endpoint)
        cohort_id = create_cohort(world)
        overrides = world["credentials"] | {
            "AWS_ENDPOINT_URL": endpoint,
            "ASSESS_EXPORT_BUCKET": world["bucket"],
            "AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1:2000",
        }
        environment = lambda_package.lambda_environment(package, "assess-prod", 1024, overrides)
        event = lambda_package.api_gateway_event(
            "GET", f"/c/{cohort_id}", headers={"Host": package_check.HOST, "Accept-Language": "uk"}
        )
        service, floor = [], []
        for _ in range(args.rounds):
            service.append(cold_start([package.folder, package.runtime], environment, event))
            floor.append(cold_start([baseline, package.folder, package.runtime], environment, event))
        modules = cold_start([package.folder, package.runtime], environment, event, keep_modules=True)["modules"]
    figures = summarise(service, floor, package, modules, args.rounds)
    print(json.dumps(figures, indent=2))
    if not args.no_doc:
        write_doc(figures)
    return 0 if max(figures["ratio"], figures["cpu_ratio"]) <= BUDGET else 1


def cold_start(sys_path: list[Path], environment: dict, event: dict, keep_modules: bool = False) -> dict:
    with tempfile.TemporaryDirectory() as scratch:
        job = {
            "sys_path": [str(path) for path in sys_path],
            "environment": environment,
            "invocations": [event],
            "output": f"{scratch}/out.json",
        }
        (Path(scratch) / "job.json").write_text(json.dumps(job))
        began = time.perf_counter()
        done = subprocess.run(
            [lambda_package.base_interpreter(), "-I", "-S", str(lambda_package.RUNNER), f"{scratch}/job.json"],
            capture_output=True,
            text=True,
            env=lambda_package._minimal_environment(),
            timeout=120,
        )
        wall = time.perf_counter() - began
        if done.returncode != 0:
            raise RuntimeError(done.stdout + done.stderr)
        report = json.loads((Path(scratch) / "out.json").read_text())
    (result,) = report["results"]
    if result["response"]["statusCode"] != 200:
        raise RuntimeError(f"the page answered {result['response']['statusCode']}")
    figures = {
        "import": report["import_seconds"],
        "first_page": result["seconds"],
        "total": report["import_seconds"] + result["seconds"],
        "cpu": report["import_cpu_seconds"] + result["cpu_seconds"],
        "process": wall,
    }
    if keep_modules:
        figures["modules"] = report["modules"]
    return figures


def minimal_app_folder(package) -> Path:
    folder = lambda_package.BUILD / "baseline"
    (folder / "templates").mkdir(parents=True, exist_ok=True)
    (folder / "minimal_app.py").write_text(MINIMAL_APP)
    (folder / "templates" / "page.html").write_text(MINIMAL_TEMPLATE)
    settings = (package.folder / "zappa_settings.py").read_text()
    settings = re.sub(r"APP_MODULE='[^']*'", "APP_MODULE='minimal_app'", settings)
    (folder / "zappa_settings.py").write_text(settings)
    compileall = [lambda_package.base_interpreter(), "-m", "compileall", "-q", "--invalidation-mode", "checked-hash"]
    subprocess.run([*compileall, str(folder)], check=True)
    return folder


def create_cohort(world: dict) -> str:
    import boto3

    from service import operations
    from service.domain.banks import load_published_banks
    from service.operations import Services
    from service.settings import REPOSITORY, Settings
    from service.store.dynamodb import Store

    session = boto3.session.Session(region_name="eu-central-1", **package_check._credential_arguments(world))
    store = Store(session.client("dynamodb", endpoint_url=world["endpoint"]), world["table"])
    settings = Settings.from_environment(world["secrets"] | {"ASSESS_TABLE": world["table"]})
    services = Services(settings=settings, store=store, banks=load_published_banks(REPOSITORY / "question_banks"))
    created = operations.create_cohort(services, bank_id="online-child-safety", bank_version="2", label="Bench")
    return created.cohort.id


def summarise(service: list[dict], floor: list[dict], package, modules: list[str], rounds: int) -> dict:
    def median(rows, key):
        return round(statistics.median(row[key] for row in rows) * 1000)

    def fastest(rows, key):
        return min(row[key] for row in rows)

    heavy = ("apispec", "flask_smorest", "segno", "aws_xray_sdk", "service.domain.statistics", "csv", "zipfile")
    return {
        "rounds": rounds,
        "service_ms": {key: median(service, key) for key in PHASES},
        "minimal_ms": {key: median(floor, key) for key in PHASES},
        "ratio": round(median(service, "total") / median(floor, "total"), 2),
        "cpu_ratio": round(median(service, "cpu") / median(floor, "cpu"), 2),
        "fastest_ratio": round(fastest(service, "total") / fastest(floor, "total"), 2),
        "fastest_cpu_ratio": round(fastest(service, "cpu") / fastest(floor, "cpu"), 2),
        "load_average": round(os.getloadavg()[0], 1),
        "modules_loaded": len(modules),
        "heavy_modules_loaded": [name for name in heavy if name in modules],
        "zipped_mib": round(package.zipped_bytes / 2**20, 1),
        "unzipped_mib": round(package.unzipped_bytes / 2**20, 1),
    }


def write_doc(figures: dict) -> None:
    s, m = figures["service_ms"], figures["minimal_ms"]

    def row(label, f):
        return f"| {label} | {f['import']} | {f['first_page']} | **{f['total']}** | {f['cpu']} | {f['process']} |"

    block = "\n".join(
        [
            START,
            f"Measured by `bench/cold_start.py`: {figures['rounds']} fresh processes each, interleaved, medians in ms,",
            "on this 2-core machine. Prod settings (secrets read from SSM through powertools Parameters), both",
            "apps behind Zappa's own handler, reading the same moto server; only the unzipped package and the",
            "runtime's boto3 on sys.path.",
            "",
            "| | import of the entry point (app built) | first participant page | total | CPU time | process |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
            row("service (`handler.py` -> `service.lambda_app`)", s),
            row("minimal Flask + boto3 app (one read, one template)", m),
            "",
            f"Ratio service / minimal: **{figures['ratio']}x** wall time, **{figures['cpu_ratio']}x** CPU time"
            f" (budget {BUDGET}x); fastest run of each: {figures['fastest_ratio']}x wall,"
            f" {figures['fastest_cpu_ratio']}x CPU. Load average while measuring: {figures['load_average']}"
            f" (other work shared the 2 cores). Package: {figures['zipped_mib']} MiB zipped,"
            f" {figures['unzipped_mib']} MiB unzipped. Modules loaded by the first page: {figures['modules_loaded']};"
            f" of the heavy ones: {', '.join(figures['heavy_modules_loaded']) or 'none'}.",
            END,
        ]
    )
    text = DOC.read_text() if DOC.exists() else "# Performance\n"
    if START in text and END in text:
        text = text[: text.index(START)] + block + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip("\n") + "\n\n## Lambda cold start\n\n" + block + "\n"
    DOC.write_text(text)


if __name__ == "__main__":
    sys.exit(main())
