"""Spreadsheets filled in the way a trainer fills the template: open it, replace the example rows,
save. Used by the authoring tests (openpyxl is a dev/authoring dependency, never the Lambda's)."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from service.authoring.template import write_template

TOPICS_HEADER_ROW = 14  # Settings: 12 setting rows for two languages, a blank row, then the topics table

QUESTIONS_V1 = [
    # id, topic, type, points, prompt uk, prompt en, option, text uk, text en, correct, explanation uk, en
    [
        "q-secret",
        "grooming",
        "single",
        None,
        "Дорослий просить дитину зберігати секрет. Це…",
        "An adult asks a child to keep a secret. This is…",
        "a",
        "нормально",
        "normal",
        "no",
        "Прохання про секретність — тривожна ознака.",
        "A request for secrecy is a warning sign.",
    ],
    [None, None, None, None, None, None, "b", "тривожна ознака", "a warning sign", "yes", None, None],
    [None, None, None, None, None, None, "c", "жарт", "a joke", "no", None, None],
    [
        "q-signs",
        "grooming",
        "multiple",
        None,
        "Які з цих дій — ознаки грумінгу?",
        "Which of these are signs of grooming?",
        "a",
        "подарунки",
        "gifts",
        "так",
        None,
        None,
    ],
    [None, None, None, None, None, None, "b", "ізоляція від батьків", "isolating from parents", "так", None, None],
    [None, None, None, None, None, None, "c", "спільні уроки", "shared lessons", "ні", None, None],
    [
        "q-report",
        "reporting",
        "single",
        2,
        "Куди повідомити про сексуальне вимагання?",
        "Where to report sextortion?",
        "a",
        "нікуди",
        "nowhere",
        "no",
        "До поліції: 102.",
        "To the police: 102.",
    ],
    [None, None, None, None, None, None, "b", "до поліції", "to the police", "yes", None, None],
]


def write_filled_workbook(
    path: Path, *, version: str = "1", questions: list[list] | None = None, reaction: list[list] | None = None
) -> Path:
    """The template, filled in: settings, two topics, the given question rows, the example demographics
    and, unless other rows are given, the example reaction items (a statement and a choice list)."""
    write_template(path)
    book = openpyxl.load_workbook(path)
    settings = book["Settings"]
    settings["B1"] = "child-safety-basics"
    settings["B2"] = int(version) if version.isdigit() else version  # a spreadsheet keeps 2 as a number
    settings["B4"] = "Безпека дітей: основи"
    settings["B5"] = "Child safety: basics"
    settings.delete_rows(TOPICS_HEADER_ROW + 1, settings.max_row)
    settings.append(["grooming", "Грумінг", "Grooming"])
    settings.append(["reporting", "Куди повідомляти", "Reporting"])
    sheet = book["Questions"]
    sheet.delete_rows(2, sheet.max_row)
    for row in QUESTIONS_V1 if questions is None else questions:
        sheet.append(row)
    if reaction is not None:
        book["Reaction"].delete_rows(2, book["Reaction"].max_row)
        for row in reaction:
            book["Reaction"].append(row)
    book.save(path)
    return path
