"""Export rows from stored submissions: pseudonyms, order, CSV shape and metadata."""

import csv
import io

import pytest

from service.domain.export import (
    CohortData,
    export_metadata,
    participant_export,
    pseudonym,
    submission_export,
    to_csv,
)
from tests.factories import cohort, small_bank, submission

KEY_A, KEY_B = b"a" * 32, b"b" * 32


def class_of(count, role, prefix="p", **options):
    subs = []
    for i in range(count):
        subs.append(submission(f"{prefix}{i:02d}hash", "pre", demographics={"role": role}, **options))
        subs.append(submission(f"{prefix}{i:02d}hash", "post", answers={"q1": ["b"], "q3": ["d"]}, **options))
    return subs


def data(*submissions, region="Kyiv oblast"):
    return [CohortData(cohort(region=region), small_bank(), list(submissions))]


def test_rows_carry_a_pseudonym_that_is_neither_the_hash_nor_the_same_under_another_key():
    selected = data(*class_of(5, "police"))
    first = submission_export(selected, export_key=KEY_A, k=5)
    second = submission_export(selected, export_key=KEY_B, k=5)
    assert all("hash" not in row["pseudonym"] and len(row["pseudonym"]) == 16 for row in first.rows)
    assert {r["pseudonym"] for r in first.rows}.isdisjoint({r["pseudonym"] for r in second.rows})


def test_row_order_follows_the_pseudonym_so_two_exports_cannot_be_joined_by_position():
    selected = data(*class_of(12, "police"))
    hashes = sorted(f"p{i:02d}hash" for i in range(12))
    orders = []
    for key in (KEY_A, KEY_B):
        hash_of = {pseudonym(key, h): h for h in hashes}
        rows = [row for row in submission_export(selected, export_key=key, k=5).rows if row["phase"] == "pre"]
        assert [row["pseudonym"] for row in rows] == sorted(row["pseudonym"] for row in rows)
        orders.append([hash_of[row["pseudonym"]] for row in rows])
    assert orders[0] != orders[1] and hashes not in orders


def test_submission_day_only_and_language_and_day_are_quasi_identifiers():
    export = submission_export(data(*class_of(5, "police")), export_key=KEY_A, k=5)
    assert {row["submitted_day"] for row in export.rows} == {"2026-05-04"}
    assert "submitted_at" not in export.columns
    assert export.anonymity.quasi_identifiers == ("region", "language", "submitted_day", "demographic.role")


def test_participant_export_has_gains_and_keeps_classes_of_k():
    export = participant_export(data(*class_of(5, "police"), *class_of(2, "other", prefix="o")), export_key=KEY_A, k=5)
    assert len(export.rows) == 7
    assert {row["gain"] for row in export.rows} == {50.0}
    assert sorted(row["demographic.role"] for row in export.rows).count("suppressed") == 7  # 2 + the 5 beside them


def test_metadata_says_what_suppression_did_and_which_key_was_used():
    export = submission_export(data(*class_of(6, "police"), *class_of(1, "other", prefix="o")), export_key=KEY_A, k=5)
    meta = export_metadata(export, generated_on="2026-05-05", pseudonym_key=None, filters={"cohort_id": "cohort1"})
    assert meta["k"] == 5 and meta["rows"] == 14 and meta["participants"] == 7
    # the one "other" and, so that it is not the only suppressed one, the six police beside it
    assert meta["suppressed_participants"] == 7 and meta["suppressed_rows"] == 14
    assert meta["pseudonym_key"] == {"kind": "per-export", "name": None, "joinable_with": "no other export"}
    assert meta["banks"] == [{"bank_id": "small", "version": "1", "sha256": "0" * 64}]


def test_csv_has_a_bom_one_header_and_neutralises_formulas():
    export = submission_export(data(*class_of(5, "police"), region="=HYPERLINK(1)"), export_key=KEY_A, k=5)
    text = to_csv(export)
    assert text.startswith("\ufeffpseudonym,cohort_id,region,")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert {row["region"] for row in rows} == {"'=HYPERLINK(1)"}


# OWASP's CSV injection list: a cell starting with one of these is run as a formula (or, for tab, CR
# and LF, lets the next character start one) by Excel, LibreOffice or Google Sheets; the full-width
# forms are read as their ASCII selves by spreadsheets in East Asian locales.
FORMULA_STARTS = ["=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20"]


def test_every_formula_start_is_listed_by_the_guard():
    from service.domain.csv_cells import FORMULA_STARTS as guarded

    assert set(FORMULA_STARTS) <= set(guarded)


@pytest.mark.parametrize("start", FORMULA_STARTS, ids=[f"U+{ord(s):04X}" for s in FORMULA_STARTS])
@pytest.mark.parametrize("kind", ["submissions", "participants"])
def test_csv_cells_starting_like_a_formula_get_an_apostrophe_in_every_export(kind, start):
    hostile = f"{start}HYPERLINK(1)"
    build = submission_export if kind == "submissions" else participant_export
    export = build(data(*class_of(5, hostile), region=hostile), export_key=KEY_A, k=5)
    rows = list(csv.DictReader(io.StringIO(to_csv(export).removeprefix("\ufeff"))))
    assert rows and {row["region"] for row in rows} == {"'" + hostile}
    assert {row["demographic.role"] for row in rows} == {"'" + hostile}


def test_negative_numbers_stay_numbers():
    from service.domain.csv_cells import spreadsheet_cell

    assert (spreadsheet_cell(-12.5), spreadsheet_cell(-3), spreadsheet_cell("-3")) == ("-12.5", "-3", "'-3")
