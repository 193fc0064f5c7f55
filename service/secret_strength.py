"""How many bits of guessing a configured secret is worth: deployed stages want 128 (settings.py).

An estimate in the manner of zxcvbn, without its 800 KB of word lists (1.7 MB installed, 27 ms more
on every Lambda cold start). The secret is split, at the least total cost, into pieces a guesser
tries first, each costing the bits of its guess:

- a sequence (`abcdef`, `97531`): where it starts, its step and its length;
- a run along the keyboard (`qwerty`, `1qaz2wsx`): its start key, length and turns;
- a repetition (`0123456789` twice and a half): the repeated part's own cost and the count;
- a common password or word (a built-in list), capitalised or in l33t;
- a pronounceable run of letters (`Correct`, `horse`): about 2.5 bits a letter, as for words;
- anything else: log2 of the character classes the secret uses, per character.

A value of `secrets.token_urlsafe(32)` is worth about 280 bits here; 26 letters in order, about 9.
The word list is small on purpose: it names what people type when asked for a secret, and the
pronounceable rule catches other words well enough to refuse passphrases of dictionary words.
"""

from __future__ import annotations

import functools
import math
import re

MIN_BITS = 128
ANALYSED_LENGTH = 128  # longer secrets are estimated in pieces of this length (bounded work at start-up)
MIN_SEQUENCE, MIN_KEYBOARD_RUN, MIN_WORD = 3, 4, 4

# What people type when asked for a secret: the head of the public common-password lists, keyboard
# and service words. Their SHA-256 are refused as token hashes too.
COMMON_PASSWORDS = (
    "123456", "password", "12345678", "qwerty", "123456789", "12345", "1234", "111111", "1234567",
    "dragon", "123123", "baseball", "abc123", "football", "monkey", "letmein", "696969", "shadow",
    "master", "666666", "qwertyuiop", "123321", "mustang", "1234567890", "michael", "654321",
    "superman", "1qaz2wsx", "7777777", "121212", "000000", "qazwsx", "123qwe", "killer", "trustno1",
    "jordan", "jennifer", "zxcvbnm", "asdfgh", "hunter", "buster", "soccer", "harley", "batman",
    "andrew", "tigger", "sunshine", "iloveyou", "charlie", "robert", "thomas", "hockey", "ranger",
    "daniel", "starwars", "112233", "george", "computer", "michelle", "jessica", "pepper", "zxcvbn",
    "555555", "11111111", "131313", "freedom", "777777", "maggie", "159753", "aaaaaa", "ginger",
    "princess", "joshua", "cheese", "amanda", "summer", "love", "ashley", "nicole", "chelsea",
    "matthew", "access", "yankees", "987654321", "dallas", "austin", "thunder", "taylor", "matrix",
    "welcome", "login", "passw0rd", "p@ssw0rd", "hello", "whatever", "qwerty123", "1q2w3e4r",
    "1q2w3e4r5t", "q1w2e3r4", "zaq12wsx", "asdfghjkl", "monday", "secret", "admin", "administrator",
    "root", "changeme", "default", "guest", "test", "testing", "demo", "example", "sample", "token",
    "pass", "passwd", "letmein1", "welcome1", "password1", "password123", "kyiv", "kiev", "ukraine",
    "slavaukraini", "assess", "assessment", "training", "cohort", "police", "production", "staging",
    "lambda", "zappa", "dynamo", "dynamodb", "amazon", "aws", "flask", "python", "evaluator",
    "coordinator", "trainer", "participant", "hmac", "export",
)  # fmt: skip
_WORDS = frozenset(word for word in COMMON_PASSWORDS if len(word) >= MIN_WORD)
_LONGEST_WORD = max(map(len, _WORDS))
_LEET = (str.maketrans("013457@$!", "oieastasi"), str.maketrans("013457@$!", "olesstasl"))
_WORD_LIKE = re.compile(r"[A-Z]?[a-z]{4,}")
# About 250 of the most frequent letter pairs of English text (nearly all pairs of running text; a random
# pair of letters is one of them about once in three).
_PAIRS = (
    "th he in er an re on at en nd ti es or te of ed is it al ar st to nt ng se ha as ou io le ve co me de hi "
    "ri ro ic ne ea ra ce li ch ll be ma si om ur ca el ta la ns di fo ho pe ec pr no ct us ac ot il tr ly nc "
    "et ut ss so rs un lo wa ge ie wh ee wi em ad ol rt po we na ul ni ts mo ow pa im mi ai sh ir su id os iv "
    "ia am fi ci vi pl ig tu ev ld ry mp fe bl ab gh ty op wo sa ay ex ke fr oo av ag if ap gr od bo sp rd do "
    "uc bu ei ov by rm ep tt oc fa ef cu rn sc gi da yo cr cl du ga qu ue ff ba ey ls va um pp ua up lu go ht "
    "ru ug ds lt pi rc rr eg au ck ew mu br bi pt ak pu ui rg ib tl ny ki rk ys ob mm fu ph og ms ye ud mb ip "
    "ub oi rl gu dr hr cc tw ft wn nu af hu nn eo vo rv nf xp gn sm fl iz ok nl my gl aw ju oa eq sy sl ps jo "
    "kn dg gt wl lk nk sk"
)
_COMMON_PAIRS = frozenset(_PAIRS.split())

# A US keyboard, each row with its shifted forms, and where its first key sits (in key widths).
_ROWS = (
    ("`1234567890-=", "~!@#$%^&*()_+", 0.0),
    ("qwertyuiop[]\\", "QWERTYUIOP{}|", 1.5),
    ("asdfghjkl;'", 'ASDFGHJKL:"', 1.75),
    ("zxcvbnm,./", "ZXCVBNM<>?", 2.25),
)


