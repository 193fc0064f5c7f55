"""A trainer's bank goes from a spreadsheet to a published version, a diff and a Moodle XML file,
through the command line, into a temporary copy of question_banks/."""

import copy
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import openpyxl
import pytest
import yaml
from click.testing import CliRunner

from service.__main__ import cli
from service.authoring.importer import bank_from_sheets
from service.authoring.sheets import SpreadsheetError, read_workbook
from service.domain.banks import check_banks, load_published_banks
from tests.authoring_workbooks import QUESTIONS_V1, write_filled_workbook

ROOT = Path(__file__).resolve().parents[2]
# What `banks import mistakes.xlsx` prints for the spreadsheet with mistakes below (README, docs).
EXPECTED_PROBLEMS = [
    "Settings!B2: no version",
    "Settings!B5: no English title",
    "Settings!B8: 'some' is not partial or all_or_nothing",
    "Questions!H4: no Ukrainian text for option c",
    "Questions!B5: unknown topic 'groming' (topics on Settings: grooming, reporting)",
    "Questions!J7: 'yse' is not yes or no",
    "Questions!C5: question q-signs is single choice but options a, b are correct",
    "Questions!D8: points 'два' is not a number greater than 0",
    "Questions!L8: no English explanation for question q-report (give it in every language or in none)",
    "Questions!A10: question id 'q-secret' is used again (first at row 2)",
    "Questions!G11: option 'a' is used twice in question q-secret",
]


@pytest.fixture
def banks_root(tmp_path) -> Path:
    root = tmp_path / "question_banks"
    shutil.copytree(ROOT / "question_banks", root)
    return root


def run(*arguments, ok=True):
    result = CliRunner().invoke(cli, [str(a) for a in arguments])
    assert (result.exit_code == 0) == ok, result.output
    return result


def test_a_filled_template_imports_publishes_diffs_and_exports_to_moodle(tmp_path, banks_root):
    workbook = write_filled_workbook(tmp_path / "bank.xlsx")
    imported = run("banks", "import", workbook, "--root", banks_root)
    assert "child-safety-basics/1.yaml (3 questions), a draft" in imported.output
    data = yaml.safe_load((banks_root / "child-safety-basics" / "1.yaml").read_text(encoding="utf-8"))
    assert data["version"] == "1" and data["languages"] == ["uk", "en"]
    assert [q["id"] for q in data["questions"]] == ["q-secret", "q-signs", "q-report"]
    signs = data["questions"][1]
    assert [(o["id"], o["correct"]) for o in signs["options"]] == [("a", True), ("b", True), ("c", False)]
    assert signs["options"][1]["text"] == {"uk": "ізоляція від батьків", "en": "isolating from parents"}
    assert data["questions"][2]["points"] == 2 and "points" not in data["questions"][0]
    assert data["questions"][0]["explanation"]["en"] == "A request for secrecy is a warning sign."
    assert data["demographics"][0]["id"] == "role"
    assert [(item["id"], item["type"]) for item in data["reaction"]] == [
        ("r-apply", "likert"),
        ("r-most-useful", "choice"),
    ]
    assert [o["id"] for o in data["reaction"][1]["options"]] == ["cases", "law"]
    assert "options" not in data["reaction"][0] and "confidence" not in data

    published = run("banks", "publish", "child-safety-basics", "1", "--root", banks_root)
    assert "Published child-safety-basics version 1" in published.output
    lock = json.loads((banks_root / "published.lock").read_text())
    assert set(lock["banks"]) == {"online-child-safety", "child-safety-basics"}
    assert load_published_banks(banks_root).get("child-safety-basics", "1").max_points == 4
    assert check_banks(banks_root) == []

    # Version 2: one prompt reworded, the correct set of another changed, one item removed, one added.
    rows = copy.deepcopy(QUESTIONS_V1)
    rows[0][5] = "An adult asks a child to keep your chats secret. This is…"
    rows[5][9] = "yes"
    rows[5][3] = None
    del rows[6:8]
    rows += [
        [
            "q-evidence",
            "reporting",
            "single",
            None,
            "Що зберегти?",
            "What to keep?",
            "a",
            "скріншоти",
            "screenshots",
            "yes",
            None,
            None,
        ],
        [None, None, None, None, None, None, "b", "нічого", "nothing", "no"],
    ]
    # The reaction part: the statement reworded, the choice list dropped, a statement added.
    reaction = [
        ["r-apply", "likert", "Я застосую ці знання.", "I will use what I learned.", None, None, None],
        ["r-clear", "statement", "Матеріал був зрозумілим.", "The material was clear.", None, None, None],
    ]
    workbook = write_filled_workbook(tmp_path / "bank-v2.xlsx", version="2", questions=rows, reaction=reaction)
    run("banks", "import", workbook, "--root", banks_root)
    run("banks", "publish", "child-safety-basics", "2", "--root", banks_root)
    lines = run("banks", "diff", "child-safety-basics", "1", "2", "--root", banks_root).output.splitlines()
    assert lines == [
        "child-safety-basics: version 1 -> 2",
        "Added (1): q-evidence",
        "Removed (1): q-report",
        "Changed (2):",
        "  q-secret: prompt reworded (en)",
        "  q-signs: correct a, b -> a, b, c",
        "Unchanged (0): –",
        "Comparable across the two versions (0): –",
        "Reaction items added: r-clear; removed: r-most-useful; changed: r-apply",
    ]

    out = tmp_path / "bank.xml"
    exported = run(
        "banks", "export-moodle", "child-safety-basics", "2", "--lang", "en", "--out", out, "--root", banks_root
    )
    assert "Wrote" in exported.output
    assert "Note: not exported: 2 reaction item(s) about the training." in exported.output
    quiz = ET.parse(out).getroot()
    categories = [q.findtext("category/text") for q in quiz if q.get("type") == "category"]
    assert categories == [
        "$course$/top/Child safety: basics (child-safety-basics v2)/Grooming",
        "$course$/top/Child safety: basics (child-safety-basics v2)/Reporting",
    ]
    questions = {q.findtext("idnumber"): q for q in quiz if q.get("type") == "multichoice"}
    assert list(questions) == ["q-secret", "q-signs", "q-evidence"]
    assert questions["q-signs"].findtext("single") == "false"
    assert [a.get("fraction") for a in questions["q-signs"].findall("answer")] == ["33.33333"] * 3
    assert "A request for secrecy" in questions["q-secret"].findtext("generalfeedback/text")


