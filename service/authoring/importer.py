"""From a filled-in spreadsheet to bank data in the SPEC.md format, with every problem named by its
cell ("Questions!H14: no Ukrainian text for option c"), all at once.

The friendly checks here cover what people get wrong in a spreadsheet; whatever they miss, the
bank rules of `service.domain.banks` still catch, and those problems are mapped back to the cell
the value came from.

Over 400 lines on purpose: one pass over one workbook, each sheet's checks next to the cell
mapping they report through; the layout of the sheets is apart (layout.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from service.authoring.layout import (
    DEMOGRAPHIC_COLUMNS,
    DEMOGRAPHICS,
    NO,
    QUESTION_COLUMNS,
    QUESTIONS,
    REACTION,
    REACTION_COLUMNS,
    REACTION_TYPES,
    SCORING_NAMES,
    SETTING_ROWS,
    SETTINGS,
    TOPIC_COLUMNS,
    YES,
    Column,
    language_name,
    match_header,
)
from service.authoring.sheets import Sheet, SpreadsheetError
from service.domain.banks import bank_problems
from service.domain.models import ID_PATTERN, LANGUAGE_PATTERN, VERSION_PATTERN

Row = tuple[Any, ...]
_QUESTION_LEVEL = ("topic", "type", "points", "prompt", "explanation")


def bank_from_sheets(sheets: dict[str, Sheet]) -> dict:
    """The bank data the sheets describe; raises SpreadsheetError listing every problem."""
    return bank_and_cells_from_sheets(sheets)[0]


def bank_and_cells_from_sheets(sheets: dict[str, Sheet]) -> tuple[dict, Callable[[tuple], str]]:
    """The bank data and a function from a path in it to the cell it came from (`Questions!H4`)."""
    reader = _Reader(sheets)
    data = reader.read()
    if not reader.problems:
        for segments, message in bank_problems(data):
            reader.problem(reader.location(segments), message)
    if reader.problems:
        raise SpreadsheetError(reader.problems)
    return data, reader.location


def cell(sheet: str, column: int, row: int) -> str:
    """`Questions!H14` for column index 7 (from 0) of row 14."""
    letters, number = "", column + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{sheet}!{letters}{row}"


def text(value: Any) -> str:
    """A cell as text: numbers without a spurious ".0", surrounding spaces removed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split()) if isinstance(value, str) else str(value)


class _Table:
    """A header row and the rows below it, with each known column's index."""

    def __init__(self, reader: _Reader, sheet: str, rows: list[tuple[int, Row]], columns: tuple[Column, ...]):
        self.reader, self.sheet, self.columns = reader, sheet, columns
        self.header_row, header = rows[0] if rows else (1, ())
        self.rows = rows[1:]
        self.index: dict[tuple[str, str | None], int] = {}
        for i, value in enumerate(header):
            label = text(value)
            if not label:
                continue
            found = match_header(label, columns)
            where = cell(sheet, i, self.header_row)
            if found is None:
                reader.problem(where, f"unknown column '{label}'")
            elif found[0].per_language and found[1] is None:
                reader.problem(where, f"say the column's language in brackets, e.g. '{found[0].header('uk')}'")
            elif found[0].per_language and found[1] not in reader.languages:
                listed = ", ".join(reader.languages)
                reader.problem(where, f"'{found[1]}' is not one of the bank's languages ({listed})")
            else:
                self.index[(found[0].key, found[1])] = i

    def require(self, *keys: str) -> None:
        for column in self.columns:
            if column.key not in keys:
                continue
            for language in self.reader.languages if column.per_language else (None,):
                if (column.key, language) not in self.index:
                    self.reader.problem(self.sheet, f"no column '{column.header(language)}'")

    def value(self, row: Row, key: str, language: str | None = None) -> Any:
        i = self.index.get((key, language))
        return row[i] if i is not None and i < len(row) else None

    def ref(self, row_number: int, key: str, language: str | None = None) -> str:
        i = self.index.get((key, language))
        return cell(self.sheet, i, row_number) if i is not None else f"{self.sheet}!{row_number}"

    def groups(self, what: str) -> Iterator[tuple[str, list[tuple[int, Row]]]]:
        """Rows grouped by the id in their first column: a row without an id continues the group above."""
        current: tuple[str, list[tuple[int, Row]]] | None = None
        first_at: dict[str, int] = {}
        for number, row in self.rows:
            if not any(text(value) for value in row):
                continue
            item_id = text(self.value(row, "question_id") or "")
            if not item_id or (current and item_id == current[0]):
                if current is None:
                    self.reader.problem(
                        self.ref(number, "question_id"),
                        f"no {what} id (start each {what} with its id; the rows below it are its options)",
                    )
                    continue
                current[1].append((number, row))
                continue
            if current:
                yield current
            self.reader.check_id(self.ref(number, "question_id"), item_id)
            if item_id in first_at:
                where = self.ref(number, "question_id")
                self.reader.problem(where, f"{what} id '{item_id}' is used again (first at row {first_at[item_id]})")
            first_at.setdefault(item_id, number)
            current = (item_id, [(number, row)])
        if current:
            yield current


