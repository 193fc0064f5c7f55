"""Anonymized exports for evaluators: one row per submission or per linked participant.

Rows carry a pseudonym derived from the stored hash under the export key (not the hash itself),
the submission day only, and k-anonymity over the quasi-identifiers (region, language and every
demographic answer): a class of rows sharing those values with fewer than k distinct participants
gets them replaced by "suppressed".
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from service.domain.models import Bank, Cohort, Submission

SUPPRESSED = "suppressed"
BASE_COLUMNS = [
    "pseudonym",
    "cohort_id",
    "region",
    "bank_id",
    "bank_version",
    "bank_sha256",
    "phase",
    "language",
    "submitted_day",
    "points",
    "max_points",
    "percent",
]
PARTICIPANT_COLUMNS = [
    "pseudonym",
    "cohort_id",
    "region",
    "bank_id",
    "bank_version",
    "bank_sha256",
    "language_pre",
    "language_post",
    "pre_percent",
    "post_percent",
    "gain",
    "normalized_gain",
]


@dataclass(frozen=True)
class CohortData:
    cohort: Cohort
    bank: Bank
    submissions: list[Submission]


@dataclass(frozen=True)
class Export:
    columns: list[str]
    rows: list[dict]
    k: int
    suppressed_rows: int


def pseudonym(export_key: bytes, participant_hash: str) -> str:
    """Not the stored hash: two exports under different keys cannot be joined on it."""
    return hmac.new(export_key, participant_hash.encode(), hashlib.sha256).hexdigest()[:16]


def submission_export(cohorts: Iterable[CohortData], *, export_key: bytes, k: int) -> Export:
    cohorts = list(cohorts)
    banks = _distinct_banks(cohorts)
    topic_columns = _unique(f"topic.{t.id}" for bank in banks for t in bank.topics)
    demographic_columns = _unique(f"demographic.{d.id}" for bank in banks for d in bank.demographics)
    item_columns = _unique(f"item.{q.id}" for bank in banks for q in bank.questions)
    rows = []
    for data in cohorts:
        demographics = _demographics_by_participant(data.submissions)
        for sub in sorted(data.submissions, key=lambda s: (s.participant_hash, s.phase != "pre")):
            row = {
                "pseudonym": pseudonym(export_key, sub.participant_hash),
                "cohort_id": data.cohort.id,
                "region": data.cohort.region or "",
                "bank_id": sub.bank_id,
                "bank_version": sub.bank_version,
                "bank_sha256": sub.bank_sha256,
                "phase": sub.phase,
                "language": sub.language,
                "submitted_day": sub.submitted_day,
                "points": sub.score.points,
                "max_points": sub.score.max_points,
                "percent": round(sub.score.percent, 2),
            }
            row.update({f"topic.{t}": round(s.percent, 2) for t, s in sub.score.by_topic.items()})
            row.update({f"demographic.{d}": v for d, v in demographics.get(sub.participant_hash, {}).items()})
            row.update({f"item.{q}": mark for q, mark in sub.score.marks.items()})
            rows.append(row)
    quasi = ["region", "language", *demographic_columns]
    suppressed = suppress_small_classes(rows, quasi, k)
    columns = BASE_COLUMNS + topic_columns + demographic_columns + item_columns
    return Export(columns, rows, k, suppressed)


def participant_export(cohorts: Iterable[CohortData], *, export_key: bytes, k: int) -> Export:
    """One row per participant who took both phases: pre, post, gain and normalized gain."""
    cohorts = list(cohorts)
    demographic_columns = _unique(f"demographic.{d.id}" for b in _distinct_banks(cohorts) for d in b.demographics)
    rows = []
    for data in cohorts:
        by_participant: dict[str, dict[str, Submission]] = defaultdict(dict)
        for sub in data.submissions:
            by_participant[sub.participant_hash][sub.phase] = sub
        demographics = _demographics_by_participant(data.submissions)
        for participant, phases in sorted(by_participant.items()):
            if "pre" not in phases or "post" not in phases:
                continue
            pre, post = phases["pre"].score.percent, phases["post"].score.percent
            row = {
                "pseudonym": pseudonym(export_key, participant),
                "cohort_id": data.cohort.id,
                "region": data.cohort.region or "",
                "bank_id": data.bank.id,
                "bank_version": data.bank.version,
                "bank_sha256": data.bank.sha256,
                "language_pre": phases["pre"].language,
                "language_post": phases["post"].language,
                "pre_percent": round(pre, 2),
                "post_percent": round(post, 2),
                "gain": round(post - pre, 2),
                "normalized_gain": round((post - pre) / (100 - pre), 4) if pre < 100 else None,
            }
            row.update({f"demographic.{d}": v for d, v in demographics.get(participant, {}).items()})
            rows.append(row)
    quasi = ["region", "language_pre", "language_post", *demographic_columns]
    suppressed = suppress_small_classes(rows, quasi, k)
    return Export(PARTICIPANT_COLUMNS + demographic_columns, rows, k, suppressed)


def suppress_small_classes(rows: list[dict], quasi_identifiers: list[str], k: int) -> int:
    """Replace the quasi-identifiers of rows in classes with fewer than k participants; return how many rows."""
    members: dict[tuple, set[str]] = defaultdict(set)
    for row in rows:
        members[_class_of(row, quasi_identifiers)].add(row["pseudonym"])
    suppressed = 0
    for row in rows:
        if len(members[_class_of(row, quasi_identifiers)]) < k:
            for column in quasi_identifiers:
                row[column] = SUPPRESSED
            suppressed += 1
    return suppressed


def to_csv(export: Export) -> str:
    """UTF-8 with BOM so Excel shows Cyrillic right; one header row; text that a spreadsheet would
    run as a formula is prefixed with an apostrophe."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.DictWriter(buffer, fieldnames=export.columns, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for row in export.rows:
        writer.writerow({column: _cell(row.get(column)) for column in export.columns})
    return buffer.getvalue()


def to_jsonl(export: Export) -> str:
    return "".join(
        json.dumps({column: row.get(column) for column in export.columns}, ensure_ascii=False) + "\n"
        for row in export.rows
    )


def _cell(value) -> str:
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") and isinstance(value, str) else text


def _class_of(row: dict, quasi_identifiers: list[str]) -> tuple:
    return tuple(row.get(column, "") for column in quasi_identifiers)


def _demographics_by_participant(submissions: Iterable[Submission]) -> dict[str, dict[str, str]]:
    """Demographics are asked once (at the pre-test); both of a participant's rows carry them."""
    answers: dict[str, dict[str, str]] = {}
    for sub in sorted(submissions, key=lambda s: s.phase != "pre"):
        if sub.demographics and sub.participant_hash not in answers:
            answers[sub.participant_hash] = dict(sub.demographics)
    return answers


def _distinct_banks(cohorts: list[CohortData]) -> list[Bank]:
    seen = {}
    for data in cohorts:
        seen.setdefault((data.bank.id, data.bank.version), data.bank)
    return [seen[key] for key in sorted(seen, key=lambda key: (key[0], _natural(key[1])))]


def _natural(version: str) -> tuple:
    return (0, int(version), "") if version.isdigit() else (1, 0, version)


def _unique(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(names))
