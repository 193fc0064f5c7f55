"""What a participant's first page on a cold Lambda imports: none of the JSON API's machinery
(flask-smorest, webargs, apispec, marshmallow), the statistics, the charts or QR codes. They are
built or imported on first use; a module-level import creeping back in costs every cold start
tens of milliseconds (docs/performance.md, "Cold start"). Measured in a fresh process, with the
banks read from their build-time snapshot as in the Lambda package."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from service.domain.bank_snapshot import write_snapshot
from tests.conftest import ENVIRONMENT

REPOSITORY = Path(__file__).resolve().parents[2]
NOT_ON_THE_FIRST_PAGE = (
    "flask_smorest",
    "webargs",
    "apispec",
    "marshmallow",
    "service.web.api",
    "service.schemas.api",
    "service.domain.statistics",
    "service.domain.report",
    "service.web.charts",
    "segno",
    "yaml",
    "xlsxwriter",  # the evaluator's XLSX downloads only (issue 19)
    "service.domain.workbook",
    "service.domain.indicators",
)
FIRST_PAGE = """
import json, sys
from service import operations
from service.app import create_app
from service.settings import Settings
from service.store.dynamodb import Store
from tests.fake_dynamodb import FakeDynamoDB

app = create_app(Settings.from_environment(), store=Store(FakeDynamoDB(), "assess-test"))
services = app.extensions["assess"]
cohort = operations.create_cohort(services, bank_id="online-child-safety", bank_version="2", label="cold")
page = app.test_client().get(f"/c/{cohort.cohort.id}")
loaded = {"page": page.status_code, "after_page": sorted(sys.modules)}
api = app.test_client().get("/api/v1/banks")
loaded |= {"api": api.status_code, "after_api": sorted(sys.modules)}
print(json.dumps(loaded))
"""


def test_a_participant_page_on_a_fresh_app_loads_nothing_the_api_or_the_trainer_needs(tmp_path):
    banks = tmp_path / "question_banks"
    shutil.copytree(REPOSITORY / "question_banks", banks)
    write_snapshot(banks)
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("ASSESS_", "AWS_"))}
    environment |= ENVIRONMENT | {"ASSESS_BANKS_DIR": str(banks)}
    run = subprocess.run(
        [sys.executable, "-c", FIRST_PAGE], cwd=REPOSITORY, env=environment, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    loaded = json.loads(run.stdout.strip().splitlines()[-1])

    def heavy(modules: list[str]) -> set[str]:
        return {name for name in NOT_ON_THE_FIRST_PAGE if name in modules}

    assert loaded["page"] == 200
    assert heavy(loaded["after_page"]) == set()
    # The check sees them once they are needed: the first API request builds the API's app.
    assert loaded["api"] == 200
    assert {"flask_smorest", "webargs", "apispec", "marshmallow", "service.web.api"} <= heavy(loaded["after_api"])
