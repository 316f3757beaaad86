"""What the public pages show of a collectivity's yearly self-assessment: the latest
published assessment's scores by dimension against their potential, the change since
the previous year, the scores over every year assessed, and each answer with its
level's description and its evidence.

Assessments are read through `tracker.assessment.published` alone, so that a draft, a
submitted or a returned assessment is never shown. A collectivity without a published
assessment has no summary (None): the pages say "not assessed", never 0. A province's
or a region's summary is its council's own assessment, never its communes'.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from flask import url_for

from tracker.assessment import published
from tracker.assessment.indicators import (
    Dimension,
    IndicatorSet,
    Question,
    Text,
    indicator_set,
    latest_indicator_set,
)
from tracker.assessment.scores import DimensionScore, Scores, assessment_scores, rounded
from tracker.i18n import format_decimal
from tracker.models import Assessment, AssessmentAnswer, Measure
from tracker.privacy import is_public

# The level an answer must reach to count as well developed, and those below which it
# has potential for further development (INDICATORS.md, the profile).
WELL_DEVELOPED = 3
TO_DEVELOP = (0, 1)
# A minus sign, not a hyphen, in front of a fall.
MINUS = "\u2212"


@dataclass(frozen=True)
class DimensionRow:
    """One dimension of the latest assessment: its score and potential, and the same
    dimension's score the previous year (None when there was no previous assessment or
    its version of the set had no such dimension)."""

    dimension: Dimension
    score: DimensionScore
    before: DimensionScore | None

    @property
    def change(self) -> Fraction | None:
        """Points gained (or lost, below 0) since the previous year; None when either
        year has no score for the dimension."""
        if self.before is None or self.before.score is None or self.score.score is None:
            return None
        return self.score.score - self.before.score


@dataclass(frozen=True)
class AnswerRow:
    """One question of the latest assessment with its answer (None when the assessment
    holds none for it) and the public measures it cites."""

    question: Question
    answer: AssessmentAnswer | None
    measures: tuple[Measure, ...]

    @property
    def points(self) -> int | None:
        """The answer's points, None for "not applicable" or no answer."""
        if self.answer is None or self.answer.not_applicable:
            return None
        return self.answer.points

    @property
    def not_applicable(self) -> bool:
        """Whether the question was answered "not applicable"."""
        return bool(self.answer is not None and self.answer.not_applicable)

    @property
    def level_text(self) -> Text | None:
        """The description of the level answered, None without points."""
        return None if self.points is None else self.question.level_text(self.points)

    @property
    def next_steps(self) -> tuple[tuple[int, Text], ...]:
        """For an answer at 0 or 1, the levels 2 and 3 as `(points, description)`: what
        the collectivity could reach next. Empty otherwise."""
        if self.points not in TO_DEVELOP:
            return ()
        return tuple((level, self.question.level_text(level)) for level in (2, 3))

    @property
    def evidence_link(self) -> str | None:
        """The evidence's address when it is a web address a page may link to (http or
        https): anything else is shown as text, never as a link."""
        url = (self.answer.evidence_url or "").strip() if self.answer else ""
        return url if url.lower().startswith(("https://", "http://")) else None

    @property
    def has_evidence(self) -> bool:
        """Whether the answer shows any evidence: a reference, a link, a text or a measure."""
        answer = self.answer
        written = answer and (
            answer.evidence_reference or answer.evidence_url or answer.evidence_text
        )
        return bool(written or self.measures)


@dataclass(frozen=True)
class YearRow:
    """One year assessed: its overall score and the score of each dimension by key."""

    year: int
    version: int
    overall: Fraction | None
    by_dimension: dict[str, Fraction | None]


