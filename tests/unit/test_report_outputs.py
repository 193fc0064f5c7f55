"""The report's two outer shapes: the marshmallow schema (OpenAPI) declares every figure, and the flat
table carries every figure once, with its n, and reads back to the same numbers."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given, settings

from service.domain.report import cohort_report
from service.domain.report_table import COLUMNS, report_rows, to_csv
from service.schemas.report import ReportSchema
from tests.factories import make_bank, make_submission
from tests.unit.test_report import small_cohorts


def hand_cohort():
    bank = make_bank()
    marks = {"P1": ([1, 0, 0], [1, 1, 0]), "P2": ([1, 1, 1], [1, 1, 1]), "P3": ([0, 0, 0], None)}
    submissions = [
        make_submission(bank, name, phase, phase_marks, language="en" if name == "P3" else "uk")
        for name, (pre, post) in marks.items()
        for phase, phase_marks in (("pre", pre), ("post", post))
        if phase_marks is not None
    ]
    return bank, cohort_report(bank, submissions, cohort_id="cohort-1")


@settings(max_examples=100, deadline=None)
@given(small_cohorts())
def test_schema_declares_every_figure_of_any_report(cohort):
    bank, submissions = cohort
    report = cohort_report(bank, submissions) | {"cohort_ids": ["cohort-1"]}
    assert ReportSchema().dump(report) == report


def figure_of(report: dict, row: dict):
    """The report's value for a row of the table, found the way a reader of docs/report.md would."""
    section, phase, group, figure = row["section"], row["phase"], row["group"], row["figure"]
    interval = figure.rsplit("_", 1)
    if interval[1:] in (["low"], ["high"]):  # an interval's two ends: <name>_low, <name>_high
        whole = figure_of(report, row | {"figure": interval[0]})
        return None if whole is None else whole[interval[1] == "high"]
    if section == "paired_gain":
        breakdown, cell = group.split(":", 1)
        return report["paired"][f"by_{breakdown}"][cell][figure]
    if section == "attrition":
        return report["attrition"][figure]
    if section == "phase":
        return report["phases"][phase][figure]
    if section in ("topic", "language"):
        return report["phases"][phase][f"by_{section}"][group][figure]
    if section == "paired":
        return report["paired"][figure]
    if section in ("histogram", "gain_histogram"):
        bins = report["phases"][phase]["histogram"] if section == "histogram" else report["paired"]["gain_histogram"]
        low, high = (int(bound) for bound in group.strip("[]()").split(", "))
        return next(b["n"] for b in bins if (b["low"], b["high"]) == (low, high))
    if section == "retention":
        if figure.endswith(("_ci95_low", "_ci95_high")):
            return report["retention"][figure.rsplit("_", 1)[0]][figure.endswith("high")]
        return report["retention"][figure]
    if section == "reaction":
        reaction = next(item for item in report["reaction"]["items"] if item["id"] == group)
        return (
            reaction["distribution"][figure.removeprefix("count_")] if figure.startswith("count_") else reaction[figure]
        )
    item = next(item for item in report["items"] if item["question_id"] == group)
    if figure == "flags":
        return " ".join(item["flags"])
    return item[figure] if not phase or figure == "topic" else item[f"{figure}_{phase}"]


@settings(max_examples=100, deadline=None)
@given(small_cohorts())
def test_table_reads_back_to_the_reports_figures(cohort):
    bank, submissions = cohort
    report = cohort_report(bank, submissions)
    rows = list(csv.DictReader(io.StringIO(to_csv(report_rows(report)))))
    assert rows and list(rows[0]) == COLUMNS
    for row in rows:
        expected = figure_of(report, row)
        if expected is None:
            assert row["value"] == ""
        elif isinstance(expected, str):
            assert row["value"] == expected
        else:
            assert float(row["value"]) == expected  # repr keeps every bit
    keys = [(row["section"], row["phase"], row["group"], row["figure"]) for row in rows]
    assert len(keys) == len(set(keys))


def test_every_figure_states_the_n_it_rests_on():
    _, report = hand_cohort()
    rows = {(r["section"], r["phase"], r["group"], r["figure"]): r for r in report_rows(report)}
    assert rows["phase", "pre", "", "mean_percent"]["n"] == 3
    assert rows["phase", "post", "", "kr20"]["n"] == 2
    assert rows["language", "pre", "en", "mean_percent"]["n"] == 1
    assert rows["topic", "post", "signs", "sd_percent"]["n"] == 2
    assert rows["paired", "", "", "t_test_p"]["n"] == 2
    # P2 scored 100% before, so the mean of individual normalized gains rests on P1 alone.
    assert rows["paired", "", "", "normalized_gain_mean"]["n"] == 1
    assert rows["item", "pre", "q1", "facility"]["n"] == 3
    assert rows["item", "", "q1", "mcnemar_p"]["n"] == 2
    assert rows["histogram", "pre", "[90, 100]", "count"]["value"] == 1
    assert rows["gain_histogram", "", "(30, 40]", "count"]["value"] == 1  # P1: 33.3% -> 66.7%
    assert rows["gain_histogram", "", "[0, 0]", "count"]["value"] == 1  # P2 stayed at 100%
    assert all(row["n"] is not None for key, row in rows.items() if key[3] != "topic")


def test_undefined_figures_are_empty_cells_and_ids_stay_text():
    _, report = hand_cohort()
    text = to_csv(report_rows(report))
    rows = list(csv.DictReader(io.StringIO(text)))
    sd_english = next(r for r in rows if (r["section"], r["group"], r["figure"]) == ("language", "en", "sd_percent"))
    assert sd_english["value"] == "" and sd_english["n"] == "1"
    assert text.startswith("bank_id,bank_version,cohorts,")  # no byte-order mark: ids are ASCII
    assert {row["cohorts"] for row in rows} == {"cohort-1"}


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r", "\n", "\uff1d"])
def test_report_csv_cells_starting_like_a_formula_get_an_apostrophe(start):
    row = dict.fromkeys(COLUMNS, "") | {"group": f"{start}cmd|' /C calc'!A0", "value": -0.25, "n": 3}
    read = next(csv.DictReader(io.StringIO(to_csv([row]))))
    assert read["group"] == f"'{start}cmd|' /C calc'!A0"
    assert (read["value"], read["n"]) == ("-0.25", "3")
