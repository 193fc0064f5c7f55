"""The codebook of an export (every column: name, label and meaning in each language, type, allowed
values and their labels) and the zip bundle that carries it with the data, metadata and banks.

Column texts are English here, marked with N_ and turned into {"uk": ..., "en": ...} by the
`translate` function the caller passes (the gettext catalogs); bank-specific columns (topics,
demographics, items) take their labels from the bank's own texts.
"""

from __future__ import annotations

import dataclasses
import io
import json
import zipfile
from collections.abc import Callable

from service.domain.anonymity import SUPPRESSED
from service.domain.export import Export, to_csv, to_jsonl
from service.domain.models import PHASES, Bank
from service.errors import N_

Translate = Callable[[str], dict[str, str]]
"""An English message -> the message in every language the codebook carries."""

LANGUAGE_NAMES = {"uk": N_("Ukrainian"), "en": N_("English")}
PHASE_NAMES = {
    "pre": N_("before the training"),
    "post": N_("after the training"),
    "follow_up": N_("follow-up, some time after the training"),
}
_SUPPRESSED_LABEL = N_("suppressed: the row's class has fewer than k participants")
_PERCENT = {"minimum": 0, "maximum": 100}

# name -> (label, meaning, type, allowed values)
_FIXED = {
    "pseudonym": (
        N_("Pseudonym"),
        N_(
            "The participant within this export: a keyed hash that differs from export to export unless the same "
            "pseudonym key is asked for. It is neither the participant code nor the stored hash."
        ),
        "string",
        {"pattern": "^[0-9a-f]{16}$"},
    ),
    "cohort_id": (N_("Cohort"), N_("The training group the answers were given in."), "string", None),
    "region": (
        N_("Region"),
        N_("The cohort's region as the coordinator entered it; empty when none was given."),
        "category",
        None,
    ),
    "bank_id": (N_("Question bank"), N_("The question bank the test came from."), "string", None),
    "bank_version": (
        N_("Question bank version"),
        N_("The published version of the bank the answers were scored against."),
        "string",
        None,
    ),
    "bank_sha256": (
        N_("Question bank hash"),
        N_("SHA-256 of the bank version's content, as recorded in question_banks/published.lock."),
        "string",
        {"pattern": "^[0-9a-f]{64}$"},
    ),
    "phase": (
        N_("Phase"),
        N_("Whether the test was taken before or after the training, or as the follow-up some time later."),
        "category",
        None,
    ),
    "language": (N_("Language"), N_("The language the test was taken in."), "category", None),
    "language_pre": (N_("Language before"), N_("The language of the test before the training."), "category", None),
    "language_post": (N_("Language after"), N_("The language of the test after the training."), "category", None),
    "submitted_day": (
        N_("Day of submission"),
        N_("The day (UTC) the answers were stored, YYYY-MM-DD; never a time of day."),
        "date",
        {"pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
    ),
    "points": (N_("Points"), N_("Points earned in this test."), "number", {"minimum": 0}),
    "max_points": (N_("Maximum points"), N_("Points a fully right test earns."), "number", {"minimum": 0}),
    "percent": (N_("Score, percent"), N_("100 × points / maximum points."), "number", _PERCENT),
    "pre_percent": (N_("Score before, percent"), N_("Score of the test before the training."), "number", _PERCENT),
    "post_percent": (N_("Score after, percent"), N_("Score of the test after the training."), "number", _PERCENT),
    "gain": (
        N_("Gain, percentage points"),
        N_("Score after minus score before."),
        "number",
        {"minimum": -100, "maximum": 100},
    ),
    "follow_up_percent": (
        N_("Score at the follow-up, percent"),
        N_("Score of the follow-up test some time after the training; empty when it was not taken."),
        "number",
        _PERCENT,
    ),
    "normalized_gain": (
        N_("Normalized gain"),
        N_("(after − before) / (100 − before); empty when the score before was 100%."),
        "number",
        {"maximum": 1},
    ),
}
_TOPIC_MEANING = N_("Percent of the points of this topic's questions earned in this test.")
_ITEM_MEANING = N_(
    "Share of this question's points earned: 1 right, 0 wrong or unanswered, in between for a partly right "
    "multiple-choice answer. Empty when the row's bank version does not have the question."
)
_DEMOGRAPHIC_MEANING = N_("An optional question about the participant; empty when it was not answered.")
_NOT_ANSWERED = N_("not answered")
_REACTION_MEANING = N_(
    "The participant's opinion of the training, given with the test after it and never scored; "
    "empty when not given (or on other phases' rows)."
)
_SURE_MEANING = N_("1: the participant marked this answer sure; 0: not sure; empty: no mark, or no answer.")
_SCALE = {
    "1": N_("strongly disagree"),
    "2": N_("disagree"),
    "3": N_("neither agree nor disagree"),
    "4": N_("agree"),
    "5": N_("strongly agree"),
}
_NOT_GIVEN = N_("not given")


def codebook(export: Export, translate: Translate) -> dict:
    """Every column of `export`, in column order, described so that the file can be read without us."""
    quasi = set(export.anonymity.quasi_identifiers)
    columns = [_describe(name, export, translate) for name in export.columns]
    for column in columns:
        if column["name"] in quasi:
            column["value_labels"][SUPPRESSED] = translate(_SUPPRESSED_LABEL)
            allowed = column["allowed_values"]
            if isinstance(allowed, list):
                allowed.append(SUPPRESSED)
            else:  # a pattern or a range: the one word that may stand in its place
                column["allowed_values"] = {**(allowed or {}), "or": [SUPPRESSED]}
            column["quasi_identifier"] = True
    return {
        "export": export.kind,
        "k": export.k,
        "missing_value": "",
        "suppressed_value": SUPPRESSED,
        "columns": columns,
    }


def _describe(name: str, export: Export, translate: Translate) -> dict:
    if name in _FIXED:
        label, meaning, kind, allowed = _FIXED[name]
        column = _column(name, translate(label), translate(meaning), kind, allowed)
        _add_categories(column, name, export, translate)
        return column
    prefix, _, key = name.partition(".")
    if prefix == "topic":
        topic = next(t for bank in reversed(export.banks) for t in bank.topics if t.id == key)
        return _column(name, dict(topic.label), translate(_TOPIC_MEANING), "number", dict(_PERCENT))
    if prefix == "item":
        question = next(q for bank in reversed(export.banks) for q in bank.questions if q.id == key)
        column = _column(name, dict(question.prompt), translate(_ITEM_MEANING), "number", {"minimum": 0, "maximum": 1})
        column["topic"] = question.topic
        column["in_bank_versions"] = [f"{b.id}/{b.version}" for b in export.banks if b.question(key)]
        return column
    if prefix == "demographic":
        return _demographic_column(name, key, export.banks, translate)
    if prefix == "reaction":
        return _reaction_column(name, key, export.banks, translate)
    if prefix == "sure":
        question = next(q for bank in reversed(export.banks) for q in bank.questions if q.id == key)
        column = _column(name, dict(question.prompt), translate(_SURE_MEANING), "category", [0, 1, ""])
        column["value_labels"] = {"1": translate(N_("sure")), "0": translate(N_("not sure"))}
        return column
    raise ValueError(f"no codebook entry for column {name!r}")


def _column(name: str, label: dict, meaning: dict, kind: str, allowed) -> dict:
    return {
        "name": name,
        "label": label,
        "meaning": meaning,
        "type": kind,
        "allowed_values": allowed,
        "value_labels": {},
    }


def _add_categories(column: dict, name: str, export: Export, translate: Translate) -> None:
    """Categorical fixed columns list their values: phases, languages, and the regions present."""
    if name == "phase":
        column["allowed_values"] = list(PHASES)
        column["value_labels"] = {phase: translate(PHASE_NAMES[phase]) for phase in PHASES}
    elif name.startswith("language"):
        languages = list(dict.fromkeys(lang for bank in export.banks for lang in bank.languages))
        column["allowed_values"] = languages
        column["value_labels"] = {lang: translate(LANGUAGE_NAMES.get(lang, lang)) for lang in languages}
    elif name == "region":
        regions = sorted({row["region"] for row in export.rows if row["region"] not in ("", SUPPRESSED)})
        column["allowed_values"] = [*regions, ""]
        column["value_labels"] = {"": translate(_NOT_GIVEN)}


def _demographic_column(name: str, key: str, banks: list[Bank], translate: Translate) -> dict:
    questions = [d for bank in reversed(banks) for d in bank.demographics if d.id == key]
    options = {}
    for question in reversed(questions):  # oldest first, newer texts win
        options.update({option.id: dict(option.text) for option in question.options})
    column = _column(name, dict(questions[0].prompt), translate(_DEMOGRAPHIC_MEANING), "category", [*options, ""])
    column["value_labels"] = options | {"": translate(_NOT_ANSWERED)}
    return column


def _reaction_column(name: str, key: str, banks: list[Bank], translate: Translate) -> dict:
    item = next(r for bank in reversed(banks) for r in bank.reaction if r.id == key)
    meaning = translate(_REACTION_MEANING)
    if item.type == "likert":
        column = _column(name, dict(item.prompt), meaning, "number", {"minimum": 1, "maximum": 5})
        column["value_labels"] = {point: translate(label) for point, label in _SCALE.items()}
    else:
        column = _column(name, dict(item.prompt), meaning, "category", [*item.option_ids, ""])
        column["value_labels"] = {option.id: dict(option.text) for option in item.options}
    column["value_labels"][""] = translate(_NOT_GIVEN)
    return column


def bundle(export: Export, metadata: dict, book: dict) -> bytes:
    """A zip with the export as CSV (UTF-8 with BOM) and JSON Lines, codebook.json, metadata.json and
    every bank version used (banks/<bank_id>-<version>.json, with correct answers, for evaluators)."""
    files = {
        f"{export.kind}.csv": to_csv(export),
        f"{export.kind}.jsonl": to_jsonl(export),
        "codebook.json": _json(book),
    }
    bank_files = {f"banks/{bank.id}-{bank.version}.json": _json(dataclasses.asdict(bank)) for bank in export.banks}
    files["metadata.json"] = _json(metadata | {"files": sorted([*files, "metadata.json", *bank_files])})
    files.update(bank_files)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            # A fixed date: the archive says nothing about when it was made beyond metadata's day.
            entry = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            archive.writestr(entry, text.encode("utf-8"), compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
