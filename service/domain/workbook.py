"""An export as an Excel workbook (XLSX), for evaluators who work in a spreadsheet: a data sheet
with typed columns (numbers as numbers, missing values as empty cells), a codebook sheet naming
every column of the data sheet, and a metadata sheet (k, suppression counts, bank versions, when it
was exported). The same rows as the CSV and JSON Lines of the same export.

XlsxWriter is imported only here, and this module only when an XLSX is asked for
(service/exports.py), so a participant's cold start never loads it. Text cells are written as
text, never as formulas or links, so a label such as "=HYPERLINK(...)" stays a label."""

from __future__ import annotations

import io
import json
from datetime import datetime

from service.domain.export import Export

DATA_SHEET, CODEBOOK_SHEET, METADATA_SHEET = "data", "codebook", "metadata"
CODEBOOK_COLUMNS = ("name", "label_uk", "label_en", "type", "allowed_values", "value_labels", "meaning_en")
_MAX_WIDTH = 60


def workbook(export: Export, metadata: dict, book: dict, exported_at: str) -> bytes:
    """The XLSX file's bytes. `book` is the export's codebook (domain/codebook.py), `metadata` its
    metadata (domain/export.export_metadata), `exported_at` a UTC time such as 2026-03-12T10:04Z."""
    import xlsxwriter  # here: loaded only when an XLSX is asked for

    buffer = io.BytesIO()
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    with xlsxwriter.Workbook(buffer, options) as xlsx:
        created = datetime.strptime(exported_at, "%Y-%m-%dT%H:%MZ")  # the file says no more than the sheet
        xlsx.set_properties(
            {"title": f"{export.kind} export", "comments": "k-anonymized; see the metadata sheet", "created": created}
        )
        header = xlsx.add_format({"bold": True, "bottom": 1})
        _data_sheet(xlsx.add_worksheet(DATA_SHEET), export, book, header)
        _table_sheet(xlsx.add_worksheet(CODEBOOK_SHEET), CODEBOOK_COLUMNS, _codebook_rows(book), header)
        rows = _metadata_rows(metadata, exported_at)
        _table_sheet(xlsx.add_worksheet(METADATA_SHEET), ("field", "value"), rows, header)
    return buffer.getvalue()


def _data_sheet(sheet, export: Export, book: dict, header) -> None:
    kinds = {column["name"]: column["type"] for column in book["columns"]}
    for col, name in enumerate(export.columns):
        sheet.write_string(0, col, name, header)
        sheet.set_column(col, col, min(_MAX_WIDTH, max(10, len(name) + 2)))
    for row_number, row in enumerate(export.rows, start=1):
        for col, name in enumerate(export.columns):
            value = row.get(name)
            if value is None or value == "":
                continue
            if kinds.get(name) == "number" and isinstance(value, (int, float)) and not isinstance(value, bool):
                sheet.write_number(row_number, col, value)
            else:
                sheet.write_string(row_number, col, str(value))
    sheet.freeze_panes(1, 0)
    if export.columns:
        sheet.autofilter(0, 0, max(1, len(export.rows)), len(export.columns) - 1)


def _table_sheet(sheet, columns, rows, header) -> None:
    widths = [len(name) + 2 for name in columns]
    for col, name in enumerate(columns):
        sheet.write_string(0, col, name, header)
    for row_number, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                sheet.write_number(row_number, col, value)
            elif value not in (None, ""):
                sheet.write_string(row_number, col, str(value))
            widths[col] = max(widths[col], min(_MAX_WIDTH, len(str(value or "")) + 2))
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    sheet.freeze_panes(1, 0)


def _codebook_rows(book: dict) -> list[tuple]:
    rows = []
    for column in book["columns"]:
        allowed = column.get("allowed_values")
        labels = {value: text.get("en", "") for value, text in column.get("value_labels", {}).items()}
        rows.append(
            (
                column["name"],
                column["label"].get("uk", ""),
                column["label"].get("en", ""),
                column["type"],
                _text(allowed),
                _text(labels),
                column["meaning"].get("en", ""),
            )
        )
    return rows


def _metadata_rows(metadata: dict, exported_at: str) -> list[tuple]:
    rows = [("exported_at", exported_at)]
    for name, value in metadata.items():
        if name == "banks":
            rows.append(("bank_versions", ", ".join(f"{b['bank_id']}/{b['version']}" for b in value)))
            rows += [(f"bank_sha256 {b['bank_id']}/{b['version']}", b["sha256"]) for b in value]
        elif isinstance(value, (dict, list)):
            rows.append((name, _text(value)))
        else:
            rows.append((name, value))
    return rows


def _text(value) -> str:
    if value is None or value == "" or value == {} or value == []:
        return ""
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return ", ".join(item or '""' for item in value)
    return json.dumps(value, ensure_ascii=False)
