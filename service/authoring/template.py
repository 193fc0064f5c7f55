"""The spreadsheet template a trainer fills in: Settings (with topics), Questions, Demographics,
Reaction and Notes, with a filled example, drop-down lists where a value is one of a few, and notes in
Ukrainian and English. Only the command line calls this; openpyxl is imported here, lazily.
"""

from __future__ import annotations

from pathlib import Path

from service.authoring.layout import (
    DEMOGRAPHIC_COLUMNS,
    DEMOGRAPHICS,
    NOTES,
    QUESTION_COLUMNS,
    QUESTIONS,
    REACTION,
    REACTION_COLUMNS,
    SETTING_ROWS,
    SETTINGS,
    TOPIC_COLUMNS,
    Column,
    headers,
)
from service.authoring.sheets import OPENPYXL_MISSING, SpreadsheetError

LAST_ROW = 2000  # drop-down lists reach this far down
EXAMPLE = {
    "title": {"uk": "Безпека дітей в інтернеті: тест", "en": "Child online safety: test"},
    "description": {"uk": "Перевірка знань до і після навчання.", "en": "A knowledge check before and after training."},
    "review_note": {"uk": "Має перевірити фахівець.", "en": "To be reviewed by an expert."},
    "topic": {"uk": "Грумінг", "en": "Grooming"},
    "prompt": {"uk": "Що з наведеного може бути ознакою грумінгу?", "en": "Which of these can be a sign of grooming?"},
    "options": (
        (
            {
                "uk": "Дорослий просить дитину тримати розмови в секреті",
                "en": "An adult asks a child to keep chats secret",
            },
            True,
        ),
        (
            {
                "uk": "Дорослий дарує дитині подарунки й гроші онлайн",
                "en": "An adult gives a child gifts and money online",
            },
            True,
        ),
        (
            {"uk": "Дитина грає в онлайн-ігри з однокласниками", "en": "A child plays online games with classmates"},
            False,
        ),
    ),
    "explanation": {
        "uk": "Секретність і подарунки — типові прийоми кривдника.",
        "en": "Secrecy and gifts are typical grooming tactics.",
    },
    "role": {"uk": "Ваша роль", "en": "Your role"},
    "roles": (("police", {"uk": "Поліція", "en": "Police"}), ("educator", {"uk": "Освіта", "en": "Education"})),
    "statement": {
        "uk": "Я зможу застосувати знання з цього навчання у своїй роботі.",
        "en": "I will be able to use what I learned in this training in my work.",
    },
    "most_useful": {"uk": "Що було найкориснішим?", "en": "What was most useful?"},
    "useful_options": (
        ("cases", {"uk": "Розбір випадків", "en": "Case studies"}),
        ("law", {"uk": "Правові норми", "en": "The law"}),
    ),
}


def write_template(path: Path, languages: tuple[str, ...] = ("uk", "en")) -> None:
    try:
        from openpyxl import Workbook
    except ImportError:
        raise SpreadsheetError([OPENPYXL_MISSING]) from None
    workbook = Workbook()
    settings = workbook.active
    settings.title = SETTINGS
    topics_header_row = _settings(settings, languages)
    _questions(workbook.create_sheet(QUESTIONS), languages, topics_header_row)
    _demographics(workbook.create_sheet(DEMOGRAPHICS), languages)
    _reaction(workbook.create_sheet(REACTION), languages)
    _notes(workbook.create_sheet(NOTES), languages)
    workbook.save(path)


def _texts(key: str, languages: tuple[str, ...], source: dict | None = None) -> list[str]:
    texts = source if source is not None else EXAMPLE[key]
    return [texts.get(language, "") for language in languages]


def _settings(sheet, languages: tuple[str, ...]) -> int:
    values = {
        "id": "child-online-safety",
        "version": "1",
        "languages": ", ".join(languages),
        "scoring": "partial",
        "pass_percent": 70,
        "confidence": "no",
    }
    for column in SETTING_ROWS:
        if column.per_language:
            for language, value in zip(languages, _texts(column.key, languages), strict=True):
                sheet.append([column.header(language), value])
        else:
            sheet.append([column.header(), values[column.key]])
        if column.key == "scoring":
            _list_validation(sheet, '"partial,all_or_nothing"', f"B{sheet.max_row}")
        if column.key == "confidence":
            _list_validation(sheet, '"yes,no"', f"B{sheet.max_row}")
    sheet.append([])
    sheet.append(headers(TOPIC_COLUMNS, languages))
    header_row = sheet.max_row
    sheet.append(["grooming", *_texts("topic", languages)])
    _style(sheet, header_row, (TOPIC_COLUMNS[0], *[TOPIC_COLUMNS[1]] * len(languages)))
    for row in range(1, header_row):
        sheet.cell(row, 1).font = _bold()
    sheet.column_dimensions["A"].width = 48
    sheet.column_dimensions["B"].width = 48
    return header_row


