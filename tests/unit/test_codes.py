import base64
import hashlib
import hmac
import random
import re
from collections import Counter

import pytest
from stdnum import luhn

from service.domain import codes

SECRET = b"unit-test-secret"


def test_check_symbol_matches_python_stdnum_luhn_mod_n():
    rng = random.Random(7)
    for _ in range(500):
        data = "".join(rng.choice(codes.ALPHABET) for _ in range(8))
        assert codes.luhn_mod_n_check_symbol(data) == luhn.calc_check_digit(data, alphabet=codes.ALPHABET)


def test_code_is_nine_symbols_in_groups_of_three_and_valid():
    code = codes.code_from_seed(SECRET, "seed")
    assert len(code) == 11 and code[3] == "-" and code[7] == "-"
    assert codes.normalise_code(code) == code.replace("-", "")


def test_same_seed_gives_same_code_and_other_seed_another():
    assert codes.code_from_seed(SECRET, "s1") == codes.code_from_seed(SECRET, "s1")
    assert codes.code_from_seed(SECRET, "s1") != codes.code_from_seed(SECRET, "s2")
    assert codes.code_from_seed(SECRET, "s1") != codes.code_from_seed(b"other secret", "s1")


def test_typed_code_is_compared_case_and_separator_insensitively():
    code = codes.code_from_seed(SECRET, "seed")
    typed = " " + code.lower().replace("-", " ") + " "
    assert codes.participant_hash(SECRET, "c1", typed) == codes.participant_hash(SECRET, "c1", code)


def test_every_single_mistyped_symbol_is_caught():
    code = codes.code_from_seed(SECRET, "seed").replace("-", "")
    for position in range(len(code)):
        for symbol in codes.ALPHABET:
            if symbol == code[position]:
                continue
            typo = code[:position] + symbol + code[position + 1 :]
            with pytest.raises(codes.CodeError, match="mistyped"):
                codes.normalise_code(typo)


WRONG_LENGTH = "a participant code has 9 letters and digits, like K7M-2QX-9PA"
FOREIGN = "a participant code has only digits and the letters A–Z without I, L, O and U"
MISTYPED = "this code looks mistyped"


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", WRONG_LENGTH),
        ("ABC", WRONG_LENGTH),
        ("K7M-2QX-9PA-XYZ", WRONG_LENGTH),
        ("K7M-2QX-9P!", WRONG_LENGTH),
        ("TDJ-AR7-8VU", FOREIGN),  # U is not in Crockford's alphabet, even as the check symbol
        ("UDJ-AR7-8V1", FOREIGN),
        ("ТDJ-AR7-8V1", FOREIGN),  # a Cyrillic Т from a Ukrainian keyboard
        ("TDJ-AR7-8V2", MISTYPED),
    ],
)
def test_malformed_codes_are_refused_with_a_reason(typed, reason):
    # the whole message: it is the catalog's key for the translation the person reads
    with pytest.raises(codes.CodeError, match=f"^{re.escape(reason)}$"):
        codes.normalise_code(typed)


CROCKFORD_FROM_RFC4648 = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", codes.ALPHABET)


def test_code_is_the_first_40_bits_of_the_keyed_hash_in_base_32_with_its_check_symbol():
    # Known answers, and the same figures from an independent route: RFC 4648 base 32 of the first
    # five bytes of the HMAC, re-lettered into Crockford's alphabet, and python-stdnum's check symbol.
    assert codes.code_from_seed(SECRET, "seed") == "TDJ-AR7-8V1"
    assert codes.code_from_seed(SECRET, "s1") == "PFN-CME-47X"
    for seed in ("seed", "s1", "participant-0"):
        digest = hmac.new(SECRET, b"participant-code:" + seed.encode(), hashlib.sha256).digest()
        data = base64.b32encode(digest[:5]).decode().translate(CROCKFORD_FROM_RFC4648)
        expected = data + luhn.calc_check_digit(data, alphabet=codes.ALPHABET)
        assert codes.code_from_seed(SECRET, seed).replace("-", "") == expected


def test_codes_spread_evenly_over_every_symbol_of_every_position():
    # 40 random bits: 4,000 seeds give 4,000 different codes, and every one of the 8 data positions
    # shows all 32 symbols about 125 times each (a code built from fewer bits fails here).
    seeds = 4000
    made = [codes.code_from_seed(SECRET, f"submission-{i}").replace("-", "") for i in range(seeds)]
    assert len(set(made)) == seeds
    for position in range(8):
        counts = Counter(code[position] for code in made)
        assert set(counts) == set(codes.ALPHABET)
        assert min(counts.values()) >= 75 and max(counts.values()) <= 175, (position, counts)


def test_look_alike_letters_are_read_as_the_digits_they_stand_for():
    data = "01010101"
    code = data + codes.luhn_mod_n_check_symbol(data)
    assert codes.normalise_code("OIO-LOI-oIR") == code
    assert codes.normalise_code("oiO lol 0lr") == code


def test_hash_is_keyed_per_cohort_and_never_contains_the_code():
    code = codes.code_from_seed(SECRET, "seed")
    first = codes.participant_hash(SECRET, "c1", code)
    assert first != codes.participant_hash(SECRET, "c2", code)
    assert first != codes.participant_hash(b"another key", "c1", code)
    assert code.replace("-", "") not in first.upper()
    assert len(first) == 64
