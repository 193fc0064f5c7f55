"""The spreadsheet layout a bank is authored in: sheet names, columns and the notes that explain
them. Shared by the template writer and the importer, so the two cannot drift apart.

Headers are bilingual ("Question / Питання (uk)"); the importer recognises a column by either
part, and a "(xx)" suffix says which language a text column holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SETTINGS, QUESTIONS, DEMOGRAPHICS, REACTION, NOTES = "Settings", "Questions", "Demographics", "Reaction", "Notes"
LANGUAGE_NAMES = {"uk": "Ukrainian", "en": "English", "pl": "Polish", "ru": "Russian", "de": "German"}
YES = frozenset({"yes", "y", "true", "1", "x", "+", "так", "т", "да"})
NO = frozenset({"no", "n", "false", "0", "-", "ні", "н", "нет", ""})
REACTION_TYPES = {
    "likert": "likert",
    "statement": "likert",
    "твердження": "likert",
    "choice": "choice",
    "вибір": "choice",
}
SCORING_NAMES = {
    "partial": "partial",
    "all_or_nothing": "all_or_nothing",
    "all or nothing": "all_or_nothing",
    "частково": "partial",
    "все або нічого": "all_or_nothing",
}


@dataclass(frozen=True)
class Column:
    key: str
    en: str
    uk: str
    per_language: bool = False
    width: int = 14
    note_en: str = ""
    note_uk: str = ""

    def header(self, language: str | None = None) -> str:
        text = f"{self.en} / {self.uk}"
        return f"{text} ({language})" if language else text


SETTING_ROWS = (
    Column(
        "id",
        "Bank id",
        "Ідентифікатор банку",
        note_en="Latin letters, digits, '-' or '_'; the folder name of the bank, e.g. online-child-safety.",
        note_uk="Латинські літери, цифри, '-' або '_'; назва папки банку, напр. online-child-safety.",
    ),
    Column(
        "version",
        "Version",
        "Версія",
        note_en="A new number for every change: a published version never changes.",
        note_uk="Нове число для кожної зміни: опублікована версія ніколи не змінюється.",
    ),
    Column(
        "languages",
        "Languages",
        "Мови",
        note_en="Language codes separated by commas, the default first: uk, en.",
        note_uk="Коди мов через кому, основна — перша: uk, en.",
    ),
    Column(
        "title",
        "Title",
        "Назва",
        per_language=True,
        note_en="The test's title, shown to participants.",
        note_uk="Назва тесту, яку бачать учасники.",
    ),
    Column(
        "description",
        "Description",
        "Опис",
        per_language=True,
        note_en="What the test covers, in a sentence or two.",
        note_uk="Про що тест, одним-двома реченнями.",
    ),
    Column(
        "scoring",
        "Scoring of multiple-answer questions",
        "Оцінювання питань з кількома відповідями",
        note_en="partial: (right − wrong picks) / number of right options; "
        "all_or_nothing: points only for exactly the right set.",
        note_uk="partial: (правильні − хибні вибори) / кількість правильних; "
        "all_or_nothing: бали лише за точно правильний набір.",
    ),
    Column(
        "pass_percent",
        "Pass percent",
        "Прохідний відсоток",
        note_en="Optional, 0–100.",
        note_uk="Необов'язково, 0–100.",
    ),
    Column(
        "review_note",
        "Review note",
        "Примітка щодо перевірки",
        per_language=True,
        note_en="Optional: shown to trainers, e.g. that experts must review the content.",
        note_uk="Необов'язково: бачать тренери, напр. що зміст має перевірити фахівець.",
    ),
    Column(
        "confidence",
        "Ask sure / not sure",
        "Питати впевненість",
        note_en="Optional, yes or no (default no): beside each answer the participant may mark "
        '"sure" or "not sure"; reports then separate confident wrong answers from guesses.',
        note_uk="Необов'язково, так або ні (типово ні): біля кожної відповіді учасник може позначити "
        "«впевнений» чи «не впевнений»; звіти відрізняють впевнені помилки від здогадок.",
    ),
)

TOPIC_COLUMNS = (
    Column(
        "topic_id",
        "Topic id",
        "Ідентифікатор теми",
        width=22,
        note_en="Short id used in the Topic column of Questions.",
        note_uk="Короткий ідентифікатор для стовпця «Тема» на аркуші Questions.",
    ),
    Column(
        "label",
        "Topic",
        "Тема",
        per_language=True,
        width=40,
        note_en="The topic's name, shown in reports.",
        note_uk="Назва теми, яку видно у звітах.",
    ),
)

QUESTION_COLUMNS = (
    Column(
        "question_id",
        "Question id",
        "Ідентифікатор питання",
        width=22,
        note_en="Stable id: the same id in two versions is the same item. Fill it on the first row of each "
        "question; the rows below without an id are its further options.",
        note_uk="Сталий ідентифікатор: однаковий в різних версіях — те саме питання. Заповніть у першому "
        "рядку питання; рядки нижче без ідентифікатора — його наступні варіанти.",
    ),
    Column(
        "topic",
        "Topic id",
        "Тема",
        width=16,
        note_en="One of the topic ids on Settings.",
        note_uk="Один з ідентифікаторів тем на аркуші Settings.",
    ),
    Column(
        "type",
        "Type",
        "Тип",
        width=10,
        note_en="single: one right option (round buttons); multiple: one or more (check boxes).",
        note_uk="single: одна правильна відповідь; multiple: одна або кілька.",
    ),
    Column("points", "Points", "Бали", width=8, note_en="Optional, default 1.", note_uk="Необов'язково, типово 1."),
    Column(
        "prompt",
        "Question",
        "Питання",
        per_language=True,
        width=44,
        note_en="The question text, on the first row of the question.",
        note_uk="Текст питання, у першому рядку питання.",
    ),
    Column(
        "option",
        "Option",
        "Варіант",
        width=8,
        note_en="a, b, c … (left empty: the letter by position).",
        note_uk="a, b, c … (якщо порожньо — літера за порядком).",
    ),
    Column(
        "option_text",
        "Option text",
        "Текст варіанта",
        per_language=True,
        width=40,
        note_en="One option per row.",
        note_uk="Один варіант у рядку.",
    ),
    Column(
        "correct", "Correct", "Правильна", width=10, note_en="yes or no (так / ні).", note_uk="yes або no (так / ні)."
    ),
    Column(
        "explanation",
        "Explanation",
        "Пояснення",
        per_language=True,
        width=44,
        note_en="Optional, on the first row: shown after the post-test and in Moodle as feedback.",
        note_uk="Необов'язково, у першому рядку: показується після підсумкового тесту і в Moodle як відгук.",
    ),
)

DEMOGRAPHIC_COLUMNS = (
    Column(
        "question_id",
        "Question id",
        "Ідентифікатор питання",
        width=22,
        note_en="Optional categorical questions about the participant (never free text). Id on the first row of each.",
        note_uk="Необов'язкові питання про учасника з варіантами (ніколи не вільний текст). "
        "Ідентифікатор у першому рядку.",
    ),
    Column(
        "prompt",
        "Question",
        "Питання",
        per_language=True,
        width=40,
        note_en="The question, on its first row.",
        note_uk="Питання, у першому рядку.",
    ),
    Column(
        "option",
        "Option id",
        "Ідентифікатор варіанта",
        width=16,
        note_en="Short id of the answer, e.g. police.",
        note_uk="Короткий ідентифікатор відповіді, напр. police.",
    ),
    Column(
        "option_text",
        "Option text",
        "Текст варіанта",
        per_language=True,
        width=40,
        note_en="One option per row.",
        note_uk="Один варіант у рядку.",
    ),
)

REACTION_COLUMNS = (
    Column(
        "question_id",
        "Item id",
        "Ідентифікатор пункту",
        width=22,
        note_en="Optional questions about the training, asked after the post-test and never scored: "
        "statements rated 1–5 and at most one choice list (never free text). Id on the first row of each.",
        note_uk="Необов'язкові питання про навчання після підсумкового тесту, без балів: твердження з "
        "оцінкою 1–5 і щонайбільше один список вибору (ніколи не вільний текст). Ідентифікатор у першому рядку.",
    ),
    Column(
        "type",
        "Type",
        "Тип",
        width=12,
        note_en="likert: a statement rated from 1 (strongly disagree) to 5 (strongly agree); "
        "choice: one pick from the options on its rows.",
        note_uk="likert: твердження з оцінкою від 1 (зовсім не згоден) до 5 (цілком згоден); "
        "choice: один вибір із варіантів у його рядках.",
    ),
    Column(
        "prompt",
        "Statement or question",
        "Твердження або питання",
        per_language=True,
        width=44,
        note_en="On the item's first row.",
        note_uk="У першому рядку пункту.",
    ),
    Column(
        "option",
        "Option id",
        "Ідентифікатор варіанта",
        width=16,
        note_en="choice items only: a short id per option, one option per row.",
        note_uk="Лише для choice: короткий ідентифікатор варіанта, по одному в рядку.",
    ),
    Column(
        "option_text",
        "Option text",
        "Текст варіанта",
        per_language=True,
        width=40,
        note_en="choice items only.",
        note_uk="Лише для choice.",
    ),
)

_LANGUAGE_SUFFIX = re.compile(r"^(.*?)\s*\(\s*([A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})?)\s*\)\s*$")


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, f"'{code}'")


def headers(columns: tuple[Column, ...], languages: tuple[str, ...]) -> list[str]:
    """The header row for `languages`: a column per language for every text column."""
    return [c.header(lang) for c in columns for lang in (languages if c.per_language else (None,))]


def match_header(text: str, columns: tuple[Column, ...]) -> tuple[Column, str | None] | None:
    """The column (and language) a header names, by its English or Ukrainian part; None if unknown."""
    text = " ".join(str(text).split())
    found = _LANGUAGE_SUFFIX.match(text)
    base, language = (found.group(1), found.group(2).lower()) if found else (text, None)
    parts = {part.strip().casefold() for part in base.split("/")} - {""}
    for column in columns:
        if parts & {column.en.casefold(), column.uk.casefold()}:
            return column, language
    return None
