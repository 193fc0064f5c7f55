"""Plain data the domain works on: banks, cohorts, submissions and scores.

These dataclasses are what scoring, the report and the exports take. marshmallow
schemas turn files and requests into them at the edges, and the store maps them to
and from DynamoDB items in one place (`service/store/items.py`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

PHASES = ("pre", "post", "follow_up")
# A later test is taken with the code of an earlier one (typed, or this phone's cookie): the post-test
# after the training, and the optional follow-up weeks or months later (retention, issue 18).
LATER_PHASES = ("post", "follow_up")
# The two tests the training's effect is measured between: pairs, gains, item flags and the trainer's
# headline are about these; the follow-up has its own figures (domain/retention.py).
PRE_POST = ("pre", "post")

# A cohort takes at most its expected size plus half of it of submissions per phase (docs/security.md):
# a forwarded link or a script cannot fill a class's report with strangers without the trainer seeing it.
DEFAULT_EXPECTED_PARTICIPANTS = 100
MAX_EXPECTED_PARTICIPANTS = 5000

# Ids end up in URLs, DynamoDB keys and export column names, so keep them plain.
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"
VERSION_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$"
LANGUAGE_PATTERN = r"^[a-z]{2,3}([_-][A-Za-z0-9]{2,8})?$"

Texts = dict[str, str]
"""A text in several languages: {"uk": "...", "en": "..."}."""


@dataclass(frozen=True)
class Option:
    id: str
    text: Texts
    correct: bool


@dataclass(frozen=True)
class Question:
    id: str
    topic: str
    type: str  # "single" or "multiple"
    points: float
    prompt: Texts
    options: tuple[Option, ...]
    explanation: Texts | None = None

    @property
    def correct_ids(self) -> frozenset[str]:
        return frozenset(option.id for option in self.options if option.correct)

    @property
    def option_ids(self) -> tuple[str, ...]:
        return tuple(option.id for option in self.options)


@dataclass(frozen=True)
class Topic:
    id: str
    label: Texts


@dataclass(frozen=True)
class DemographicOption:
    id: str
    text: Texts


@dataclass(frozen=True)
class Demographic:
    id: str
    prompt: Texts
    options: tuple[DemographicOption, ...]

    @property
    def option_ids(self) -> tuple[str, ...]:
        return tuple(option.id for option in self.options)


REACTION_SCALE = (1, 2, 3, 4, 5)
"""A reaction statement's answer: 1 strongly disagree … 5 strongly agree (labels in the catalog)."""
MAX_REACTION_ITEMS = 8  # the post-test page stays small on a phone


@dataclass(frozen=True)
class ReactionItem:
    """A question about the training itself (Kirkpatrick level 1), asked after the post-test, never scored.

    `likert`: a statement rated on REACTION_SCALE; `choice`: one pick from short options
    ("what was most useful"). No free text: the answers must stay anonymous.
    """

    id: str
    type: str  # "likert" or "choice"
    prompt: Texts
    options: tuple[DemographicOption, ...] = ()  # choice items only

    @property
    def option_ids(self) -> tuple[str, ...]:
        return tuple(option.id for option in self.options)

    def accepts(self, value: object) -> bool:
        """Whether `value` is an answer to this item: 1–5 for a statement, an option id for a choice."""
        if self.type == "likert":
            return type(value) is int and value in REACTION_SCALE
        return isinstance(value, str) and value in self.option_ids


@dataclass(frozen=True)
class Bank:
    """One published version of a question bank, as loaded from its YAML file."""

    id: str
    version: str
    sha256: str
    languages: tuple[str, ...]
    title: Texts
    description: Texts
    scoring: str  # "all_or_nothing" or "partial" (how `multiple` questions earn points)
    topics: tuple[Topic, ...]
    questions: tuple[Question, ...]
    demographics: tuple[Demographic, ...] = ()
    pass_percent: float | None = None
    review_note: Texts | None = None
    min_answered: float = 0.5  # the share of questions a test must answer to be stored
    reaction: tuple[ReactionItem, ...] = ()  # asked on the post-test page, optional, never scored
    confidence: bool = False  # beside each answer the participant may mark "sure" / "not sure"

    @property
    def min_answered_count(self) -> int:
        """Questions a test must answer to be stored: never fewer than one (a blank test is no test)."""
        return max(1, math.ceil(self.min_answered * len(self.questions) - 1e-9))

    @property
    def max_points(self) -> float:
        return sum(question.points for question in self.questions)

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def topic_ids(self) -> tuple[str, ...]:
        return tuple(topic.id for topic in self.topics)

    def reaction_item(self, item_id: str) -> ReactionItem | None:
        return next((item for item in self.reaction if item.id == item_id), None)


@dataclass(frozen=True)
class TopicScore:
    points: float
    max_points: float
    percent: float


@dataclass(frozen=True)
class Score:
    """The outcome of scoring one submission; `marks` is each question's share (0–1) of its points."""

    points: float
    max_points: float
    percent: float
    by_topic: dict[str, TopicScore]
    marks: dict[str, float]


@dataclass(frozen=True)
class Cohort:
    id: str
    bank_id: str
    bank_version: str
    bank_sha256: str
    label: str
    language: str
    region: str | None
    phases: dict[str, bool]  # phase -> open
    trainer_token_hash: str
    created_at: str  # ISO 8601, UTC, to the minute
    closed_at: str | None = None  # set once by the coordinator: closed for good, never reopened
    shuffle: bool = False  # question and option order shuffled per participant (scoring uses ids)
    allow_unpaired_codes: bool = False  # a typed post-test code without a pre-test here is accepted
    imported_at: str | None = None  # set when a room's cohort was uploaded here (service/imports.py)
    linkage_salt: str | None = None  # the cohort's linkage key's salt (domain/linkage.py); deleted at close
    expires_at: int | None = None  # epoch seconds: DynamoDB's TTL deletes the item after (retention)
    expected_participants: int = DEFAULT_EXPECTED_PARTICIPANTS

    @property
    def submission_limit(self) -> int:
        """How many submissions each phase takes: 1.5 × the expected size, rounded down."""
        return self.expected_participants + self.expected_participants // 2

    @property
    def closed(self) -> bool:
        return self.closed_at is not None

    def is_open(self, phase: str) -> bool:
        return not self.closed and bool(self.phases.get(phase))

    @property
    def open_phases(self) -> tuple[str, ...]:
        return tuple(phase for phase in PHASES if self.is_open(phase))


@dataclass(frozen=True)
class Submission:
    """One participant's answers to one phase, scored; the participant is only a keyed hash."""

    cohort_id: str
    phase: str
    participant_hash: str
    submission_id: str  # stored as a keyed hash of the client's id (domain/linkage.py); older items: the id
    language: str
    answers: dict[str, tuple[str, ...]]
    score: Score
    bank_id: str
    bank_version: str
    bank_sha256: str
    submitted_at: str  # ISO 8601, UTC, truncated to the minute
    demographics: dict[str, str] = field(default_factory=dict)
    expires_at: int | None = None  # epoch seconds: DynamoDB's TTL deletes the item after (retention)
    reaction: dict[str, int | str] = field(default_factory=dict)  # reaction item -> 1–5 or option id (post)
    confidence: dict[str, bool] = field(default_factory=dict)  # question -> marked sure (True) / not sure

    @property
    def submitted_day(self) -> str:
        return self.submitted_at[:10]
