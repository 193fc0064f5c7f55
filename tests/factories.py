"""Small hand-made banks and submissions for tests that should not depend on the shipped banks."""

from __future__ import annotations

from service.domain.models import Bank, Demographic, DemographicOption, Option, Question, Topic


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


def small_bank(scoring: str = "all_or_nothing") -> Bank:
    """Three questions over two topics: q1 single (b), q2 multiple (a, c), q3 single worth 2 (d)."""
    return Bank(
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
