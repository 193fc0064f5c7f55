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
