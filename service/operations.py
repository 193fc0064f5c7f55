"""What the service does with cohorts, one function per use case, and the services container every
use case takes. Blueprints and the CLI call these; they call the domain (pure) and the store. No
Flask request objects here. A participant's test is in submissions.py, what is read about cohorts
(counts, live figures, the evaluator's report) in reports.py, exports in exports.py."""

from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from service.domain import linkage
from service.domain.banks import BankRegistry
from service.domain.models import DEFAULT_EXPECTED_PARTICIPANTS, MAX_EXPECTED_PARTICIPANTS, PHASES, Bank, Cohort
from service.domain.text import hidden_character
from service.errors import N_, InvalidInput, NotFound
from service.observability import logger
from service.settings import Settings, token_sha256
from service.store.dynamodb import Store

_COHORT_ID_ALPHABET = "abcdefghjkmnpqrstvwxyz23456789"
MAX_LABEL_LENGTH = 120


@dataclass(frozen=True)
class Services:
    """Everything a use case needs, built once by the app factory. `clock` gives epoch seconds: the
    console's sessions and its login throttle read it, so that tests can move time."""

    settings: Settings
    store: Store
    banks: BankRegistry
    clock: Callable[[], float] = field(default=time.time)


@dataclass(frozen=True)
class NewCohort:
    cohort: Cohort
    trainer_token: str  # shown once, stored only as a hash


def expires_at(settings: Settings) -> int:
    """When an item written now is deleted by DynamoDB's TTL (epoch seconds): the retention period."""
    return int(datetime.now(UTC).timestamp()) + settings.retention_days * 86400


def now_to_the_minute() -> str:
    """Timestamps are stored to the minute only: finer ones could single out a person in a class."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%MZ")


def token_hash(token: str) -> str:
    return token_sha256(token)


def tokens_match(token: str | None, expected_hash: str) -> bool:
    """Constant-time comparison of a presented token with a stored hash."""
    return bool(token) and hmac.compare_digest(token_hash(token), expected_hash)


def create_cohort(
    services: Services,
    *,
    bank_id: str,
    bank_version: str,
    label: str,
    language: str | None = None,
    region: str | None = None,
    phases: Mapping[str, bool] | None = None,
    shuffle: bool = False,
    allow_unpaired_codes: bool = False,
    expected_participants: int = DEFAULT_EXPECTED_PARTICIPANTS,
) -> NewCohort:
    """A new cohort with the pre-test open and the post-test not yet (the trainer starts it, which
    closes the pre-test: docs/pages.md); `phases` may say otherwise."""
    _check_expected_participants(expected_participants)
    bank = services.banks.get(bank_id, bank_version)
    if bank is None:
        raise InvalidInput(
            N_("no published bank %(bank_id)s version %(bank_version)s"),
            {"bank_version": N_("not a published version of this bank")},
            params={"bank_id": bank_id, "bank_version": bank_version},
        )
    language = language or bank.languages[0]
    if language not in bank.languages:
        raise InvalidInput(N_("the bank has no such language"), {"language": N_("not one of the bank's languages")})
    check_label_and_region(services.settings, label, region)
    state = {"pre": True, "post": False, "follow_up": False}
    state.update(phases or {})
    trainer_token = secrets.token_urlsafe(24)
    cohort = Cohort(
        id="".join(secrets.choice(_COHORT_ID_ALPHABET) for _ in range(10)),
        bank_id=bank.id,
        bank_version=bank.version,
        bank_sha256=bank.sha256,
        label=label,
        language=language,
        region=region or None,
        phases=state,
        trainer_token_hash=token_hash(trainer_token),
        created_at=now_to_the_minute(),
        shuffle=shuffle,
        allow_unpaired_codes=allow_unpaired_codes,
        linkage_salt=linkage.new_linkage_salt(),
        expires_at=expires_at(services.settings),
        expected_participants=expected_participants,
    )
    services.store.create_cohort(cohort)
    logger.info("cohort created", extra={"cohort_id": cohort.id, "bank_id": bank.id, "bank_version": bank.version})
    return NewCohort(cohort, trainer_token)


def check_label_and_region(settings: Settings, label: str, region: str | None) -> None:
    """Whatever way a cohort is made (API, console, command line), its label is one line of visible
    text and its region one of the configured regions: the console's list, never free text, and so
    never the export's `suppressed` marker (settings refuse that as a region name)."""
    hidden = hidden_character(label)
    if hidden or not 0 < len(label) <= MAX_LABEL_LENGTH:
        problem = N_("one line of visible text, at most 120 characters")
        raise InvalidInput(N_("the cohort's label cannot be stored as it is"), {"label": problem})
    if region and region not in settings.regions:
        raise InvalidInput(N_("not one of the configured regions"), {"region": N_("Choose a region from the list.")})


