"""Exports and their codebook with issue 18's parts: follow-up rows in the submissions export, the
follow-up's score in the participants export, and the reaction and sure / not sure columns, every
one described in both languages; still k-anonymous."""

from __future__ import annotations

import dataclasses

from service import catalogs
from service.domain.codebook import codebook
from service.domain.export import CohortData, participant_export, submission_export
from tests.factories import cohort, reaction_bank, submission

KEY = b"k" * 32
BANK = reaction_bank()


def three_phases(count: int = 6) -> CohortData:
    subs = []
    for i in range(count):
        subs.append(dataclasses.replace(submission(f"h{i}", "pre", bank=BANK), confidence={"q1": i % 2 == 0}))
        post = submission(f"h{i}", "post", bank=BANK, answers={"q1": ["b"], "q3": ["d"]})
        subs.append(dataclasses.replace(post, reaction={"r-apply": 1 + i % 5, "r-useful": "law"}))
        if i < 4:
            subs.append(submission(f"h{i}", "follow_up", bank=BANK, answers={"q1": ["b"]}, day="2026-08-04"))
    return CohortData(cohort(bank=BANK), BANK, subs)


def test_the_submissions_export_has_follow_up_rows_reaction_and_sure_columns_all_described():
    exported = submission_export([three_phases()], export_key=KEY, k=2)

    assert [row["phase"] for row in exported.rows].count("follow_up") == 4
    assert {"reaction.r-apply", "reaction.r-clear", "reaction.r-useful", "sure.q1", "sure.q3"} <= set(exported.columns)
    post = [row for row in exported.rows if row["phase"] == "post"]
    assert sorted(row["reaction.r-apply"] for row in post) == [1, 1, 2, 3, 4, 5]
    assert {row.get("sure.q1") for row in exported.rows if row["phase"] == "pre"} == {0, 1}
    # each participant's rows come in the phases' order
    phases = [row["phase"] for row in exported.rows if row["pseudonym"] == exported.rows[0]["pseudonym"]]
    assert phases == ["pre", "post", "follow_up"][: len(phases)]

    book = {column["name"]: column for column in codebook(exported, catalogs.in_languages)["columns"]}
    assert book["phase"]["allowed_values"] == ["pre", "post", "follow_up"]
    assert book["phase"]["value_labels"]["follow_up"]["uk"] == "повторний тест через деякий час після навчання"
    assert book["reaction.r-apply"]["value_labels"]["5"] == {"uk": "цілком згоден(на)", "en": "strongly agree"}
    assert book["reaction.r-useful"]["allowed_values"] == ["cases", "law", ""]
    assert book["sure.q1"]["value_labels"]["1"]["en"] == "sure"


def test_the_participants_export_gives_the_follow_up_score_when_taken():
    exported = participant_export([three_phases()], export_key=KEY, k=2)

    assert "follow_up_percent" in exported.columns
    assert sorted(row["follow_up_percent"] is None for row in exported.rows) == [False] * 4 + [True] * 2
