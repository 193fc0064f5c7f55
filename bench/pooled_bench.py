"""How long a pooled evaluator report's computation takes: `python bench/pooled_bench.py [--quick]`.

For 1,000 and 10,000 paired participants x 40 questions in cohorts of 125 (8 and 80 cohorts, the
seeded simulated classes of bench/report_bench.py), it times what GET /api/v1/reports?bank_id=&
bank_version= computes once the scores are read: the cohort table and its DerSimonian-Laird summary
(domain/cohort_comparison.py), the pooled report and the disclosure control, as the median of
repeated runs. Reading from DynamoDB is bench/report_bench.py's and bench/service_bench.py's part.

Budgets (issue 17): 1,000 x 40 under 100 ms with the meta-analysis; 10,000 under 12x that. It prints
a table and writes it into docs/performance.md between the pooled-bench markers; the exit status
is 1 when a budget is missed.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import statistics
import sys
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
if str(REPOSITORY) not in sys.path:
    sys.path.insert(0, str(REPOSITORY))

from bench.docs_section import table, write_section  # noqa: E402
from bench.report_bench import bench_bank, cohort_of, simulated_submissions  # noqa: E402
from service.domain.cohort_comparison import compare_cohorts  # noqa: E402
from service.domain.disclosure import disclose_report  # noqa: E402
from service.domain.report import cohort_report  # noqa: E402

MARKERS = ("<!-- pooled-bench:start -->", "<!-- pooled-bench:end -->")
COHORT_SIZE = 125
K = 5
BUDGET_MS = 100.0
GROWTH = 12.0


def programme(bank, paired: int) -> tuple[list, list]:
    """`paired // COHORT_SIZE` cohorts of COHORT_SIZE paired participants, each its own seeded class."""
    cohorts, submissions = [], []
    for index in range(paired // COHORT_SIZE):
        cohort = dataclasses.replace(cohort_of(bank, COHORT_SIZE), id=f"pooled{index}", label=f"cohort {index}")
        cohorts.append(cohort)
        own = simulated_submissions(bank, cohort_of(bank, COHORT_SIZE + index), COHORT_SIZE)
        submissions += [dataclasses.replace(sub, cohort_id=cohort.id) for sub in own]
    return cohorts, submissions


def pooled_report(bank, cohorts: list, submissions: list) -> dict:
    """What operations.evaluator_report computes for a bank version once the scores are in memory."""
    comparison = compare_cohorts(cohorts, submissions, K)
    report = disclose_report(cohort_report(bank, submissions, unpaired=comparison.unpaired), K)
    return report | {"cohorts": comparison.cohorts, "meta": comparison.meta}


def measure(sizes: tuple[int, ...], rounds: int) -> dict[int, dict[str, float]]:
    bank = bench_bank()
    data = {size: programme(bank, size) for size in sizes}
    # A request holds one data set; here all sizes live in one process, and the collector's full passes
    # over the others' millions of objects would be charged to whichever size runs. Frozen, they are not.
    gc.freeze()
    times: dict[int, dict[str, list[float]]] = {size: {"comparison": [], "whole": []} for size in sizes}
    for _ in range(rounds):
        for size, (cohorts, submissions) in data.items():  # interleaved: a noisy neighbour slows all alike
            gc.collect()
            start = time.perf_counter()
            compare_cohorts(cohorts, submissions, K)
            middle = time.perf_counter()
            pooled_report(bank, cohorts, submissions)
            end = time.perf_counter()
            times[size]["comparison"].append((middle - start) * 1000)
            times[size]["whole"].append((end - middle) * 1000)
    return {size: {name: statistics.median(values) for name, values in kinds.items()} for size, kinds in times.items()}


def within_budget(figures: dict[int, dict[str, float]]) -> bool:
    base = figures.get(1000, {}).get("whole")
    if base is None:
        return True
    big = figures.get(10_000, {}).get("whole")
    return base < BUDGET_MS and (big is None or big < GROWTH * base)


def report_table(figures: dict[int, dict[str, float]], rounds: int) -> str:
    rows = [
        [f"{size:,}", size // COHORT_SIZE, f"{values['comparison']:.1f}", f"{values['whole']:.1f}"]
        for size, values in figures.items()
    ]
    header = ["paired x 40 questions", "cohorts", "cohort table + DL summary (ms)", "whole pooled report (ms)"]
    note = (
        f"Medians of {rounds} interleaved runs on this machine (python bench/pooled_bench.py). Budgets: "
        f"1,000 under {BUDGET_MS:.0f} ms, 10,000 under {GROWTH:.0f}x that."
    )
    return table(header, rows) + "\n\n" + note


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 only, 3 runs, docs left alone")
    parser.add_argument("--tiny", action="store_true", help="250 in 2 cohorts, once, docs left alone (tests)")
    arguments = parser.parse_args(argv)
    sizes, rounds = ((1000,), 3) if arguments.quick else ((1000, 10_000), 7)
    if arguments.tiny:
        sizes, rounds = (2 * COHORT_SIZE,), 1
    figures = measure(sizes, rounds)
    text = report_table(figures, rounds)
    print(text)
    if not (arguments.quick or arguments.tiny):
        write_section(MARKERS, text)
    return 0 if within_budget(figures) else 1


if __name__ == "__main__":
    sys.exit(main())
