"""The sectors of the National Strategy for Immigration and Asylum that measures
address: which ones a territory's measures address, how many each territory covers
(each database asked the way it answers fastest), and how many measures address each."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import BigInteger, ColumnElement, Select, cast, distinct, func, literal, select

from tracker.extensions import db
from tracker.models import Measure, Sector, Territory
from tracker.models.record import measure_sector
from tracker.stats.cache import kept
from tracker.stats.in_step import in_step
from tracker.stats.query import (
    NATIONAL,
    Filters,
    collectivity_conditions,
    inside_conditions,
    measure_conditions,
    unit_of,
    units_of,
)


def sectors_addressed(filters: Filters, inside: str | None = None) -> list[str]:
    """The keys of the sectors that some public measure within `inside` (anywhere for
    None) addresses, with `filters`, in the reference order. Kept as the summaries are
    (a territory page lists them and counts them in its figures)."""
    return kept("sectors", lambda: _sectors_addressed(filters, inside), inside, filters)


def _sectors_addressed(filters: Filters, inside: str | None) -> list[str]:
    """Each sector is asked on its own and answered by the first such measure found, in
    the index of measures by sector: a few lookups, where reading every measure's
    sectors costs a region's thousands. A LIMIT rather than EXISTS, which PostgreSQL
    would turn into a join over them all.
    """
    first_measure = (
        select(measure_sector.c.measure_id)
        .join(Measure, Measure.id == measure_sector.c.measure_id)
        .where(measure_sector.c.sector_key == Sector.key, *measure_conditions(filters))
        .where(*inside_conditions(inside))
        .limit(1)
        .correlate(Sector)
        .scalar_subquery()
    )
    return list(
        db.session.scalars(
            select(Sector.key).where(first_measure.is_not(None)).order_by(Sector.position)
        )
    )


def sectors_covered(level: str, filters: Filters, inside: str | None = None) -> dict[str, float]:
    """`{code: how many sectors its public measures address}` for the territories of
    `level` whose measures `filters` keep and address some sector (territory `inside`
    alone, of `level`, when given). Kept until a record changes, as the other figures.
    Raises `ValueError` for an unknown level."""
    if inside or level == "country":
        # One territory: its sectors by lookups (see `sectors_addressed`).
        code = inside or NATIONAL
        return {code: float(len(sectors_addressed(filters, inside)))}
    return kept("sectors-covered", lambda: _sectors_covered(level, filters), level, filters)


def _sectors_covered(level: str, filters: Filters) -> dict[str, float]:
    unit = unit_of(level).label("unit")
    if db.engine.dialect.name == "sqlite":
        query = _sectors_covered_by_lookups(unit, filters)
        return {row[0]: float(row[1]) for row in db.session.execute(query) if row[0] is not None}
    # PostgreSQL: each collectivity's sectors as a bit mask (bit `position` for each
    # sector), or-ed together per territory of `level`: one hashing of the measures'
    # sectors, where keeping each collectivity-and-sector pair once costs twice as much.
    # A territory whose measures have no sector is left out: it has the metric's
    # `empty`, 0, as one whose measures the filters leave out.
    bit = cast(literal(1), BigInteger).op("<<", return_type=BigInteger)(Sector.position)
    per_collectivity = (
        select(Measure.territory_code.label("code"), func.bit_or(bit).label("mask"))
        .join(measure_sector, measure_sector.c.measure_id == Measure.id)
        .join(Sector, Sector.key == measure_sector.c.sector_key)
        .where(*measure_conditions(filters))
        .group_by(Measure.territory_code)
        .subquery()
    )
    query = (
        select(unit, func.bit_or(per_collectivity.c.mask))
        .select_from(per_collectivity)
        .join(Territory, Territory.code == per_collectivity.c.code)
        .group_by(unit)
    )
    return {
        row[0]: float(int(row[1]).bit_count())
        for row in db.session.execute(query)
        if row[0] is not None
    }


def _sectors_covered_by_lookups(unit: ColumnElement, filters: Filters) -> Select:
    """The `sectors_covered` query as SQLite runs it fastest: for each collectivity with
    a matching measure, and each sector, is there a matching measure of that sector?
    Each question is a few index lookups that stop at the first measure found, where
    reading every measure's sectors and keeping each pair once costs SQLite twice as
    much. PostgreSQL is the other way round: it hashes the pairs faster than it can
    answer this form."""
    conditions = measure_conditions(filters)
    # Ids, not *, so that SQLite answers from the indexes without reading the rows.
    has_measure = (
        select(Measure.id).where(Measure.territory_code == Territory.code, *conditions).exists()
    )
    covers = (
        select(Measure.id)
        .where(
            Measure.territory_code == Territory.code,
            measure_sector.c.measure_id == Measure.id,
            measure_sector.c.sector_key == Sector.key,
            *conditions,
        )
        .correlate(Territory, Sector)
        .exists()
    )
    return (
        select(unit, func.count(distinct(Sector.key)))
        .select_from(Territory)
        .outerjoin(Sector, covers)
        # Only the collectivities that count towards a territory of the level are asked.
        .where(unit.is_not(None), has_measure)
        .group_by(unit)
    )


def sector_counts(level: str, codes: Sequence[str], filters: Filters) -> dict[str, dict[str, int]]:
    """`{code: {sector key: public measures}}` for the territories `codes` of `level`,
    with `filters`, added up from the counts per collectivity (`collectivity_sectors`);
    every code is a key, and a sector with no measure is absent. Raises `ValueError`
    for an unknown level."""
    units = units_of(level)
    counts: dict[str, dict[str, int]] = {code: {} for code in codes}
    for collectivity, per_sector in collectivity_sectors(filters).items():
        row = counts.get(units.get(collectivity))
        if row is not None:
            for key, measures in per_sector.items():
                row[key] = row.get(key, 0) + measures
    return counts


def collectivity_sectors(filters: Filters) -> dict[str, dict[str, int]]:
    """`{collectivity code: {sector key: public measures}}` with `filters`, in one
    aggregation grouped by collectivity and sector, kept in step with the history
    (see `tracker.stats.in_step`). A measure addresses a sector once, so counting
    the rows of `measure_sector` counts measures."""

    def read(codes: Collection[str] | None) -> dict[str, dict[str, int]]:
        query = (
            select(Measure.territory_code, measure_sector.c.sector_key, func.count())
            .select_from(Measure)
            .join(measure_sector, measure_sector.c.measure_id == Measure.id)
            .where(*measure_conditions(filters), *collectivity_conditions(codes))
            .group_by(Measure.territory_code, measure_sector.c.sector_key)
        )
        found: dict[str, dict[str, int]] = {}
        for code, sector_key, measures in db.session.execute(query):
            found.setdefault(code, {})[sector_key] = int(measures)
        return found

    return in_step("collectivity-sectors", read, filters)