def _questions(sheet, languages: tuple[str, ...], topics_header_row: int) -> None:
    header = headers(QUESTION_COLUMNS, languages)
    sheet.append(header)
    options = EXAMPLE["options"]
    for position, (option_text, correct) in enumerate(options):
        first = position == 0
        sheet.append(
            [
                "q-grooming-signs" if first else None,
                "grooming" if first else None,
                "multiple" if first else None,
                1 if first else None,
                *(_texts("prompt", languages) if first else [None] * len(languages)),
                "abc"[position],
                *_texts("", languages, option_text),
                "yes" if correct else "no",
                *(_texts("explanation", languages) if first else [None] * len(languages)),
            ]
        )
    columns = [c for c in QUESTION_COLUMNS for _ in (languages if c.per_language else (None,))]
    letter = {c.key: _column_letter(columns.index(c) + 1) for c in QUESTION_COLUMNS}
    _list_validation(sheet, '"single,multiple"', f"{letter['type']}2:{letter['type']}{LAST_ROW}")
    _list_validation(sheet, '"yes,no"', f"{letter['correct']}2:{letter['correct']}{LAST_ROW}")
    topics = f"={SETTINGS}!$A${topics_header_row + 1}:$A${topics_header_row + 200}"
    _list_validation(sheet, topics, f"{letter['topic']}2:{letter['topic']}{LAST_ROW}")
    _style(sheet, 1, columns)


def _demographics(sheet, languages: tuple[str, ...]) -> None:
    sheet.append(headers(DEMOGRAPHIC_COLUMNS, languages))
    for position, (option_id, option_text) in enumerate(EXAMPLE["roles"]):
        first = position == 0
        sheet.append(
            [
                "role" if first else None,
                *(_texts("role", languages) if first else [None] * len(languages)),
                option_id,
                *_texts("", languages, option_text),
            ]
        )
    _style(sheet, 1, [c for c in DEMOGRAPHIC_COLUMNS for _ in (languages if c.per_language else (None,))])


def _reaction(sheet, languages: tuple[str, ...]) -> None:
    sheet.append(headers(REACTION_COLUMNS, languages))
    none = [None] * len(languages)
    sheet.append(["r-apply", "likert", *_texts("statement", languages), None, *none])
    for position, (option_id, option_text) in enumerate(EXAMPLE["useful_options"]):
        first = position == 0
        sheet.append(
            [
                "r-most-useful" if first else None,
                "choice" if first else None,
                *(_texts("most_useful", languages) if first else none),
                option_id,
                *_texts("", languages, option_text),
            ]
        )
    _list_validation(sheet, '"likert,choice"', f"B2:B{LAST_ROW}")
    _style(sheet, 1, [c for c in REACTION_COLUMNS for _ in (languages if c.per_language else (None,))])


def _notes(sheet, languages: tuple[str, ...]) -> None:
    sheet.append(["Sheet / Аркуш", "Column / Стовпець", "English", "Українською"])
    sheet.append(
        [
            "",
            "",
            "Fill in Settings, Questions and (optionally) Demographics and Reaction, replacing the example rows "
            "(delete the example rows of a sheet you do not need). Then run: "
            "python -m service banks import <file>.xlsx. Every problem is listed with its cell; nothing is "
            "written until there are none. Do not rename sheets or headers.",
            "Заповніть аркуші Settings, Questions і (за потреби) Demographics та Reaction замість рядків-прикладів "
            "(видаліть приклади з аркуша, який не потрібен). Потім: "
            "python -m service banks import <файл>.xlsx. Кожну проблему буде названо з клітинкою; нічого не "
            "записується, доки вони є. Не перейменовуйте аркуші й заголовки.",
        ]
    )
    for name, columns in ((SETTINGS, SETTING_ROWS + TOPIC_COLUMNS), (QUESTIONS, QUESTION_COLUMNS)):
        for column in columns:
            sheet.append([name, column.header("…" if column.per_language else None), column.note_en, column.note_uk])
    for name, columns in ((DEMOGRAPHICS, DEMOGRAPHIC_COLUMNS), (REACTION, REACTION_COLUMNS)):
        for column in columns:
            sheet.append([name, column.header("…" if column.per_language else None), column.note_en, column.note_uk])
    _style(sheet, 1, [Column("", "", "", width=w) for w in (16, 40, 70, 70)])
    from openpyxl.styles import Alignment

    for row in sheet.iter_rows(min_row=2):
        for item in row:
            item.alignment = Alignment(wrap_text=True, vertical="top")


def _style(sheet, header_row: int, columns) -> None:
    from openpyxl.styles import Alignment, PatternFill

    fill = PatternFill("solid", fgColor="DDEBF7")
    for index, column in enumerate(columns, 1):
        item = sheet.cell(header_row, index)
        item.font, item.fill = _bold(), fill
        item.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[_column_letter(index)].width = column.width
    if header_row == 1:
        sheet.freeze_panes = "B2"


def _list_validation(sheet, formula: str, cells: str) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    validation = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True)
    validation.add(cells)
    sheet.add_data_validation(validation)


def _bold():
    from openpyxl.styles import Font

    return Font(bold=True)


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)
