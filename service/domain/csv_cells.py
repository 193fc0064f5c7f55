"""One guard for every CSV cell the service writes (exports, their zip, evaluator reports).

A spreadsheet opening a CSV runs a cell that starts with `=`, `+`, `-` or `@` as a formula (DDE,
HYPERLINK, a call out to the network), and a leading tab, CR or LF lets the character after it do
the same (OWASP, "CSV Injection"); spreadsheets in East Asian locales read the full-width forms as
their ASCII selves. Such a text cell gets an apostrophe in front, which spreadsheets show as text
and hide. Numbers are written as numbers: a negative score is not a formula. Column headers need no
guard: they are fixed names and bank ids, which start with a letter or digit (domain/models.py).
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def spreadsheet_cell(value) -> str:
    """`value` as a CSV cell: empty for None, numbers as they are, text that a spreadsheet would run
    as a formula after an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)  # full precision
    text = str(value)
    return "'" + text if isinstance(value, str) and text.startswith(FORMULA_STARTS) else text
