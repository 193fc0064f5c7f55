"""Fuzzing the bank loader: whatever a bank file holds, loading it gives a valid Bank or a BankError
whose every problem names the file and a path, never another exception.

Three kinds of input: random YAML-shaped structures, structural mutations of the shipped banks
(a key dropped, a value replaced, an entry repeated), and text mutations of the shipped files
(characters flipped, lines dropped or repeated, YAML syntax spliced in). Derandomized, so a run in
CI explores exactly what a run on a laptop does; EXAMPLES bounds each.
"""

from __future__ import annotations

import copy
import datetime
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st

from service.domain.banks import BankError, load_bank_file, parse_bank
from service.domain.models import Bank

BANKS = Path(__file__).resolve().parents[2] / "question_banks"
REAL_FILES = sorted(BANKS.glob("*/*.yaml"))
REAL_DATA = [yaml.safe_load(path.read_text(encoding="utf-8")) for path in REAL_FILES]
EXAMPLES = 150
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
SOURCE = "question_banks/fuzz/1.yaml"
# `<file>: <path>: <message>`; a path starts with a plain key or a bracket, e.g. questions[3] (q-x).options
PROBLEM = re.compile(r"^question_banks/fuzz/1\.yaml: (\(top level\)|[A-Za-z0-9_\[]).*?: \S", re.S)

# Keys that bank files use, so random mappings look like (broken) banks often enough to go deep.
BANK_KEYS = [
    "id", "version", "languages", "title", "description", "scoring", "multiple", "pass_percent", "topics",
    "label", "demographics", "prompt", "options", "text", "correct", "questions", "topic", "type", "points",
    "explanation", "review_note", "uk", "en",
]  # fmt: skip
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["single", "multiple", "partial", "all_or_nothing", "uk", "en", "", " ", "a", "1"]),
    st.dates(),
    st.datetimes(),
    st.binary(max_size=8),
)
keys = st.one_of(st.sampled_from(BANK_KEYS), st.text(max_size=8), st.integers(-3, 3), st.booleans(), st.none())
structures = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(keys, inner, max_size=6)),
    max_leaves=40,
)


def assert_bank_or_problems_with_paths(load) -> None:
    try:
        bank = load()
    except BankError as error:
        assert error.problems, "a BankError must say what is wrong"
        for problem in error.problems:
            assert PROBLEM.match(problem), problem
        return
    assert isinstance(bank, Bank)


@FUZZ
@given(structures)
def test_any_structure_is_a_bank_or_problems_with_paths(data):
    assert_bank_or_problems_with_paths(lambda: parse_bank(data, SOURCE, expected_id="fuzz", expected_version="1"))


@FUZZ
@given(st.dictionaries(st.sampled_from(BANK_KEYS), structures, max_size=10))
def test_any_mapping_of_bank_keys_is_a_bank_or_problems_with_paths(data):
    assert_bank_or_problems_with_paths(lambda: parse_bank(data, SOURCE, expected_id="fuzz", expected_version="1"))


def places(node, at=()):
    """Every (path, value) inside parsed YAML, the root included."""
    yield at, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from places(value, (*at, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from places(value, (*at, index))


@st.composite
def mutated_banks(draw):
    """A shipped bank with 1-4 mutations at places chosen from all of its places: a value dropped,
    replaced, emptied, set to null, repeated in its list, or (harmless for texts) appended to."""
    data = copy.deepcopy(draw(st.sampled_from(REAL_DATA)))
    data["id"], data["version"] = "fuzz", "1"
    for _ in range(draw(st.integers(1, 4))):
        at, _value = draw(st.sampled_from(list(places(data))[1:]))
        parent = data
        for segment in at[:-1]:
            parent = parent[segment]
        last = at[-1]
        action = draw(st.sampled_from(["drop", "replace", "repeat", "empty", "none", "append"]))
        if action == "append" and isinstance(parent[last], str):  # harmless for a text, not for an id
            parent[last] += " (mutated)"
        elif action == "drop":
            del parent[last]
        elif action == "replace":
            parent[last] = draw(structures)
        elif action == "repeat" and isinstance(parent, list):
            parent.insert(last, copy.deepcopy(parent[last]))
        elif action == "empty":
            parent[last] = type(parent[last])() if isinstance(parent[last], (dict, list, str)) else ""
        else:
            parent[last] = None
    return data


@FUZZ
@given(mutated_banks())
def test_structural_mutations_of_the_shipped_banks_are_a_bank_or_problems_with_paths(data):
    assert_bank_or_problems_with_paths(lambda: parse_bank(data, SOURCE, expected_id="fuzz", expected_version="1"))


YAML_SPLICES = [": ", "- ", "{", "}", "[", "]", "&a ", "*a", "!!python/object:os.system ", "!!binary ", "\t",
                "'", '"', "? ", "|", ">", "%YAML 1.1\n", "---\n", "...\n", "\x00", "\ufeff", "2026-11-28",
                "0x1F", ".nan", "~", "<<: *a", "&a [*a]"]  # fmt: skip


@st.composite
def mutated_texts(draw):
    """A shipped bank file's text with 1-5 edits: characters flipped, lines dropped or repeated,
    YAML syntax spliced in."""
    lines = draw(st.sampled_from(REAL_FILES)).read_text(encoding="utf-8").splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 5))):
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["flip", "drop", "repeat", "splice"]))
        if action == "drop":
            del lines[index]
        elif action == "repeat":
            lines.insert(index, lines[index])
        else:
            line = lines[index]
            where = draw(st.integers(0, len(line)))
            insert = draw(st.sampled_from(YAML_SPLICES)) if action == "splice" else draw(st.characters())
            lines[index] = line[:where] + insert + line[where + (action == "flip") :]
    return "".join(lines)


