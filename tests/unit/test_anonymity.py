"""k-anonymity as an employer would test it: who can be singled out in one cohort's rows."""

from collections import Counter, defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st

from service.domain.anonymity import SUPPRESSED, k_anonymize

QUASI = ["region", "language", "demographic.role"]


def person(pseudonym, role, *, cohort="A", phases=("pre",), language="uk", post_language=None):
    return [
        {
            "pseudonym": pseudonym,
            "cohort_id": cohort,
            "phase": phase,
            "region": "Kyiv",
            "language": post_language if phase == "post" and post_language else language,
            "demographic.role": role,
            "percent": 50,
        }
        for phase in phases
    ]


def people(count, role, prefix, **options):
    return [row for i in range(count) for row in person(f"{prefix}{i}", role, **options)]


def suppressed_people(rows):
    return sorted({row["pseudonym"] for row in rows if row["demographic.role"] == SUPPRESSED})


def test_a_class_smaller_than_k_loses_every_quasi_identifier_and_is_counted():
    rows = people(6, "police", "p") + people(5, "cyber", "c") + people(1, "educator", "e")
    result = k_anonymize(rows, QUASI, k=5)
    educator = next(row for row in rows if row["pseudonym"] == "e0")
    assert {educator[c] for c in QUASI} == {SUPPRESSED}
    assert educator["percent"] == 50 and educator["cohort_id"] == "A"
    assert result.participants == 12


def test_the_one_suppressed_row_is_not_left_to_point_at_the_one_person_who_differs():
    # 6 police, 5 cyber police and 1 educator: suppressing the educator alone would show an employer
    # who knows the group exactly which row is theirs. The smallest other class goes too.
    rows = people(6, "police", "p") + people(5, "cyber", "c") + people(1, "educator", "e")
    result = k_anonymize(rows, QUASI, k=5)
    assert suppressed_people(rows) == ["c0", "c1", "c2", "c3", "c4", "e0"]
    assert result.suppressed_participants == 6 and result.suppressed_rows == 6
    assert {row["demographic.role"] for row in rows if row["pseudonym"].startswith("p")} == {"police"}


def test_classes_are_counted_within_a_cohort_not_across_cohorts():
    rows = people(3, "police", "a", cohort="A") + people(3, "police", "b", cohort="B")
    rows += people(5, "cyber", "x", cohort="A") + people(5, "cyber", "y", cohort="B")
    k_anonymize(rows, QUASI, k=5)
    # 6 police overall, but 3 in each cohort: an employer of cohort A looks at cohort A's rows.
    assert {row["demographic.role"] for row in rows if row["pseudonym"][0] in "ab"} == {SUPPRESSED}


def test_a_cohort_smaller_than_k_is_exported_without_demographics():
    rows = people(4, "police", "s", cohort="small") + people(10, "police", "b", cohort="big")
    result = k_anonymize(rows, QUASI, k=5)
    small = [row for row in rows if row["cohort_id"] == "small"]
    assert {row["demographic.role"] for row in small} == {SUPPRESSED}
    assert {row["region"] for row in small} == {SUPPRESSED}
    assert result.scopes_below_k == 1


def test_classes_count_participants_not_rows():
    rows = [row for _ in range(6) for row in person("same", "police")]
    assert k_anonymize(rows, QUASI, k=5).suppressed_rows == 6


def test_a_participant_is_one_unit_across_phases():
    # Five did both tests; one took the post-test in English. Their rows are linked by pseudonym, so
    # the English post row must not leave their Ukrainian pre row visible either.
    rows = people(4, "police", "p", phases=("pre", "post")) + person(
        "en", "police", phases=("pre", "post"), post_language="en"
    )
    k_anonymize(rows, QUASI, k=5)
    assert {row["language"] for row in rows if row["pseudonym"] == "en"} == {SUPPRESSED}
    # and the other four are suppressed with them, so that "the suppressed one" is not them
    assert suppressed_people(rows) == ["en", "p0", "p1", "p2", "p3"]


def test_whether_someone_came_to_the_post_test_counts_too():
    rows = people(5, "police", "both", phases=("pre", "post")) + person("only_pre", "police")
    k_anonymize(rows, QUASI, k=5)
    assert suppressed_people(rows) == ["only_pre"]


def test_nothing_is_suppressed_when_every_class_is_large_enough():
    rows = people(5, "police", "p", phases=("pre", "post")) + people(7, "cyber", "c")
    result = k_anonymize(rows, QUASI, k=5)
    assert result.suppressed_rows == 0 and result.classes == 2 and result.scopes_below_k == 0


ROLES = ["police", "cyber", "educator", ""]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["A", "B", "C"]),
            st.sampled_from(ROLES),
            st.sampled_from(["uk", "en"]),
            st.sampled_from([("pre",), ("pre", "post")]),
        ),
        max_size=60,
    ),
    st.integers(min_value=2, max_value=6),
)
def test_every_released_class_has_k_participants_unless_its_whole_group_is_smaller(specs, k):
    rows = [
        row
        for i, (cohort, role, language, phases) in enumerate(specs)
        for row in person(f"p{i}", role, cohort=cohort, phases=phases, language=language)
    ]
    k_anonymize(rows, QUASI, k)
    vectors = defaultdict(list)
    for row in rows:
        vectors[row["pseudonym"]].append((row["phase"], *(row[c] for c in QUASI)))
    cohort_of = {row["pseudonym"]: row["cohort_id"] for row in rows}
    vector_of = {p: (cohort_of[p], tuple(sorted(v))) for p, v in vectors.items()}
    sizes = Counter(vector_of.values())
    group_sizes = Counter((cohort, tuple(v[0] for v in vec)) for cohort, vec in vector_of.values())
    for (cohort, vector), size in sizes.items():
        if size < k:
            assert all(value == SUPPRESSED for signature in vector for value in signature[1:])
            assert group_sizes[(cohort, tuple(v[0] for v in vector))] < k


