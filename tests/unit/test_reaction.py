"""Reaction figures (issue 18) from hand-counted answers: means, distributions, shares agreeing,
choice counts, and confident wrong answers told apart from guesses."""

from __future__ import annotations

import dataclasses

import pytest

from service.domain.models import DemographicOption, ReactionItem
from service.domain.reaction import confident_wrong, reaction_summary
from tests.factories import small_bank, submission, texts

BANK = dataclasses.replace(
    small_bank(),
    reaction=(
        ReactionItem("r-apply", "likert", texts("I will use it")),
        ReactionItem(
            "r-useful",
            "choice",
            texts("Most useful"),
            (DemographicOption("cases", texts("Cases")), DemographicOption("law", texts("Law"))),
        ),
    ),
    confidence=True,
)


def answered(participant: str, reaction: dict, phase: str = "post", **kwargs):
    return dataclasses.replace(submission(participant, phase, bank=BANK, **kwargs), reaction=reaction)


def test_a_statement_gives_its_mean_distribution_and_share_agreeing_and_a_choice_its_counts():
    ratings = [5, 4, 4, 2, 1, 5]
    post = [answered(f"p{i}", {"r-apply": r, "r-useful": "law" if i % 3 else "cases"}) for i, r in enumerate(ratings)]
    post.append(answered("skipped", {}))  # the reaction is optional: no answer is not an answer

    apply, useful = reaction_summary(BANK, post)

    assert apply == {
        "id": "r-apply",
        "type": "likert",
        "n": 6,
        "distribution": {"1": 1, "2": 1, "3": 0, "4": 2, "5": 2},
        "mean": pytest.approx(21 / 6),
        "agree_share": pytest.approx(4 / 6),
    }
    assert useful == {"id": "r-useful", "type": "choice", "n": 6, "distribution": {"cases": 2, "law": 4}}


def test_stored_answers_the_bank_does_not_accept_are_not_counted():
    """An item whose answer is out of range (written by other code, or a bank reworded since) is left out."""
    post = [answered("a", {"r-apply": 7, "r-useful": "gone"}), answered("b", {"r-apply": 3, "r-old": 5})]

    apply, useful = reaction_summary(BANK, post)

    assert (apply["n"], apply["mean"], useful["n"]) == (1, 3, 0)


def test_nobody_answering_gives_no_mean():
    apply, _ = reaction_summary(BANK, [])

    assert (apply["n"], apply["mean"], apply["agree_share"]) == (0, None, None)


def test_a_sure_wrong_answer_is_a_misconception_and_an_unsure_one_is_not():
    # q1's key is b; q2's is a and c (all or nothing); q3 unanswered by everyone here
    people = [
        ({"q1": ["a"], "q2": ["a", "c"]}, {"q1": True, "q2": True}),  # sure and wrong on q1, sure and right on q2
        ({"q1": ["a"], "q2": ["a"]}, {"q1": False, "q2": True}),  # unsure wrong on q1, sure and wrong on q2
        ({"q1": ["b"]}, {"q1": True, "q9": True}),  # sure and right; a mark for no question of the bank counts nowhere
        ({"q1": ["a"]}, {}),  # no mark at all
    ]
    subs = [
        dataclasses.replace(submission(f"p{i}", "pre", bank=BANK, answers=a), confidence=c)
        for i, (a, c) in enumerate(people)
    ]

    rows = confident_wrong(BANK, subs)

    assert rows == {
        "q1": {"marked": 3, "sure": 2, "confident_wrong": 1},
        "q2": {"marked": 2, "sure": 2, "confident_wrong": 1},
        "q3": {"marked": 0, "sure": 0, "confident_wrong": 0},
    }


def test_reaction_items_and_retention_of_fewer_than_k_people_show_no_figure():
    """Any figure about fewer than k people is a leak (docs/security.md): a rating by 3 people, or a
    retention figure over the 2 who took the post-test and the follow-up."""
    from service.domain.disclosure import disclose_report
    from service.domain.report import cohort_report

    subs = []
    for i in range(6):
        subs.append(submission(f"p{i}", "pre", bank=BANK))
        if i < 3:
            subs.append(answered(f"p{i}", {"r-apply": 5}))
        else:
            subs.append(answered(f"p{i}", {"r-useful": "law"}))
        if i < 2:
            subs.append(submission(f"p{i}", "follow_up", bank=BANK))

    report = cohort_report(BANK, subs)
    shown = disclose_report(report, k=5)

    apply = next(item for item in shown["reaction"]["items"] if item["id"] == "r-apply")
    assert report["reaction"]["items"][0]["mean"] == 5 and apply["n"] == 3
    assert (apply["mean"], apply["agree_share"], apply["withheld"]) == (None, None, "fewer than 5")
    assert set(apply["distribution"].values()) == {None}
    retention = shown["retention"]
    assert report["retention"]["mean_change"] is not None and retention["n"] == 2
    assert retention["mean_change"] is None and retention["change_ci95"] == [None, None]
    assert retention["pre_follow_up_gain"] is None and retention["withheld"] == "fewer than 5"
    assert shown["paired"]["n"] == 6  # the pre/post figures themselves are not touched here
