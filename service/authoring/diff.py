"""What changed between two versions of a bank, item by item, so evaluators know which items can be
compared across versions. Pure: used by `banks diff` and by the coordinator's bank preview page.

An item (question id) is comparable across versions when nothing that affects how it measures
changed: wording of the question or options, the set of options, the correct set, points, topic,
type. A changed explanation or option order does not make it incomparable.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from service.domain.models import Bank, Question, ReactionItem

MEASURING = ("prompt", "options_added", "options_removed", "options_reworded", "correct", "points", "topic", "type")


@dataclass(frozen=True)
class ItemChange:
    question_id: str
    prompt: tuple[str, ...] = ()  # languages whose wording changed
    options_added: tuple[str, ...] = ()
    options_removed: tuple[str, ...] = ()
    options_reworded: tuple[str, ...] = ()
    options_reordered: bool = False
    correct: tuple[tuple[str, ...], tuple[str, ...]] | None = None  # (old, new) correct option ids
    points: tuple[float, float] | None = None
    topic: tuple[str, str] | None = None
    type: tuple[str, str] | None = None
    explanation: tuple[str, ...] = ()  # languages whose explanation changed (or was added/removed)

    @property
    def aspects(self) -> tuple[str, ...]:
        names = (*MEASURING, "options_reordered", "explanation")
        return tuple(name for name in names if getattr(self, name))

    @property
    def comparable(self) -> bool:
        return not any(getattr(self, name) for name in MEASURING)


@dataclass(frozen=True)
class BankDiff:
    bank_id: str
    old_version: str
    new_version: str
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[ItemChange, ...]
    unchanged: tuple[str, ...]
    topics_added: tuple[str, ...] = ()
    topics_removed: tuple[str, ...] = ()
    scoring: tuple[str, str] | None = None
    languages: tuple[tuple[str, ...], tuple[str, ...]] | None = None
    comparable: tuple[str, ...] = field(default=())
    # The reaction items about the training (never scored): compared by wording, type and options.
    reaction_added: tuple[str, ...] = ()
    reaction_removed: tuple[str, ...] = ()
    reaction_changed: tuple[str, ...] = ()

    @property
    def measuring_changes(self) -> tuple[ItemChange, ...]:
        return tuple(change for change in self.changed if not change.comparable)


def diff_banks(old: Bank, new: Bank) -> BankDiff:
    """Items added, removed, changed (and how) and unchanged from `old` to `new`, in `new`'s order."""
    old_questions = {q.id: q for q in old.questions}
    new_ids = [q.id for q in new.questions]
    changed, unchanged = [], []
    for question in new.questions:
        before = old_questions.get(question.id)
        if before is None:
            continue
        change = _question_change(before, question)
        (changed if change.aspects else unchanged).append(change if change.aspects else question.id)
    comparable = [q for q in new_ids if q in unchanged or any(c.question_id == q and c.comparable for c in changed)]
    old_topics, new_topics = old.topic_ids(), new.topic_ids()
    # Under a multiple-choice question, a different scoring rule changes what its mark means.
    scoring_changed = old.scoring != new.scoring and any(q.type == "multiple" for q in new.questions)
    if scoring_changed:
        comparable = [q for q in comparable if new.question(q).type != "multiple"]
    return BankDiff(
        bank_id=new.id,
        old_version=old.version,
        new_version=new.version,
        added=tuple(q for q in new_ids if q not in old_questions),
        removed=tuple(q.id for q in old.questions if q.id not in set(new_ids)),
        changed=tuple(changed),
        unchanged=tuple(unchanged),
        topics_added=tuple(t for t in new_topics if t not in old_topics),
        topics_removed=tuple(t for t in old_topics if t not in new_topics),
        scoring=(old.scoring, new.scoring) if old.scoring != new.scoring else None,
        languages=(old.languages, new.languages) if old.languages != new.languages else None,
        comparable=tuple(comparable),
        **_reaction_changes(old.reaction, new.reaction),
    )