def test_publishing_the_same_version_with_other_content_is_refused(tmp_path, banks_root):
    run("banks", "import", write_filled_workbook(tmp_path / "bank.xlsx"), "--root", banks_root)
    run("banks", "publish", "child-safety-basics", "1", "--root", banks_root)
    again = run("banks", "publish", "child-safety-basics", "1", "--root", banks_root)
    assert "already published with this content" in again.output

    bank_file = banks_root / "child-safety-basics" / "1.yaml"
    bank_file.write_text(bank_file.read_text(encoding="utf-8").replace("нормально", "звичайно"), encoding="utf-8")
    refused = run("banks", "publish", "child-safety-basics", "1", "--root", banks_root, ok=False)
    assert "was published with other content" in refused.output
    assert "give the changed bank a new version number" in refused.output

    reimport = run("banks", "import", tmp_path / "bank.xlsx", "--root", banks_root, ok=False)
    assert "child-safety-basics version 1 is already published" in reimport.output


def test_the_same_layout_saved_as_csv_files_imports_the_same_bank(tmp_path):
    workbook = write_filled_workbook(tmp_path / "bank.xlsx")
    book = openpyxl.load_workbook(workbook)
    folder = tmp_path / "csv"
    folder.mkdir()
    for name, delimiter, encoding in (("Settings", ";", "utf-8-sig"), ("Questions", ",", "cp1251")):
        lines = []
        for row in book[name].iter_rows(values_only=True):
            cells = ["" if value is None else str(value) for value in row]
            lines.append(delimiter.join(f'"{c}"' if delimiter in c or "," in c else c for c in cells))
        (folder / f"bank - {name}.csv").write_bytes("\r\n".join(lines).encode(encoding))
    from_csv = bank_from_sheets(read_workbook([folder]))
    from_xlsx = bank_from_sheets(read_workbook([workbook]))
    assert from_csv == {key: value for key, value in from_xlsx.items() if key not in ("demographics", "reaction")}


def test_a_spreadsheet_with_mistakes_reports_every_problem_by_cell_and_writes_nothing(tmp_path, banks_root):
    rows = copy.deepcopy(QUESTIONS_V1)
    rows[2][7] = None  # Questions!H4: option c of q-secret has no Ukrainian text
    rows[3][1] = "groming"  # Questions!B5: a misspelt topic
    rows[3][2] = "single"  # Questions!C5: but two options are correct
    rows[5][9] = "yse"  # Questions!J7
    rows[6][3] = "два"  # Questions!D8: points in words
    rows[6][11] = None  # Questions!L8: an explanation in Ukrainian only
    rows.append(["q-secret", "grooming", "single", None, "Ще раз", "Again", "a", "так", "yes", "yes"])  # A10
    rows.append([None, None, None, None, None, None, "a", "ні", "no", "no"])  # Questions!G11: option a again
    workbook = write_filled_workbook(tmp_path / "mistakes.xlsx", questions=rows)
    book = openpyxl.load_workbook(workbook)
    book["Settings"]["B2"] = None  # no version
    book["Settings"]["B5"] = "  "  # no English title
    book["Settings"]["B8"] = "some"  # not a scoring rule
    book.save(workbook)

    with pytest.raises(SpreadsheetError) as raised:
        bank_from_sheets(read_workbook([workbook]))
    assert raised.value.problems == EXPECTED_PROBLEMS
    before = sorted(p.relative_to(banks_root) for p in banks_root.rglob("*"))
    result = run("banks", "import", workbook, "--root", banks_root, ok=False)
    assert "Questions!H4: no Ukrainian text for option c" in result.output
    assert "nothing was written" in result.output
    assert sorted(p.relative_to(banks_root) for p in banks_root.rglob("*")) == before