def test_a_pooled_export_counts_classes_across_cohorts_of_one_bank_version():
    rows = people(3, "police", "a", cohort="A") + people(3, "police", "b", cohort="B")
    for row in rows:
        row |= {"bank_id": "small", "bank_version": "1"}
    result = k_anonymize(rows, QUASI, k=5, within=("bank_id", "bank_version"))
    assert result.suppressed_rows == 0 and result.classes == 1


def test_a_pooled_export_does_not_mix_bank_versions_a_single_cohort_may_have_used():
    rows = people(3, "police", "a", cohort="A") + people(3, "police", "b", cohort="B")
    for row in rows:
        row |= {"bank_id": "small", "bank_version": "1" if row["cohort_id"] == "A" else "2"}
    assert k_anonymize(rows, QUASI, k=5, within=("bank_id", "bank_version")).suppressed_rows == 6


def test_people_who_differ_only_by_the_phases_they_took_are_told_apart():
    # Five came to the pre-test only and one joined late for the post-test only: same answers to
    # every question an employer knows, but "the one who only did the post-test" is one person.
    rows = people(5, "police", "early") + person("late", "police", phases=("post",))
    result = k_anonymize(rows, QUASI, k=5)
    assert suppressed_people(rows) == ["late"]
    assert result.groups_below_k == 1 and result.scopes_below_k == 0 and result.classes == 2


def test_complementary_suppression_stays_within_the_group_of_phases_taken():
    # The educator's group (pre-test only) is where an employer would look for the one suppressed
    # row, so the police there are suppressed with them, not the post-only cyber police.
    rows = people(4, "police", "p") + people(1, "educator", "e") + people(3, "cyber", "c", phases=("post",))
    result = k_anonymize(rows, QUASI, k=3)
    assert suppressed_people(rows) == ["e0", "p0", "p1", "p2", "p3"]
    assert result.groups_below_k == 0 and result.suppressed_participants == 5


def test_complementary_suppression_takes_the_smallest_class_even_when_it_sorts_last():
    # "police" sorts after "cyber": suppressing the 5 police hides fewer people than the 6 cyber.
    rows = people(6, "cyber", "c") + people(5, "police", "p") + people(1, "educator", "e")
    k_anonymize(rows, QUASI, k=5)
    assert suppressed_people(rows) == ["e0", "p0", "p1", "p2", "p3", "p4"]


def test_complementary_suppression_breaks_ties_between_equal_classes_by_the_class_itself():
    rows = people(5, "police", "p") + people(5, "cyber", "c") + people(1, "educator", "e")
    k_anonymize(rows, QUASI, k=5)
    assert suppressed_people(rows) == ["c0", "c1", "c2", "c3", "c4", "e0"]


def test_a_cohort_of_exactly_k_with_one_class_is_released_whole():
    rows = people(5, "police", "p")
    result = k_anonymize(rows, QUASI, k=5)
    assert suppressed_people(rows) == []
    assert (result.scopes_below_k, result.groups_below_k, result.suppressed_rows) == (0, 0, 0)


def test_k_small_classes_suppressed_together_need_no_other_class_to_hide_among():
    rows = people(1, "educator", "e") + people(1, "cyber", "c") + people(1, "advocate", "a") + people(5, "police", "p")
    result = k_anonymize(rows, QUASI, k=3)
    assert suppressed_people(rows) == ["a0", "c0", "e0"]
    assert result.suppressed_participants == 3 and result.classes == 2


def test_cohorts_and_groups_below_k_are_counted_for_the_export_metadata():
    rows = people(4, "police", "s", cohort="small")  # a cohort below k
    rows += people(6, "police", "b", cohort="big") + people(2, "police", "late", cohort="big", phases=("post",))
    rows += people(2, "police", "x", cohort="other", phases=("pre", "post")) + people(3, "police", "y", cohort="other")
    result = k_anonymize(rows, QUASI, k=5)
    # groups below k: small/pre, big/post, other/pre+post, other/pre; cohorts below k: small only
    assert result.scopes_below_k == 1
    assert result.groups_below_k == 4
    assert suppressed_people(rows) == sorted(
        [f"s{i}" for i in range(4)] + ["late0", "late1", "x0", "x1", "y0", "y1", "y2"]
    )
    assert result.participants == 17 and result.suppressed_rows == 4 + 2 + 4 + 3


def test_a_demographic_question_left_out_and_one_left_empty_look_alike_so_are_one_class():
    # The export writes a column a row does not have as empty: an employer cannot tell them apart.
    rows = people(5, "", "blank") + person("skipped", "")
    del rows[-1]["demographic.role"]
    result = k_anonymize(rows, QUASI, k=5)
    assert result.suppressed_participants == 0 and result.classes == 1
