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

from service.domain import disclosure
from service.domain.anonymity import SUPPRESSED, Suppression
from service.domain.csv_cells import spreadsheet_cell
from service.domain.models import PHASES, Bank, Cohort, Submission

__all__ = [
    "CohortData",
    "Export",
    "export_metadata",
    "metadata_headers",
    "participant_export",
    "pseudonym",
    "submission_export",
    "to_csv",
    "to_jsonl",
]

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
    "follow_up_percent",
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
    pooled: bool = False  # no cohort ids or days
    withheld_rows: int = 0  # rows of small groups, or of suppressed participants under a day filter
    withheld_participants: int = 0

    @property
    def k(self) -> int:
        return self.anonymity.k

    @property
    def suppressed_rows(self) -> int:
        return self.anonymity.suppressed_rows


def pseudonym(export_key: bytes, participant_hash: str) -> str:
    """Not the stored hash: two exports under different keys cannot be joined on it."""
    return hmac.new(export_key, participant_hash.encode(), hashlib.sha256).hexdigest()[:16]


def submission_export(
    cohorts: Iterable[CohortData],
    *,
    export_key: bytes,
    k: int,
    pooled: bool = False,
    day_from: str | None = None,
    day_to: str | None = None,
) -> Export:
    """One row per submission. `pooled` leaves out cohort ids and days; days `day_from`..`day_to`
    (ISO) keep only the rows of those days, and only of participants whose days are shown."""
    cohorts = list(cohorts)
    banks = _distinct_banks(cohorts)
    topic_columns = _unique(f"topic.{t.id}" for bank in banks for t in bank.topics)
    demographic_columns = _unique(f"demographic.{d.id}" for bank in banks for d in bank.demographics)
    item_columns = _unique(f"item.{q.id}" for bank in banks for q in bank.questions)
    # The reaction (post-test) and the sure / not sure marks, only for banks that ask for them.
    reaction_columns = _unique(f"reaction.{r.id}" for bank in banks for r in bank.reaction)
    sure_columns = _unique(f"sure.{q.id}" for bank in banks if bank.confidence for q in bank.questions)
    quasi = ["region", "language", *([] if pooled else ["submitted_day"]), *demographic_columns]
    rows, withheld, decisions = [], _Withheld(), []
    for data in cohorts:
        demographics = _demographics_by_participant(data.submissions)
        decision = _decide(data, demographics, k)
        decisions.append(decision)
        # Ordered by pseudonym, never by the stored hash: an order shared by two exports would join them.
        for sub in sorted(
            data.submissions, key=lambda s: (pseudonym(export_key, s.participant_hash), PHASES.index(s.phase))
        ):
            if not disclosure.in_days([sub.submitted_day], day_from, day_to):
                continue
            if not _shown(sub.participant_hash, decision, day_from or day_to):
                withheld.add(sub.participant_hash)
                continue
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
            row.update({f"reaction.{item}": value for item, value in sub.reaction.items()})
            row.update({f"sure.{q}": int(sure) for q, sure in sub.confidence.items()})
            _apply(row, sub.participant_hash, decision, quasi)
            rows.append(row)
    anonymity = _anonymity(rows, quasi, k, pooled, decisions, cohorts)
    columns = BASE_COLUMNS + topic_columns + demographic_columns + item_columns + reaction_columns + sure_columns
    columns = _without_cohorts(columns, rows, pooled)
    return Export("submissions", columns, rows, banks, anonymity, pooled, withheld.rows, len(withheld.people))


def participant_export(
    cohorts: Iterable[CohortData],
    *,
    export_key: bytes,
    k: int,
    pooled: bool = False,
    day_from: str | None = None,
    day_to: str | None = None,
) -> Export:
    """One row per participant who took both the pre- and the post-test: pre, post, gain, normalized
    gain, and the follow-up's score when they took it. With days, only participants whose days are
    all in them and shown."""
    cohorts = list(cohorts)
    banks = _distinct_banks(cohorts)
    demographic_columns = _unique(f"demographic.{d.id}" for b in banks for d in b.demographics)
    quasi = ["region", "language_pre", "language_post", *demographic_columns]
    rows, withheld, decisions = [], _Withheld(), []
    for data in cohorts:
        by_participant: dict[str, dict[str, Submission]] = defaultdict(dict)
        for sub in data.submissions:
            by_participant[sub.participant_hash][sub.phase] = sub
        demographics = _demographics_by_participant(data.submissions)
        decision = _decide(data, demographics, k)
        decisions.append(decision)
        for participant, phases in sorted(by_participant.items(), key=lambda item: pseudonym(export_key, item[0])):
            if "pre" not in phases or "post" not in phases:
                continue
            if not disclosure.in_days([s.submitted_day for s in phases.values()], day_from, day_to):
                continue
            if not _shown(participant, decision, day_from or day_to):
                withheld.add(participant)
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
                "follow_up_percent": round(phases["follow_up"].score.percent, 2) if "follow_up" in phases else None,
            }
            row.update({f"demographic.{d}": v for d, v in demographics.get(participant, {}).items()})
            _apply(row, participant, decision, quasi)
            rows.append(row)
    anonymity = _anonymity(rows, quasi, k, pooled, decisions, cohorts)
    columns = _without_cohorts(PARTICIPANT_COLUMNS + demographic_columns, rows, pooled)
    return Export("participants", columns, rows, banks, anonymity, pooled, withheld.rows, len(withheld.people))


