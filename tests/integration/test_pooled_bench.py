"""bench/pooled_bench.py runs end to end at a tiny scale, and computes what the service computes."""

from bench import pooled_bench
from service.domain.cohort_comparison import compare_cohorts


def test_pooled_bench_runs_and_prints_its_row(capsys):
    assert pooled_bench.main(["--tiny"]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("| 250 |"))
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[1] == "2" and all(float(cell) > 0 for cell in cells[2:])


def test_the_bench_measures_a_report_with_every_cohort_and_the_summary():
    bank = pooled_bench.bench_bank()
    cohorts, submissions = pooled_bench.programme(bank, 2 * pooled_bench.COHORT_SIZE)
    report = pooled_bench.pooled_report(bank, cohorts, submissions)
    assert report["paired"]["n"] == 250 and [row["paired_n"] for row in report["cohorts"]] == [125, 125]
    assert report["meta"] == compare_cohorts(cohorts, submissions, pooled_bench.K).meta
    assert report["meta"]["cohorts"] == 2 and report["meta"]["estimate"] is not None
