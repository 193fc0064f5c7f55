"""bench/report_bench.py runs end to end at a tiny scale, so it cannot rot (timings are not asserted:
`make bench` measures the budgets and writes docs/performance.md)."""

from bench import report_bench


def test_report_bench_measures_moto_the_replay_and_the_computation(capsys):
    assert report_bench.main(["--tiny"]) == 0
    printed = capsys.readouterr().out
    row = next(line for line in printed.splitlines() if line.startswith("| 20 × 40 |"))
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert len(cells) == 5 and all(cell.endswith(" ms") for cell in cells[1:])
