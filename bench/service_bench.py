"""DynamoDB work per operation, in-process latency against moto, growth with the number of
submissions, and the AWS cost model (docs/performance.md, sections "Capacity" to "Cost").

    .venv/bin/python -m bench.service_bench            # measure, print, rewrite the docs' section
    .venv/bin/python -m bench.service_bench --no-write # only print
    .venv/bin/python -m bench.service_bench --tiny     # a seconds-long run (the test suite's smoke run)

Each request runs through Flask's test client into the app, whose boto3 client carries the meter
(bench/dynamo_meter.py); its baseline is the same DynamoDB calls replayed with a bare client on the
same moto backend in the same run.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import statistics
import time
import uuid
from functools import partial

from bench import cost_model, docs_section
from bench.dynamo_meter import item_size, read_units, write_units
from bench.inprocess import (
    ADMIN,
    ENVIRONMENT,
    EVALUATOR,
    Harness,
    bench_submission,
    correct_answers,
    harness,
    shipped_bank,
    widened_bank,
)
from service.domain.models import PHASES, Cohort, Submission
from service.store import items

MARKERS = ("<!-- service-bench:start -->", "<!-- service-bench:end -->")
# moto 5's response serializer costs tens of milliseconds per returned item, so requests reading
# more than a few hundred items are timed by the service's own code instead (see `growth`).
FULL = {
    "repeat": 30,
    "report_sizes": (30,),
    "report_repeat": 5,
    "growth": (60, 100, 1_000, 2_000, 10_000, 100_000),
    "timed_up_to": 100,
}
TINY = {"repeat": 2, "report_sizes": (3,), "report_repeat": 2, "growth": (10, 100), "timed_up_to": 10}


def form_fields(html: str, answers: dict[str, list[str]]) -> dict:
    """What the phone's form sends: its hidden fields, the remembered code (post-test), the answers."""
    import re

    fields = dict(re.findall(r'<input type="(?:hidden|text)"(?: id="[^"]*")? name="([^"]+)" value="([^"]*)"', html))
    data = {k: v for k, v in fields.items() if k in ("submission_id", "phase", "lang", "participant_code")}
    for question_id, picked in answers.items():
        data[f"a.{question_id}"] = picked
    return data


def operations(h: Harness, repeat: int, report_sizes, report_repeat: int) -> list[dict]:
    """Each endpoint's DynamoDB work and latency, with its replayed DynamoDB calls as baseline."""
    answers = correct_answers(h.bank)
    cohort_id, _ = h.create_cohort("operations")
    rows = []

    def row(name, measured, budget=""):
        rows.append({"name": name, "measured": measured, "budget": budget})

    def create():
        body = {"bank_id": h.bank.id, "bank_version": h.bank.version, "label": "bench"}
        return h.client.post("/api/v1/cohorts", json=body, headers=ADMIN)

    row("create cohort (POST /api/v1/cohorts)", h.measure(create, repeat), "1 conditional write")
    row("participant page (GET /c/…)", h.measure(lambda: h.client.get(f"/c/{cohort_id}"), repeat), "1 read, ≤ 1 RCU")

    def api_submit(phase="pre"):
        body = {"submission_id": str(uuid.uuid4()), "phase": phase, "language": "uk", "answers": answers}
        return h.client.post(f"/api/v1/cohorts/{cohort_id}/submissions", json=body)

    row("submit, API (POST …/submissions)", h.measure(api_submit, repeat), "1 write ≤ 2 WCU, ≤ 1 read")

    def form_submit(phase: str):
        def send():
            browser = h.app.test_client()
            if phase == "post":
                first = browser.get(f"/c/{cohort_id}?phase=pre").get_data(as_text=True)
                browser.post(f"/c/{cohort_id}", data=form_fields(first, answers))
                h.meter.reset()
            page = browser.get(f"/c/{cohort_id}?phase={phase}").get_data(as_text=True)
            h.meter.reset()
            return _timed_post(browser, f"/c/{cohort_id}", form_fields(page, answers))

        return send

    row("submit, phone form, pre (POST /c/…)", h.measure(form_submit("pre"), repeat), "1 write ≤ 2 WCU, ≤ 1 read")
    row("submit, phone form, post (POST /c/…)", h.measure(form_submit("post"), repeat), "1 write ≤ 2 WCU, ≤ 1 read")

    for size in report_sizes:
        report_cohort, report_token = h.create_cohort(f"report-{size}")
        h.seed(report_cohort, size)
        headers = {"Authorization": f"Bearer {report_token}"}
        reps = report_repeat
        url = f"/api/v1/cohorts/{report_cohort}/report"
        row(
            f"trainer report JSON, {size} participants",
            h.measure(partial(h.client.get, url, headers=headers), reps),
            "Query pages only",
        )
        trainer_browser = h.app.test_client()
        trainer_browser.get(f"/cohorts/{report_cohort}?token={report_token}")
        page = f"/cohorts/{report_cohort}"
        row(
            f"trainer page HTML, {size} participants",
            h.measure(partial(trainer_browser.get, page), reps),
            "Query pages only",
        )
        live = f"/cohorts/{report_cohort}/live.json"
        row(
            f"trainer live.json, {size} participants",
            h.measure(partial(trainer_browser.get, live), reps),
            "Query pages only",
        )
        unchanged = {"If-None-Match": trainer_browser.get(live).headers["ETag"]}
        row(
            f"trainer live.json unchanged (304), {size} participants",
            h.measure(partial(trainer_browser.get, live, headers=unchanged), reps),
            "Query pages only, nothing rendered",
        )
    row(
        "static script (GET /static/js/participant.js)",
        h.measure(lambda: h.client.get("/static/js/participant.js"), repeat),
        "no DynamoDB",
    )
    return rows


