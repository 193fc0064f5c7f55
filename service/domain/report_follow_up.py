"""The report's parts about time and opinion (issue 18): the follow-up's retention figures, each
question at the follow-up, the participants' reaction, and answers given sure but wrong.

`extend_report` adds them to a report built by `report.cohort_report`, from the same per-phase
submissions and marks, so every output that shows a report shows these too (through
`disclosure.disclose_report` like every other figure).
"""

from __future__ import annotations

from collections.abc import Mapping

from service.domain import reaction, retention
from service.domain.models import Bank, Submission

ParticipantKey = tuple[str, str]
PERSISTED_SHARE = 0.2  # a misconception "persisted": at least this share of the post-test's takers sure and wrong


def extend_report(
    report: dict, bank: Bank, by_phase: Mapping[str, Mapping[ParticipantKey, Submission]], marks: Mapping
) -> dict:
    """`report` with `retention`, `reaction` and, per item, the follow-up's figures and the counts of
    confident wrong answers before and after."""
    percents = {phase: _percents(marks[phase]) for phase in ("pre", "post", "follow_up")}
    report["retention"] = retention.retention(percents["pre"], percents["post"], percents["follow_up"])
    report["reaction"] = {"items": reaction.reaction_summary(bank, by_phase["post"].values())}
    confident = {phase: reaction.confident_wrong(bank, by_phase[phase].values()) for phase in ("pre", "post")}
    post, follow_up = marks["post"], marks["follow_up"]
    for index, (question, row) in enumerate(zip(bank.questions, report["items"], strict=True)):
        later = _column(follow_up, index)
        row["n_follow_up"] = len(later)
        row["facility_follow_up"] = sum(later.values()) / len(later) if later else None
        kept = retention.item_retention(_column(post, index), later)
        row["lost_post_follow_up"], row["gained_post_follow_up"] = kept["lost"], kept["gained"]
        row["mcnemar_p_post_follow_up"] = kept["mcnemar_p_post_follow_up"]
        for phase in ("pre", "post"):
            counts = confident[phase][question.id]
            row[f"confident_wrong_{phase}"] = counts["confident_wrong"] if bank.confidence else None
        took = len(post.percents)
        wrong = confident["post"][question.id]["confident_wrong"]
        row["misconception_persisted"] = bool(bank.confidence and took and wrong >= PERSISTED_SHARE * took)
    return report


def _percents(marks) -> dict[ParticipantKey, float]:
    return {key: marks.percents[row] for key, row in marks.row_of.items()}


def _column(marks, index: int) -> dict[ParticipantKey, float]:
    column = marks.columns[index] if marks.columns else []
    return {key: column[row] for key, row in marks.row_of.items()} if column else {}