def _reaction_changes(old: tuple[ReactionItem, ...], new: tuple[ReactionItem, ...]) -> dict[str, tuple[str, ...]]:
    before = {item.id: item for item in old}
    after_ids = {item.id for item in new}
    return {
        "reaction_added": tuple(item.id for item in new if item.id not in before),
        "reaction_removed": tuple(item.id for item in old if item.id not in after_ids),
        "reaction_changed": tuple(item.id for item in new if item.id in before and before[item.id] != item),
    }


def _question_change(old: Question, new: Question) -> ItemChange:
    old_options = {o.id: o for o in old.options}
    new_options = {o.id: o for o in new.options}
    common = [o for o in new.option_ids if o in old_options]
    old_correct, new_correct = sorted(old.correct_ids), sorted(new.correct_ids)
    return ItemChange(
        question_id=new.id,
        prompt=_changed_languages(old.prompt, new.prompt),
        options_added=tuple(o for o in new.option_ids if o not in old_options),
        options_removed=tuple(o for o in old.option_ids if o not in new_options),
        options_reworded=tuple(o for o in common if old_options[o].text != new_options[o].text),
        options_reordered=[o for o in old.option_ids if o in new_options] != common,
        correct=(tuple(old_correct), tuple(new_correct)) if old_correct != new_correct else None,
        points=(old.points, new.points) if old.points != new.points else None,
        topic=(old.topic, new.topic) if old.topic != new.topic else None,
        type=(old.type, new.type) if old.type != new.type else None,
        explanation=_changed_languages(old.explanation or {}, new.explanation or {}),
    )


def _changed_languages(old: dict[str, str], new: dict[str, str]) -> tuple[str, ...]:
    return tuple(language for language in dict.fromkeys([*new, *old]) if old.get(language) != new.get(language))


def describe(diff: BankDiff) -> list[str]:
    """The diff as lines of plain English for the command line."""

    def ids(values) -> str:
        return ", ".join(values) or "–"

    lines = [f"{diff.bank_id}: version {diff.old_version} -> {diff.new_version}"]
    if diff.scoring:
        lines.append(f"Scoring of multiple-answer questions: {diff.scoring[0]} -> {diff.scoring[1]}")
    if diff.languages:
        lines.append(f"Languages: {ids(diff.languages[0])} -> {ids(diff.languages[1])}")
    if diff.topics_added or diff.topics_removed:
        lines.append(f"Topics added: {ids(diff.topics_added)}; removed: {ids(diff.topics_removed)}")
    lines.append(f"Added ({len(diff.added)}): {ids(diff.added)}")
    lines.append(f"Removed ({len(diff.removed)}): {ids(diff.removed)}")
    lines.append(f"Changed ({len(diff.changed)}):")
    for change in diff.changed:
        lines.append(f"  {change.question_id}: {'; '.join(_aspect_text(change, a) for a in change.aspects)}")
    lines.append(f"Unchanged ({len(diff.unchanged)}): {ids(diff.unchanged)}")
    lines.append(f"Comparable across the two versions ({len(diff.comparable)}): {ids(diff.comparable)}")
    if diff.reaction_added or diff.reaction_removed or diff.reaction_changed:
        lines.append(
            f"Reaction items added: {ids(diff.reaction_added)}; removed: {ids(diff.reaction_removed)}; "
            f"changed: {ids(diff.reaction_changed)}"
        )
    return lines


def _aspect_text(change: ItemChange, aspect: str) -> str:
    value = getattr(change, aspect)
    if aspect in ("prompt", "explanation"):
        return f"{aspect} reworded ({', '.join(value)})"
    if aspect.startswith("options_") and aspect != "options_reordered":
        return f"options {aspect.removeprefix('options_')} ({', '.join(value)})"
    if aspect == "options_reordered":
        return "options reordered"
    old, new = value
    if aspect == "correct":
        old, new = ", ".join(old), ", ".join(new)
    elif aspect == "points":
        old, new = f"{old:g}", f"{new:g}"
    return f"{aspect} {old} -> {new}"
