"""Question banks: parse and validate bank files, check them against the lock of published versions.

Pure functions on files and plain data (no Flask, no boto3). Every problem is reported with its
file and path at once, so a bank author fixes a file in one pass.

Over 400 lines on purpose: one set of bank rules, applied to a file and reported in one pass; the
marshmallow schema of the file format is apart (schemas/bank.py), the build snapshot too.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from service.domain.models import (
    ID_PATTERN,
    VERSION_PATTERN,
    Bank,
    Demographic,
    DemographicOption,
    Option,
    Question,
    ReactionItem,
    Topic,
)

LOCK_NAME = "published.lock"
MAX_DEPTH = 32
MAX_VALUES = 200_000
_NAMED_LISTS = ("topics", "demographics", "reaction", "questions")  # their entries are shown with their id
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_PLAIN_KEY = re.compile(r"^[A-Za-z0-9_-]+$")

Segments = tuple[Any, ...]  # keys and list indexes, outermost first


class BankError(Exception):
    """One or more problems with bank files, each `"<file>: <path>: <message>"`."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = list(problems)


def canonical_sha256(data: dict) -> str:
    """SHA-256 of the parsed content, so comments, whitespace and key order never change it."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def version_sort_key(version: str) -> list[Any]:
    """Natural order for versions: "2" < "10", "1.9" < "1.10"."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", version)]


def parse_bank(data: Any, source: str, *, expected_id: str | None = None, expected_version: str | None = None) -> Bank:
    """Validate parsed bank data (schema and cross-field rules) and build the Bank, or raise BankError.

    `expected_id` / `expected_version` are the folder name and file stem when read from a file.
    """
    if not isinstance(data, dict):
        found = "an empty file" if data is None else f"a {type(data).__name__}"
        raise BankError([f"{source}: (top level): Must be a mapping (id, version, ...), not {found}."])
    if too_big := _beyond_limits(data):
        raise BankError([f"{source}: (top level): {too_big}"])
    loaded, found = _load_and_check(data, expected_id, expected_version)
    problems = [f"{source}: {_format_path(data, segments)}: {message}" for segments, message in found]
    try:
        sha256 = canonical_sha256(data)
    except (TypeError, ValueError):
        problems.append(f"{source}: (top level): Holds values JSON cannot represent (a date? a number as a key?).")
    if problems or loaded is None:
        raise BankError(problems)
    return _build_bank(loaded, sha256)


def _beyond_limits(data: Any) -> str | None:
    """Why `data` is too deep or too big to be a bank (a real one is about 6 levels and a few thousand
    values), or None. Checked before anything recurses into it: YAML aliases can make a small file
    expand into billions of values, or into a structure that contains itself."""
    stack, seen = [(data, 1)], 0
    while stack:
        node, depth = stack.pop()
        seen += 1
        if depth > MAX_DEPTH:
            return f"Brackets, indentation or YAML aliases nested too deeply (more than {MAX_DEPTH} levels)."
        if seen > MAX_VALUES:
            return f"More than {MAX_VALUES} values once YAML aliases are expanded."
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        stack.extend((child, depth + 1) for child in children)
    return None


def bank_problems(data: dict) -> list[tuple[Segments, str]]:
    """Every problem in parsed bank data as (path segments, message): for tools that report problems
    at their own locations (the spreadsheet import names cells, not YAML paths)."""
    return _load_and_check(data, None, None)[1]


def _load_and_check(data: dict, expected_id: str | None, expected_version: str | None) -> tuple[dict | None, list]:
    # Only here, when a bank file is read: a Lambda loads its banks from the build's snapshot and
    # never needs marshmallow for a participant's page.
    from marshmallow import ValidationError

    from service.schemas.bank import BankSchema, flatten_errors

    try:
        loaded, errors = BankSchema().load(data), {}
    except ValidationError as error:
        loaded, errors = None, error.messages
    return loaded, list(flatten_errors(errors)) + _Rules(data, expected_id, expected_version).check()


def load_bank_file(path: Path) -> Bank:
    """Read and validate `<bank_id>/<version>.yaml`; its id and version must match that location."""
    location = path.resolve()
    data = _read_yaml(path)
    return parse_bank(data, _source(path), expected_id=location.parent.name, expected_version=location.stem)


def read_lock(root: Path) -> dict[str, dict[str, str]]:
    """The published versions and their hashes, `{bank_id: {version: sha256}}`; empty when no lock yet."""
    path = root / LOCK_NAME
    if not path.exists():
        return {}
    source = _source(path, parts=2)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BankError([f"{source}: Not readable as JSON: {error}."]) from None
    banks = data.get("banks") if isinstance(data, dict) else None
    if not isinstance(banks, dict) or not all(_valid_lock_entry(k, v) for k, v in banks.items()):
        shape = '{"banks": {"<bank_id>": {"<version>": "<sha256>"}}}'
        raise BankError([f"{source}: Must look like {shape} with plain ids and 64-digit hex hashes."])
    return {bank_id: dict(versions) for bank_id, versions in banks.items()}


