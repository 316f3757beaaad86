"""The assessments the public sees: validated, not deleted, one per collectivity and year.

Every page, metric, export and API answer that shows a score reads assessments from
here, so "published" means the same everywhere. A territory with none is "not
assessed", never 0: these functions return nothing for it, and the callers say so.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from tracker.extensions import db
from tracker.models import Assessment, AssessmentAnswer

# The review state an assessment must have reached to be shown.
PUBLISHED = "validated"


def published_query() -> Select:
    """A `select(Assessment)` of the published assessments, with their answers, the
    answers' cited measures and their territory loaded in a few queries."""
    return (
        select(Assessment)
        .where(Assessment.review_state == PUBLISHED, Assessment.deleted_at.is_(None))
        .options(
            selectinload(Assessment.answers).selectinload(AssessmentAnswer.measures),
            selectinload(Assessment.territory),
        )
    )


def history(code: str) -> list[Assessment]:
    """The published assessments of the collectivity `code`, oldest year first (empty
    when it was never assessed)."""
    query = published_query().where(Assessment.territory_code == code)
    return list(db.session.scalars(query.order_by(Assessment.year)))


def latest(code: str, year: int | None = None) -> Assessment | None:
    """The published assessment of `code` for `year`, or its latest one when `year` is
    None; None when there is none."""
    query = published_query().where(Assessment.territory_code == code)
    if year is not None:
        query = query.where(Assessment.year == year)
    return db.session.scalars(query.order_by(Assessment.year.desc()).limit(1)).first()


def previous(assessment: Assessment) -> Assessment | None:
    """The published assessment of the same collectivity for the latest year before
    `assessment`'s, or None: what "the change since the previous year" compares with."""
    query = published_query().where(
        Assessment.territory_code == assessment.territory_code,
        Assessment.year < assessment.year,
    )
    return db.session.scalars(query.order_by(Assessment.year.desc()).limit(1)).first()


def by_territory(codes: Iterable[str] | None = None, year: int | None = None) -> dict:
    """The published assessment of each collectivity (of those in `codes`, or all) for
    `year`, or its latest when `year` is None: territory code → `Assessment`. A code
    missing from the answer is "not assessed"."""
    query = published_query()
    if codes is not None:
        wanted = list(codes)
        if not wanted:
            return {}
        query = query.where(Assessment.territory_code.in_(wanted))
    if year is not None:
        query = query.where(Assessment.year == year)
    else:
        newest = (
            select(Assessment.territory_code, func.max(Assessment.year).label("year"))
            .where(Assessment.review_state == PUBLISHED, Assessment.deleted_at.is_(None))
            .group_by(Assessment.territory_code)
            .subquery()
        )
        query = query.join(
            newest,
            (newest.c.territory_code == Assessment.territory_code)
            & (newest.c.year == Assessment.year),
        )
    return {a.territory_code: a for a in db.session.scalars(query)}


def years() -> list[int]:
    """The years with at least one published assessment, oldest first."""
    query = (
        select(Assessment.year)
        .where(Assessment.review_state == PUBLISHED, Assessment.deleted_at.is_(None))
        .distinct()
        .order_by(Assessment.year)
    )
    return list(db.session.scalars(query))
