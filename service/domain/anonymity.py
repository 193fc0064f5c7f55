"""k-anonymity for exports: nobody in an export can be singled out by what others may know of them.

Who tries: an employer who knows who attended a cohort and their role, experience and language,
and wants to find one person's score. So classes are counted where that person can be looked for:

- the unit is the participant, not the row: a participant's rows share a pseudonym, so their
  quasi-identifiers (every row's, with its phase) form one vector;
- classes are counted within a cohort (rows name it, and attendance is known), and the phases a
  participant took are part of the vector (so is whether they came to the post-test);
- a class with fewer than k participants has its quasi-identifiers replaced by "suppressed";
- suppressed participants must themselves be k or more in their (cohort, phases taken) group,
  else the smallest other classes there are suppressed too — otherwise "the one row that is
  suppressed" would point at the one person who differs from everybody else;
- a group with fewer than k participants altogether is suppressed whole: a cohort smaller than k
  is exported without its demographics (nor region, language or day).

Exports call this once per whole cohort (domain/disclosure.decide_cohort) and apply the result to
every export, pooled and day-filtered ones too, so that joining two exports undoes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

SUPPRESSED = "suppressed"


@dataclass(frozen=True)
class Suppression:
    """What k-anonymity did to an export; these numbers go into its metadata and headers."""

    k: int
    quasi_identifiers: tuple[str, ...]
    participants: int
    classes: int  # distinct participant vectors after suppression
    suppressed_rows: int
    suppressed_participants: int
    scopes_below_k: int  # cohorts (pooled: bank versions) exported without any quasi-identifier
    groups_below_k: int  # (cohort, phases taken) groups smaller than k, suppressed whole


def k_anonymize(
    rows: list[dict],
    quasi_identifiers: list[str],
    k: int,
    *,
    participant: str = "pseudonym",
    within: tuple[str, ...] = ("cohort_id",),
    phase: str = "phase",
) -> Suppression:
    """Suppress, in place, the quasi-identifiers of every participant whose class is smaller than k.

    Classes are counted within the rows sharing the `within` columns: the cohort, or for a pooled
    export (rows that do not name their cohort) the bank version, which is a cohort's too."""
    rows_of: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        rows_of[row[participant]].append(row)

    def scope(own_rows: list[dict]) -> tuple:
        return tuple(own_rows[0][column] for column in within)

    def vector(own_rows: list[dict]) -> tuple:
        signatures = sorted(tuple(str(r.get(c, "")) for c in (phase, *quasi_identifiers)) for r in own_rows)
        return (scope(own_rows), tuple(signatures))

    def group(own_rows: list[dict]) -> tuple:
        return (scope(own_rows), tuple(sorted(str(r.get(phase, "")) for r in own_rows)))

    classes: dict[tuple, set[str]] = defaultdict(set)
    groups: dict[tuple, set[str]] = defaultdict(set)
    for person, own_rows in rows_of.items():
        classes[vector(own_rows)].add(person)
        groups[group(own_rows)].add(person)
    suppressed = {person for members in classes.values() if len(members) < k for person in members}
    for members in groups.values():
        _complete_suppression(members, classes, suppressed, k)

    for person in suppressed:
        for row in rows_of[person]:
            row.update({column: SUPPRESSED for column in quasi_identifiers})
    people_per_scope: dict[str, set[str]] = defaultdict(set)
    for person, own_rows in rows_of.items():
        people_per_scope[scope(own_rows)].add(person)
    return Suppression(
        k=k,
        quasi_identifiers=tuple(quasi_identifiers),
        participants=len(rows_of),
        classes=len({vector(own_rows) for own_rows in rows_of.values()}),
        suppressed_rows=sum(len(rows_of[person]) for person in suppressed),
        suppressed_participants=len(suppressed),
        scopes_below_k=sum(1 for people in people_per_scope.values() if len(people) < k),
        groups_below_k=sum(1 for members in groups.values() if len(members) < k),
    )


def _complete_suppression(members: set[str], classes: dict[tuple, set[str]], suppressed: set[str], k: int) -> None:
    """Within one (cohort, phases taken) group, grow a suppressed set of 1..k-1 participants to k or
    more by suppressing the group's smallest remaining classes (ties broken by the class itself)."""
    hidden = members & suppressed
    if not hidden or len(hidden) >= k:
        return
    remaining = sorted(
        ((key, people) for key, people in classes.items() if people <= members and not people & suppressed),
        key=lambda item: (len(item[1]), item[0]),
    )
    for _, people in remaining:
        if len(hidden) >= k:
            break
        hidden |= people
        suppressed |= people
