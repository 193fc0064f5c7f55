"""The live view's release item (docs/data-model.md) on moto and dynalite: stored only over the
version it was read at, so two polls at once cannot both move the figures."""


def test_a_release_is_stored_over_the_version_it_was_read_at_and_no_other(store):
    assert store.released_participants("c1") == ({}, 0)
    assert store.release_participants("c1", {"pre": {"a", "b"}, "post": set()}, 0)
    assert store.released_participants("c1") == ({"pre": {"a", "b"}, "post": set()}, 1)
    assert not store.release_participants("c1", {"pre": {"a"}, "post": set()}, 0)  # another poll won
    assert store.release_participants("c1", {"pre": {"a", "b", "c"}, "post": {"a"}}, 1)
    assert store.released_participants("c1") == ({"pre": {"a", "b", "c"}, "post": {"a"}}, 2)


def test_the_release_item_is_no_submission_and_no_cohort(store):
    store.release_participants("c1", {"pre": {"a"}}, 0)
    assert list(store.cohort_submissions("c1")) == [] and store.count_cohort_submissions("c1") == 0
    assert store.get_cohort("c1") is None and list(store.list_cohorts()) == []
