"""What an assessment needs before it is submitted, question by question.

Submission asks more than a saved draft: every question answered (points, or "not
applicable" where the question allows it for the collectivity's level), and evidence for
every answer above 0: a reference, a link, a short text, one of the collectivity's own
validated measures, or an attached document. A draft may be saved with any of these missing; `scores` computes it
as incomplete.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from tracker.assessment import indicators
from tracker.assessment.indicators import IndicatorSet
from tracker.assessment.scores import valid_points
from tracker.i18n import LEVEL_NAMES


class CitedMeasure(Protocol):
    """What the check reads of a measure cited as evidence (`tracker.models.Measure`)."""

    title: str
    territory_code: str
    review_state: str
    deleted_at: object


class EvidencedAnswer(Protocol):
    """What the check reads of an answer (`tracker.models.AssessmentAnswer`)."""

    question_key: str
    points: int | None
    not_applicable: bool | None
    evidence_text: str | None
    evidence_reference: str | None
    evidence_url: str | None
    measures: list[CitedMeasure]
    attachments: list[object]


@dataclass(frozen=True)
class Problem:
    """What stops an assessment's submission at one question, in the page's language."""

    question: str
    message: LazyString

    def __str__(self) -> str:
        return f"{self.question}: {self.message}"


def submission_problems(
    indicator_set: IndicatorSet,
    level: str,
    territory_code: str,
    answers: Iterable[EvidencedAnswer],
) -> list[Problem]:
    """Every reason the `answers` of the collectivity `territory_code` (of territory level
    `level`) cannot be submitted under `indicator_set`, in the set's order of questions,
    then the answers to questions the set does not have; an empty list when they can.

    Refused: a question not answered, points outside 0 to 3, "not applicable" where the
    question does not allow it for that level, an answer above 0 without evidence, and a
    cited measure that is not a validated, live measure of that collectivity. Raises
    nothing.
    """
    by_key = {answer.question_key: answer for answer in answers}
    problems = []
    for question in indicator_set.questions:
        answer = by_key.pop(question.key, None)
        for message in _answer_problems(question.allows_not_applicable(level), answer, level):
            problems.append(Problem(question.key, message))
        for measure in answer.measures if answer else ():
            if not _own_validated(measure, territory_code):
                message = _l(
                    "“%(title)s” is not a validated measure of this collectivity.",
                    title=measure.title,
                )
                problems.append(Problem(question.key, message))
    for key in by_key:
        message = _l(
            "This question is not in version %(version)s of the indicator set.",
            version=indicator_set.version,
        )
        problems.append(Problem(key, message))
    return problems


def assessment_problems(assessment) -> list[Problem]:
    """`submission_problems` of a stored assessment (`tracker.models.Assessment`), under
    the version of the set it was answered under. Raises `UnknownVersion` if that
    version's file is gone."""
    return submission_problems(
        indicators.indicator_set(assessment.indicator_version),
        assessment.territory.level,
        assessment.territory_code,
        assessment.answers,
    )


def _answer_problems(na_allowed: bool, answer: EvidencedAnswer | None, level: str):
    if answer is None or (answer.points is None and not answer.not_applicable):
        yield _l("This question is not answered.")
    elif answer.not_applicable:
        if not na_allowed:
            yield _l(
                "This question cannot be answered “not applicable” at this level (%(level)s).",
                level=LEVEL_NAMES.get(level, level),
            )
    elif not valid_points(answer.points):
        yield _l("An answer is worth 0 to 3 points.")
    elif answer.points > 0 and not _has_evidence(answer):
        yield _l(
            "An answer above 0 needs evidence: a reference, a link, a short text "
            "or one of the collectivity's measures."
        )


def _has_evidence(answer: EvidencedAnswer) -> bool:
    written = (answer.evidence_text, answer.evidence_reference, answer.evidence_url)
    return (
        any(text and text.strip() for text in written)
        or bool(answer.measures)
        or bool(answer.attachments)
    )


def _own_validated(measure: CitedMeasure, territory_code: str) -> bool:
    return (
        measure.territory_code == territory_code
        and measure.review_state == "validated"
        and measure.deleted_at is None
    )
