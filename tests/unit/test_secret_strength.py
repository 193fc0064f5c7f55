"""The estimate deployed stages judge secrets by: what a guesser tries first is cheap, random
values of the documented kind are far above 128 bits."""

import secrets
import time

import pytest

from service.secret_strength import MIN_BITS, estimated_bits


@pytest.mark.parametrize(
    ("value", "at_most"),
    [
        ("abcdefghijklmnopqrstuvwxyz", 10),  # a sequence
        ("zyxwvutsrqponmlkjihgfedcba", 12),  # backwards
        ("acegikmoqsuwy", 12),  # in steps of two
        ("qwertyuiopasdfghjklzxcvbnm", 30),  # keyboard rows
        ("1qaz2wsx3edc4rfv5tgb6yhn", 45),  # keyboard columns
        ("0123456789012345678901234", 10),  # a sequence repeated
        ("x" * 40, 11),
        ("P@ssw0rd!P@ssw0rd!P@ssw0rd!", 25),  # a common password in l33t, repeated
        ("CorrectHorseBatteryStaple1!", 100),  # dictionary words
        ("purple-monkey-dishwasher-lamp-sofa", 110),
    ],
)
def test_what_a_guesser_tries_first_is_worth_few_bits(value, at_most):
    assert estimated_bits(value) <= at_most


@pytest.mark.parametrize(
    ("make", "at_least"),
    [(lambda: secrets.token_urlsafe(32), 180), (lambda: secrets.token_hex(32), 200)],
    ids=["token_urlsafe(32)", "token_hex(32)"],
)
def test_random_secrets_of_the_documented_kind_are_far_above_128_bits(make, at_least):
    assert min(estimated_bits(make()) for _ in range(2000)) >= at_least > MIN_BITS


def test_a_long_or_repetitive_secret_is_estimated_quickly():
    started = time.perf_counter()
    estimated_bits("a" * 5000)
    estimated_bits(secrets.token_urlsafe(3000))
    assert time.perf_counter() - started < 1.0