def test_the_template_explains_every_column_in_both_languages(tmp_path):
    run("banks", "template", "--out", tmp_path / "template.xlsx")
    book = openpyxl.load_workbook(tmp_path / "template.xlsx")
    assert book.sheetnames == ["Settings", "Questions", "Demographics", "Reaction", "Notes"]
    notes = list(book["Notes"].iter_rows(min_row=3, values_only=True))
    assert all(row[2] and row[3] for row in notes)
    header = [c.value for c in book["Questions"][1]]
    assert "Option text / Текст варіанта (uk)" in header and "Correct / Правильна" in header
    lists = {v.formula1 for v in book["Questions"].data_validations.dataValidation}
    assert {'"single,multiple"', '"yes,no"'} <= lists and any(f.startswith("=Settings!") for f in lists)
    assert {v.formula1 for v in book["Reaction"].data_validations.dataValidation} == {'"likert,choice"'}
    assert "Ask sure / not sure / Питати впевненість" in [
        row[0] for row in book["Settings"].iter_rows(values_only=True)
    ]
    noted = {(row[0], row[1]) for row in notes}
    assert ("Reaction", "Type / Тип") in noted and ("Settings", "Ask sure / not sure / Питати впевненість") in noted


def test_item_writing_cues_are_warnings_on_import_and_with_strict_errors_by_cell_and_nothing_written(
    tmp_path, banks_root
):
    workbook = write_filled_workbook(tmp_path / "bank.xlsx")
    refused = run("banks", "import", workbook, "--root", banks_root, "--strict", ok=False)
    # q-report's option a ("нікуди"/"nowhere") and its key, twice as long as the only distractor
    assert "Questions!H8: 'нікуди' in an option: absolute options are rarely the key [absolute_word]" in refused.output
    assert "[longest_key]" in refused.output and "nothing was written (--strict)" in refused.output
    assert not (banks_root / "child-safety-basics").exists()
    imported = run("banks", "import", workbook, "--root", banks_root)
    assert "warning: Questions!H8:" in imported.output
    assert (banks_root / "child-safety-basics" / "1.yaml").is_file()


def test_banks_check_warns_of_the_demonstration_banks_cues_and_strict_makes_them_errors(banks_root):
    plain = run("banks", "check", "--root", banks_root)
    assert "item-writing warning(s)" in plain.output
    assert (
        "online-child-safety/2.yaml: questions[0] (q-grooming-definition): in 12 of 14 single-answer items (uk)"
        in plain.output
    )
    strict = run("banks", "check", "--root", banks_root, "--strict", ok=False)
    assert "error: " in strict.output and "problem(s) found" in strict.output


def test_mistakes_on_the_reaction_sheet_are_named_by_cell_and_nothing_is_written(tmp_path, banks_root):
    reaction = [
        ["r-apply", "rating", "Я застосую ці знання.", "I will use what I learned.", None, None, None],
        ["r-clear", "likert", "Матеріал був зрозумілим.", "The material was clear.", "a", "так", "yes"],
        ["r-useful", "choice", "Що було найкориснішим?", None, "cases", "Випадки", "Cases"],
        ["r-best", "вибір", "Що ще?", "What else?", "law", "Право", "The law"],
        [None, None, None, None, None, "Практика", "Practice"],
    ]
    workbook = write_filled_workbook(tmp_path / "bank.xlsx", reaction=reaction)
    refused = run("banks", "import", workbook, "--root", banks_root, ok=False)
    assert refused.output.splitlines()[:5] == [
        "Reaction!B2: 'rating' is not likert or choice",
        "Reaction!B3: item r-clear is a statement rated 1–5: give options only to a choice item",
        "Reaction!D4: no English text for item r-useful",
        "Reaction!E6: no option id (a choice is exported by its id, e.g. cases)",
        "Error: 4 problem(s); nothing was written",
    ]
    assert not (banks_root / "child-safety-basics").exists()

    # What the sheet's own checks let through, the bank rules catch, still by cell.
    two_lists = [
        [*reaction[2][:3], "What?", *reaction[2][4:]],
        *reaction[3:4],
        ["", "", "", "", "case", "Кейс", "Case"],
    ]
    refused = run("banks", "import", write_filled_workbook(tmp_path / "b.xlsx", reaction=two_lists), ok=False)
    assert "Reaction!B3: Only one choice list is asked (the others are statements rated 1–5)." in refused.output
