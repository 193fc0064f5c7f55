"""Participant codes: the only link between a person's pre- and post-test, kept without identities.

A code is 8 random symbols (40 bits) of Crockford's base-32 alphabet plus one Luhn mod N
check symbol, so that one mistyped symbol (and most swapped neighbours) is caught before it
silently creates an unpaired participant. Luhn mod N is written here rather than imported
(python-stdnum has it) to keep the Lambda package small; tests check it against python-stdnum.

Storage only ever sees `participant_hash`: HMAC-SHA-256 under the server secret, per cohort.
"""

from __future__ import annotations

import hashlib
import hmac

from service.errors import N_

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
_DATA_SYMBOLS = 8
_LOOKALIKES = str.maketrans({"I": "1", "L": "1", "O": "0"})


class CodeError(ValueError):
    """A participant code that cannot be right: wrong length, a foreign symbol or a failed check symbol."""


def luhn_mod_n_check_symbol(symbols: str, alphabet: str = ALPHABET) -> str:
    """The Luhn mod N check symbol for `symbols` over `alphabet`."""
    n = len(alphabet)
    total = 0
    factor = 2
    for symbol in reversed(symbols):
        addend = factor * alphabet.index(symbol)
        total += addend // n + addend % n
        factor = 1 if factor == 2 else 2
    return alphabet[(n - total % n) % n]


def format_code(raw: str) -> str:
    """Show a normalised 9-symbol code in groups of three: K7M-2QX-9PA."""
    return "-".join(raw[i : i + 3] for i in range(0, len(raw), 3))


def code_from_seed(secret: bytes, seed: str) -> str:
    """A code derived from a keyed hash of `seed` (the submission id), so a retried submit gets the same code."""
    digest = hmac.new(secret, b"participant-code:" + seed.encode(), hashlib.sha256).digest()
    value = int.from_bytes(digest[:5], "big")  # 40 bits
    data = "".join(ALPHABET[(value >> (5 * i)) & 31] for i in reversed(range(_DATA_SYMBOLS)))
    return format_code(data + luhn_mod_n_check_symbol(data))


def normalise_code(typed: str) -> str:
    """Accept a typed code case- and separator-insensitively; raise CodeError when it cannot be a code."""
    cleaned = "".join(ch for ch in typed.upper() if ch.isalnum()).translate(_LOOKALIKES)
    if len(cleaned) != _DATA_SYMBOLS + 1:
        raise CodeError(N_("a participant code has 9 letters and digits, like K7M-2QX-9PA"))
    if any(ch not in ALPHABET for ch in cleaned):
        raise CodeError(N_("a participant code has only digits and the letters A–Z without I, L, O and U"))
    if luhn_mod_n_check_symbol(cleaned[:-1]) != cleaned[-1]:
        raise CodeError(N_("this code looks mistyped"))
    return cleaned


def participant_hash(secret: bytes, cohort_id: str, code: str) -> str:
    """The keyed hash stored in place of the code; per cohort, so two cohorts' hashes never match."""
    message = f"{cohort_id}:{normalise_code(code)}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()
