"""Small hand-made banks and submissions for tests that should not depend on the shipped banks."""

from __future__ import annotations

from service.domain.models import (
    Bank,
    Demographic,
    DemographicOption,
    Option,
    Question,
    Score,
    Submission,
    Topic,
    TopicScore,
)

YES_NO = (Option("a", {"uk": "так", "en": "yes"}, True), Option("b", {"uk": "ні", "en": "no"}, False))


def texts(text: str) -> dict[str, str]:
    return {"uk": f"{text} (uk)", "en": text}


def question(qid: str, topic: str, kind: str, correct: str, options: str = "abcd", points: float = 1) -> Question:
    return Question(
        id=qid,
        topic=topic,
        type=kind,
        points=points,
        prompt=texts(f"Question {qid}"),
        options=tuple(Option(o, texts(f"option {o}"), o in correct) for o in options),
        explanation=texts(f"Why {qid}"),
    )


def small_bank(scoring: str = "all_or_nothing", min_answered: float = 0.0) -> Bank:
    """Three questions over two topics: q1 single (b), q2 multiple (a, c), q3 single worth 2 (d).
    One answer is enough to be stored (min_answered 0: still at least one), since most tests send one;
    tests/integration/test_clean_evidence.py tests the real default of 0.5."""
    return Bank(
        min_answered=min_answered,
        id="small",
        version="1",
        sha256="0" * 64,
        languages=("uk", "en"),
        title=texts("Small bank"),
        description=texts("For tests"),
        scoring=scoring,
        topics=(Topic("t1", texts("Topic one")), Topic("t2", texts("Topic two"))),
        questions=(
            question("q1", "t1", "single", "b"),
            question("q2", "t1", "multiple", "ac"),
            question("q3", "t2", "single", "d", points=2),
        ),
        demographics=(
            Demographic(
                "role",
                texts("Role"),
                (DemographicOption("police", texts("Police")), DemographicOption("other", texts("Other"))),
            ),
        ),
    )


def submission(
    participant_hash: str,
    phase: str = "pre",
    *,
    cohort_id: str = "cohort1",
    answers: dict | None = None,
    language: str = "uk",
    day: str = "2026-05-04",
    demographics: dict | None = None,
    bank: Bank | None = None,
):
    """A scored submission on `bank` (the small bank by default), as the store would return it."""
    from service.domain.models import Submission
    from service.domain.scoring import check_answers, score_submission

    bank = bank or small_bank()
    checked = check_answers(bank, answers or {"q1": ["b"]})
    return Submission(
        cohort_id=cohort_id,
        phase=phase,
        participant_hash=participant_hash,
        submission_id=f"{participant_hash}-{phase}",
        language=language,
        answers=checked,
        score=score_submission(bank, checked),
        bank_id=bank.id,
        bank_version=bank.version,
        bank_sha256=bank.sha256,
        submitted_at=f"{day}T10:15Z",
        demographics=demographics or {},
    )


def cohort(cohort_id: str = "cohort1", region: str | None = "Kyiv oblast", bank: Bank | None = None):
    from service.domain.models import Cohort

    bank = bank or small_bank()
    return Cohort(
        id=cohort_id,
        bank_id=bank.id,
        bank_version=bank.version,
        bank_sha256=bank.sha256,
        label=f"Group {cohort_id}",
        language="uk",
        region=region,
        phases={"pre": True, "post": True},
        trainer_token_hash="0" * 64,
        created_at="2026-05-01T09:00Z",
    )


def make_bank(items=(("q1", "signs", 1.0), ("q2", "signs", 1.0), ("q3", "reporting", 1.0))) -> Bank:
    """A bank of single-choice questions given as (id, topic, points)."""
    topic_ids = list(dict.fromkeys(topic for _, topic, _ in items))
    questions = tuple(Question(qid, topic, "single", pts, {"en": qid}, YES_NO) for qid, topic, pts in items)
    return Bank(
        id="online-child-safety",
        version="2",
        sha256="ab" * 32,
        languages=("uk", "en"),
        title={"uk": "Тест", "en": "Test"},
        description={"uk": "", "en": ""},
        scoring="partial",
        topics=tuple(Topic(topic, {"uk": topic, "en": topic}) for topic in topic_ids),
        questions=questions,
    )


def make_submission(
    bank: Bank,
    participant: str,
    phase: str,
    marks: dict[str, float] | list[float],
    *,
    cohort_id: str = "cohort-1",
    language: str = "uk",
    submitted_at: str = "2025-03-01T10:00",
    bank_version: str | None = None,
) -> Submission:
    """A submission scored from its marks (a list in bank order or a dict) the way scoring does."""
    if not isinstance(marks, dict):
        marks = {q.id: float(mark) for q, mark in zip(bank.questions, marks, strict=True)}
    by_topic = {}
    for topic in bank.topic_ids():
        in_topic = [q for q in bank.questions if q.topic == topic]
        points = sum(marks.get(q.id, 0.0) * q.points for q in in_topic)
        maximum = sum(q.points for q in in_topic)
        by_topic[topic] = TopicScore(points, maximum, 100.0 * points / maximum)
    points = sum(marks.get(q.id, 0.0) * q.points for q in bank.questions)
    score = Score(points, bank.max_points, 100.0 * points / bank.max_points, by_topic, dict(marks))
    return Submission(
        cohort_id=cohort_id,
        phase=phase,
        participant_hash=f"hash-{participant}",
        submission_id=f"{cohort_id}-{participant}-{phase}-{submitted_at}",
        language=language,
        answers={},
        score=score,
        bank_id=bank.id,
        bank_version=bank_version or bank.version,
        bank_sha256=bank.sha256,
        submitted_at=submitted_at,
    )


def reaction_bank() -> Bank:
    """The small bank (partial scoring) with issue 18's parts: two statements rated 1–5, a choice
    list, and a sure / not sure mark beside each answer."""
    import dataclasses

    from service.domain.models import ReactionItem

    useful = (DemographicOption("cases", texts("Cases")), DemographicOption("law", texts("The law")))
    return dataclasses.replace(
        small_bank("partial"),
        reaction=(
            ReactionItem("r-apply", "likert", texts("I will use this in my work")),
            ReactionItem("r-clear", "likert", texts("The training was clear")),
            ReactionItem("r-useful", "choice", texts("What was most useful?"), useful),
        ),
        confidence=True,
    )
