"""A bank version as Moodle XML (question/format/xml): one category per topic, one `multichoice`
question per item, the explanation as general feedback, the item's id as Moodle's idnumber.

Fractions follow the bank's scoring rule within what Moodle accepts. Moodle grades a multiple-
response question as the sum of the chosen options' fractions, clamped to 0–100 %, and its import
refuses a fraction that is not one of its grade options (100, 90, 83.33333, 80, 75, 70, 66.66667,
60, 50, 40, 33.33333, 30, 25, 20, 16.66667, 14.28571, 12.5, 11.11111, 10, 5, 0 and their
negatives). So:

- single: the correct option 100, the others 0;
- multiple, partial: each correct option +100/n, each wrong one −100/n (n correct options), which
  is exactly points × max(0, (right − wrong) / n); representable for n ≤ 10;
- multiple, all_or_nothing: core Moodle cannot express it. By default each correct option gets
  +100/n and each wrong one −100 %, so any wrong pick scores 0 but a subset of the correct options
  earns part marks; with `all_or_nothing="multichoiceset"` the question is written for the
  "All-or-Nothing Multiple Choice" plugin (qtype_multichoiceset), which grades exactly.
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from fractions import Fraction

from service.domain.models import Bank, Question

# question_bank::fraction_options_full() in Moodle's question/engine/bank.php.
_RAW_FRACTIONS = (
    "0.9",
    "0.8333333",
    "0.8",
    "0.75",
    "0.7",
    "0.6666667",
    "0.6",
    "0.5",
    "0.4",
    "0.3333333",
    "0.3",
    "0.25",
    "0.2",
    "0.1666667",
    "0.1428571",
    "0.125",
    "0.1111111",
    "0.1",
    "0.05",
)
MOODLE_FRACTIONS = frozenset({0.0, 1.0, -1.0} | {s * float(f) for f in _RAW_FRACTIONS for s in (1, -1)})
MAX_CORRECT_FOR_PARTIAL = 10  # 1/n is a Moodle grade option for n = 1 … 10


class MoodleExportError(ValueError):
    """The bank holds something Moodle XML cannot express; `problems` names each question."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def percent(fraction: Fraction) -> str:
    """A fraction as Moodle writes a grade: percent with at most 5 decimals ("33.33333", "-25")."""
    text = f"{float(fraction) * 100:.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def option_fractions(question: Question, scoring: str, all_or_nothing: str = "multichoice") -> dict[str, Fraction]:
    """Each option's fraction of the question's mark, following the bank's scoring rule (see above)."""
    correct = question.correct_ids
    if question.type == "single":
        return {o.id: Fraction(1 if o.correct else 0) for o in question.options}
    share = Fraction(1, len(correct))
    if scoring == "partial":
        wrong = -share
    elif all_or_nothing == "multichoiceset":
        wrong = Fraction(0)
    else:
        wrong = Fraction(-1)
    return {o.id: share if o.correct else wrong for o in question.options}


def moodle_xml(bank: Bank, language: str | None = None, *, all_or_nothing: str = "multichoice") -> str:
    """The bank version in one language as a Moodle XML question file."""
    language = language or bank.languages[0]
    if language not in bank.languages:
        raise MoodleExportError([f"{bank.id} version {bank.version} has no language '{language}'"])
    problems = [
        f"{q.id}: {len(q.correct_ids)} correct options; Moodle can score partial credit for at most "
        f"{MAX_CORRECT_FOR_PARTIAL}"
        for q in bank.questions
        if q.type == "multiple" and len(q.correct_ids) > MAX_CORRECT_FOR_PARTIAL
    ]
    if problems:
        raise MoodleExportError(problems)
    quiz = ET.Element("quiz")
    root_category = f"$course$/top/{_plain(bank.title[language])} ({bank.id} v{bank.version})"
    for topic in bank.topics:
        questions = [q for q in bank.questions if q.topic == topic.id]
        if not questions:
            continue
        category = ET.SubElement(quiz, "question", type="category")
        _text(category, "category", f"{root_category}/{_plain(topic.label[language])}")
        _text(category, "info", "", format="html")
        for question in questions:
            quiz.append(_question(bank, question, language, all_or_nothing))
    ET.indent(quiz)
    body = ET.tostring(quiz, encoding="unicode", short_empty_elements=False)  # <text></text>, as Moodle writes
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def _question(bank: Bank, question: Question, language: str, all_or_nothing: str) -> ET.Element:
    plugin = question.type == "multiple" and bank.scoring == "all_or_nothing" and all_or_nothing == "multichoiceset"
    element = ET.Element("question", type="multichoiceset" if plugin else "multichoice")
    _text(element, "name", question.id)
    _text(element, "questiontext", _html(question.prompt[language]), format="html")
    explanation = (question.explanation or {}).get(language, "")
    _text(element, "generalfeedback", _html(explanation) if explanation else "", format="html")
    ET.SubElement(element, "defaultgrade").text = f"{question.points:.7f}"
    ET.SubElement(element, "penalty").text = "0.3333333"
    ET.SubElement(element, "hidden").text = "0"
    ET.SubElement(element, "idnumber").text = question.id
    if not plugin:
        ET.SubElement(element, "single").text = "true" if question.type == "single" else "false"
    ET.SubElement(element, "shuffleanswers").text = "false"
    ET.SubElement(element, "answernumbering").text = "abc"
    for name in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
        if not (plugin and name == "partiallycorrectfeedback"):
            _text(element, name, "", format="html")
    ET.SubElement(element, "shownumcorrect")
    for option in question.options:
        fraction = option_fractions(question, bank.scoring, all_or_nothing)[option.id]
        answer = ET.SubElement(element, "answer", fraction=percent(fraction), format="html")
        ET.SubElement(answer, "text").text = _html(option.text[language])
        _text(answer, "feedback", "", format="html")
    return element


def _text(parent: ET.Element, tag: str, value: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, **attributes)
    ET.SubElement(element, "text").text = value
    return element


def _html(value: str) -> str:
    """Bank texts are plain text; Moodle's html format needs them escaped (ElementTree then escapes
    the markup once more as XML, which the importer undoes)."""
    return "<p>" + html.escape(value).replace("\n", "<br>") + "</p>"


def _plain(value: str) -> str:
    return value.replace("/", "-")  # "/" separates levels in a Moodle category path
