"""Reading a filled-in bank spreadsheet: an .xlsx workbook, or the same sheets saved as CSV files.

Both become plain rows of cell values, so the importer never sees openpyxl or csv. openpyxl is
imported only when an .xlsx is read: it is an authoring tool, not part of the Lambda package.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from service.authoring.layout import DEMOGRAPHICS, QUESTIONS, REACTION, SETTINGS

SHEETS = (SETTINGS, QUESTIONS, DEMOGRAPHICS, REACTION)
OPENPYXL_MISSING = "reading .xlsx needs openpyxl: .venv/bin/pip install -r requirements-authoring.txt"


class SpreadsheetError(Exception):
    """The file(s) could not be imported; `problems` says every reason, each with its place."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class Sheet:
    name: str
    rows: tuple[tuple[Any, ...], ...]  # row 1 first, as in the spreadsheet


def read_workbook(paths: list[Path]) -> dict[str, Sheet]:
    """The bank's sheets by name from one .xlsx, or from CSV files (or a folder of them)."""
    if len(paths) == 1 and paths[0].suffix.lower() in (".xlsx", ".xlsm"):
        return read_xlsx(paths[0])
    files = [p for path in paths for p in (sorted(path.glob("*.csv")) if path.is_dir() else [path])]
    return read_csv_files(files)


def read_xlsx(path: Path) -> dict[str, Sheet]:
    try:
        import openpyxl
    except ImportError:
        raise SpreadsheetError([OPENPYXL_MISSING]) from None
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (OSError, ValueError, KeyError) as error:
        raise SpreadsheetError([f"{path.name}: cannot be read as an .xlsx workbook ({error})"]) from None
    try:
        sheets = {}
        for worksheet in workbook.worksheets:
            name = _sheet_name(worksheet.title)
            if name:
                sheets[name] = Sheet(name, tuple(tuple(row) for row in worksheet.iter_rows(values_only=True)))
        return sheets
    finally:
        workbook.close()


def read_csv_files(files: list[Path]) -> dict[str, Sheet]:
    """CSV files named after their sheet ("bank - Questions.csv", "Settings.csv"), as spreadsheet
    programs save one sheet at a time. UTF-8 (with or without BOM) or Windows-1251; , ; or tab."""
    sheets, problems = {}, []
    for path in files:
        name = _sheet_name(path.stem.replace("_", " ").replace(".", " ").split(" ")[-1]) or _sheet_name(path.stem)
        if name is None:
            problems.append(f"{path.name}: the file name must end with the sheet's name ({', '.join(SHEETS)})")
            continue
        try:
            raw = path.read_bytes()
        except OSError as error:
            problems.append(f"{path.name}: cannot be read ({error.strerror})")
            continue
        sheets[name] = Sheet(name, tuple(tuple(row) for row in csv.reader(io.StringIO(_decode(raw)), _dialect(raw))))
    if problems:
        raise SpreadsheetError(problems)
    return sheets


def _sheet_name(title: str) -> str | None:
    wanted = title.strip().casefold()
    return next((name for name in SHEETS if name.casefold() == wanted), None)


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1251")  # Excel's "CSV" on Ukrainian Windows


def _dialect(raw: bytes) -> type[csv.Dialect]:
    sample = _decode(raw)[:4096]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        return csv.excel