def write_lock(root: Path, lock: dict[str, dict[str, str]]) -> None:
    """Write the lock as stable JSON (sorted keys, indent 2) so that diffs show only real changes."""
    text = json.dumps({"banks": lock}, sort_keys=True, indent=2, ensure_ascii=False)
    (root / LOCK_NAME).write_text(text + "\n", encoding="utf-8")


class BankRegistry:
    """The published banks by id and version: what cohorts are pinned to and scored against."""

    def __init__(self, banks: Iterable[Bank] = ()):
        self._banks = {(bank.id, bank.version): bank for bank in banks}

    def get(self, bank_id: str, version: str) -> Bank | None:
        return self._banks.get((bank_id, version))

    def versions(self, bank_id: str) -> list[str]:
        return sorted((v for b, v in self._banks if b == bank_id), key=version_sort_key)

    def bank_ids(self) -> list[str]:
        return sorted({bank_id for bank_id, _ in self._banks})

    def all(self) -> list[Bank]:
        return [self._banks[key] for key in sorted(self._banks, key=_entry_key)]


def load_published_banks(root: Path) -> BankRegistry:
    """Load every version listed in the lock, refusing files changed since they were published."""
    if not (root / LOCK_NAME).is_file():
        raise BankError([f"{_source(root / LOCK_NAME, parts=2)}: Not found, so no bank is published."])
    lock = read_lock(root)
    banks, problems = [], []
    for bank_id, version in sorted(_lock_entries(lock), key=_entry_key):
        bank, found = _check_published(root, bank_id, version, lock[bank_id][version])
        problems += found
        if bank is not None:
            banks.append(bank)
    if problems:
        raise BankError(problems)
    return BankRegistry(banks)


def item_warning_lines(root: Path) -> list[str]:
    """The item-writing warnings (service/domain/item_checks.py) of every bank file that loads, as
    `<file>: <path>: <message> [<check>]` lines."""
    from service.domain.item_checks import item_warnings

    lines = []
    for path in sorted(root.glob("*/*.yaml")):
        try:
            bank, data = load_bank_file(path), _read_yaml(path)
        except BankError:
            continue  # check_banks reports why
        for warning in item_warnings(bank):
            lines.append(
                f"{_source(path)}: {_format_path(data, warning.segments)}: {warning.message} [{warning.check}]"
            )
    return lines


def check_banks(root: Path) -> list[str]:
    """Every problem in every bank file under `root` (published or draft) and in the lock; [] if none."""
    try:
        lock, problems = read_lock(root), []
    except BankError as error:
        lock, problems = {}, list(error.problems)
    listed = set(_lock_entries(lock))
    files = {(path.parent.name, path.stem) for path in root.glob("*/*.yaml")}
    for bank_id, version in sorted(files | listed, key=_entry_key):
        if (bank_id, version) in listed:
            problems += _check_published(root, bank_id, version, lock[bank_id][version])[1]
        else:
            try:
                load_bank_file(root / bank_id / f"{version}.yaml")
            except BankError as error:
                problems += error.problems
    for path in sorted(root.glob("*/*.yml")):
        problems.append(f"{_source(path)}: Ignored: bank files must be named <version>.yaml.")
    return problems


def _check_published(root: Path, bank_id: str, version: str, locked: str) -> tuple[Bank | None, list[str]]:
    """Load one published version and compare its hash with the lock."""
    path = root / bank_id / f"{version}.yaml"
    if not path.is_file():
        lock = _source(root / LOCK_NAME, parts=2)
        return None, [f"{lock}: {bank_id} version {version} is listed, but {_source(path)} is missing."]
    try:
        data = _read_yaml(path)
    except BankError as error:
        return None, error.problems
    problems = []
    try:
        actual = canonical_sha256(data)
    except (TypeError, ValueError):
        actual = None  # parse_bank reports why
    if actual is not None and actual != locked:
        problems.append(
            f"{_source(path)}: Changed after it was published (sha256 {actual}, lock has {locked}). "
            "Published versions are immutable: restore this file and publish the change as a new version."
        )
    try:
        bank = parse_bank(data, _source(path), expected_id=bank_id, expected_version=version)
    except BankError as error:
        return None, problems + error.problems
    return (None if problems else bank), problems