@FUZZ
@given(text=mutated_texts())
def test_text_mutations_of_the_shipped_files_are_a_bank_or_problems_with_paths(tmp_path_factory, text):
    folder = tmp_path_factory.mktemp("question_banks") / "fuzz"
    folder.mkdir()
    path = folder / "1.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        bank = load_bank_file(path)
    except BankError as error:
        assert error.problems
        for problem in error.problems:
            assert re.match(r"^[^/]+/fuzz/1\.yaml: .+", problem, re.S), problem
        return
    assert isinstance(bank, Bank)


@pytest.mark.filterwarnings("ignore:Generating overly large repr")  # find() shows the whole bank it found
def test_the_mutations_reach_valid_banks_and_problems_deep_inside_questions():
    """The mutations must not all fail at the top: some leave a valid bank, some break an option."""

    def parses(data) -> bool:
        try:
            parse_bank(data, SOURCE, expected_id="fuzz", expected_version="1")
        except BankError:
            return False
        return True

    def fails_deep(data) -> bool:
        try:
            parse_bank(data, SOURCE, expected_id="fuzz", expected_version="1")
        except BankError as error:
            return any(".options[" in problem for problem in error.problems)
        return False

    search = settings(max_examples=500, database=None, deadline=None, derandomize=True)
    assert parses(find(mutated_banks(), parses, settings=search))
    assert fails_deep(find(mutated_banks(), fails_deep, settings=search))


def test_dates_and_non_string_keys_are_reported_not_raised():
    data = copy.deepcopy(REAL_DATA[0]) | {"id": "fuzz", "version": "1", "released": datetime.date(2026, 11, 28)}
    data["title"] = {1: "one", "uk": "х", "en": "x"}
    assert_bank_or_problems_with_paths(lambda: parse_bank(data, SOURCE, expected_id="fuzz", expected_version="1"))


ALIAS_BOMB = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n"
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True)
)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[" * 3000 + "]" * 3000, "nested too deeply"),
        ("questions: " + "{a: " * 3000 + "1" + "}" * 3000, "nested too deeply"),
        ("id: fuzz\nquestions: &q [*q]\n", "nested too deeply (more than 32 levels)"),
        (ALIAS_BOMB, "More than 200000 values"),
    ],
    ids=["deep-brackets", "deep-mappings", "alias-to-itself", "alias-bomb"],
)
def test_files_too_deep_or_too_big_to_be_a_bank_are_refused_before_anything_recurses(tmp_path, text, problem):
    folder = tmp_path / "question_banks" / "fuzz"
    folder.mkdir(parents=True)
    (folder / "1.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(BankError) as refused:
        load_bank_file(folder / "1.yaml")
    assert refused.value.problems[0].startswith("question_banks/fuzz/1.yaml: ")
    assert problem in refused.value.problems[0]


@pytest.mark.parametrize("key", [": ", "a: b", "x.y", "", "\u202e"])
def test_a_key_with_odd_characters_is_quoted_in_the_path(key):
    data = copy.deepcopy(REAL_DATA[0]) | {"id": "fuzz", "version": "1"}
    data["questions"][0]["options"][0][key] = 1
    with pytest.raises(BankError) as refused:
        parse_bank(data, SOURCE, expected_id="fuzz", expected_version="1")
    assert f".options[0][{key!r}]: Unknown field." in "\n".join(refused.value.problems)


def test_a_correct_flag_must_be_a_yaml_boolean_not_a_number():
    data = copy.deepcopy(REAL_DATA[0]) | {"id": "fuzz", "version": "1"}
    data["questions"][0]["options"][0]["correct"] = 1
    with pytest.raises(BankError) as refused:
        parse_bank(data, SOURCE, expected_id="fuzz", expected_version="1")
    assert ".options[0].correct: Not a valid boolean." in "\n".join(refused.value.problems)