def _key_positions() -> dict[str, tuple[int, float, bool]]:
    """Each character of the keyboard: its row, where it sits across (in key widths), shifted or not."""
    positions = {}
    for row, (plain, shifted, offset) in enumerate(_ROWS):
        for index, (key, shifted_key) in enumerate(zip(plain, shifted, strict=True)):
            positions[key] = (row, offset + index, False)
            positions[shifted_key] = (row, offset + index, True)
    return positions


_KEY = _key_positions()
_KEYS = len(_KEY) // 2
_AVERAGE_DEGREE = 4.6  # neighbours of a key on this layout, on average (zxcvbn's figure for qwerty)


def estimated_bits(secret: str) -> float:
    """The bits of guessing `secret` is worth, by the cheapest split into guessable pieces."""
    return sum(_bits(secret[start : start + ANALYSED_LENGTH]) for start in range(0, len(secret), ANALYSED_LENGTH))


@functools.lru_cache(maxsize=256)
def _bits(text: str) -> float:
    per_character = math.log2(_alphabet_size(text)) if text else 0.0
    cheapest = [0.0] + [math.inf] * len(text)
    matches_by_end: dict[int, list[tuple[int, float]]] = {}
    for start, end, bits in _matches(text):
        matches_by_end.setdefault(end, []).append((start, bits))
    for end in range(1, len(text) + 1):
        cheapest[end] = cheapest[end - 1] + per_character
        for start, bits in matches_by_end.get(end, ()):
            cheapest[end] = min(cheapest[end], cheapest[start] + bits)
    return cheapest[-1]


def _alphabet_size(text: str) -> int:
    size = 0
    size += 26 if any("a" <= c <= "z" for c in text) else 0
    size += 26 if any("A" <= c <= "Z" for c in text) else 0
    size += 10 if any(c.isdigit() and c.isascii() for c in text) else 0
    size += 33 if any(c.isascii() and not c.isalnum() for c in text) else 0
    size += 100 if any(not c.isascii() for c in text) else 0
    return size


def _matches(text: str):
    """Every (start, end, bits) piece of `text` a guesser would try before brute force."""
    yield from _sequences(text)
    yield from _keyboard_runs(text)
    yield from _repeats(text)
    yield from _common_words(text)
    yield from _word_like_runs(text)


def _sequences(text: str):
    start = 0
    while start < len(text) - 1:
        step = ord(text[start + 1]) - ord(text[start])
        end = start + 1
        while end < len(text) and ord(text[end]) - ord(text[end - 1]) == step:
            end += 1
        if 0 < abs(step) <= 2 and end - start >= MIN_SEQUENCE:
            first = text[start]
            origin = 2 if first in "aAzZ019" else 26 if first.isalpha() else 10
            yield start, end, math.log2(origin) + math.log2(end - start) + abs(step) + (step < 0)
        start = end - 1 if end - start > 1 else start + 1


def _adjacent(a: str, b: str) -> bool:
    if a not in _KEY or b not in _KEY:
        return False
    (row_a, x_a, _), (row_b, x_b, _) = _KEY[a], _KEY[b]
    if row_a == row_b:
        return abs(x_a - x_b) == 1
    return abs(row_a - row_b) == 1 and abs(x_a - x_b) <= 0.75


def _keyboard_runs(text: str):
    start = 0
    while start < len(text):
        end, turns, direction = start + 1, 0, None
        while end < len(text) and _adjacent(text[end - 1], text[end]):
            (row_a, x_a, _), (row_b, x_b, _) = _KEY[text[end - 1]], _KEY[text[end]]
            heading = (row_b - row_a, (x_b > x_a) - (x_b < x_a))
            turns += direction is not None and heading != direction
            direction, end = heading, end + 1
        if end - start >= MIN_KEYBOARD_RUN:
            shifted = any(_KEY[c][2] for c in text[start:end]) and not text[start:end].isupper()
            bits = math.log2(_KEYS) + math.log2(end - start) + turns * math.log2(_AVERAGE_DEGREE) + shifted
            yield start, end, bits
        start = end if end - start > 1 else start + 1


def _repeats(text: str):
    """A part repeated at least twice in a row (the last copy may be cut short)."""
    for start in range(len(text)):
        for period in range(1, (len(text) - start) // 2 + 1):
            if text[start : start + period] != text[start + period : start + 2 * period]:
                continue
            end = start + 2 * period
            while end < len(text) and text[end] == text[end - period]:
                end += 1
            yield start, end, _bits(text[start : start + period]) + math.log2((end - start) / period)
            break  # the shortest period from here explains the longest run


def _common_words(text: str):
    lowered = text.lower()
    spellings = [(lowered, 0)] + [(lowered.translate(table), 1) for table in _LEET]
    for start in range(len(text)):
        for end in range(start + MIN_WORD, min(len(text), start + _LONGEST_WORD) + 1):
            for spelling, leet in spellings:
                if spelling[start:end] in _WORDS:
                    capitals = any(c.isupper() for c in text[start:end])
                    leet_used = leet and spelling[start:end] != lowered[start:end]
                    yield start, end, math.log2(len(COMMON_PASSWORDS)) + capitals + leet_used
                    break


def _word_like_runs(text: str):
    """Letters that read like an English word (two in three of their pairs are common ones): the
    shape of the dictionary words of a passphrase, which a guesser tries word by word."""
    for found in _WORD_LIKE.finditer(text):
        word = found.group().lower()
        pairs = [word[i : i + 2] for i in range(len(word) - 1)]
        if sum(pair in _COMMON_PAIRS for pair in pairs) >= 2 / 3 * len(pairs):
            yield found.start(), found.end(), 2.5 * len(word) + found.group()[0].isupper()
