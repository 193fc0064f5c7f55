"""The participant page's size budgets (SPEC: phones on weak networks), on the shipped 20-question
bank. Sizes, not timings: bench/page_weight.py measures the rest and writes docs/performance.md."""

import gzip

import pytest

from bench.page_weight import BANK_ID, BANK_VERSION, bank_texts, utf8_bytes
from tests.conftest import ADMIN


@pytest.mark.parametrize("language", ["uk", "en"])
def test_the_20_question_test_page_stays_within_its_budgets(client, app, language):
    bank = app.extensions["assess"].banks.get(BANK_ID, BANK_VERSION)
    assert len(bank.questions) == 20
    body = {"bank_id": BANK_ID, "bank_version": BANK_VERSION, "label": "weight", "language": language}
    cohort_id = client.post("/api/v1/cohorts", json=body, headers=ADMIN).json["cohort_id"]
    plain = client.get(f"/c/{cohort_id}").data
    assert len(plain) <= 2 * utf8_bytes(bank_texts(bank, language))
    compressed = client.get(f"/c/{cohort_id}", headers={"Accept-Encoding": "gzip"})
    assert compressed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.data).startswith(b"<!doctype html>")
    assert len(compressed.data) <= 12 * 1024