class _Reader:
    def __init__(self, sheets: dict[str, Sheet]):
        self.sheets = sheets
        self.problems: list[str] = []
        self.locations: dict[tuple[Any, ...], str] = {}
        self.languages: tuple[str, ...] = ()

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def location(self, segments: tuple[Any, ...]) -> str:
        """The cell a bank path came from: the longest recorded prefix of it."""
        for end in range(len(segments), 0, -1):
            if segments[:end] in self.locations:
                return self.locations[segments[:end]]
        return SETTINGS

    def at(self, ref: str, *segments: Any) -> None:
        self.locations[segments] = ref

    def check_id(self, ref: str, value: str, pattern: str = ID_PATTERN) -> bool:
        if re.match(pattern, value):
            return True
        self.problem(ref, f"'{value}' is not a valid id: use Latin letters, digits, '-' or '_'")
        return False

    def read(self) -> dict:
        for name in (SETTINGS, QUESTIONS):
            if name not in self.sheets:
                self.problem(name, "no such sheet in the file")
        if self.problems:
            return {}
        data, topic_rows = self.settings(self.sheets[SETTINGS])
        data["topics"] = self.topics(topic_rows)
        if DEMOGRAPHICS in self.sheets:
            data["demographics"] = self.demographics(self.sheets[DEMOGRAPHICS])
        if REACTION in self.sheets:
            data["reaction"] = self.reaction(self.sheets[REACTION])
        data["questions"] = self.questions(self.sheets[QUESTIONS], [t["id"] for t in data["topics"]])
        used = {q.get("topic") for q in data["questions"]}
        for i, topic in enumerate(data["topics"]):
            if topic["id"] not in used:
                self.problem(self.locations[("topics", i)], f"no question uses topic {topic['id']}")
        for optional in ("demographics", "reaction"):
            if not data.get(optional):
                data.pop(optional, None)
        return data

    # --- Settings and topics ---------------------------------------------------------------

    def settings(self, sheet: Sheet) -> tuple[dict, list[tuple[int, Row]]]:
        values: dict[str, tuple[Any, str]] = {}
        texts: dict[str, dict[str, tuple[Any, str]]] = {}
        rows = list(enumerate(sheet.rows, 1))
        topic_rows: list[tuple[int, Row]] = []
        for position, (number, row) in enumerate(rows):
            label = text(row[0]) if row else ""
            if not label:
                continue
            topic_header = match_header(label, TOPIC_COLUMNS)
            if topic_header and topic_header[0].key == "topic_id":
                topic_rows = rows[position:]
                break
            found = match_header(label, SETTING_ROWS)
            value = (row[1] if len(row) > 1 else None, cell(SETTINGS, 1, number))
            if found is None:
                self.problem(cell(SETTINGS, 0, number), f"unknown setting '{label}'")
            elif found[0].per_language and found[1] is None:
                self.problem(cell(SETTINGS, 0, number), f"say the language in brackets: '{found[0].header('uk')}'")
            elif found[0].per_language:
                texts.setdefault(found[0].key, {})[found[1]] = value
            else:
                values[found[0].key] = value
        data = {
            "id": self.setting(values, "id", "no bank id", ID_PATTERN),
            "version": self.setting(values, "version", "no version", VERSION_PATTERN),
        }
        self.languages = self.read_languages(values)
        data["languages"] = list(self.languages)
        for key, what, required in (("title", "title", True), ("description", "description", True)):
            data[key] = self.setting_texts(texts.get(key, {}), key, what, required)
        data["scoring"] = {"multiple": self.scoring(values)}
        pass_percent = self.pass_percent(values)
        if pass_percent is not None:
            data["pass_percent"] = pass_percent
        review_note = self.setting_texts(texts.get("review_note", {}), "review_note", "review note", False)
        if review_note:
            data["review_note"] = review_note
        if self.setting_yes_no(values, "confidence"):
            data["confidence"] = True
        if not topic_rows:
            header = TOPIC_COLUMNS[0].header()
            self.problem(SETTINGS, f"no topics table (a row whose first cell is '{header}', topics below it)")
        return data, topic_rows

    def setting(self, values: dict, key: str, missing: str, pattern: str) -> str:
        column = next(c for c in SETTING_ROWS if c.key == key)
        if key not in values:
            self.problem(SETTINGS, f"no row '{column.header()}'")
            return ""
        value, ref = values[key]
        self.at(ref, key)
        value = text(value)
        if not value:
            self.problem(ref, missing)
        elif not re.match(pattern, value):
            allowed = "Latin letters, digits, '-' or '_'" + (", '.'" if key == "version" else "")
            self.problem(ref, f"'{value}' is not a valid {column.en.lower()}: use {allowed}")
        return value

    def read_languages(self, values: dict) -> tuple[str, ...]:
        if "languages" not in values:
            self.problem(SETTINGS, f"no row '{SETTING_ROWS[2].header()}'")
            return ()
        raw, ref = values["languages"]
        self.at(ref, "languages")
        codes = [code.lower() for code in re.split(r"[\s,;]+", text(raw)) if code]
        if not codes:
            self.problem(ref, "no languages (e.g. uk, en)")
        for code in codes:
            if not re.match(LANGUAGE_PATTERN, code):
                self.problem(ref, f"'{code}' is not a language code such as uk or en")
        return tuple(dict.fromkeys(codes))

    def setting_texts(self, given: dict, key: str, what: str, required: bool) -> dict[str, str]:
        column = next(c for c in SETTING_ROWS if c.key == key)
        result = {}
        for language, (_value, ref) in given.items():
            if language not in self.languages:
                self.problem(ref, f"'{language}' is not one of the bank's languages ({', '.join(self.languages)})")
        filled = {lang: text(value) for lang, (value, _ref) in given.items() if text(value)}
        if not required and not filled:
            return {}
        for language in self.languages:
            if language not in given:
                self.problem(SETTINGS, f"no row '{column.header(language)}'")
            elif not filled.get(language):
                self.problem(given[language][1], f"no {language_name(language)} {what}")
            else:
                result[language] = filled[language]
                self.at(given[language][1], key, language)
        return result

    def scoring(self, values: dict) -> str:
        if "scoring" not in values:
            self.problem(SETTINGS, f"no row '{SETTING_ROWS[5].header()}'")
            return ""
        raw, ref = values["scoring"]
        self.at(ref, "scoring")
        scoring = SCORING_NAMES.get(text(raw).casefold())
        if scoring is None:
            self.problem(ref, f"'{text(raw)}' is not partial or all_or_nothing")
        return scoring or ""

    def setting_yes_no(self, values: dict, key: str) -> bool:
        raw, ref = values.get(key, (None, ""))
        answer = text(raw).casefold()
        if answer in YES:
            self.at(ref, key)
            return True
        if answer not in NO:
            self.problem(ref, f"'{text(raw)}' is not yes or no")
        return False

    def pass_percent(self, values: dict) -> float | int | None:
        raw, ref = values.get("pass_percent", (None, ""))
        if not text(raw):
            return None
        self.at(ref, "pass_percent")
        number = _number(raw)
        if number is None or not 0 <= number <= 100:
            self.problem(ref, f"pass percent '{text(raw)}' is not a number from 0 to 100")
            return None
        return number

    def topics(self, rows: list[tuple[int, Row]]) -> list[dict]:
        if not rows:
            return []
        table = _Table(self, SETTINGS, rows, TOPIC_COLUMNS)
        table.require("topic_id", "label")
        topics, first_at = [], {}
        for number, row in table.rows:
            topic_id = text(table.value(row, "topic_id"))
            if not any(text(value) for value in row):
                continue
            ref = table.ref(number, "topic_id")
            if not topic_id:
                self.problem(ref, "no topic id")
                continue
            self.check_id(ref, topic_id)
            if topic_id in first_at:
                self.problem(ref, f"topic id '{topic_id}' is used again (first at row {first_at[topic_id]})")
            first_at.setdefault(topic_id, number)
            self.at(ref, "topics", len(topics))
            label = self.row_texts(table, number, row, "label", f"name for topic {topic_id}", ("topics", len(topics)))
            topics.append({"id": topic_id, "label": label})
        if not topics:
            self.problem(SETTINGS, "no topics below the 'Topic id' header")
        return topics

    # --- Questions and demographics --------------------------------------------------------

    def questions(self, sheet: Sheet, topic_ids: list[str]) -> list[dict]:
        table = _Table(self, QUESTIONS, list(enumerate(sheet.rows, 1)), QUESTION_COLUMNS)
        table.require("question_id", "topic", "type", "prompt", "option_text", "correct")
        questions = []
        for question_id, rows in table.groups("question"):
            at = ("questions", len(questions))
            questions.append(self.question(table, question_id, rows, topic_ids, at))
        if not questions and not self.problems:
            self.problem(QUESTIONS, "no questions")
        return questions

    def question(self, table: _Table, question_id: str, rows: list, topic_ids: list[str], at: tuple) -> dict:
        first, row = rows[0]
        self.at(table.ref(first, "question_id"), *at)
        self.same_on_continuation_rows(table, question_id, rows)
        question: dict[str, Any] = {"id": question_id}
        topic = text(table.value(row, "topic"))
        ref = table.ref(first, "topic")
        self.at(ref, *at, "topic")
        if not topic:
            self.problem(ref, f"no topic for question {question_id}")
        elif topic not in topic_ids:
            self.problem(ref, f"unknown topic '{topic}' (topics on {SETTINGS}: {', '.join(topic_ids)})")
        question["topic"] = topic
        kind = text(table.value(row, "type")).casefold()
        ref = table.ref(first, "type")
        self.at(ref, *at, "type")
        if not kind:
            self.problem(ref, f"no type for question {question_id} (single or multiple)")
        elif kind not in ("single", "multiple"):
            self.problem(ref, f"type '{text(table.value(row, 'type'))}' is not single or multiple")
        question["type"] = kind
        points = table.value(row, "points")
        if text(points):
            number = _number(points)
            self.at(table.ref(first, "points"), *at, "points")
            if number is None or number <= 0:
                self.problem(table.ref(first, "points"), f"points '{text(points)}' is not a number greater than 0")
            elif number != 1:
                question["points"] = number
        question["prompt"] = self.row_texts(table, first, row, "prompt", f"text for question {question_id}", at)
        question["options"] = self.options(table, question_id, rows, at, kind)
        explanation = {lang: text(table.value(row, "explanation", lang)) for lang in self.languages}
        if any(explanation.values()):
            question["explanation"] = self.row_texts(
                table, first, row, "explanation", f"explanation for question {question_id}", at, hint=True
            )
        return question

    def options(self, table: _Table, question_id: str, rows: list, at: tuple, kind: str) -> list[dict]:
        options, correct, first_at = [], [], {}
        for position, (number, row) in enumerate(rows):
            option_id = text(table.value(row, "option")) or _letter(position)
            ref = table.ref(number, "option")
            where = (*at, "options", len(options))
            self.at(ref, *where)
            self.check_id(ref, option_id)
            if option_id in first_at:
                self.problem(ref, f"option '{option_id}' is used twice in question {question_id}")
            first_at.setdefault(option_id, number)
            option_text = self.row_texts(table, number, row, "option_text", f"text for option {option_id}", where)
            is_correct = self.yes_no(table, number, row)
            if is_correct:
                correct.append(option_id)
            options.append({"id": option_id, "text": option_text, "correct": is_correct})
        first = rows[0][0]
        if len(options) < 2:
            self.problem(table.ref(first, "question_id"), f"question {question_id} has 1 option; it needs at least 2")
        if not correct:
            self.problem(table.ref(first, "correct"), f"no option of question {question_id} is marked correct")
        elif kind == "single" and len(correct) > 1:
            listed = ", ".join(correct)
            self.problem(
                table.ref(first, "type"), f"question {question_id} is single choice but options {listed} are correct"
            )
        return options

    def yes_no(self, table: _Table, number: int, row: Row) -> bool:
        value = table.value(row, "correct")
        if isinstance(value, bool):
            return value
        said = text(value).casefold()
        if said in YES:
            return True
        if said not in NO:
            self.problem(table.ref(number, "correct"), f"'{text(value)}' is not yes or no")
        return False

    def same_on_continuation_rows(self, table: _Table, item_id: str, rows: list) -> None:
        """Question columns belong on the first row; a different value further down is a mistake."""
        first, first_row = rows[0]
        for number, row in rows[1:]:
            for key, language in table.index:
                if key not in _QUESTION_LEVEL:
                    continue
                value = text(table.value(row, key, language))
                if value and value != text(table.value(first_row, key, language)):
                    self.problem(
                        table.ref(number, key, language),
                        f"differs from row {first}, the first row of {item_id} (fill it only there)",
                    )

    def row_texts(self, table: _Table, number: int, row: Row, key: str, what: str, at: tuple, hint=False) -> dict:
        texts = {}
        for language in self.languages:
            value = text(table.value(row, key, language))
            ref = table.ref(number, key, language)
            self.at(ref, *at, _bank_key(key), language)
            if value:
                texts[language] = value
            elif (key, language) in table.index:
                suffix = " (give it in every language or in none)" if hint else ""
                self.problem(ref, f"no {language_name(language)} {what}{suffix}")
        return texts

    def demographics(self, sheet: Sheet) -> list[dict]:
        rows = list(enumerate(sheet.rows, 1))
        table = _Table(self, DEMOGRAPHICS, rows, DEMOGRAPHIC_COLUMNS)
        if not table.rows:
            return []
        table.require("question_id", "prompt", "option", "option_text")
        demographics = []
        for item_id, group in table.groups("question"):
            first, row = group[0]
            at = ("demographics", len(demographics))
            self.at(table.ref(first, "question_id"), *at)
            self.same_on_continuation_rows(table, item_id, group)
            prompt = self.row_texts(table, first, row, "prompt", f"text for question {item_id}", at)
            options, first_at = [], {}
            for number, option_row in group:
                option_id = text(table.value(option_row, "option"))
                ref = table.ref(number, "option")
                where = (*at, "options", len(options))
                self.at(ref, *where)
                if not option_id:
                    self.problem(ref, "no option id (answers about people are exported by id, e.g. police)")
                    continue
                self.check_id(ref, option_id)
                if option_id in first_at:
                    self.problem(ref, f"option '{option_id}' is used twice in question {item_id}")
                first_at.setdefault(option_id, number)
                option_text = self.row_texts(
                    table, number, option_row, "option_text", f"text for option {option_id}", where
                )
                options.append({"id": option_id, "text": option_text})
            if len(group) < 2:
                self.problem(table.ref(first, "question_id"), f"question {item_id} has 1 option; it needs at least 2")
            demographics.append({"id": item_id, "prompt": prompt, "options": options})
        return demographics

    def reaction(self, sheet: Sheet) -> list[dict]:
        table = _Table(self, REACTION, list(enumerate(sheet.rows, 1)), REACTION_COLUMNS)
        if not table.rows:
            return []
        table.require("question_id", "type", "prompt")
        items = []
        for item_id, group in table.groups("item"):
            first, row = group[0]
            at = ("reaction", len(items))
            self.at(table.ref(first, "question_id"), *at)
            kind_ref = table.ref(first, "type")
            self.at(kind_ref, *at, "type")
            kind = REACTION_TYPES.get(text(table.value(row, "type")).casefold())
            if kind is None:
                self.problem(kind_ref, f"'{text(table.value(row, 'type'))}' is not likert or choice")
            prompt = self.row_texts(table, first, row, "prompt", f"text for item {item_id}", at)
            item = {"id": item_id, "type": kind or "likert", "prompt": prompt}
            options = self.reaction_options(table, item_id, group, at) if kind == "choice" else []
            if kind == "likert" and (len(group) > 1 or text(table.value(row, "option"))):
                self.problem(kind_ref, f"item {item_id} is a statement rated 1–5: give options only to a choice item")
            if options:
                item["options"] = options
            items.append(item)
        return items

    def reaction_options(self, table: _Table, item_id: str, group: list[tuple[int, Row]], at: tuple) -> list[dict]:
        options, first_at = [], {}
        for number, option_row in group:
            option_id = text(table.value(option_row, "option"))
            ref = table.ref(number, "option")
            where = (*at, "options", len(options))
            self.at(ref, *where)
            if not option_id:
                self.problem(ref, "no option id (a choice is exported by its id, e.g. cases)")
                continue
            self.check_id(ref, option_id)
            if option_id in first_at:
                self.problem(ref, f"option '{option_id}' is used twice in item {item_id}")
            first_at.setdefault(option_id, number)
            what = f"text for option {option_id}"
            option_text = self.row_texts(table, number, option_row, "option_text", what, where)
            options.append({"id": option_id, "text": option_text})
        return options


def _bank_key(key: str) -> str:
    return {"option_text": "text"}.get(key, key)


def _letter(position: int) -> str:
    return chr(ord("a") + position) if position < 26 else f"o{position + 1}"


def _number(value: Any) -> float | int | None:
    """A number from a cell; a decimal comma (2,5) is accepted, as Ukrainian spreadsheets write it."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        try:
            number = float(text(value).replace(",", "."))
        except ValueError:
            return None
    return int(number) if number.is_integer() else number
