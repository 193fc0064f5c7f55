"""Moodle XML: the structure Moodle's XML importer reads, and fractions Moodle accepts that grade
every response exactly as this service scores it."""

import itertools
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest

from service.authoring.moodle import MOODLE_FRACTIONS, MoodleExportError, moodle_xml, option_fractions
from service.domain.banks import load_published_banks
from service.domain.models import Option
from service.domain.scoring import score_submission
from tests.factories import question, small_bank, texts

ROOT = Path(__file__).resolve().parents[2]
MULTICHOICE_CHILDREN = [
    "name", "questiontext", "generalfeedback", "defaultgrade", "penalty", "hidden", "idnumber", "single",
    "shuffleanswers", "answernumbering", "correctfeedback", "partiallycorrectfeedback", "incorrectfeedback",
    "shownumcorrect",
]  # fmt: skip


def shipped_bank():
    return load_published_banks(ROOT / "question_banks").get("online-child-safety", "2")


def parsed(bank, **options):
    return ET.fromstring(moodle_xml(bank, **options).encode("utf-8"))


def moodle_grade(answers, chosen) -> float:
    """How Moodle grades a multichoice response: the chosen fractions summed, clamped to 0..1."""
    total = sum(float(a.get("fraction")) / 100 for a, option_id in answers if option_id in chosen)
    return min(max(total, 0.0), 1.0)


def accepted_by_moodle(percent: str) -> bool:
    """Moodle's import matches a grade to its options within 0.00001 (match_grade_options)."""
    return any(abs(float(percent) / 100 - value) < 0.00001 for value in MOODLE_FRACTIONS)


def test_every_question_has_moodles_elements_a_category_per_topic_and_valid_fractions():
    bank = shipped_bank()
    quiz = parsed(bank, language="uk")
    assert quiz.tag == "quiz"
    category = None
    seen = []
    for element in quiz:
        if element.get("type") == "category":
            category = element.findtext("category/text")
            continue
        assert element.get("type") == "multichoice"
        item = bank.question(element.findtext("idnumber"))
        assert category.endswith("/" + next(t.label["uk"] for t in bank.topics if t.id == item.topic))
        assert [child.tag for child in element if child.tag != "answer"] == MULTICHOICE_CHILDREN
        assert element.findtext("single") == ("true" if item.type == "single" else "false")
        assert float(element.findtext("defaultgrade")) == item.points
        fractions = [float(a.get("fraction")) for a in element.findall("answer")]
        assert len(fractions) == len(item.options)
        assert all(accepted_by_moodle(a.get("fraction")) for a in element.findall("answer"))
        if item.type == "single":
            assert max(fractions) == 100 and fractions.count(100) == 1 and min(fractions) == 0
        else:  # Moodle: the positive grades of a multiple-response question add up to 100 %
            assert round(sum(f for f in fractions if f > 0) / 100, 2) == 1
        assert item.prompt["uk"] in element.findtext("questiontext/text")
        seen.append(item.id)
    assert sorted(seen) == sorted(q.id for q in bank.questions)


def test_partial_scoring_in_moodle_equals_the_services_marks_for_every_response():
    bank = shipped_bank()
    assert bank.scoring == "partial"
    quiz = parsed(bank, language="en")
    for element in quiz.iter("question"):
        if element.get("type") != "multichoice":
            continue
        item = bank.question(element.findtext("idnumber"))
        answers = list(zip(element.findall("answer"), item.option_ids, strict=True))
        for size in range(len(item.options) + 1):
            for chosen in itertools.combinations(item.option_ids, size):
                if item.type == "single" and size > 1:
                    continue
                mark = score_submission(bank, {item.id: chosen}).marks[item.id]
                assert moodle_grade(answers, chosen) == pytest.approx(mark, abs=1e-6), (item.id, chosen)


@pytest.mark.parametrize(
    ("correct", "right", "wrong"),
    [
        (1, "100", "-100"),
        (2, "50", "-50"),
        (3, "33.33333", "-33.33333"),
        (4, "25", "-25"),
        (7, "14.28571", "-14.28571"),
    ],
)
def test_partial_fractions_for_one_to_many_correct_options(correct, right, wrong):
    options = "abcdefghij"[: correct + 1]
    item = question("q", "t1", "multiple", options[:correct], options=options)
    bank = replace(small_bank("partial"), questions=(item,), topics=small_bank().topics[:1])
    answers = parsed(bank).findall("question/answer")
    assert [a.get("fraction") for a in answers] == [right] * correct + [wrong]


def test_all_or_nothing_is_approximated_in_core_moodle_or_exact_with_the_plugin():
    bank = replace(small_bank("all_or_nothing"))
    core = parsed(bank).find("question[idnumber='q2']")
    assert [a.get("fraction") for a in core.findall("answer")] == ["50", "-100", "50", "-100"]
    answers = list(zip(core.findall("answer"), "abcd", strict=True))
    assert moodle_grade(answers, "ac") == 1 and moodle_grade(answers, "acb") == 0  # as the service scores
    assert moodle_grade(answers, "a") == 0.5  # the difference core Moodle cannot avoid
    plugin = parsed(bank, all_or_nothing="multichoiceset").find("question[idnumber='q2']")
    assert plugin.get("type") == "multichoiceset" and plugin.find("single") is None
    assert [a.get("fraction") for a in plugin.findall("answer")] == ["50", "0", "50", "0"]


def test_more_correct_options_than_moodle_can_split_is_refused_by_name():
    options = (*(Option(f"o{i}", texts(f"option {i}"), True) for i in range(11)), Option("x", texts("x"), False))
    item = replace(question("q-many", "t1", "multiple", "a"), options=options)
    bank = replace(small_bank("partial"), questions=(item,), topics=small_bank().topics[:1])
    with pytest.raises(MoodleExportError, match="q-many: 11 correct options"):
        moodle_xml(bank)
    assert option_fractions(item, "partial")["x"] < 0


def test_texts_are_escaped_html_and_the_explanation_is_the_general_feedback():
    item = replace(question("q1", "t1", "single", "a"), prompt=texts("Is 1 < 2 & 3 > 2?"))
    bank = replace(small_bank(), questions=(item,), topics=small_bank().topics[:1])
    element = parsed(bank, language="en").find("question[@type='multichoice']")
    assert element.findtext("questiontext/text") == "<p>Is 1 &lt; 2 &amp; 3 &gt; 2?</p>"
    assert element.findtext("generalfeedback/text") == "<p>Why q1</p>"
