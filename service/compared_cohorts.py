"""The trainer page's "compared with other groups of this bank": the DerSimonian-Laird summary of the
other finished cohorts of the same bank version, never one of their rows (docs/report.md).

Which cohorts: closed ones (their figures no longer move), other than the trainer's, each under the
evaluator's disclosure rules (fewer than k participants or k pairs: left out), and only when at least
MIN_COHORTS_FOR_TRAINERS remain (domain/cohort_comparison.py).

Cost: the whole page asks for it once, the live poll (`live.json`) never. It is one Query of the
cohorts index (every cohort of the deployment: there is no index by bank version, see
docs/data-model.md) and then one Query of each finished cohort's submissions that this process
has not read yet; a closed cohort takes no more submissions, so its row is kept in memory, keyed by
its id and close time, once it has been closed (or imported) for SETTLED_SECONDS.
"""

from __future__ import annotations

import contextvars
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from service.domain.cohort_comparison import compare_cohorts, summary_for_trainers
from service.domain.disclosure import cohorts_under_k
from service.domain.models import Cohort

if TYPE_CHECKING:
    from service.operations import Services

SETTLED_SECONDS = 600  # a submission in flight at the close, or an upload's submissions, have landed by then
_ROWS: dict[tuple[str, str, str | None, int], dict] = {}
_MOST_KEPT = 5000


def summary_of_other_cohorts(services: Services, cohort: Cohort) -> dict | None:
    """The summary (meta) of the other closed cohorts of `cohort`'s bank version, or None when too few."""
    others = [
        other
        for other in services.store.list_cohorts(newest_first=False)
        if (other.bank_id, other.bank_version) == (cohort.bank_id, cohort.bank_version)
        and other.closed
        and other.id != cohort.id
    ]
    if not others:
        return None
    contexts = [contextvars.copy_context() for _ in others]  # the request's DynamoDB budget holds in each
    with ThreadPoolExecutor(max_workers=4) as pool:
        rows = list(pool.map(lambda c, other: c.run(_row, services, other), contexts, others))
    return summary_for_trainers(rows)


def _row(services: Services, cohort: Cohort) -> dict:
    """A finished cohort's row as an evaluator's report shows it (withheld under k), read once per process."""
    k = services.settings.k_anonymity
    key = (cohort.id, cohort.closed_at or "", cohort.imported_at, k)
    if key in _ROWS:
        return _ROWS[key]
    submissions = list(services.store.cohort_submissions(cohort.id, scores_only=True))
    left_out = cohorts_under_k({cohort.id: {submission.participant_hash for submission in submissions}}, k)
    (row,) = compare_cohorts([cohort], submissions, k, left_out).cohorts
    if _settled(cohort, services.clock()) and len(_ROWS) < _MOST_KEPT:
        _ROWS[key] = row
    return row


def _settled(cohort: Cohort, now: float) -> bool:
    moments = [moment for moment in (cohort.closed_at, cohort.imported_at) if moment]
    latest = max(datetime.fromisoformat(moment.replace("Z", "+00:00")) for moment in moments)
    return datetime.fromtimestamp(now, UTC) - latest >= timedelta(seconds=SETTLED_SECONDS)
