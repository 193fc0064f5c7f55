"""The disclosure control (service/domain/disclosure.py): small cells, the live view's steps of k, and
exports that no join of two can narrow below k."""

from __future__ import annotations

from collections import defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st

from service.domain.anonymity import SUPPRESSED
from service.domain.disclosure import WITHHELD, disclose_breakdown, disclose_report, release
from service.domain.export import CohortData, participant_export, pseudonym, submission_export
from tests.factories import cohort, small_bank, submission

K = 5


def cell(n: int, mean: float | None = 50.0) -> dict:
    return {"n": n, "mean_percent": mean if n else None, "min_percent": mean if n else None}


def test_a_cell_under_k_is_withheld_and_so_is_the_next_smallest_when_alone():
    cells = disclose_breakdown({"uk": cell(9), "en": cell(1)}, K)
    assert cells["en"] == {"n": None, "mean_percent": None, "min_percent": None, WITHHELD: "fewer than 5"}
    assert cells["uk"][WITHHELD] == "fewer than 5"  # else total minus uk gives en back


def test_withheld_cells_holding_k_together_leave_the_others_shown():
    cells = disclose_breakdown({"uk": cell(20), "en": cell(3), "ru": cell(2)}, K)
    assert cells["uk"] == cell(20) and cells["en"][WITHHELD] and cells["ru"][WITHHELD]


def test_cells_of_k_or_more_and_empty_cells_keep_their_figures():
    cells = {"uk": cell(5), "en": cell(7), "ru": cell(0)}
    assert disclose_breakdown(cells, K) == cells


def test_min_and_max_of_a_phase_under_k_are_withheld_but_not_its_mean():
    phase = {"n": 3, "mean_percent": 40.0, "min_percent": 10.0, "max_percent": 90.0, "by_language": {}}
    phase["by_topic"] = {"t1": {"n": 3, "mean_percent": 50.0, "min_percent": 0.0, "max_percent": 100.0}}
    shown = disclose_report({"phases": {"pre": phase}}, K)["phases"]["pre"]
    assert (shown["mean_percent"], shown["min_percent"], shown["max_percent"]) == (40.0, None, None)
    assert shown["by_topic"]["t1"]["max_percent"] is None and phase["min_percent"] == 10.0  # a copy


def test_live_figures_are_released_in_steps_of_k_or_when_the_phase_closes():
    people = [f"p{i}" for i in range(12)]
    released: set[str] = set()
    steps = []
    for count in range(1, 13):
        step = release(set(people[:count]), released, K, phase_open=True)
        released = step if step is not None else released
        steps.append(len(released))
    assert steps == [0, 0, 0, 0, 5, 5, 5, 5, 5, 10, 10, 10]
    assert release(set(people), released, K, phase_open=False) == set(people)
    assert release(set(people), set(people), K, phase_open=True) is None


# Joining exports: the property.

ROLES = ("police", "other")
DAYS = ("2026-05-04", "2026-05-05")
person = st.fixed_dictionaries(
    {
        "role": st.sampled_from(ROLES),
        "language": st.sampled_from(("uk", "uk", "en")),
        "phases": st.sampled_from((("pre",), ("pre", "post"), ("pre", "post"), ("post",))),
        "days": st.tuples(st.sampled_from(DAYS), st.sampled_from(DAYS)),
        "answers": st.tuples(st.sampled_from(("a", "b")), st.sampled_from(("a", "c", "ac")), st.sampled_from("cd")),
    }
)
cohorts = st.lists(st.lists(person, min_size=1, max_size=16), min_size=1, max_size=3)
EXPORTS = st.tuples(
    st.sampled_from((submission_export, participant_export)),
    st.booleans(),  # pooled
    st.sampled_from(((None, None), (DAYS[0], DAYS[0]), (DAYS[1], DAYS[1]), (DAYS[0], DAYS[1]))),
    st.integers(0, 2),  # which cohort alone, or (2) every cohort
)


def build(people_by_cohort: list[list[dict]]) -> list[CohortData]:
    data = []
    for number, people in enumerate(people_by_cohort):
        cohort_id = f"c{number}"
        subs = []
        for index, who in enumerate(people):
            q1, q2, q3 = who["answers"]
            answers = {"q1": [q1], "q2": list(q2), "q3": [q3]}
            for phase, day in zip(who["phases"], who["days"], strict=False):
                subs.append(
                    submission(
                        f"{cohort_id}-{index}",
                        phase,
                        cohort_id=cohort_id,
                        answers=answers,
                        language=who["language"],
                        day=day,
                        demographics={"role": who["role"]} if phase == who["phases"][0] else None,
                    )
                )
        data.append(CohortData(cohort(cohort_id), small_bank(), subs))
    return data


def knowledge(data: list[CohortData], spec, key: bytes) -> dict[str, set]:
    """Per real participant: what one export shows of them (their rows' phases and shown values)."""
    kind, pooled, (day_from, day_to), which = spec
    chosen = data if which >= len(data) or which == 2 else [data[which]]
    export = kind(chosen, export_key=key, k=K, pooled=pooled, day_from=day_from, day_to=day_to)
    real = {pseudonym(key, s.participant_hash): s.participant_hash for d in chosen for s in d.submissions}
    shown: dict[str, set] = defaultdict(set)
    for row in export.rows:
        tag = (kind.__name__, pooled, day_from, day_to, row.get("phase", "both"))
        values = tuple(
            (column, row[column])
            for column in export.anonymity.quasi_identifiers
            if row.get(column) not in (None, "", SUPPRESSED)
        )
        shown[real[row["pseudonym"]]].add((tag, values))
    return shown


@settings(max_examples=120, deadline=None)
@given(cohorts, EXPORTS, EXPORTS)
def test_joining_any_two_exports_of_random_cohorts_leaves_no_class_under_k(people_by_cohort, first, second):
    """The strongest joiner: every row linked to its real participant (as scores and marks would
    link them). Whoever appears in either export is indistinguishable from k - 1 others of their
    cohort, by everything both exports show of them together."""
    data = build(people_by_cohort)
    one, two = knowledge(data, first, b"a" * 32), knowledge(data, second, b"b" * 32)
    combined = {who: frozenset(one.get(who, set()) | two.get(who, set())) for who in set(one) | set(two)}
    classes = defaultdict(set)
    for who, known in combined.items():
        classes[(who.split("-")[0], known)].add(who)
    assert all(len(members) >= K for members in classes.values()), classes


def test_closing_a_phase_releases_nothing_while_fewer_than_k_took_it():
    """A phase closed with 3 participants in all would show their figures: three people's scores."""
    from service.domain.disclosure import release

    assert release({"a", "b", "c"}, set(), 5, phase_open=False) is None
    assert release({"a", "b", "c", "d", "e"}, {"a", "b", "c", "d"}, 5, phase_open=False) == {"a", "b", "c", "d", "e"}


def test_only_cohorts_of_k_or_more_count_in_an_evaluator_report():
    from service.domain.disclosure import cohorts_under_k

    people = {"big": ["p1", "p2", "p3", "p4", "p5"], "small": ["q1", "q2", "q2", "q3", "q4"], "empty": []}
    assert cohorts_under_k(people, 5) == {"small", "empty"}  # q2 twice (pre and post) is one person
