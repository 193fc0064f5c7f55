"""Who may do what. Tokens are compared as SHA-256 hashes in constant time, so neither the table nor
the running configuration needs the tokens themselves. A wrong or missing trainer token on a cohort
answers the same NotFound as an unknown cohort, so existence is never revealed; the coordinator's
and evaluator's endpoints answer 401 before looking anything up."""

from __future__ import annotations

from flask import request

from service import operations
from service.domain.models import Bank, Cohort
from service.errors import N_, NotFound, Unauthorized
from service.web import services

# The OpenAPI security requirement of every route that takes a token (api.py declares the scheme).
BEARER_SCHEME = "bearer"
BEARER = [{BEARER_SCHEME: []}]


def bearer_token() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def is_coordinator(token: str | None) -> bool:
    return operations.tokens_match(token, services().settings.admin_token_sha256)


def is_evaluator(token: str | None) -> bool:
    return operations.tokens_match(token, services().settings.evaluator_token_sha256)


def require_coordinator() -> None:
    if not is_coordinator(bearer_token()):
        raise Unauthorized(N_("the coordinator's token is needed"))


def require_evaluator() -> None:
    if not is_evaluator(bearer_token()):
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
