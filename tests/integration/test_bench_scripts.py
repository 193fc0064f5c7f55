"""The benchmark scripts run end to end at a tiny scale, so they cannot rot. Timings are not
asserted (budgets are measured by `make bench`); the counts of DynamoDB work are, being exact."""

from __future__ import annotations

from bench import service_bench
from bench.docs_section import write_section
from bench.dynamo_meter import item_size, read_units, write_units
from bench.inprocess import harness


def test_service_bench_runs_end_to_end_and_counts_the_store_calls(capsys):
    service_bench.main(["--tiny"])
    printed = capsys.readouterr().out
    rows = {line.split(" | ")[0].strip("| "): line for line in printed.splitlines() if line.startswith("| ")}
    assert "1 GetItem" in rows["participant page (GET /c/…)"]
    assert "1 GetItem, 1 PutItem" in rows["submit, API (POST …/submissions)"]
    assert "Scan" not in printed.replace("No request made a Scan. Scans seen: 0.", "")
    assert "| 1,000 participants, pre and post" in printed


def test_item_sizes_follow_dynamodbs_rules():
    assert item_size({"pk": {"S": "abc"}}) == 2 + 3
    assert item_size({"n": {"N": "12345"}}) == 1 + 4  # 5 significant digits: ceil(5/2) + 1
    assert item_size({"m": {"M": {"a": {"BOOL": True}}}}) == 1 + 3 + 1 + 1 + 1
    assert (write_units(1024), write_units(1025)) == (1, 2)
    assert (read_units(4096, True), read_units(4097, True), read_units(100, False)) == (1, 2, 0.5)


def test_a_script_rewrites_only_its_own_section(tmp_path):
    docs = tmp_path / "performance.md"
    docs.write_text("intro\n<!-- a:start -->\nold a\n<!-- a:end -->\n<!-- b:start -->\nb stays\n<!-- b:end -->\n")
    write_section(("<!-- a:start -->", "<!-- a:end -->"), "new a", docs)
    assert (
        docs.read_text()
        == "intro\n<!-- a:start -->\nnew a\n<!-- a:end -->\n<!-- b:start -->\nb stays\n<!-- b:end -->\n"
    )


def test_a_query_projected_to_the_scores_is_metered_for_the_whole_items_it_reads():
    """DynamoDB charges a Query for whole items whatever its ProjectionExpression returns; the report's
    projection leaves out even the keys, so the meter finds the page's items by the key condition."""
    with harness() as h:
        cohort_id, _ = h.create_cohort("meter")
        h.seed(cohort_id, 20)
        stored = sum(size for (pk, sk), size in h.meter.sizes.items() if pk == f"COHORT#{cohort_id}" and "SUB#" in sk)

        def metered_rcu(scores_only: bool) -> float:
            h.meter.reset()
            assert len(list(h.store.cohort_submissions(cohort_id, scores_only=scores_only))) == 40
            return sum(call.computed for call in h.meter.calls if call.operation == "Query")

        assert metered_rcu(scores_only=True) == metered_rcu(scores_only=False) == read_units(stored, False)
