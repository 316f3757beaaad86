"""Counts of records and people: which territories have public records, their
populations, the programmes of the councils inside a territory, and a collectivity's
own measures as its officers see them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, or_, select

from tracker.extensions import db
from tracker.models import Measure, Programme, Territory
from tracker.models.record import measure_sector
from tracker.stats.cache import kept
from tracker.stats.query import (
    NATIONAL,
    inside_conditions,
    public_record_conditions,
    unit_of,
    within,
)


def record_models() -> tuple[type, ...]:
    """The models of the reviewed record types, as the record-type registry lists them:
    a public record of any of them gives its territory data."""
    # Read when asked: the record types' modules use these aggregations themselves.
    from tracker.records import registry

    return tuple(registry.reviewed_models())


def recorded(
    level: str, inside: str | None = None, models: Sequence[type] | None = None
) -> set[str]:
    """Territories of `level` with at least one public record of one of `models` (the
    reviewed record types' when None): the others have no data, which is not the same
    as zero. With `inside`, a territory of `level`, the question is about it alone.

    Raises `ValueError` for an unknown level.
    """
    models = record_models() if models is None else models
    unit = unit_of(level).label("unit")
    if not models:
        return set()
    if inside or level == "country":
        # A question about one territory: is there any such record within it?
        found = any(
            db.session.scalar(
                select(
                    select(model.id)
                    .where(*public_record_conditions(model), *inside_conditions(inside, model))
                    .exists()
                )
            )
            for model in models
        )
        return {inside or NATIONAL} if found else set()
    # Asked of each territory in turn, so each question is one lookup in an index
    # rather than a reading of every record.
    has_record = or_(
        *(
            # The id, not *, so SQLite answers from the index without reading the row.
            select(model.id)
            .where(model.territory_code == Territory.code, *public_record_conditions(model))
            .exists()
            for model in models
        )
    )
    query = select(unit).where(has_record).group_by(unit)
    return {row[0] for row in db.session.execute(query) if row[0] is not None}


def populations(level: str, inside: str | None = None) -> dict[str, int]:
    """HCP 2024 population of every territory of `level` (of territory `inside` alone,
    a territory of `level`, when given). Kept as the figures are (see `kept`): a page
    asks for them several times."""
    return kept("populations", lambda: _populations(level, inside), level, inside)


def _populations(level: str, inside: str | None) -> dict[str, int]:
    if level == "country":
        query = select(func.sum(Territory.population_2024)).where(Territory.level == "region")
        return {NATIONAL: db.session.scalar(query) or 0}
    query = select(Territory.code, Territory.population_2024).where(Territory.level == level)
    if inside:
        query = query.where(Territory.code == inside)
    return dict(db.session.execute(query).all())


def programmes_inside(code: str) -> dict[str, int]:
    """`{integration: public programmes}` of the councils inside territory `code` (its
    communes, a region's provinces...), not of its own council: how they integrate
    migration. An integration no programme has is absent."""
    query = (
        select(Programme.integration, func.count())
        .where(
            within(code, Programme),
            Programme.territory_code != code,
            *public_record_conditions(Programme),
        )
        .group_by(Programme.integration)
    )
    return dict(db.session.execute(query).all())


def measures_by_status(code: str) -> dict[str, int]:
    """`{status: measures}` of collectivity `code`'s own council, of every review state
    (its officers' view, not the public's), deleted ones left out. A status no measure
    has is absent."""
    query = (
        select(Measure.status, func.count())
        .where(Measure.territory_code == code, Measure.deleted_at.is_(None))
        .group_by(Measure.status)
    )
    return dict(db.session.execute(query).all())


def measures_by_sector(code: str) -> dict[str, int]:
    """`{sector key: measures}` of collectivity `code`'s own council, counted as
    `measures_by_status` counts them. A sector no measure addresses is absent."""
    query = (
        select(measure_sector.c.sector_key, func.count())
        .join(Measure, Measure.id == measure_sector.c.measure_id)
        .where(Measure.territory_code == code, Measure.deleted_at.is_(None))
        .group_by(measure_sector.c.sector_key)
    )
    return dict(db.session.execute(query).all())
