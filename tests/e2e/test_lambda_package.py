"""The real Lambda packages, built by `zappa package prod` and `prod_exports` from a virtualenv
holding only requirements-deploy.txt, answer through Zappa's own handler exactly as the Flask app
does, and an export over the limit goes 202 -> export function -> S3 -> pre-signed URL.

The first run builds the build virtualenv (about a minute); later runs reuse it from .build/
while the requirements do not change.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.e2e, pytest.mark.lambda_package, pytest.mark.timeout(900)]


def test_zappa_package_runs_through_zappas_handler_like_the_test_client():
    done = subprocess.run(
        [sys.executable, str(ROOT / "serverless" / "package_check.py")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-6000:]
    figures = json.loads((ROOT / ".build" / "package-check.json").read_text())
    assert figures["zipped_bytes"] < 50 * 1024 * 1024
    assert figures["unzipped_bytes"] < 250 * 1024 * 1024
    compared = {row["request"]: row for row in figures["requests"]}
    for request in (
        "GET /healthz",
        "GET participant page",
        "POST participant form",
        "POST JSON submission",
        "GET trainer report",
        "GET export (CSV)",
    ):
        assert compared[request]["same_as_test_client"], request
    assert figures["export_job"]["status"] == "done" and figures["export_job"]["rows"] == 2
