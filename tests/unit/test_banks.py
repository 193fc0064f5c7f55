"""Question banks: validation messages, the published-version lock, and the shipped demonstration bank."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from service.domain.banks import (
    BankError,
    BankRegistry,
    canonical_sha256,
    check_banks,
    load_bank_file,
    load_published_banks,
    parse_bank,
    read_lock,
    write_lock,
)
from service.domain.models import Bank

REPO_BANKS = Path(__file__).resolve().parents[2] / "question_banks"
SOURCE = "question_banks/demo/1.yaml"


def texts(uk: str, en: str) -> dict[str, str]:
    return {"uk": uk, "en": en}


def option(option_id: str, correct: bool) -> dict:
    return {"id": option_id, "text": texts(f"Варіант {option_id}", f"Option {option_id}"), "correct": correct}


@pytest.fixture
def bank() -> dict:
    """A small valid bank, as yaml.safe_load returns it; tests break one thing at a time."""
    return {
        "id": "demo",
        "version": "1",
        "languages": ["uk", "en"],
        "title": texts("Демо", "Demo"),
        "description": texts("Опис", "Description"),
        "scoring": {"multiple": "partial"},
        "pass_percent": 70,
        "topics": [
            {"id": "grooming", "label": texts("Грумінг", "Grooming")},
            {"id": "evidence", "label": texts("Докази", "Evidence")},
        ],
        "demographics": [
            {
                "id": "role",
                "prompt": texts("Роль", "Role"),
                "options": [
                    {"id": "police", "text": texts("Поліція", "Police")},
                    {"id": "other", "text": texts("Інше", "Other")},
                ],
            }
        ],
        "questions": [
            {
                "id": "q-grooming-signs",
                "topic": "grooming",
                "type": "multiple",
                "points": 2,
                "prompt": texts("Ознаки?", "Signs?"),
                "options": [option("a", True), option("b", True), option("c", False)],
                "explanation": texts("Пояснення", "Explanation"),
            },
            {
                "id": "q-evidence-keep",
                "topic": "evidence",
                "type": "single",
                "prompt": texts("Що зберегти?", "What to keep?"),
                "options": [option("a", True), option("b", False)],
            },
        ],
    }


def problems_of(data: dict, source: str = SOURCE) -> list[str]:
    with pytest.raises(BankError) as raised:
        parse_bank(data, source)
    return raised.value.problems


def write_bank(root: Path, data: dict, text: str | None = None) -> Path:
    path = root / data["id"] / f"{data['version']}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text if text is not None else yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def publish(root: Path, *banks: dict) -> None:
    lock: dict[str, dict[str, str]] = {}
    for data in banks:
        write_bank(root, data)
        lock.setdefault(data["id"], {})[data["version"]] = canonical_sha256(data)
    write_lock(root, lock)


def drop(*path: str | int) -> Callable[[dict], None]:
    def mutate(data: dict) -> None:
        *parents, last = path
        for key in parents:
            data = data[key]
        del data[last]

    return mutate


def put(value: object, *path: str | int) -> Callable[[dict], None]:
    def mutate(data: dict) -> None:
        *parents, last = path
        for key in parents:
            data = data[key]
        if isinstance(data, list) and last == len(data):
            data.append(value)
        else:
            data[last] = value

    return mutate


Q0 = "questions[0] (q-grooming-signs)"
Q1 = "questions[1] (q-evidence-keep)"

BAD_BANKS = {
    "missing option translation": (
        drop("questions", 0, "options", 1, "text", "en"),
        [f"{Q0}.options[1].text.en: Missing translation."],
    ),
    "missing title translation": (drop("title", "uk"), ["title.uk: Missing translation."]),
    "blank translation": (put("  ", "description", "en"), ["description.en: Empty translation."]),
    "missing explanation translation": (
        drop("questions", 0, "explanation", "uk"),
        [f"{Q0}.explanation.uk: Missing translation."],
    ),
    "missing topic label translation": (
        drop("topics", 1, "label", "en"),
        ["topics[1] (evidence).label.en: Missing translation."],
    ),
    "missing demographic option translation": (
        drop("demographics", 0, "options", 1, "text", "uk"),
        ["demographics[0] (role).options[1].text.uk: Missing translation."],
    ),
    "language not in languages": (
        put("Що?", "questions", 1, "prompt", "ua"),
        [f"{Q1}.prompt.ua: Language 'ua' is not in languages (uk, en)."],
    ),
    "duplicate question id": (
        put("q-grooming-signs", "questions", 1, "id"),
        ["questions[1] (q-grooming-signs).id: Duplicate question id 'q-grooming-signs' (first at index 0)."],
    ),
    "duplicate option id": (
        put("a", "questions", 0, "options", 2, "id"),
        [f"{Q0}.options[2].id: Duplicate option id 'a' (first at index 0)."],
    ),
    "duplicate topic id": (
        put({"id": "evidence", "label": texts("Ще", "Again")}, "topics", 2),
        ["topics[2] (evidence).id: Duplicate topic id 'evidence' (first at index 1)."],
    ),
    "duplicate demographic id": (
        put({"id": "role", "prompt": texts("Р", "R"), "options": []}, "demographics", 1),
        [
            "demographics[1] (role).options: A demographic question needs at least 2 options.",
            "demographics[1] (role).id: Duplicate demographic id 'role' (first at index 0).",
        ],
    ),
    "duplicate demographic option id": (
        put("police", "demographics", 0, "options", 1, "id"),
        ["demographics[0] (role).options[1].id: Duplicate option id 'police' (first at index 0)."],
    ),
    "no correct option": (
        put(False, "questions", 1, "options", 0, "correct"),
        [f"{Q1}.options: No option is marked correct."],
    ),
    "single choice with two correct options": (
        put(True, "questions", 1, "options", 1, "correct"),
        [f"{Q1}.options: Single choice with 2 correct options (a, b)."],
    ),
    "unknown topic": (
        put("sextortion", "questions", 1, "topic"),
        [
            f"{Q1}.topic: Unknown topic 'sextortion' (topics: grooming, evidence).",
            "topics[1] (evidence): No question uses topic 'evidence'.",
        ],
    ),
    "zero points": (put(0, "questions", 0, "points"), [f"{Q0}.points: Must be greater than 0."]),
    "negative points": (put(-1, "questions", 0, "points"), [f"{Q0}.points: Must be greater than 0."]),
    "one option": (
        drop("questions", 1, "options", 1),
        [f"{Q1}.options: A question needs at least 2 options."],
    ),
    "pass percent over 100": (put(101, "pass_percent"), ["pass_percent: Must be between 0 and 100."]),
    "pass percent below 0": (put(-5, "pass_percent"), ["pass_percent: Must be between 0 and 100."]),
    "no languages": (put([], "languages"), ["languages: At least one language is required."]),
    "duplicate language": (
        put(["uk", "en", "uk"], "languages"),
        ["languages[2]: Duplicate language 'uk' (first at index 0)."],
    ),
    "version not a string": (put(2, "version"), ['version: Must be a quoted string, e.g. version: "2".']),
    "unknown question type": (
        put("multi", "questions", 0, "type"),
        [f"{Q0}.type: Must be one of: single, multiple."],
    ),
    "unknown scoring rule": (
        put("some", "scoring", "multiple"),
        ["scoring.multiple: Must be one of: all_or_nothing, partial."],
    ),
    "typo in a question key": (
        put(texts("П", "E"), "questions", 0, "explantion"),
        [f"{Q0}.explantion: Unknown field."],
    ),
    "typo in an option key": (
        drop("questions", 0, "options", 2, "correct"),
        [f"{Q0}.options[2].correct: Missing data for required field."],
    ),
    "free-text demographic": (
        put("text", "demographics", 0, "type"),
        ["demographics[0] (role).type: Unknown field."],
    ),
    "missing prompt": (drop("questions", 1, "prompt"), [f"{Q1}.prompt: Missing data for required field."]),
    "correct as a string": (
        put("yes", "questions", 0, "options", 2, "correct"),
        [f"{Q0}.options[2].correct: Not a valid boolean."],
    ),
    "unused topic": (
        put("grooming", "questions", 1, "topic"),
        ["topics[1] (evidence): No question uses topic 'evidence'."],
    ),
    "number as a language key": (
        put({"uk": "Демо", "en": "Demo", 1: "?"}, "title"),
        [
            "title.1: Key: Not a valid string.",
            "(top level): Holds values JSON cannot represent (a date? a number as a key?).",
        ],
    ),
    "id with a slash": (put("demo/x", "id"), ["id: Must be letters, digits, '-' or '_' (at most 64)."]),
}


@pytest.mark.parametrize("mutate, expected", BAD_BANKS.values(), ids=BAD_BANKS.keys())
def test_each_kind_of_bad_bank_is_reported_with_file_and_path(bank, mutate, expected):
    mutate(bank)

    assert problems_of(bank) == [f"{SOURCE}: {problem}" for problem in expected]


def test_missing_translation_names_the_question_and_language(bank):
    del bank["questions"][0]["options"][1]["text"]["en"]

    assert problems_of(bank) == [
        "question_banks/demo/1.yaml: questions[0] (q-grooming-signs).options[1].text.en: Missing translation."
    ]


def test_all_problems_are_reported_at_once(bank):
    del bank["title"]["en"]
    bank["questions"][0]["options"][0]["unexpected"] = 1
    bank["questions"][1]["options"][1]["correct"] = True
    bank["questions"][1]["id"] = "q-grooming-signs"
    bank["pass_percent"] = 150

    assert problems_of(bank) == [
        f"{SOURCE}: pass_percent: Must be between 0 and 100.",
        f"{SOURCE}: {Q0}.options[0].unexpected: Unknown field.",
        f"{SOURCE}: title.en: Missing translation.",
        f"{SOURCE}: questions[1] (q-grooming-signs).id: Duplicate question id 'q-grooming-signs' (first at index 0).",
        f"{SOURCE}: questions[1] (q-grooming-signs).options: Single choice with 2 correct options (a, b).",
    ]


def test_bank_error_lists_one_problem_per_line(bank):
    del bank["title"]["en"]
    del bank["description"]["uk"]

    with pytest.raises(BankError) as raised:
        parse_bank(bank, SOURCE)

    assert str(raised.value) == (
        f"{SOURCE}: title.en: Missing translation.\n{SOURCE}: description.uk: Missing translation."
    )


def test_unknown_top_level_keys_are_allowed_for_later_additions(bank):
    bank["authors"] = ["Training team"]

    assert parse_bank(bank, SOURCE).id == "demo"


def test_valid_bank_becomes_the_domain_bank_with_defaults(bank):
    del bank["demographics"]
    del bank["pass_percent"]

    parsed = parse_bank(bank, SOURCE)

    assert isinstance(parsed, Bank)
    assert parsed.sha256 == canonical_sha256(bank)
    assert parsed.languages == ("uk", "en")
    assert parsed.scoring == "partial"
    assert parsed.pass_percent is None
    assert parsed.demographics == ()
    assert parsed.review_note is None
    assert [q.points for q in parsed.questions] == [2, 1]
    assert parsed.questions[1].explanation is None
    assert parsed.questions[0].correct_ids == frozenset({"a", "b"})
    assert parsed.max_points == 3


def test_review_note_is_read_into_the_bank(bank):
    bank["review_note"] = texts("Потрібна перевірка", "Needs review")

    assert parse_bank(bank, SOURCE).review_note == {"uk": "Потрібна перевірка", "en": "Needs review"}


def test_review_note_needs_every_language(bank):
    bank["review_note"] = {"uk": "Потрібна перевірка"}

    assert problems_of(bank) == [f"{SOURCE}: review_note.en: Missing translation."]


def test_top_level_that_is_not_a_mapping_is_a_bank_error():
    assert problems_of(["id", "version"]) == [
        f"{SOURCE}: (top level): Must be a mapping (id, version, ...), not a list."
    ]


def test_id_and_version_must_match_the_file_location(bank, tmp_path):
    path = tmp_path / "question_banks" / "other" / "3.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(yaml.safe_dump(bank, allow_unicode=True), encoding="utf-8")

    with pytest.raises(BankError) as raised:
        load_bank_file(path)

    assert raised.value.problems == [
        "question_banks/other/3.yaml: id: 'demo' does not match the folder name 'other'.",
        "question_banks/other/3.yaml: version: '1' does not match the file name '3'.",
    ]


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "id: demo\nversion: '1'\n  questions: [\n",
            "Not valid YAML: while parsing a block mapping, expected <block end>, "
            "but found '<block mapping start>' (line 3, column 3).",
        ),
        ("id: demo\nid: demo2\n", "Not valid YAML: duplicate key 'id' (line 2, column 1)."),
        ("- just\n- a list\n", "(top level): Must be a mapping (id, version, ...), not a list."),
        ("", "(top level): Must be a mapping (id, version, ...), not an empty file."),
    ],
    ids=["syntax error", "repeated key", "a list", "empty file"],
)
def test_unreadable_yaml_is_a_bank_error_naming_the_file(tmp_path, text, expected):
    path = tmp_path / "question_banks" / "demo" / "1.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")

    with pytest.raises(BankError) as raised:
        load_bank_file(path)

    assert raised.value.problems == [f"question_banks/demo/1.yaml: {expected}"]


def test_hash_is_sha256_of_compact_sorted_json():
    data = {"b": "ї", "a": [1, {"d": True, "c": None}]}
    expected = hashlib.sha256('{"a":[1,{"c":null,"d":true}],"b":"ї"}'.encode()).hexdigest()

    assert canonical_sha256(data) == expected


def test_hash_ignores_comments_whitespace_and_key_order():
    one = "# a comment\nid: demo\nversion: '1'\ntitle: {uk: Демо, en: Demo}\n"
    two = 'title:\n  en:   "Demo"\n  uk: Демо\nversion: "1"   # trailing comment\nid: demo\n'

    assert canonical_sha256(yaml.safe_load(one)) == canonical_sha256(yaml.safe_load(two))
    assert canonical_sha256(yaml.safe_load(one)) != canonical_sha256(yaml.safe_load(one.replace("Demo", "Demo!")))


def test_lock_is_written_as_sorted_indented_json_with_trailing_newline(tmp_path):
    write_lock(tmp_path, {"b-bank": {"2": "f" * 64}, "a-bank": {"1": "0" * 64}})

    assert (tmp_path / "published.lock").read_text(encoding="utf-8") == (
        "{\n"
        '  "banks": {\n'
        '    "a-bank": {\n'
        f'      "1": "{"0" * 64}"\n'
        "    },\n"
        '    "b-bank": {\n'
        f'      "2": "{"f" * 64}"\n'
        "    }\n"
        "  }\n"
        "}\n"
    )
    assert read_lock(tmp_path) == {"a-bank": {"1": "0" * 64}, "b-bank": {"2": "f" * 64}}


def test_no_lock_file_means_nothing_is_published_yet(tmp_path):
    assert read_lock(tmp_path) == {}


SHAPE = 'Must look like {"banks": {"<bank_id>": {"<version>": "<sha256>"}}} with plain ids and 64-digit hex hashes.'


@pytest.mark.parametrize(
    "content, expected",
    [
        ("not json", "Not readable as JSON: Expecting value: line 1 column 1 (char 0)."),
        ('{"banks": []}', SHAPE),
        ('{"banks": {"demo": {"1": "not-a-hash"}}}', SHAPE),
        ('{"banks": {"../x": {}}}', SHAPE),
    ],
    ids=["not json", "banks not a mapping", "bad hash", "id that is a path"],
)
def test_malformed_lock_is_a_bank_error(tmp_path, content, expected):
    root = tmp_path / "question_banks"
    root.mkdir()
    (root / "published.lock").write_text(content, encoding="utf-8")

    with pytest.raises(BankError) as raised:
        read_lock(root)

    assert raised.value.problems == [f"question_banks/published.lock: {expected}"]


def test_published_banks_load_into_the_registry(bank, tmp_path):
    root = tmp_path / "question_banks"
    version_10 = {**copy.deepcopy(bank), "version": "10"}
    version_2 = {**copy.deepcopy(bank), "version": "2"}
    other = {**copy.deepcopy(bank), "id": "another"}
    publish(root, version_10, bank, version_2, other)

    registry = load_published_banks(root)

    assert registry.bank_ids() == ["another", "demo"]
    assert registry.versions("demo") == ["1", "2", "10"]
    assert [(b.id, b.version) for b in registry.all()] == [
        ("another", "1"),
        ("demo", "1"),
        ("demo", "2"),
        ("demo", "10"),
    ]
    assert registry.get("demo", "2").sha256 == canonical_sha256(version_2)
    assert registry.get("demo", "3") is None
    assert registry.versions("missing") == []


def test_drafts_are_checked_but_not_loaded(bank, tmp_path):
    root = tmp_path / "question_banks"
    publish(root, bank)
    write_bank(root, {**copy.deepcopy(bank), "version": "2"})

    assert load_published_banks(root).versions("demo") == ["1"]
    assert check_banks(root) == []


def test_changed_published_file_fails_load_and_check(bank, tmp_path):
    root = tmp_path / "question_banks"
    publish(root, bank)
    locked = canonical_sha256(bank)
    bank["questions"][0]["prompt"]["en"] = "Warning signs?"
    write_bank(root, bank)
    expected = (
        f"question_banks/demo/1.yaml: Changed after it was published (sha256 {canonical_sha256(bank)}, "
        f"lock has {locked}). Published versions are immutable: restore this file and publish the change "
        "as a new version."
    )

    with pytest.raises(BankError) as raised:
        load_published_banks(root)

    assert raised.value.problems == [expected]
    assert check_banks(root) == [expected]


def test_reformatting_a_published_file_keeps_it_valid(bank, tmp_path):
    root = tmp_path / "question_banks"
    publish(root, bank)
    reformatted = "# reviewed, no content change\n" + json.dumps(bank, ensure_ascii=False, indent=4)
    write_bank(root, bank, text=reformatted)

    assert load_published_banks(root).get("demo", "1").sha256 == canonical_sha256(bank)
    assert check_banks(root) == []


def test_check_reports_every_file_and_the_lock(bank, tmp_path):
    root = tmp_path / "question_banks"
    publish(root, bank)
    draft = copy.deepcopy(bank)
    draft["version"] = "2"
    del draft["questions"][1]["prompt"]["uk"]
    write_bank(root, draft)
    write_lock(root, {"demo": {"1": canonical_sha256(bank), "3": "0" * 64}})
    (root / "demo" / "4.yml").write_text("id: demo\n", encoding="utf-8")

    assert check_banks(root) == [
        "question_banks/demo/2.yaml: questions[1] (q-evidence-keep).prompt.uk: Missing translation.",
        "question_banks/published.lock: demo version 3 is listed, but question_banks/demo/3.yaml is missing.",
        "question_banks/demo/4.yml: Ignored: bank files must be named <version>.yaml.",
    ]
    with pytest.raises(BankError) as raised:
        load_published_banks(root)
    assert raised.value.problems == [
        "question_banks/published.lock: demo version 3 is listed, but question_banks/demo/3.yaml is missing."
    ]


def test_published_bank_needs_a_lock_file(tmp_path):
    with pytest.raises(BankError) as raised:
        load_published_banks(tmp_path / "question_banks")

    assert raised.value.problems == ["question_banks/published.lock: Not found, so no bank is published."]


def test_registry_orders_versions_naturally(bank):
    banks = [parse_bank({**copy.deepcopy(bank), "version": v}, SOURCE) for v in ("10", "2", "1.10", "1.9")]

    assert BankRegistry(banks).versions("demo") == ["1.9", "1.10", "2", "10"]


# --- The shipped demonstration bank ------------------------------------------------------------


@pytest.fixture(scope="module")
def demo() -> BankRegistry:
    return load_published_banks(REPO_BANKS)


def test_shipped_banks_pass_the_check():
    assert check_banks(REPO_BANKS) == []


def test_demo_bank_has_both_versions_published(demo):
    assert demo.versions("online-child-safety") == ["1", "2"]


@pytest.mark.parametrize("version", ["1", "2"])
def test_demo_bank_meets_the_content_brief(demo, version):
    bank = demo.get("online-child-safety", version)

    assert bank.languages == ("uk", "en")
    assert bank.scoring == "partial"
    assert bank.pass_percent == 70
    assert set(bank.review_note) == {"uk", "en"}
    assert len(bank.questions) >= 16
    assert len(bank.topics) >= 5
    assert sum(q.type == "multiple" for q in bank.questions) >= 4
    assert all(q.explanation for q in bank.questions)
    assert all(q.option_ids == ("a", "b", "c", "d") for q in bank.questions)
    assert 1 <= sum(q.points == 2 for q in bank.questions) <= 2
    assert {q.points for q in bank.questions} == {1, 2}
    assert [(d.id, d.option_ids) for d in bank.demographics] == [
        ("role", ("police", "cyber_police", "educator", "child_rights", "other")),
        ("experience", ("lt2", "2to5", "gt5")),
    ]


def test_demo_file_says_it_needs_expert_review():
    for version in ("1", "2"):
        text = (REPO_BANKS / "online-child-safety" / f"{version}.yaml").read_text(encoding="utf-8")
        assert text.startswith("# DEMONSTRATION CONTENT.")


def test_demo_version_2_rewords_an_item_and_adds_one(demo):
    one, two = demo.get("online-child-safety", "1"), demo.get("online-child-safety", "2")
    ids_one, ids_two = [q.id for q in one.questions], [q.id for q in two.questions]
    reworded = [q.id for q in one.questions if q.id in ids_two and q != two.question(q.id)]

    assert set(ids_one) < set(ids_two)
    assert set(ids_two) - set(ids_one) == {"q-evidence-csam-screenshots"}
    assert reworded == ["q-grooming-signs", "q-disclosure-secrecy"]
    assert all(one.question(i).topic == two.question(i).topic for i in reworded)
    assert all(one.question(i).correct_ids == two.question(i).correct_ids for i in reworded)
    assert one.sha256 != two.sha256