@functools.cache
def _loaders() -> tuple[type, type]:
    """(libyaml's loader where PyYAML has it, the pure-Python one), both SafeLoaders that refuse a key
    repeated in one mapping instead of silently keeping the last. Made on first use: a cold start
    that reads the banks' snapshot (bank_snapshot.py) needs no YAML at all."""
    import yaml
    from yaml.constructor import ConstructorError, SafeConstructor

    def construct_mapping_once(self, node, deep: bool = False) -> dict:
        seen = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                key = self.construct_object(key_node)
                if key in seen:
                    raise ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
                seen.add(key)
        return SafeConstructor.construct_mapping(self, node, deep=deep)

    fast = type("_FastLoader", (getattr(yaml, "CSafeLoader", yaml.SafeLoader),), {})
    fast.construct_mapping = construct_mapping_once
    safe = type("_Loader", (yaml.SafeLoader,), {})
    safe.construct_mapping = construct_mapping_once
    return fast, safe


def _read_yaml(path: Path) -> Any:
    """Parsed YAML of a bank file; unreadable or invalid YAML becomes a BankError naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise BankError([f"{_source(path)}: Cannot read the file: {error}."]) from None
    import yaml

    fast_loader, loader = _loaders()
    try:
        try:
            data = yaml.load(text, Loader=fast_loader)  # a SafeLoader
        except yaml.YAMLError:
            # libyaml words problems differently: let the pure-Python parser say what is wrong, and where
            data = yaml.load(text, Loader=loader)  # a SafeLoader
    except RecursionError:
        raise BankError([f"{_source(path)}: Not readable: brackets or indentation nested too deeply."]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        context = getattr(error, "context", None)
        what = getattr(error, "problem", None) or str(error)
        what = f"{context}, {what}" if context else what
        raise BankError([f"{_source(path)}: Not valid YAML: {what}{where}."]) from None
    if too_big := _beyond_limits(data):  # before anything (the lock's hash, too) recurses into it
        raise BankError([f"{_source(path)}: (top level): {too_big}"])
    return data


def _source(path: Path, parts: int = 3) -> str:
    """How problems name a file: `question_banks/<bank_id>/<version>.yaml`, whatever the working directory."""
    return "/".join(path.parts[-parts:])


def _valid_lock_entry(bank_id: Any, versions: Any) -> bool:
    return (
        isinstance(bank_id, str)
        and re.match(ID_PATTERN, bank_id) is not None
        and isinstance(versions, dict)
        and all(
            isinstance(v, str) and re.match(VERSION_PATTERN, v) and isinstance(h, str) and _SHA256.match(h)
            for v, h in versions.items()
        )
    )


def _lock_entries(lock: dict[str, dict[str, str]]) -> Iterator[tuple[str, str]]:
    return ((bank_id, version) for bank_id, versions in lock.items() for version in versions)


def _entry_key(entry: tuple[str, str]) -> tuple[str, list[Any]]:
    return entry[0], version_sort_key(entry[1])


def _format_path(data: Any, segments: Segments) -> str:
    """`questions[3] (q-grooming-signs).options[1].text.en`: indexes from 0, entries named by id."""
    text, node = "", data
    for depth, segment in enumerate(segments):
        if isinstance(segment, int) and not isinstance(node, dict):
            text += f"[{segment}]"
            node = node[segment] if isinstance(node, list) and 0 <= segment < len(node) else None
            if depth == 1 and segments[0] in _NAMED_LISTS and isinstance(node, dict):
                text += f" ({node['id']})" if isinstance(node.get("id"), str) else ""
        else:
            if isinstance(segment, str) and not _PLAIN_KEY.match(segment):
                text += f"[{segment!r}]"  # a key with odd characters: ': ' in it would blur the message
            else:
                text += f".{segment}" if text else str(segment)
            node = node.get(segment) if isinstance(node, dict) else None
    return text or "(top level)"


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


class _Rules:
    """Rules across fields, checked on the raw data; wrong shapes are the schema's to report."""

    def __init__(self, data: dict, expected_id: str | None, expected_version: str | None):
        self.data, self.expected = data, {"id": expected_id, "version": expected_version}
        self.languages = list(dict.fromkeys(c for c in _list(data.get("languages")) if isinstance(c, str)))
        self.found: list[tuple[Segments, str]] = []

    def check(self) -> list[tuple[Segments, str]]:
        data = self.data
        for key, place in (("id", "the folder name"), ("version", "the file name")):
            expected, actual = self.expected[key], data.get(key)
            if expected is not None and isinstance(actual, str) and actual != expected:
                self.add((key,), f"'{actual}' does not match {place} '{expected}'.")
        self.entries(("languages",), data.get("languages"), "language")
        for key in ("title", "description", "review_note"):
            self.texts((key,), data.get(key))
        self.entries(("topics",), data.get("topics"), "topic id", "label")
        for i, item in self.entries(("demographics",), data.get("demographics"), "demographic id", "prompt"):
            self.entries(("demographics", i, "options"), item.get("options"), "option id", "text")
        for i, item in self.entries(("reaction",), data.get("reaction"), "reaction id", "prompt"):
            self.reaction_item(("reaction", i), item)
        choices = [i for i, item in self.entries(("reaction",), data.get("reaction")) if item.get("type") == "choice"]
        for i in choices[1:]:
            self.add(("reaction", i, "type"), "Only one choice list is asked (the others are statements rated 1–5).")
        questions = self.entries(("questions",), data.get("questions"), "question id", "prompt")
        for i, question in questions:
            self.question(("questions", i), question)
        used = {q.get("topic") for _, q in questions if isinstance(q.get("topic"), str)}
        for i, topic in self.entries(("topics",), data.get("topics")):
            if isinstance(topic.get("id"), str) and topic["id"] not in used:
                self.add(("topics", i), f"No question uses topic '{topic['id']}'.")
        return self.found

    def add(self, segments: Segments, message: str) -> None:
        self.found.append((segments, message))

    def texts(self, segments: Segments, value: Any) -> None:
        """Every language of the bank is present and not blank, and no other language is."""
        if not isinstance(value, dict):
            return
        for language in self.languages:
            if language not in value:
                self.add((*segments, language), "Missing translation.")
            elif isinstance(value[language], str) and not value[language].strip():
                self.add((*segments, language), "Empty translation.")
        for language in value:
            if isinstance(language, str) and self.languages and language not in self.languages:
                listed = ", ".join(self.languages)
                self.add((*segments, language), f"Language '{language}' is not in languages ({listed}).")

    def entries(self, at: Segments, value: Any, kind: str = "", text_key: str = "") -> list[tuple[int, dict]]:
        """The mapping entries of a list; with `kind`, reports repeated ids and checks each entry's text."""
        first: dict[str, int] = {}
        for i, entry in enumerate(_list(value) if kind else []):
            item_id = entry.get("id") if isinstance(entry, dict) else entry
            if text_key and isinstance(entry, dict):
                self.texts((*at, i, text_key), entry.get(text_key))
            if isinstance(item_id, str) and item_id in first:
                where = (*at, i, "id") if isinstance(entry, dict) else (*at, i)
                self.add(where, f"Duplicate {kind} '{item_id}' (first at index {first[item_id]}).")
            elif isinstance(item_id, str):
                first[item_id] = i
        return [(i, entry) for i, entry in enumerate(_list(value)) if isinstance(entry, dict)]

    def reaction_item(self, at: Segments, item: dict) -> None:
        options = self.entries((*at, "options"), item.get("options"), "option id", "text")
        if item.get("type") == "choice" and len(options) < 2:
            self.add((*at, "options"), "A choice list needs at least 2 options.")
        elif item.get("type") == "likert" and options:
            self.add((*at, "options"), "A statement is rated 1–5 and has no options (or make it type: choice).")

    def question(self, at: Segments, question: dict) -> None:
        self.texts((*at, "explanation"), question.get("explanation"))
        topics = [t.get("id") for _, t in self.entries(("topics",), self.data.get("topics"))]
        topic = question.get("topic")
        if isinstance(self.data.get("topics"), list) and isinstance(topic, str) and topic not in topics:
            self.add((*at, "topic"), f"Unknown topic '{topic}' (topics: {', '.join(map(str, topics))}).")
        options = self.entries((*at, "options"), question.get("options"), "option id", "text")
        correct = [str(option.get("id")) for _, option in options if option.get("correct") is True]
        if options and not correct:
            self.add((*at, "options"), "No option is marked correct.")
        elif question.get("type") == "single" and len(correct) > 1:
            listed = ", ".join(correct)
            self.add((*at, "options"), f"Single choice with {len(correct)} correct options ({listed}).")


def _build_bank(loaded: dict, sha256: str) -> Bank:
    """The domain Bank from schema-validated data (the schema's field names are the dataclasses')."""
    questions = tuple(
        Question(**{**q, "options": tuple(Option(**o) for o in q["options"])}) for q in loaded["questions"]
    )
    demographics = tuple(
        Demographic(**{**d, "options": tuple(DemographicOption(**o) for o in d["options"])})
        for d in loaded["demographics"]
    )
    reaction = tuple(
        ReactionItem(**{**r, "options": tuple(DemographicOption(**o) for o in r["options"])})
        for r in loaded["reaction"]
    )
    replaced = {
        "sha256": sha256,
        "reaction": reaction,
        "languages": tuple(loaded["languages"]),
        "scoring": loaded["scoring"]["multiple"],
        "topics": tuple(Topic(**t) for t in loaded["topics"]),
        "questions": questions,
        "demographics": demographics,
    }
    return Bank(**{**loaded, **replaced})
