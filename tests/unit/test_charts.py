"""The trainer page's charts as SVG: well-formed, labelled for screen readers, drawn to scale, large enough
text, and nothing drawn where the report has nothing to show."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings

from service.domain.report import cohort_report
from service.web import charts, svg
from tests.factories import make_bank, make_submission
from tests.unit.test_report import small_cohorts

SVG = "{http://www.w3.org/2000/svg}"


def words(message: str, **variables) -> str:
    """gettext as flask_babel calls it, without a catalog."""
    return message % variables if variables else message


def parse(svg) -> ET.Element:
    root = ET.fromstring(str(svg))
    assert root.tag == f"{SVG}svg"
    return root


def texts(root: ET.Element) -> list[str]:
    return ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]


def titled(root: ET.Element, tag: str) -> list[tuple[ET.Element, str]]:
    """Elements of a kind with the words of their <title> (what a screen reader and a tooltip say)."""
    return [
        (element, element.find(f"{SVG}title").text)
        for element in root.iter(f"{SVG}{tag}")
        if element.find(f"{SVG}title") is not None
    ]


def class_report(pre: list[list[int]], post: list[list[int] | None], languages=None) -> tuple:
    """A cohort on a four-question bank (two topics) from marks per participant; post None = did not come back."""
    bank = make_bank((("q1", "signs", 1.0), ("q2", "signs", 1.0), ("q3", "reporting", 1.0), ("q4", "reporting", 1.0)))
    languages = languages or ["uk"] * len(pre)
    submissions = []
    for i, (before, after) in enumerate(zip(pre, post, strict=True)):
        submissions.append(make_submission(bank, f"P{i}", "pre", before, language=languages[i]))
        if after is not None:
            submissions.append(make_submission(bank, f"P{i}", "post", after, language=languages[i]))
    return bank, cohort_report(bank, submissions, cohort_id="cohort-1")


PRE = [[0, 0, 0, 1], [1, 0, 0, 1], [1, 1, 0, 0], [1, 1, 1, 0], [0, 1, 0, 0], [1, 1, 0, 1]]
POST = [[1, 1, 0, 1], [1, 1, 1, 1], [1, 1, 0, 0], [0, 1, 1, 1], [1, 1, 1, 0], None]


@pytest.fixture
def drawn() -> dict:
    bank, report = class_report(PRE, POST)
    return {"bank": bank, "report": report, "charts": charts.report_charts(report, bank, "en", words)}


def test_every_chart_is_an_accessible_scalable_svg(drawn):
    for name, chart in drawn["charts"].items():
        root = parse(chart)
        assert root.get("width") == "100%" and root.get("role") == "img", name
        assert re.fullmatch(r"0 -2 400 \d+", root.get("viewBox")), name
        title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
        assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
        assert title.text and len(desc.text) > 40
        assert int(root.get("font-size")) >= 16
        assert not any(element.get("font-size") for element in root.iter(f"{SVG}text")), (
            "no text smaller than the root's"
        )
        for element in root.iter():
            for attribute in ("x", "x1", "x2", "cx"):
                if element.get(attribute) is not None:
                    assert -1 <= float(element.get(attribute)) <= 401, (name, element.tag, element.attrib)


def test_score_bars_count_participants_per_range_to_scale(drawn):
    root = parse(drawn["charts"]["scores"])
    bars = titled(root, "rect")
    # Pre: 25, 50, 50, 75, 25, 75 -> 20-30: 2, 50-60: 2, 70-80: 2. Post: 75, 100, 50, 75, 75.
    assert sorted(title for _, title in bars) == sorted(
        [
            *("Before, 20–30%: 2", "Before, 50–60%: 2", "Before, 70–80%: 2"),
            *("After, 50–60%: 1", "After, 70–80%: 3", "After, 90–100%: 1"),
        ]
    )
    heights = {title: float(bar.get("height")) for bar, title in bars}
    assert heights["After, 70–80%: 3"] == pytest.approx(3 * heights["After, 50–60%: 1"], abs=0.15)
    assert "Before: n = 6, mean 50%" in texts(root) and "After: n = 5, mean 75%" in texts(root)
    assert "median" in root.find(f"{SVG}desc").text


def test_gain_bars_show_who_rose_stayed_and_fell(drawn):
    root = parse(drawn["charts"]["gains"])
    # Gains: +50, +50, 0, 0, +50 (P5 did not come back).
    bars = {title: bar for bar, title in titled(root, "rect")}
    assert set(bars) == {"+40 to +50 points: 3", "No change: 2"}
    assert bars["No change: 2"].get("fill") == charts.SAME
    assert bars["+40 to +50 points: 3"].get("fill") == charts.ROSE
    assert float(bars["+40 to +50 points: 3"].get("x")) > float(bars["No change: 2"].get("x"))
    assert {"3 rose", "2 unchanged", "0 fell"} <= set(texts(root))
    assert any(text.startswith("Mean change +30.0, 95% CI") for text in texts(root))


def test_a_fall_is_drawn_left_of_no_change_in_vermillion():
    _, report = class_report([[1, 1, 1, 1], [0, 0, 0, 0]], [[0, 0, 0, 1], [0, 0, 0, 0]])
    root = parse(charts.gain_distribution(report["paired"], words))
    bars = {title: bar for bar, title in titled(root, "rect")}
    assert bars["−80 to −70 points: 1"].get("fill") == charts.FELL
    assert float(bars["−80 to −70 points: 1"].get("x")) < float(bars["No change: 1"].get("x"))
    assert "Mean change −37.5 (n = 2)" not in texts(root)  # two different gains: the interval exists
    assert any("95% CI" in text for text in texts(root))


def test_topic_bars_are_as_long_as_the_topics_mean(drawn):
    root = parse(drawn["charts"]["topics"])
    bars = {title: float(bar.get("width")) for bar, title in titled(root, "rect")}
    # signs (q1, q2) before: 0, 50, 100, 100, 50, 100 -> 66.7%; after: 100, 100, 100, 50, 100 -> 90%.
    before, after = bars["signs, before: mean 67% (n = 6)"], bars["signs, after: mean 90% (n = 5)"]
    assert after / before == pytest.approx(90 / (400 / 6), rel=1e-3)
    assert {"signs", "reporting", "67%", "90%"} <= set(texts(root))


def test_long_topic_names_wrap_inside_the_chart():
    _, report = class_report(PRE, POST)
    label = "Матеріали сексуального насильства над дітьми та їх поширення в мережі"
    rows = [
        charts.TopicRow(
            label, report["phases"]["pre"]["by_topic"]["signs"], report["phases"]["post"]["by_topic"]["signs"]
        )
    ]
    root = parse(charts.topic_means(rows, words))
    lines = [text for text in texts(root) if text[0].isalpha() and "%" not in text]
    assert " ".join(lines[2:]) == label and len(lines) >= 4  # two legend entries, then the label's lines
    assert all(len(line) * charts.BOLD_CHAR <= svg.WIDTH for line in lines[2:])


def test_question_dots_sit_at_the_share_answered_correctly_and_flags_stand_out():
    rows = [charts.ItemRow(1, 0.5, 0.9, False), charts.ItemRow(2, 0.8, 0.25, True), charts.ItemRow(3, None, 0.5, False)]
    root = parse(charts.item_facility(rows, words))
    circles = root.findall(f".//{SVG}circle")
    hollow = [c for c in circles if c.get("fill") == "#ffffff"]
    filled = [c for c in circles if c.get("fill") == charts.AFTER]
    assert len(hollow) == 2 + 1 and len(filled) == 3 + 1  # two and three dots plus one of each in the legend
    zero, hundred = (float(x) for x in (hollow[1].get("cx"), filled[1].get("cx")))  # row 1: 50% and 90%
    assert (hundred - zero) == pytest.approx(0.4 * (svg.WIDTH - 46 - 78 - 10), abs=0.15)
    assert "2 !" in texts(root) and "1" in texts(root)
    bands = [r for r in root.iter(f"{SVG}rect") if r.get("fill") == charts.FLAG_BAND]
    assert len(bands) == 1
    assert {"50→90", "80→25", "–→50"} <= set(texts(root))
    assert "Flagged questions: 2." in root.find(f"{SVG}desc").text
    assert [title for _, title in titled(root, "g")] == [
        "Question 1: 50% before, 90% after",
        "Question 2: 80% before, 25% after",
        "Question 3: – before, 50% after",
    ]


def test_each_question_row_carries_its_text_cut_at_a_word_to_one_line():
    long = "What should a teacher do first when a pupil shows messages from an adult asking for photos?"
    rows = [charts.ItemRow(1, 0.5, 0.9, False, "Short question?"), charts.ItemRow(2, 0.8, 0.25, True, long)]
    root = parse(charts.item_facility(rows, words))
    shown = texts(root)
    assert "Short question?" in shown
    cut = next(text for text in shown if text.startswith("What should"))
    assert cut.endswith("…") and long.startswith(cut[:-1]) and long[len(cut) - 1] == " "
    assert len(cut) * svg.CHAR <= svg.WIDTH - 8


def test_report_charts_take_the_question_text_in_the_pages_language():
    bank = make_bank()
    submissions = [make_submission(bank, "P1", "pre", [1, 0, 1]), make_submission(bank, "P1", "post", [1, 1, 1])]
    questions = charts.report_charts(cohort_report(bank, submissions), bank, "en", words)["questions"]
    assert {"q1", "q2", "q3"} <= set(texts(parse(questions)))


def test_nothing_is_drawn_before_anyone_has_answered():
    bank = make_bank()
    report = cohort_report(bank, [], cohort_id="cohort-1")
    assert charts.report_charts(report, bank, "en", words) == {
        "scores": None,
        "gains": None,
        "topics": None,
        "questions": None,
    }


def test_no_gain_chart_without_pairs_but_the_other_charts_with_one_participant():
    bank, report = class_report([[1, 0, 0, 1]], [None])
    drawn = charts.report_charts(report, bank, "en", words)
    assert drawn["gains"] is None
    assert all(drawn[name] is not None for name in ("scores", "topics", "questions"))
    assert "After: n = 0, mean –" in texts(parse(drawn["scores"]))


def test_words_are_escaped():
    _, report = class_report(PRE, POST)
    rows = [
        charts.TopicRow('<b>"Grooming" & co</b>', *(report["phases"][p]["by_topic"]["signs"] for p in ("pre", "post")))
    ]
    drawn = str(charts.topic_means(rows, words))
    assert "<b>" not in drawn and "&lt;b&gt;" in drawn
    assert '<b>"Grooming" & co</b>' in texts(parse(drawn))


@settings(max_examples=100, deadline=None)
@given(small_cohorts())
def test_any_report_draws_well_formed_charts_or_none(cohort):
    bank, submissions = cohort
    report = cohort_report(bank, submissions)
    for drawn in charts.report_charts(report, bank, "uk", words).values():
        if drawn is not None:
            parse(drawn)
