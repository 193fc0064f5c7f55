"""The forest plot as SVG: well-formed, labelled for screen readers in English and Ukrainian, each
cohort's interval and the summary diamond drawn to scale, withheld rows drawn as words only."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from service.catalogs import _catalog
from service.domain.cohort_comparison import compare_cohorts
from service.web.forest_plot import forest_plot
from tests.factories import cohort, make_submission
from tests.unit.test_charts import SVG, parse, texts, words
from tests.unit.test_meta_analysis import BANK, simulated_cohorts


def ukrainian(message: str, **variables) -> str:
    translated = _catalog("uk").gettext(message)
    return translated % variables if variables else translated


@pytest.fixture(scope="module")
def pooled() -> dict:
    cohorts, submissions, _ = simulated_cohorts()
    few = cohort("few")
    for person in range(8):
        submissions.append(make_submission(BANK, f"w{person}", "pre", [0.0] * 20, cohort_id="few"))
        if person < 3:
            submissions.append(make_submission(BANK, f"w{person}", "post", [1.0] * 10 + [0.0] * 10, cohort_id="few"))
    comparison = compare_cohorts([*cohorts, few], submissions, k=5)
    return {"cohorts": comparison.cohorts, "meta": comparison.meta}


def x_of(root: ET.Element, value: float) -> float:
    """The axis as drawn: from two tick labels' positions."""
    ticks = [(float(t.get("x")), t.text) for t in root.iter(f"{SVG}text") if t.get("text-anchor") == "middle"]
    numbers = [(x, float(text.replace("+", "").replace("−", "-"))) for x, text in ticks if text[-1].isdigit()]
    (x0, v0), (x1, v1) = numbers[0], numbers[-1]
    return x0 + (value - v0) / (v1 - v0) * (x1 - x0)


def test_every_shown_cohort_has_its_interval_and_square_to_scale(pooled):
    root = parse(forest_plot(pooled, words))
    assert root.get("role") == "img" and root.find(f"{SVG}title").text and root.find(f"{SVG}desc").text
    squares = list(root.iter(f"{SVG}rect"))
    shown = [row for row in pooled["cohorts"] if "withheld" not in row]
    assert len(squares) == len(shown) == 8
    for square, row in zip(squares, shown, strict=True):
        centre = float(square.get("x")) + float(square.get("width")) / 2
        assert centre == pytest.approx(x_of(root, row["mean_gain"]), abs=0.2)
    lines = [line for line in root.iter(f"{SVG}line") if line.get("stroke-width") == "2"]
    for line, row in zip(lines, shown, strict=True):
        low, high = row["gain_ci95"]
        assert float(line.get("x1")) == pytest.approx(x_of(root, low), abs=0.2)
        assert float(line.get("x2")) == pytest.approx(x_of(root, high), abs=0.2)


def test_the_summary_diamond_spans_its_interval(pooled):
    root = parse(forest_plot(pooled, words))
    (diamond,) = root.iter(f"{SVG}polygon")
    xs = [float(point.split(",")[0]) for point in diamond.get("points").split()]
    low, high = pooled["meta"]["ci95"]
    assert min(xs) == pytest.approx(x_of(root, low), abs=0.2) and max(xs) == pytest.approx(x_of(root, high), abs=0.2)
    assert xs[1] == pytest.approx(x_of(root, pooled["meta"]["estimate"]), abs=0.2)
    assert any(text.startswith("All groups (8)") for text in texts(root))


def test_every_row_says_its_figures_in_words_and_a_withheld_row_draws_nothing(pooled):
    root = parse(forest_plot(pooled, words))
    groups = [(g, g.find(f"{SVG}title").text) for g in root.iter(f"{SVG}g") if g.find(f"{SVG}title") is not None]
    assert len(groups) == 9 + 1  # 9 cohorts and the summary
    withheld = next(g for g, said in groups if said.startswith("Group few"))
    assert "withheld" in withheld.find(f"{SVG}title").text and withheld.find(f"{SVG}rect") is None
    c0 = next(said for _, said in groups if said.startswith("Group c0"))
    assert "95% CI" in c0 and f"n = {pooled['cohorts'][0]['paired_n']}" in c0
    assert "Groups withheld (too few people to show): 1." in root.find(f"{SVG}desc").text


def test_the_plot_speaks_ukrainian(pooled):
    root = parse(forest_plot(pooled, ukrainian))
    said = root.find(f"{SVG}title").text + " " + root.find(f"{SVG}desc").text + " " + " ".join(texts(root))
    assert "Середня зміна в кожній групі" in said and "Усі групи (8)" in said and "ДІ" in said
    english = ("Change in percentage points", "Mean change", "All groups", "withheld", "Each line", "CI")
    assert not [words for words in english if words in said]


def test_the_trainers_plot_has_their_group_and_the_others_summary_only(pooled):
    own = dict(pooled["cohorts"][0], cohort_id="mine", label="This group")
    plot = parse(forest_plot({"cohorts": [own], "meta": pooled["meta"]}, words, summary_label="Other groups (8)"))
    assert len(list(plot.iter(f"{SVG}rect"))) == 1
    assert [t for t in texts(plot) if t.startswith(("This group", "Other groups (8)"))]


def test_nothing_to_draw_is_none():
    assert forest_plot({"cohorts": [], "meta": {}}, words) is None
    withheld = {
        "cohort_id": "x",
        "label": "x",
        "mean_gain": None,
        "gain_ci95": [None, None],
        "withheld": "fewer than 5",
    }
    assert forest_plot({"cohorts": [withheld], "meta": {"estimate": None}}, words) is None


def test_labels_are_escaped():
    row = {"cohort_id": "x", "label": "<b>&", "paired_n": 6, "mean_gain": 5.0, "sd_gain": 2.0, "gain_ci95": [3.0, 7.0]}
    svg = str(forest_plot({"cohorts": [row], "meta": {}}, words))
    assert "<b>" not in svg and "&lt;b&gt;&amp;" in svg
    parse(svg)