@dataclass(frozen=True)
class AssessmentSummary:
    """The latest published assessment of a collectivity, as its public pages show it."""

    assessment: Assessment
    indicator_set: IndicatorSet
    scores: Scores
    previous: Assessment | None
    previous_scores: Scores | None
    dimensions: tuple[DimensionRow, ...]
    answers: tuple[AnswerRow, ...]
    years: tuple[YearRow, ...]

    @property
    def overall_change(self) -> Fraction | None:
        """Overall points gained since the previous year; None when it is the first
        assessment or either year has no overall score."""
        before = self.previous_scores.overall if self.previous_scores else None
        if before is None or self.scores.overall is None:
            return None
        return self.scores.overall - before

    @property
    def potential(self) -> int:
        """The applicable questions of the whole assessment."""
        return sum(d.score.potential for d in self.dimensions)

    def answers_of(self, dimension_key: str) -> tuple[AnswerRow, ...]:
        """The answers to the questions of dimension `dimension_key`, in the set's order."""
        return tuple(a for a in self.answers if a.question.dimension == dimension_key)

    @property
    def well_developed(self) -> tuple[AnswerRow, ...]:
        """The answers at level 3: the areas that are well developed."""
        return tuple(a for a in self.answers if a.points == WELL_DEVELOPED)

    @property
    def to_develop(self) -> tuple[AnswerRow, ...]:
        """The answers at level 0 or 1: the areas with potential for further development."""
        return tuple(a for a in self.answers if a.points in TO_DEVELOP)


def answer_rows(assessment: Assessment, questions: tuple[Question, ...]) -> tuple[AnswerRow, ...]:
    """Each question of `questions` with `assessment`'s answer and the public measures
    the answer cites (a cited measure deleted since, or no longer public, is left out)."""
    by_key = {a.question_key: a for a in assessment.answers}
    rows = []
    for question in questions:
        answer = by_key.get(question.key)
        cited = tuple(m for m in answer.measures if is_public(m)) if answer else ()
        rows.append(AnswerRow(question, answer, cited))
    return tuple(rows)


def assessment_summary(code: str) -> AssessmentSummary | None:
    """The latest published assessment of the collectivity `code` (its council's own
    for a province or a region) with the previous one and every year's scores; None
    when it has no published assessment. Reads the history once: a few queries, however
    many answers and cited measures it holds."""
    history = published.history(code)
    if not history:
        return None
    scored = [(a, assessment_scores(a)) for a in history]
    latest, latest_scores = scored[-1]
    # `history` is oldest first: the one before the latest is `published.previous`'s answer.
    previous, previous_scores = scored[-2] if len(scored) > 1 else (None, None)
    shown_set = indicator_set(latest.indicator_version)
    before = {d.key: d for d in previous_scores.dimensions} if previous_scores else {}
    return AssessmentSummary(
        assessment=latest,
        indicator_set=shown_set,
        scores=latest_scores,
        previous=previous,
        previous_scores=previous_scores,
        dimensions=tuple(
            DimensionRow(shown_set.dimension(d.key), d, before.get(d.key))
            for d in latest_scores.dimensions
        ),
        answers=answer_rows(latest, shown_set.questions),
        years=tuple(
            YearRow(
                a.year,
                a.indicator_version,
                s.overall,
                {d.key: d.score for d in s.dimensions},
            )
            for a, s in scored
        ),
    )


def score_text(value: Fraction | None) -> str:
    """A score as the pages write it, to one decimal in the page's language ("66.7",
    "66,7"); "—" for None. Only a score that exists is written: callers say "not
    assessed" or "not applicable" themselves."""
    shown = rounded(value)
    if shown is None:
        return "—"
    return format_decimal(shown, format="#,##0.0")


def change_text(value: Fraction | None) -> str:
    """A change of score in points with its sign ("+3.3", "−1.7", "0.0"); "—" for None."""
    shown = rounded(value)
    if shown is None:
        return "—"
    text = format_decimal(abs(shown), format="#,##0.0")
    if shown > 0:
        return "+" + text
    return MINUS + text if shown < 0 else text


def bar_share(value: Fraction | None) -> str:
    """The share of a full bar a score fills, as a style value from 0.000 to 1.000."""
    if value is None:
        return "0"
    return f"{float(value) / 100:.3f}"


def assessment_context(code: str) -> dict:
    """What the self-assessment part of a territory page or profile needs: the summary
    of collectivity `code` (None when not assessed) and the helpers that write scores."""
    return {
        "assessment": assessment_summary(code),
        "latest_set": latest_indicator_set(),
        "score_text": score_text,
        "change_text": change_text,
        "bar_share": bar_share,
        "methodology_link": methodology_link,
    }


def methodology_link(version: int, anchor: str | None = None) -> str:
    """The methodology page's address for indicator-set `version` (the page of the
    latest version when it is the latest), at `anchor` (`scores`, `Q9`...) when given."""
    latest = latest_indicator_set().version
    arguments = {} if version == latest else {"version": version}
    return url_for("assessment.methodology", _anchor=anchor, **arguments)
