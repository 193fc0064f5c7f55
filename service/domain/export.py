"""Anonymized exports for evaluators: one row per submission or per linked participant.

Rows carry a pseudonym derived from the stored hash under the export's own key (not the hash
itself), the submission day only, and k-anonymity over the quasi-identifiers (region, language,
submission day and every demographic answer; see `anonymity.py` for how classes are counted).
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

from service.domain.anonymity import SUPPRESSED, Suppression, k_anonymize
from service.domain.models import Bank, Cohort, Submission

__all__ = ["SUPPRESSED", "CohortData", "Export", "participant_export", "submission_export"]

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
    kind: str  # "submissions" or "participants"
    columns: list[str]
    rows: list[dict]
    banks: list[Bank]  # every bank version a row was scored against
    anonymity: Suppression
    pooled: bool = False  # no cohort ids or days; classes counted across the export

    @property
    def k(self) -> int:
        return self.anonymity.k

    @property
    def suppressed_rows(self) -> int:
        return self.anonymity.suppressed_rows


def pseudonym(export_key: bytes, participant_hash: str) -> str:
    """Not the stored hash: two exports under different keys cannot be joined on it."""
    return hmac.new(export_key, participant_hash.encode(), hashlib.sha256).hexdigest()[:16]


def submission_export(cohorts: Iterable[CohortData], *, export_key: bytes, k: int, pooled: bool = False) -> Export:
    """One row per submission. `pooled` leaves out cohort ids and days (see `anonymity.py`)."""
    cohorts = list(cohorts)
    banks = _distinct_banks(cohorts)
    topic_columns = _unique(f"topic.{t.id}" for bank in banks for t in bank.topics)
    demographic_columns = _unique(f"demographic.{d.id}" for bank in banks for d in bank.demographics)
    item_columns = _unique(f"item.{q.id}" for bank in banks for q in bank.questions)
    rows = []
    for data in cohorts:
        demographics = _demographics_by_participant(data.submissions)
        # Ordered by pseudonym, never by the stored hash: an order shared by two exports would join them.
        for sub in sorted(
            data.submissions, key=lambda s: (pseudonym(export_key, s.participant_hash), s.phase != "pre")
        ):
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
    quasi = ["region", "language", *([] if pooled else ["submitted_day"]), *demographic_columns]
    anonymity = k_anonymize(rows, quasi, k, within=_within(pooled))
    columns = BASE_COLUMNS + topic_columns + demographic_columns + item_columns
    return Export("submissions", _without_cohorts(columns, rows, pooled), rows, banks, anonymity, pooled)


def participant_export(cohorts: Iterable[CohortData], *, export_key: bytes, k: int, pooled: bool = False) -> Export:
    """One row per participant who took both phases: pre, post, gain and normalized gain."""
    cohorts = list(cohorts)
    banks = _distinct_banks(cohorts)
    demographic_columns = _unique(f"demographic.{d.id}" for b in banks for d in b.demographics)
    rows = []
    for data in cohorts:
        by_participant: dict[str, dict[str, Submission]] = defaultdict(dict)
        for sub in data.submissions:
            by_participant[sub.participant_hash][sub.phase] = sub
        demographics = _demographics_by_participant(data.submissions)
        for participant, phases in sorted(by_participant.items(), key=lambda item: pseudonym(export_key, item[0])):
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
    anonymity = k_anonymize(rows, quasi, k, within=_within(pooled))
    columns = _without_cohorts(PARTICIPANT_COLUMNS + demographic_columns, rows, pooled)
    return Export("participants", columns, rows, banks, anonymity, pooled)


POOLED_OUT = ("cohort_id", "submitted_day")


def _within(pooled: bool) -> tuple[str, ...]:
    """Where classes are counted: each cohort, or for a pooled export each bank version (a version
    used by one cohort only would otherwise point at that cohort's rows)."""
    return ("bank_id", "bank_version") if pooled else ("cohort_id",)


def _without_cohorts(columns: list[str], rows: list[dict], pooled: bool) -> list[str]:
    """A pooled export drops what would let a reader narrow the search to one cohort's rows."""
    if not pooled:
        return columns
    for row in rows:
        for name in POOLED_OUT:
            row.pop(name, None)
    return [column for column in columns if column not in POOLED_OUT]


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


def export_metadata(export: Export, *, generated_on: str, pseudonym_key: str | None, filters: dict) -> dict:
    """What an evaluator (and a data-protection officer) needs to read an export: its size, how
    k-anonymity changed it, which pseudonym key it used and the bank versions behind it."""
    anonymity = export.anonymity
    return {
        "export": export.kind,
        "generated_on": generated_on,
        "rows": len(export.rows),
        "participants": anonymity.participants,
        "k": anonymity.k,
        "quasi_identifiers": list(anonymity.quasi_identifiers),
        "pooled": export.pooled,
        "classes_counted_within": [*_within(export.pooled), "phases taken"],
        "classes": anonymity.classes,
        "suppressed_value": SUPPRESSED,
        "suppressed_rows": anonymity.suppressed_rows,
        "suppressed_participants": anonymity.suppressed_participants,
        # cohorts (pooled: bank versions) with fewer than k participants: every quasi-identifier suppressed
        "cohorts_below_k": None if export.pooled else anonymity.scopes_below_k,
        "bank_versions_below_k": anonymity.scopes_below_k if export.pooled else None,
        "groups_below_k": anonymity.groups_below_k,
        "pseudonym_key": {
            "kind": "named" if pseudonym_key else "per-export",
            "name": pseudonym_key,
            "joinable_with": "exports asked for with the same pseudonym_key" if pseudonym_key else "no other export",
        },
        "filters": {name: value for name, value in filters.items() if value},
        "banks": [{"bank_id": b.id, "version": b.version, "sha256": b.sha256} for b in export.banks],
    }


def metadata_headers(metadata: dict) -> dict[str, str]:
    """The metadata as response headers for CSV and JSON Lines (a zip carries metadata.json instead)."""
    headers = {
        "X-Export-Rows": str(metadata["rows"]),
        "X-Export-Participants": str(metadata["participants"]),
        "X-Export-K": str(metadata["k"]),
        "X-Export-Classes": str(metadata["classes"]),
        "X-Export-Suppressed-Rows": str(metadata["suppressed_rows"]),
        "X-Export-Suppressed-Participants": str(metadata["suppressed_participants"]),
        "X-Export-Pooled": "true" if metadata["pooled"] else "false",
        "X-Export-Pseudonym-Key": metadata["pseudonym_key"]["kind"],
    }
    if metadata["cohorts_below_k"] is not None:
        headers["X-Export-Cohorts-Below-K"] = str(metadata["cohorts_below_k"])
    return headers
