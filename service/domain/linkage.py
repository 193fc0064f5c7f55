"""What links a participant's tests, and how that link is cut.

- Each cohort has its own linkage key: HMAC of the server secret and a random salt kept on the cohort
  item. Participant hashes, the codes derived for a first pre-test and the stored submission ids are
  all made with it. Closing a cohort for good deletes the salt, so from then on nobody — the
  operator with the server secret and the table included — can test a code against the stored
  hashes (docs/security.md, "Retention and erasure"). Cohorts created before per-cohort keys have
  no salt and use the server secret itself, as they always did.
- A submission id is stored only as a keyed hash: it is a retry key, not an identity. A retry gets
  the stored result (and its code) only when it sends exactly what was stored (`same_answers`);
  anything else is a conflict that names no code.
- A submission id must be a random (version 4) UUID: a nil or hand-made id would let one person
  guess another's retry key.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Mapping, Sequence

from service.domain.models import Submission


def new_linkage_salt() -> str:
    return secrets.token_hex(16)


def cohort_key(server_key: bytes, linkage_salt: str | None) -> bytes:
    """The key a cohort's participant hashes are made with (the server secret for cohorts without a salt)."""
    if not linkage_salt:
        return server_key
    return hmac.new(server_key, b"cohort-linkage:" + linkage_salt.encode(), hashlib.sha256).digest()


def submission_id_hash(key: bytes, submission_id: str) -> str:
    return hmac.new(key, b"submission-id:" + submission_id.lower().encode(), hashlib.sha256).hexdigest()


def is_random_uuid(text: str) -> bool:
    """A version-4 UUID of the RFC 4122 variant, as `crypto.randomUUID()` and `uuid.uuid4()` make."""
    try:
        value = uuid.UUID(str(text))
    except ValueError:
        return False
    return value.version == 4 and value.variant == uuid.RFC_4122


def same_answers(
    stored: Submission, phase: str, answers: Mapping[str, Sequence[str]], demographics: Mapping[str, str]
) -> bool:
    """Whether a retry sends what was stored: the same phase, answers (order aside) and demographics."""

    def chosen(given: Mapping[str, Sequence[str]]) -> dict[str, frozenset[str]]:
        return {question: frozenset(options) for question, options in given.items() if options}

    return (
        stored.phase == phase
        and chosen(stored.answers) == chosen(answers)
        and dict(stored.demographics) == dict(demographics)
    )
