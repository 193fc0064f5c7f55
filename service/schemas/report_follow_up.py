"""The report's follow-up and reaction parts (issue 18), as the OpenAPI document describes them."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields


def _figure(description: str) -> fields.Float:
    return fields.Float(required=True, allow_none=True, metadata={"description": description})


def _count(description: str) -> fields.Integer:
    return fields.Integer(required=True, metadata={"description": description})


def _interval(description: str) -> fields.List:
    return fields.List(fields.Float(allow_none=True), required=True, metadata={"description": description})


class RetentionSchema(ma.Schema):
    """Does the knowledge last: the follow-up against the post-test and the pre-test."""

    n = _count("participants with both a post-test and a follow-up")
    mean_post_percent = _figure("their mean post-test score, percent")
    mean_follow_up_percent = _figure("their mean follow-up score, percent")
    mean_change = _figure("mean of follow-up - post, percentage points (negative: forgotten)")
    change_ci95 = _interval("95% interval of mean_change (paired t), [low, high]")
    change_p = _figure("two-sided p-value of the paired t-test of follow-up vs post")
    n_pre_follow_up = _count("participants with both a pre-test and a follow-up")
    pre_follow_up_gain = _figure("mean of follow-up - pre, percentage points: what is left of the gain")
    pre_follow_up_gain_ci95 = _interval("95% interval of pre_follow_up_gain (paired t)")
    n_all_three = _count("participants with all three tests")
    retained_share = _figure("share of n_all_three whose follow-up >= pre + half their gain (post - pre)")
    withheld = fields.Raw(metadata={"description": "why figures are null: fewer than k participants"})


class ReactionItemSchema(ma.Schema):
    id = fields.String(required=True)
    type = fields.String(required=True, metadata={"enum": ["likert", "choice"]})
    n = fields.Integer(required=True, allow_none=True, metadata={"description": "participants who answered"})
    distribution = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(allow_none=True),
        required=True,
        metadata={"description": "likert: '1'..'5' -> count; choice: option id -> count"},
    )
    mean = _figure("likert: mean rating, 1-5")
    agree_share = _figure("likert: share answering 4 or 5")
    withheld = fields.Raw(metadata={"description": "why figures are null: fewer than k answered"})


class ReactionSchema(ma.Schema):
    """The participants' reaction to the training (post-test, optional, never scored)."""

    items = fields.List(fields.Nested(ReactionItemSchema), required=True)


class ItemFollowUpSchema(ma.Schema):
    """A question's figures at the follow-up and its confident wrong answers (the report's ItemSchema has these)."""

    n_follow_up = _count("participants of the follow-up")
    facility_follow_up = _figure("mean mark / max mark at the follow-up (fraction)")
    lost_post_follow_up = _count("right (full marks) at the post-test, not at the follow-up")
    gained_post_follow_up = _count("not right at the post-test, right at the follow-up")
    mcnemar_p_post_follow_up = _figure("exact McNemar p-value, post-test vs follow-up; null without both")
    confident_wrong_pre = fields.Integer(
        required=True, allow_none=True, metadata={"description": "marked sure and not right, pre-test"}
    )
    confident_wrong_post = fields.Integer(
        required=True, allow_none=True, metadata={"description": "marked sure and not right, post-test"}
    )
    misconception_persisted = fields.Boolean(
        required=True, metadata={"description": "at least 20% of the post-test sure and not right"}
    )
