"""The disclosure control (service/domain/disclosure.py): small cells, the live view's steps of k, and
exports that no join of two can narrow below k."""

from __future__ import annotations

from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.domain.anonymity import SUPPRESSED
from service.domain.disclosure import WITHHELD, decide_cohort, disclose_breakdown, disclose_report, in_days, release
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


# Which cells are withheld next, and how the withheld ones are counted.


def test_the_next_cell_withheld_is_the_smallest_shown_one_not_the_first_by_name():
    """Withholding `b` (6) gives k with `c`; withholding `a` (20) would hide more than it needs to."""
    cells = disclose_breakdown({"a": cell(20), "b": cell(6), "c": cell(2)}, K)
    assert cells["a"] == cell(20)
    assert cells["b"][WITHHELD] == cells["c"][WITHHELD] == "fewer than 5"


def test_an_empty_cell_withheld_on_the_way_adds_nobody_so_the_next_is_withheld_too():
    """A bank language nobody took (n = 0) is the smallest shown cell: withholding it hides nobody, so
    `uk` must go as well, else the phase's total minus `uk` gives the two `en` participants back."""
    cells = disclose_breakdown({"uk": cell(20), "en": cell(2), "ru": cell(0)}, K)
    assert cells["en"]["n"] is None and cells["en"][WITHHELD] == "fewer than 5"
    assert cells["uk"] == {"n": None, "mean_percent": None, "min_percent": None, WITHHELD: "fewer than 5"}


def phase(n: int, by_language: dict | None = None) -> dict:
    figures = {"n": n, "mean_percent": 40.0 if n else None, "min_percent": 10.0 if n else None}
    figures["max_percent"] = 90.0 if n else None
    topic = {key: figures[key] for key in ("n", "mean_percent", "min_percent", "max_percent")}
    return {**figures, "by_topic": {"t1": topic}, "by_language": by_language or {}}


def test_a_reports_breakdown_by_language_is_disclosed_cell_by_cell():
    report = {"phases": {"pre": phase(7, {"uk": cell(5), "en": cell(2)}), "post": phase(0)}}
    shown = disclose_report(report, K)["phases"]["pre"]["by_language"]
    assert shown["en"][WITHHELD] == shown["uk"][WITHHELD] == "fewer than 5"
    assert shown["uk"]["mean_percent"] is None and shown["en"]["n"] is None


def test_min_and_max_are_withheld_from_one_participant_and_each_says_why():
    shown = disclose_report({"phases": {"pre": phase(1)}}, K)["phases"]["pre"]
    assert (shown["mean_percent"], shown["min_percent"], shown["max_percent"]) == (40.0, None, None)
    assert shown[WITHHELD] == {"min_percent": "fewer than 5", "max_percent": "fewer than 5"}
    assert shown["by_topic"]["t1"][WITHHELD] == {"min_percent": "fewer than 5", "max_percent": "fewer than 5"}


def test_a_group_of_exactly_k_shows_its_min_and_max():
    shown = disclose_report({"phases": {"pre": phase(K)}}, K)["phases"]["pre"]
    assert (shown["min_percent"], shown["max_percent"]) == (10.0, 90.0)
    assert WITHHELD not in shown and WITHHELD not in shown["by_topic"]["t1"]


def test_a_phase_nobody_took_is_not_marked_withheld():
    """Its min and max are undefined, not withheld: the report table's `withheld` column stays empty."""
    report = {"phases": {"post": phase(0)}}
    assert disclose_report(report, K) == report


# Exports: the cohort's one decision, and the day filter.


def decision_rows() -> list[dict]:
    """6 uk, 4 ru and 1 en took both phases; one more took only the post-test (a group of one)."""
    languages = ["uk"] * 6 + ["ru"] * 4 + ["en"]
    rows = []
    for number, language in enumerate(languages):
        for phase_name in ("pre", "post"):
            rows.append({"participant": f"p{number}", "phase": phase_name, "region": "north", "language": language})
    rows.append({"participant": "late", "phase": "post", "region": "north", "language": "uk"})
    return [dict(row, submitted_day="2026-05-04") for row in rows]


@pytest.mark.parametrize("quasi_identifiers", [["region", "language", "submitted_day"], ["language"]])
def test_a_cohort_decision_suppresses_the_small_classes_and_withholds_the_small_groups(quasi_identifiers):
    """en (1) and ru (4) are under k and hold 5 together: suppressed; uk (6) is shown. The one who took
    only the post-test is withheld from every export, so not counted among the suppressed."""
    rows = decision_rows()
    decision = decide_cohort(rows, quasi_identifiers, K)
    assert decision.suppressed == frozenset({"p6", "p7", "p8", "p9", "p10"})
    assert decision.withheld == frozenset({"late"}) and decision.groups_below_k == 1
    assert rows == decision_rows()  # the rows given are left as they were


def test_a_day_filter_keeps_its_first_and_last_day_and_needs_every_day_inside():
    assert in_days(["2026-05-04", "2026-05-06"], "2026-05-04", "2026-05-06")
    assert in_days(["2026-05-05"], "2026-05-05", "2026-05-05")
    assert not in_days(["2026-05-03"], "2026-05-04", "2026-05-06")
    assert not in_days(["2026-05-07"], "2026-05-04", "2026-05-06")
    assert not in_days(["2026-05-05", "2026-05-07"], "2026-05-04", "2026-05-06")
    assert in_days(["2026-05-07"], "2026-05-04", None) and in_days(["2026-05-03"], None, "2026-05-06")
    assert in_days(["2026-05-03"], None, None)