def _timed_post(browser, url, data):
    """POST and remember how long it took (the page loads before it are setup, not measured)."""
    started = time.perf_counter()
    answer = browser.post(url, data=data)
    answer.bench_seconds = time.perf_counter() - started
    return answer


def item_sizes() -> list[dict]:
    """Bytes of a stored submission item for 20 and 60 questions (the shipped bank, widened)."""
    rows = []
    for n in (20, 60):
        bank = widened_bank(shipped_bank("1"), n)
        answers = {q: tuple(a) for q, a in correct_answers(bank).items()}
        from service.domain.scoring import score_submission

        submission = bench_submission(bank, "c0000000", "x" * 64, answers, score_submission(bank, answers))
        size = item_size(items.submission_to_item(submission))
        rows.append({"questions": n, "bytes": size, "wcu": write_units(size), "rcu_eventual": read_units(size, False)})
    return rows


def growth(sizes, timed_up_to: int) -> list[dict]:
    """Report and export of one cohort holding N submissions: DynamoDB work computed from item sizes
    for every N (Query pages of at most 1 MB), time in-process on moto up to `timed_up_to`, and the
    service's own time for every N: the real endpoints on a store that answers from memory."""
    from service.domain.scoring import score_submission

    bank = shipped_bank("1")
    answers = {q: tuple(a) for q, a in correct_answers(bank).items()}
    score = score_submission(bank, answers)
    one = item_size(items.submission_to_item(bench_submission(bank, "c0000000", "x" * 64, answers, score)))
    rows = []
    for n in sizes:
        per_page = (1024 * 1024) // one
        pages = max(1, math.ceil(n / per_page))
        rcu = sum(read_units(min(per_page, n - page * per_page) * one, False) for page in range(pages))
        submissions = [
            bench_submission(bank, "c0000000", f"{i // 2:064x}", answers, score, "pre" if i % 2 == 0 else "post")
            for i in range(n)
        ]
        cohort = Cohort(
            id="c0000000",
            bank_id=bank.id,
            bank_version=bank.version,
            bank_sha256=bank.sha256,
            label="growth",
            language="uk",
            region=None,
            phases={"pre": True, "post": True},
            trainer_token_hash="",
            created_at="2026-11-28T10:00Z",
        )
        timed = _endpoints_without_dynamodb(bank, cohort, submissions, repeat=1 if n > 10_000 else 3)
        rows.append(
            {
                "n": n,
                "pages": pages,
                "rcu": rcu,
                "item_bytes": one,
                **timed,
                "report_moto_ms": None,
                "export_moto_ms": None,
            }
        )
    with harness(bank) as h:
        for row in rows:
            if row["n"] > timed_up_to:
                continue
            cohort_id, token = h.create_cohort(f"growth-{row['n']}")
            h.seed(cohort_id, row["n"] // 2)
            trainer = {"Authorization": f"Bearer {token}"}
            report = h.measure(partial(h.client.get, f"/api/v1/cohorts/{cohort_id}/report", headers=trainer), 2)
            report_query_rcu = sum(c.computed for c in h.meter.calls if c.operation == "Query")
            export_url = f"/api/v1/exports/submissions?format=csv&cohort_id={cohort_id}"
            export = h.measure(partial(h.client.get, export_url, headers=EVALUATOR), 2)
            row.update(
                report_moto_ms=report.median_ms,
                export_moto_ms=export.median_ms,
                metered_rcu=report_query_rcu,
                report_rcu_metered=report.work["rcu_computed"],
                report_calls=report.work["by_operation"],
                export_calls=export.work["by_operation"],
                report_baseline_ms=report.baseline_median_ms,
                export_baseline_ms=export.baseline_median_ms,
            )
    return rows


class MemoryStore:
    """A store answering the read paths of one cohort from memory: the endpoints' own time without
    any DynamoDB (what Lambda bills on top of the DynamoDB round trips)."""

    def __init__(self, cohort: Cohort, submissions: list[Submission]):
        self.cohort, self.submissions = cohort, submissions

    def get_cohort(self, cohort_id: str) -> Cohort | None:
        return self.cohort if cohort_id == self.cohort.id else None

    def list_cohorts(self, newest_first: bool = True):
        """The cohorts index: this one cohort (the trainer page compares it with closed others)."""
        yield self.cohort

    def cohort_submissions(self, cohort_id: str, *, scores_only: bool = False):
        # scores_only (what reports ask for) changes what DynamoDB sends, not what memory holds.
        return iter(self.submissions if cohort_id == self.cohort.id else [])

    def count_cohort_submissions(self, cohort_id: str) -> int:
        """The export's row estimate (a COUNT Query on DynamoDB): above a limit, the export is a job."""
        return len(self.submissions) if cohort_id == self.cohort.id else 0

    def released_participants(self, cohort_id: str) -> tuple[dict[str, set[str]], int]:
        """The live view's release (a GetItem on DynamoDB): everyone, as once the phases are closed."""
        return {phase: {s.participant_hash for s in self.submissions if s.phase == phase} for phase in PHASES}, 1


def _endpoints_without_dynamodb(bank, cohort: Cohort, submissions: list[Submission], repeat: int) -> dict:
    """Median time of the report JSON, the trainer page and the CSV export on a MemoryStore."""
    import dataclasses

    from service.app import create_app
    from service.domain.banks import BankRegistry
    from service.operations import token_hash
    from service.settings import Settings

    token = "growth-trainer-token-long-enough"
    cohort = dataclasses.replace(cohort, trainer_token_hash=token_hash(token))
    # The CSV's build time wherever it runs: past 10,000 rows or 5 MB the API answers 202 and the
    # export function builds the same file (docs/performance.md, "Exports past the limits").
    unlimited = {"ASSESS_EXPORT_SYNC_MAX_ROWS": "1000000000", "ASSESS_EXPORT_SYNC_MAX_BYTES": "1000000000000"}
    app = create_app(
        Settings.from_environment(dict(ENVIRONMENT) | unlimited),
        store=MemoryStore(cohort, submissions),
        banks=BankRegistry([bank]),
    )
    client = app.test_client()
    client.get(f"/cohorts/{cohort.id}?token={token}")
    urls = {
        "report_service_ms": (f"/api/v1/cohorts/{cohort.id}/report", {"Authorization": f"Bearer {token}"}),
        "trainer_page_service_ms": (f"/cohorts/{cohort.id}", {}),
        "export_service_ms": (f"/api/v1/exports/submissions?format=csv&cohort_id={cohort.id}", EVALUATOR),
    }
    timed = {}
    for name, (url, headers) in urls.items():
        durations = []
        for _ in range(repeat):
            started = time.perf_counter()
            answer = client.get(url, headers=headers)
            durations.append(time.perf_counter() - started)
            if answer.status_code != 200:
                raise RuntimeError(f"{url}: {answer.status_code}")
        timed[name] = statistics.median(durations) * 1000
    return timed


def requests_for_cost(rows: list[dict], growth_rows: list[dict], memory: int) -> dict[str, cost_model.RequestCost]:
    """The cost model's request kinds, from the measured rows. A trainer view is the trainer page of a
    class of 30 (60 submissions): its DynamoDB work from the metered row, its own time from the page
    on the in-memory store (on moto, serializing the 60 items dwarfs it and the difference is noise)."""
    by_name = {row["name"]: row["measured"] for row in rows}

    def pick(prefix: str, service_ms: float | None = None) -> cost_model.RequestCost:
        measured = next(m for name, m in by_name.items() if name.startswith(prefix))
        if service_ms is None:
            service_ms = measured.median_ms - measured.baseline_median_ms
        work = measured.work
        return cost_model.RequestCost(
            prefix.rstrip(" ,"),
            cost_model.lambda_ms(service_ms, work["calls"], memory),
            work["rcu_computed"],
            work["wcu_computed"],
        )

    smallest = min(int(name.split(", ")[1].split()[0]) for name in by_name if name.startswith("trainer page HTML"))
    return {
        "page": pick("participant page"),
        "submit_pre": pick("submit, phone form, pre"),
        "submit_post": pick("submit, phone form, post"),
        "create_cohort": pick("create cohort"),
        "trainer_view": pick(
            f"trainer page HTML, {smallest} participants",
            next(g["trainer_page_service_ms"] for g in growth_rows if g["n"] >= 2 * smallest),
        ),
        "live_changed": pick(f"trainer live.json, {smallest} participants"),
        "live_unchanged": pick(f"trainer live.json unchanged (304), {smallest} participants"),
        "script": pick("static script"),
    }


def _calls(work: dict) -> str:
    return ", ".join(f"{count} {name}" for name, count in sorted(work["by_operation"].items())) or "none"


def _ms(value) -> str:
    return "–" if value is None else f"{value:,.1f}"


def render(rows, sizes, growth_rows, costs, requests, memory, timed_up_to) -> str:
    from bench.docs_section import table

    out = [
        "Measured by `bench/service_bench.py` in one process: the app through Flask's test client, DynamoDB "
        "by moto (in memory), the shipped bank `online-child-safety` version 1 (20 questions). Times are "
        "medians (and p95) of repeated requests; the baseline is the same request's own DynamoDB calls "
        "replayed with a bare boto3 client on the same moto in the same run, so *service / baseline* is "
        "what the service adds on top of its DynamoDB calls. RCU/WCU *computed* follow DynamoDB's published "
        "sizing (1 WCU per started KB written; 1 RCU per started 4 KB strongly consistent, half for eventually "
        "consistent; a Query page sums whole items); *moto* is moto's own ConsumedCapacity, an approximation "
        "that ignores item size.",
        "",
        "#### DynamoDB work and latency per request",
        "",
        table(
            [
                "request",
                "DynamoDB calls",
                "RCU computed (moto)",
                "WCU computed (moto)",
                "budget",
                "median ms (p95)",
                "baseline ms (p95)",
                "service / baseline",
            ],
            [
                [
                    row["name"],
                    _calls(m.work),
                    f"{m.work['rcu_computed']:g} ({m.work['rcu_reported']:g})",
                    f"{m.work['wcu_computed']:g} ({m.work['wcu_reported']:g})",
                    row["budget"],
                    f"{m.median_ms:.1f} ({m.p95_ms:.1f})",
                    f"{m.baseline_median_ms:.1f} ({m.baseline_p95_ms:.1f})",
                    f"{m.ratio:.2f}",
                ]
                for row in rows
                for m in [row["measured"]]
            ],
            "llrrlrrr",
        ),
        "",
        "No request made a Scan. " + ("Scans seen: " + str(sum(r["measured"].work["scans"] for r in rows)) + "."),
        "",
        "#### Size of a stored submission",
        "",
        table(
            ["questions", "item bytes", "WCU to write", "RCU to read (eventually consistent)"],
            [[r["questions"], f"{r['bytes']:,}", r["wcu"], f"{r['rcu_eventual']:g}"] for r in sizes],
        ),
        "",
        "#### Growth: report and export of one cohort holding N submissions",
        "",
        table(
            [
                "N submissions",
                "Query pages (1 MB)",
                "RCU computed (metered)",
                "RCU per 1,000",
                "report JSON on moto ms",
                "CSV export on moto ms",
                "report JSON, service only ms",
                "trainer page, service only ms",
                "CSV export, service only ms",
            ],
            [
                [
                    f"{g['n']:,}",
                    g["pages"],
                    f"{g['rcu']:,.1f}" + (f" ({g['metered_rcu']:,.1f})" if "metered_rcu" in g else ""),
                    f"{g['rcu'] / g['n'] * 1000:.1f}",
                    _ms(g["report_moto_ms"]),
                    _ms(g["export_moto_ms"]),
                    f"{g['report_service_ms']:,.1f}",
                    f"{g['trainer_page_service_ms']:,.1f}",
                    f"{g['export_service_ms']:,.1f}",
                ]
                for g in growth_rows
            ],
        ),
        "",
        f"The capacity columns are computed from the stored item size ({growth_rows[0]['item_bytes']:,} bytes) "
        "for every N and match the metered Query pages where timed. N = 60 is a class of 30 with pre and post, "
        "2,000 a cohort of 1,000 participants, 10,000 the export of 10,000 rows. "
        f"Timing on moto stops at {timed_up_to:,}: "
        "moto's response serializer costs tens of milliseconds per returned item, so 10,000 items would take "
        "minutes per request and measure moto, not the service. The *service only* columns time the real "
        "endpoints (Flask, auth, report, rendering, CSV) on a store that answers the cohort's submissions "
        "from memory, for every N: the service's own share, to which DynamoDB adds one round trip per 1 MB "
        "page (tens of milliseconds each). Past 10,000 rows the export is a job: the API answers 202 and "
        "the export function builds the same CSV, so that column is timed with the limit lifted.",
        "",
        "#### Cost",
        "",
        f"Lambda memory {memory} MB (`zappa_settings.json`). Billed duration per request = the service's own "
        f"time measured above (median minus baseline) × {cost_model.FULL_VCPU_MB}/{memory} (Lambda's CPU share "
        f"at that memory) + {cost_model.DYNAMODB_ROUND_TRIP_MS} ms assumed per DynamoDB call.",
        "",
        table(
            ["request", "billed Lambda ms", "RCU", "WCU"],
            [[r.name, f"{r.lambda_ms:g}", f"{r.rcu:g}", f"{r.wcu:g}"] for r in requests.values()],
        ),
        "",
        table(
            [
                "programme",
                "cohorts of 30",
                "requests",
                "Lambda $",
                "API Gateway $",
                "DynamoDB $",
                "total $",
                "per participant $",
            ],
            [
                [
                    f"{c['participants']:,} participants, pre and post, trainer and projector tabs",
                    f"{c['cohorts']:,}",
                    f"{c['requests']:,}",
                    f"{c['lambda']:.4f}",
                    f"{c['api_gateway']:.4f}",
                    f"{c['dynamodb']:.4f}",
                    f"{c['total']:.4f}",
                    f"{c['total'] / c['participants']:.6f}",
                ]
                for c in costs
            ],
            "lrrrrrrr",
        ),
        "",
        "Requests one class sends (`bench/cost_model.py`, `class_requests`): "
        + ", ".join(f"{kind} {count}" for kind, count in cost_model.class_requests().items())
        + ". Assumed: "
        + "; ".join(f"{name} = {value}" for name, value in dataclasses.asdict(cost_model.Classroom()).items())
        + ". The live polls follow static/js/trainer.js (10 s while figures change, half as long again after "
        "each unchanged answer, at most 60 s; an unchanged answer is an empty 304), simulated over submissions "
        "spread uniformly over the open test. Static scripts are cached for an hour, so each phone fetches "
        "them again at the post-test. The stylesheets are inlined.",
        "",
        f"Budget: 1,000 participants under $0.10 before free tier. Prices (eu-central-1, on demand, noted "
        f"{cost_model.PRICES_CHECKED}; re-check before relying on them):",
        "",
    ]
    out += [
        f"- {name}: ${value * (1e6 if value < 1e-5 and 'gb' not in name else 1):.10g}"
        f"{' per million' if value < 1e-5 and 'gb' not in name else ''} — {source}"
        for name, (value, source) in cost_model.PRICES.items()
    ]
    return "\n".join(out)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="only print, leave docs/performance.md alone")
    parser.add_argument("--tiny", action="store_true", help="a seconds-long smoke run (implies --no-write)")
    arguments = parser.parse_args(argv)
    scale = TINY if arguments.tiny else FULL
    with harness() as h:
        rows = operations(h, scale["repeat"], scale["report_sizes"], scale["report_repeat"])
    sizes = item_sizes()
    growth_rows = growth(scale["growth"], scale["timed_up_to"])
    memory = cost_model.memory_mb()
    requests = requests_for_cost(rows, growth_rows, memory)
    costs = [cost_model.programme_cost(n, requests, memory) for n in (1_000, 100_000)]
    text = render(rows, sizes, growth_rows, costs, requests, memory, scale["timed_up_to"])
    print(text)
    if not (arguments.no_write or arguments.tiny):
        docs_section.write_section(MARKERS, text)


if __name__ == "__main__":
    main()