def find_cohort(services: Services, cohort_id: str) -> tuple[Cohort, Bank]:
    cohort = services.store.get_cohort(cohort_id)
    if cohort is None:
        raise NotFound(N_("no such cohort"))
    bank = services.banks.get(cohort.bank_id, cohort.bank_version)
    if bank is None or bank.sha256 != cohort.bank_sha256:
        raise NotFound(N_("the question bank of this cohort is not available"))
    return cohort, bank


def set_phases(services: Services, cohort_id: str, phases: Mapping[str, bool]) -> Cohort:
    if not phases:
        raise InvalidInput(N_("name the phase to open or close"), {"phases": N_("pre, post or follow_up")})
    unknown = sorted(set(phases) - set(PHASES))
    if unknown:
        raise InvalidInput(N_("unknown phase"), {phase: N_("a phase is pre, post or follow_up") for phase in unknown})
    return services.store.set_phases(cohort_id, dict(phases))


def change_phases(services: Services, cohort_id: str, form: Mapping[str, str]) -> Cohort:
    """What the phase buttons of the trainer page and the console send (templates/_phase_buttons.html):
    `start=post`, or one `phase` with `open` 1 or 0."""
    if form.get("start") == "post":
        return start_post_test(services, cohort_id)
    phase, wanted = form.get("phase"), form.get("open")
    if phase not in PHASES or wanted not in ("0", "1"):
        raise InvalidInput(
            N_("Choose a test to open or close."), {"phase": N_("pre, post or follow_up"), "open": N_("1 or 0")}
        )
    return set_phases(services, cohort_id, {phase: wanted == "1"})


def start_post_test(services: Services, cohort_id: str) -> Cohort:
    """The trainer's one action after the training: the pre-test closes as the post-test opens, so a
    late phone cannot take the pre-test after it has seen the training (or the post-test)."""
    return services.store.set_phases(cohort_id, {"pre": False, "post": True})


def set_expected_participants(services: Services, cohort_id: str, expected: int) -> Cohort:
    """Change how many participants a cohort expects (trainer), and so how many submissions each phase takes."""
    _check_expected_participants(expected)
    cohort = services.store.set_expected_participants(cohort_id, expected)
    logger.info("expected participants changed", extra={"cohort_id": cohort_id, "expected": expected})
    return cohort


def _check_expected_participants(expected: object) -> None:
    if isinstance(expected, bool) or not isinstance(expected, int) or not 1 <= expected <= MAX_EXPECTED_PARTICIPANTS:
        raise InvalidInput(
            N_("the expected number of participants must be a whole number from 1 to %(most)s"),
            {"expected_participants": N_("a whole number from 1 to 5000")},
            params={"most": MAX_EXPECTED_PARTICIPANTS},
        )


def close_cohort(services: Services, cohort_id: str) -> Cohort:
    """Close a cohort for good (coordinator): no phase opens again and no submission is accepted.
    Its results stay readable for the trainer and in exports."""
    cohort = services.store.close_cohort(cohort_id, now_to_the_minute())
    logger.info("cohort closed", extra={"cohort_id": cohort_id})
    return cohort


def delete_cohort(services: Services, cohort_id: str) -> int:
    """Erase a cohort and everything stored of it (coordinator): afterwards every route of it answers
    404, and only the table's point-in-time backups hold it, until they age out (docs/security.md)."""
    if services.store.get_cohort(cohort_id) is None:
        raise NotFound(N_("no such cohort"))
    deleted = services.store.delete_cohort(cohort_id)
    logger.info("cohort deleted", extra={"cohort_id": cohort_id, "items": deleted})
    return deleted


def rotate_trainer_token(services: Services, cohort_id: str) -> NewCohort:
    """A new trainer secret for a cohort (coordinator), shown once; the old one stops working at once."""
    trainer_token = secrets.token_urlsafe(24)
    cohort = services.store.set_trainer_token_hash(cohort_id, token_hash(trainer_token))
    logger.info("trainer token rotated", extra={"cohort_id": cohort_id})
    return NewCohort(cohort, trainer_token)
