import random

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


@pytest.mark.parametrize("typed", ["", "ABC", "K7M-2QX-9PA-XYZ", "K7M-2QX-9P!"])
def test_malformed_codes_are_refused_with_a_reason(typed):
    with pytest.raises(codes.CodeError):
        codes.normalise_code(typed)


def test_hash_is_keyed_per_cohort_and_never_contains_the_code():
    code = codes.code_from_seed(SECRET, "seed")
    first = codes.participant_hash(SECRET, "c1", code)
    assert first != codes.participant_hash(SECRET, "c2", code)
    assert first != codes.participant_hash(b"another key", "c1", code)
    assert code.replace("-", "") not in first.upper()
    assert len(first) == 64
