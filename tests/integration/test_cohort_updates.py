"""A cohort update whose condition fails says why, from the item as it was (issue 22): before, any
failure on an existing cohort was reported as "closed for good", whatever the condition was."""

from __future__ import annotations

import pytest

from service.errors import CohortClosed, Conflict, NotFound
from tests.factories import cohort as make_cohort


def test_a_failed_condition_is_told_by_the_item_not_guessed(store):
    store.create_cohort(make_cohort("open1", region=None))
    other_condition = {
        "UpdateExpression": "SET label = :new",
        "ConditionExpression": "attribute_exists(pk) AND label = :expected",
        "ExpressionAttributeValues": {":new": {"S": "Renamed"}, ":expected": {"S": "not the label"}},
    }
    with pytest.raises(Conflict) as raised:
        store._update_cohort("open1", **other_condition)
    assert not isinstance(raised.value, CohortClosed)
    assert store.get_cohort("open1").label != "Renamed"

    with pytest.raises(NotFound):
        store.set_trainer_token_hash("nosuchcohort", "0" * 64)
    store.close_cohort("open1", "2026-12-03T08:00Z")
    with pytest.raises(CohortClosed):
        store.set_phases("open1", {"pre": True})
