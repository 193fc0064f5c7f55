"""Who may do what. Tokens are compared in constant time; a wrong or missing trainer token on a
cohort answers the same NotFound as an unknown cohort, so existence is never revealed."""

from __future__ import annotations

import hmac

from flask import request

from service import operations
from service.domain.models import Bank, Cohort
from service.errors import N_, NotFound, Unauthorized
from service.web import services


def bearer_token() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def _same(presented: str | None, expected: str) -> bool:
    return bool(presented) and hmac.compare_digest(presented.encode(), expected.encode())


def is_coordinator(token: str | None) -> bool:
    return _same(token, services().settings.admin_token)


def require_coordinator() -> None:
    if not is_coordinator(bearer_token()):
        raise Unauthorized(N_("the coordinator's token is needed"))


def require_evaluator() -> None:
    if not _same(bearer_token(), services().settings.evaluator_token):
        raise Unauthorized(N_("the evaluator's token is needed"))


def cohort_for_trainer(cohort_id: str, token: str | None, *, coordinator_too: bool = True) -> tuple[Cohort, Bank]:
    """The cohort and its bank when `token` is its trainer's (or the coordinator's); else NotFound."""
    if not token:
        raise NotFound(N_("no such cohort"))
    cohort, bank = operations.find_cohort(services(), cohort_id)
    if operations.tokens_match(token, cohort.trainer_token_hash):
        return cohort, bank
    if coordinator_too and is_coordinator(token):
        return cohort, bank
    raise NotFound(N_("no such cohort"))
