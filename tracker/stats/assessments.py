"""The published self-assessments as metrics: each collectivity's own scores (overall
and by dimension) for a year, and the share of the communes inside a territory that
have been assessed.

Assessments are read through `tracker.assessment.published` only, and scored by
`tracker.assessment.scores`: a province's or a region's score is its own council's,
never an average of its communes. The year filter chooses the year; with none, each
collectivity's latest. A territory without a published assessment has no value: it is
"not assessed", never 0.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from fractions import Fraction

from flask_babel import gettext as _
from flask_babel.speaklater import LazyString
from sqlalchemy import Select

from tracker.assessment import published
from tracker.assessment.indicators import latest_indicator_set
from tracker.assessment.scores import assessment_scores, rounded
from tracker.models import Assessment
from tracker.stats.in_step import in_step
from tracker.stats.query import Filters, codes_within, share_of_communes

# The key of the overall score, and the prefix of each dimension's (`assessment_D1`...).
OVERALL = "assessment_score"
DIMENSION_PREFIX = "assessment_"


@dataclass(frozen=True)
class Scored:
    """One collectivity's published assessment as the metrics read it: its level, year,
    set version, overall score and `{dimension key: (score, potential)}`, the scores as
    shown (`shown`: rounded once here, as every page asks for them again)."""

    code: str
    level: str
    year: int
    version: int
    overall: float | None
    dimensions: dict[str, tuple[float | None, int]]
    complete: bool


@dataclass(frozen=True)
class Detail:
    """What a page says of one territory's value of an assessment metric: the year of
    the assessment, the score as shown (one decimal; None when the dimension has no
    applicable question) and, for a dimension, its potential (applicable questions)."""

    year: int
    score: float | None
    potential: int | None


def published_scores(year: int | None) -> dict[str, Scored]:
    """`{collectivity code: Scored}` of every published assessment for `year` (each
    collectivity's latest when None). Kept in step with the assessments' history (see
    `tracker.stats.in_step`): a change reads again the assessments of its collectivity
    alone."""
    return in_step(
        "assessment-scores", lambda codes: _scores_of(year, codes), year, entity="assessment"
    )


def _scores_of(year: int | None, codes: Collection[str] | None) -> dict[str, Scored]:
    answer = {}
    for code, assessment in published.by_territory(codes, year).items():
        scores = assessment_scores(assessment)
        answer[code] = Scored(
            code=code,
            level=assessment.territory.level,
            year=assessment.year,
            version=scores.version,
            overall=shown(scores.overall),
            dimensions={d.key: (shown(d.score), d.potential) for d in scores.dimensions},
            complete=scores.complete,
        )
    return answer


def published_within(territory: str | None = None, year: int | None = None) -> Select:
    """The published assessments of the collectivities within `territory` (its own
    council's and those of the territories inside it), of `year`; each filter left out
    when None. In a stable order: by collectivity, then year."""
    query = published.published_query()
    if territory:
        query = query.where(Assessment.territory_code.in_(codes_within(territory)))
    if year:
        query = query.where(Assessment.year == year)
    return query.order_by(Assessment.territory_code, Assessment.year, Assessment.id)


def shown(score: Fraction | None) -> float | None:
    """A score as every output gives it: rounded to one decimal (`scores.rounded`)."""
    return None if score is None else float(rounded(score))


def dimension_of(key: str) -> str | None:
    """The dimension (`D1`...) of metric `key`, None for the overall score or another metric."""
    dimension = key.removeprefix(DIMENSION_PREFIX)
    return dimension if key != dimension and re.fullmatch(r"D[1-9][0-9]*", dimension) else None


def details(key: str, level: str, filters: Filters, inside: str | None = None) -> dict[str, Detail]:
    """`{code: Detail}` of assessment metric `key` for the assessed territories of `level`
    (territory `inside` alone when given)."""
    dimension = dimension_of(key)
    found = published_scores(filters.year)
    if inside is not None:
        found = {inside: found[inside]} if inside in found else {}
    answer = {}
    for code, scored in found.items():
        if scored.level != level:
            continue
        if dimension is None:
            answer[code] = Detail(scored.year, scored.overall, None)
        else:
            score, potential = scored.dimensions.get(dimension, (None, 0))
            answer[code] = Detail(scored.year, score, potential)
    return answer


def score_values(dimension: str | None):
    """The `compute` of the overall score (`dimension` None) or of one dimension's:
    `{code: score}` for the territories of the level (territory `inside` alone when
    given) whose own collectivity has a published assessment for the filters' year
    (its latest when none is), a score shown to one decimal. Nothing for the country,
    which answers no assessment, and none for a dimension without applicable question."""

    def compute(level: str, filters: Filters, inside: str | None = None) -> dict[str, float]:
        key = OVERALL if dimension is None else DIMENSION_PREFIX + dimension
        return {
            code: detail.score
            for code, detail in details(key, level, filters, inside).items()
            if detail.score is not None
        }

    return compute


def communes_assessed(level: str, filters: Filters, inside: str | None = None) -> dict[str, float]:
    """`{code: percentage}` for the territories of `level` (territory `inside` alone when
    given; the one code `NATIONAL` for the country): the communes inside with a
    published assessment for the filters' year (any year when none is), as a
    percentage of every commune inside. Empty for the commune level."""
    assessed = {code for code, s in published_scores(filters.year).items() if s.level == "commune"}
    return share_of_communes(level, inside, assessed.__contains__)


def dimension_label(key: str) -> LazyString:
    """The label of dimension `key`'s score, in the page's language, from the set's data."""
    return LazyString(
        lambda: _(
            "Self-assessment: %(dimension)s. %(title)s (0-100)",
            dimension=key,
            title=latest_indicator_set().dimension(key).title,
        )
    )


def dimension_definition(key: str) -> LazyString:
    """The definition of dimension `key`'s score, in the page's language."""
    return LazyString(
        lambda: _(
            "The score of dimension %(dimension)s (%(title)s) in the collectivity's own "
            "published self-assessment for the year chosen (its latest when none is): 100 × "
            "points ÷ (3 × applicable questions), shown with its potential, the number of "
            "applicable questions. For a province or a region, its own council's score, never "
            "an average of its communes. Only the year filter applies; a territory without a "
            "validated assessment is not assessed, which is not 0.",
            dimension=key,
            title=latest_indicator_set().dimension(key).title,
        )
    )


def dimension_keys() -> list[str]:
    """The dimensions of the latest indicator set, in order: one metric each."""
    return [d.key for d in latest_indicator_set().dimensions]
