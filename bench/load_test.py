"""A class at once against a real server process: `python -m service serve` (waitress, with its
embedded DynamoDB endpoint), loaded by locust headless from bench/locustfile.py on loopback.

90 participants each load the test page and submit within 30 s; 5 trainers poll the live report
and the report JSON every 2 s. Budget: zero errors; the p95 of each endpoint is reported.

    .venv/bin/python -m bench.load_test            # measure, print, rewrite the docs' section
    .venv/bin/python -m bench.load_test --no-write # only print
    .venv/bin/python -m bench.load_test --tiny     # 3 participants, 1 trainer, 5 s (the smoke test)
    .venv/bin/python -m bench.load_test --disk     # the same on the laptop's durable dynalite (make run's default)
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import docs_section
from bench.served import create_cohort, served

ROOT = Path(__file__).resolve().parents[1]
MARKERS = ("<!-- load-bench:start -->", "<!-- load-bench:end -->")
DISK_MARKERS = ("<!-- load-bench-disk:start -->", "<!-- load-bench-disk:end -->")
ENGINES = {
    "memory": "`python -m service serve --memory` (waitress, 8 threads, embedded moto DynamoDB in the same process)",
    "disk": "`python -m service serve` as `make run` starts it (waitress, 8 threads, durable dynalite on disk in a "
    "child process, every write synced before it is answered)",
}
FULL = {"participants": 90, "trainers": 5, "seconds": 30, "arrival_seconds": 8, "answer_seconds": 20}
TINY = {"participants": 3, "trainers": 1, "seconds": 5, "arrival_seconds": 1, "answer_seconds": 1}


def run_locust(root: str, cohort: str, token: str, scale: dict, prefix: str) -> None:
    """locust headless, bounded: every participant spawns at once and has the run to finish."""
    users = scale["participants"] + scale["trainers"]
    locustfile = ROOT / "bench" / "locustfile.py"
    environment = os.environ | {
        "BENCH_COHORT": cohort,
        "BENCH_TRAINER_TOKEN": token,
        "BENCH_ANSWER_SECONDS": str(scale["answer_seconds"]),
        "BENCH_ARRIVAL_SECONDS": str(scale["arrival_seconds"]),
        "BENCH_PARTICIPANTS": str(scale["participants"]),
        "BENCH_TRAINERS": str(scale["trainers"]),
    }
    command = [
        sys.executable, "-m", "locust", "-f", str(locustfile), "--headless", "--host", root,
        "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{scale['seconds']}s",
        "--stop-timeout", "5", "--csv", prefix, "--only-summary", "--loglevel", "WARNING",
    ]  # fmt: skip
    finished = subprocess.run(command, env=environment, cwd=ROOT, capture_output=True, text=True, timeout=300)
    if not Path(f"{prefix}_stats.csv").exists():
        raise SystemExit(f"locust did not run:\n{finished.stdout}\n{finished.stderr}")


def read_stats(prefix: str) -> list[dict]:
    with open(f"{prefix}_stats.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def render(stats: list[dict], scale: dict, engine: str = "memory") -> str:
    rows = [
        [
            row["Name"],
            row["Request Count"],
            row["Failure Count"],
            row["50%"],
            row["95%"],
            row["Max Response Time"].split(".")[0],
        ]
        for row in stats
    ]
    total = next((row for row in stats if row["Name"] == "Aggregated"), {})
    return "\n".join(
        [
            f"Measured by `bench/load_test.py{' --disk' if engine == 'disk' else ''}`: {ENGINES[engine]} "
            f"on loopback, loaded by locust headless for {scale['seconds']} s: "
            f"{scale['participants']} participants open the test page over the first {scale['arrival_seconds']} s, "
            f"answer for up to {scale['answer_seconds']} s and submit once; {scale['trainers']} trainer(s) open "
            "the trainer page and poll `live.json` and the report JSON every 2 s. "
            "Server and load generator share the 2-core machine.",
            "",
            docs_section.table(["endpoint", "requests", "errors", "median ms", "p95 ms", "max ms"], rows),
            "",
            f"Budget: zero errors — {'met' if total.get('Failure Count') == '0' else 'NOT met'} "
            f"({total.get('Failure Count', '?')} errors in {total.get('Request Count', '?')} requests).",
        ]
    )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="only print, leave docs/performance.md alone")
    parser.add_argument("--tiny", action="store_true", help="a seconds-long smoke run (implies --no-write)")
    parser.add_argument("--disk", action="store_true", help="on the durable local database instead of moto")
    arguments = parser.parse_args(argv)
    scale = TINY if arguments.tiny else FULL
    engine = "disk" if arguments.disk else "memory"
    with (
        tempfile.TemporaryDirectory() as directory,
        served(data_dir=Path(directory) / "data" if arguments.disk else None) as server,
    ):
        created = create_cohort(
            server.root,
            server.printed("Admin token"),
            bank_version="1",
            label="load test",
            phases={"pre": {"open": True}, "post": {"open": False}},  # a class taking its pre-test
        )
        cohort, token = created["cohort_id"], created["trainer_token"]
        prefix = str(Path(directory) / "load")
        run_locust(server.root, cohort, token, scale, prefix)
        stats = read_stats(prefix)
    text = render(stats, scale, engine)
    print(text)
    if not (arguments.no_write or arguments.tiny):
        docs_section.write_section(DISK_MARKERS if arguments.disk else MARKERS, text)


if __name__ == "__main__":
    main()
