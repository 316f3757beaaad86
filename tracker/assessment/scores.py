"""The scores of an assessment, computed exactly as `INDICATORS.md` defines them.

An answer is worth 0 to 3 points, or is "not applicable" (`NOT_APPLICABLE`), or is not
given yet (None, or no entry at all). "Not applicable" removes the question from the
dimension's maximum: what lies outside a collectivity's competences lowers its
potential instead of counting as zero.

- A dimension's potential is the number of its applicable questions (those not answered
  "not applicable"), its score 100 × points ÷ (3 × applicable questions), None when it
  has no applicable question.
- The overall score is the mean of the dimensions that have a score; None when none has.
- An assessment with a question not answered is incomplete: it cannot be submitted, and
  its scores, shown as incomplete, are those of the questions answered so far (an
  unanswered question counts neither as 0 nor in the maximum; `answered` says how many
  entered each dimension's score). A dimension with nothing answered yet has no score.

Scores are kept exact, as fractions; `rounded` gives the figure shown, to one decimal,
half up (66.65 shows as 66.7), and nothing else rounds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from math import floor
from typing import Protocol

from tracker.assessment import indicators
from tracker.assessment.indicators import POINTS, IndicatorSet

# The answer "not applicable", as `scores` reads it.
NOT_APPLICABLE = "not_applicable"

Answer = int | str | None


class StoredAnswer(Protocol):
    """What `answer_values` reads of an answer (`tracker.models.AssessmentAnswer`)."""

    question_key: str
    points: int | None
    not_applicable: bool | None


@dataclass(frozen=True)
class DimensionScore:
    """One dimension's points, potential (applicable questions) and score (0 to 100)."""

    key: str
    points: int
    applicable: int
    answered: int
    score: Fraction | None

    @property
    def potential(self) -> int:
        """The number of applicable questions, as the pages call it."""
        return self.applicable


@dataclass(frozen=True)
class Scores:
    """An assessment's scores: by dimension, in the set's order, and overall."""

    version: int
    level: str
    dimensions: tuple[DimensionScore, ...]
    overall: Fraction | None
    unanswered: tuple[str, ...]

    @property
    def complete(self) -> bool:
        """Whether every question is answered (points or "not applicable")."""
        return not self.unanswered

    def dimension(self, key: str) -> DimensionScore:
        """The score of dimension `key` (`D1`...); raises `KeyError` if the set has none."""
        for dimension in self.dimensions:
            if dimension.key == key:
                return dimension
        raise KeyError(key)


def answer_values(answers: Iterable[StoredAnswer]) -> dict[str, Answer]:
    """The answers as `scores` reads them: question key → points, `NOT_APPLICABLE` or None."""
    return {a.question_key: NOT_APPLICABLE if a.not_applicable else a.points for a in answers}


def assessment_scores(assessment) -> Scores:
    """The scores of a stored assessment (`tracker.models.Assessment`), under the version
    of the set it was answered under and its collectivity's level, so that publishing a
    new version never changes them.

    Raises `UnknownVersion` if that version's file is gone, and `ValueError` as `scores`.
    """
    return scores(
        indicators.indicator_set(assessment.indicator_version),
        assessment.territory.level,
        answer_values(assessment.answers),
    )


def answer_refusal(indicator_set: IndicatorSet, level: str, key: str, value: Answer) -> str | None:
    """Why answer `value` to question `key` cannot stand for a collectivity of territory
    level `level` under `indicator_set` (in English, naming the question), or None.

    Refused: a question the set does not have, points other than the whole numbers 0
    to 3, and "not applicable" where the question does not allow it for that level.
    """
    try:
        question = indicator_set.question(key)
    except KeyError:
        return f"{key} is not a question of version {indicator_set.version} of the indicator set."
    if value is None:
        return None
    if value == NOT_APPLICABLE:
        if question.allows_not_applicable(level):
            return None
        return f"{key} cannot be answered “not applicable” by a {level}."
    if not valid_points(value):
        return f"{key} is worth 0 to 3 points, not {value!r}."
    return None


def valid_points(value: object) -> bool:
    """Whether `value` is the points of an answer: a whole number from 0 to 3 (not a
    float, a text or a boolean, which Python would otherwise take for 0 or 1)."""
    return isinstance(value, int) and not isinstance(value, bool) and value in POINTS


def scores(indicator_set: IndicatorSet, level: str, answers: Mapping[str, Answer]) -> Scores:
    """The scores of `answers` (question key → points 0 to 3, `NOT_APPLICABLE`, or None
    for not answered; a question left out is not answered) given by a collectivity of
    territory level `level` (commune, province or region) under `indicator_set`.

    Raises `ValueError`, naming the question, for an answer `answer_refusal` refuses: a
    question the set does not have, points outside 0 to 3, or "not applicable" where the
    question does not allow it for that level.
    """
    for key, value in answers.items():
        refusal = answer_refusal(indicator_set, level, key, value)
        if refusal:
            raise ValueError(refusal)
    dimensions = tuple(
        _dimension_score(key, [answers.get(q.key) for q in indicator_set.questions_of(key)])
        for key in (d.key for d in indicator_set.dimensions)
    )
    scored = [d.score for d in dimensions if d.score is not None]
    return Scores(
        version=indicator_set.version,
        level=level,
        dimensions=dimensions,
        overall=sum(scored, Fraction(0)) / len(scored) if scored else None,
        unanswered=tuple(q.key for q in indicator_set.questions if answers.get(q.key) is None),
    )


def _dimension_score(key: str, values: list[Answer]) -> DimensionScore:
    given = [v for v in values if v is not None and v != NOT_APPLICABLE]
    points = sum(given)
    return DimensionScore(
        key=key,
        points=points,
        applicable=sum(1 for v in values if v != NOT_APPLICABLE),
        answered=len(given),
        score=Fraction(100 * points, 3 * len(given)) if given else None,
    )


def rounded(value: Fraction | None, places: int = 1) -> Decimal | None:
    """`value` to `places` decimals, half up, as a `Decimal` for display (None stays None).

    Rounded from the exact fraction, never from a float: 200/3 shows as 66.7, 1333/20
    (66.65 exactly) as 66.7, 100/3 as 33.3.
    """
    if value is None:
        return None
    scaled = floor(Fraction(value) * 10**places + Fraction(1, 2))
    return Decimal(scaled).scaleb(-places)
