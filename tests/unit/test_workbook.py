"""The XLSX export: typed data cells, a codebook row per column, the metadata, text never a formula."""

import io

import openpyxl

from service import catalogs
from service.domain.codebook import codebook
from service.domain.export import export_metadata, participant_export, submission_export, to_csv
from tests.unit.test_export import KEY_A, class_of, data


def xlsx(export) -> openpyxl.Workbook:
    from service.domain.workbook import workbook

    metadata = export_metadata(export, generated_on="2026-03-12", pseudonym_key=None, filters={})
    body = workbook(export, metadata, codebook(export, catalogs.in_languages), "2026-03-12T10:04Z")
    return openpyxl.load_workbook(io.BytesIO(body))


def test_the_workbook_has_the_csvs_rows_typed_a_codebook_and_the_metadata():
    export = submission_export(data(*class_of(6, "police")), export_key=KEY_A, k=5)
    book = xlsx(export)
    assert book.sheetnames == ["data", "codebook", "metadata"]
    rows = list(book["data"].iter_rows(values_only=True))
    assert len(rows) == to_csv(export).count("\r\n") == 13 and list(rows[0]) == export.columns
    percent = export.columns.index("percent")
    assert all(isinstance(row[percent], float | int) for row in rows[1:])
    names = [row[0] for row in book["codebook"].iter_rows(min_row=2, values_only=True)]
    assert names == export.columns
    meta = dict(book["metadata"].iter_rows(min_row=2, values_only=True))
    assert meta["exported_at"] == "2026-03-12T10:04Z" and meta["k"] == 5 and meta["suppressed_rows"] == 0
    assert meta["bank_versions"] == "small/1"
    assert book.properties.created.isoformat().startswith("2026-03-12T10:04:00")  # no finer than the sheet


def test_text_that_looks_like_a_formula_stays_a_text_cell():
    hostile = "=HYPERLINK(1)"
    export = participant_export(data(*class_of(5, hostile), region=hostile), export_key=KEY_A, k=5)
    sheet = xlsx(export)["data"]
    region = export.columns.index("region") + 1
    cells = [sheet.cell(row=row, column=region) for row in range(2, sheet.max_row + 1)]
    assert cells and all(cell.data_type == "s" and cell.value == hostile for cell in cells)