POOLED_OUT = ("cohort_id", "submitted_day")
DECISION_QUASI_IDENTIFIERS = ("region", "language", "submitted_day")


class _Withheld:
    def __init__(self):
        self.rows = 0
        self.people: set[str] = set()

    def add(self, participant: str) -> None:
        self.rows += 1
        self.people.add(participant)


def _decide(data: CohortData, demographics: dict[str, dict[str, str]], k: int) -> disclosure.CohortDecision:
    """The cohort's one decision (disclosure.decide_cohort), from all its submissions: the finest
    rows any export has, so that every export, whatever it filters or pools, shows only less."""
    rows = []
    for sub in data.submissions:
        row = {
            "participant": sub.participant_hash,
            "phase": sub.phase,
            "region": data.cohort.region or "",
            "language": sub.language,
            "submitted_day": sub.submitted_day,
        }
        row.update({f"demographic.{d}": v for d, v in demographics.get(sub.participant_hash, {}).items()})
        rows.append(row)
    demographic_columns = [f"demographic.{d.id}" for d in data.bank.demographics]
    return disclosure.decide_cohort(rows, [*DECISION_QUASI_IDENTIFIERS, *demographic_columns], k)


def _shown(participant: str, decision: disclosure.CohortDecision, day_filtered) -> bool:
    """No row of a small (cohort, phases taken) group; and under a day filter no row of a participant
    whose days are suppressed (the filter would give their day back)."""
    if participant in decision.withheld:
        return False
    return not (day_filtered and participant in decision.suppressed)


def _apply(row: dict, participant: str, decision: disclosure.CohortDecision, quasi: list[str]) -> None:
    if participant in decision.suppressed:
        row.update({column: SUPPRESSED for column in quasi})


def _anonymity(rows, quasi, k, pooled, decisions, cohorts) -> Suppression:
    """What the cohorts' decisions did to this export, counted on its rows, for the metadata."""
    within = _within(pooled)
    vectors: dict[str, list] = defaultdict(list)
    for row in rows:
        scope = tuple(row[c] for c in within)
        vectors[row["pseudonym"]].append((scope, row.get("phase", ""), *(str(row.get(c, "")) for c in quasi)))
    suppressed = [row for row in rows if quasi and row.get(quasi[0]) == SUPPRESSED]
    return Suppression(
        k=k,
        quasi_identifiers=tuple(quasi),
        participants=len(vectors),
        classes=len({tuple(sorted(v)) for v in vectors.values()}),
        suppressed_rows=len(suppressed),
        suppressed_participants=len({row["pseudonym"] for row in suppressed}),
        scopes_below_k=sum(1 for data in cohorts if len({s.participant_hash for s in data.submissions}) < k),
        groups_below_k=sum(decision.groups_below_k for decision in decisions),
    )


def _within(pooled: bool) -> tuple[str, ...]:
    """How a pooled export's rows are counted in its metadata: by bank version (rows name no cohort)."""
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
    """UTF-8 with BOM so Excel shows Cyrillic right; one header row; every cell through the formula
    guard (domain/csv_cells.py)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.DictWriter(buffer, fieldnames=export.columns, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for row in export.rows:
        writer.writerow({column: spreadsheet_cell(row.get(column)) for column in export.columns})
    return buffer.getvalue()


def to_jsonl(export: Export) -> str:
    return "".join(
        json.dumps({column: row.get(column) for column in export.columns}, ensure_ascii=False) + "\n"
        for row in export.rows
    )


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
        "classes_counted_within": ["cohort_id", "phases taken"],
        "classes": anonymity.classes,
        "suppressed_value": SUPPRESSED,
        "suppressed_rows": anonymity.suppressed_rows,
        "suppressed_participants": anonymity.suppressed_participants,
        # no row at all: a (cohort, phases taken) group under k, or under a day filter a participant
        # whose days are suppressed; they stay in reports' aggregates
        "withheld_rows": export.withheld_rows,
        "withheld_participants": export.withheld_participants,
        "withheld_reason": disclosure.reason(anonymity.k),
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
        "X-Export-Withheld-Rows": str(metadata["withheld_rows"]),
        "X-Export-Pooled": "true" if metadata["pooled"] else "false",
        "X-Export-Pseudonym-Key": metadata["pseudonym_key"]["kind"],
    }
    if metadata["cohorts_below_k"] is not None:
        headers["X-Export-Cohorts-Below-K"] = str(metadata["cohorts_below_k"])
    return headers
