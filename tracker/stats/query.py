"""The vocabulary of every aggregation: what the filters keep, which territory a
collectivity counts towards, what lies within a territory, and the one aggregation
of the measures per collectivity that every sum shares."""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import (
    ColumnElement,
    Float,
    Select,
    case,
    exists,
    literal_column,
    or_,
    select,
)

from tracker.extensions import db
from tracker.models import Measure, Programme, Territory
from tracker.models.record import measure_sector
from tracker.privacy import public_states
from tracker.stats.cache import kept
from tracker.stats.in_step import in_step

# The code figures for Morocco as a whole are given under (level "country").
NATIONAL = "MA"
# Sets of per-collectivity totals kept at once (one per set of filters and columns
# asked for, each some thousand rows).
COLLECTIVITY_TOTALS_KEPT = 256


@dataclass(frozen=True)
class Filters:
    """What the figures are restricted to. `year` keeps measures running at some time
    that year (started by its end, not ended before its start); `since` keeps those
    running at some time from that year on (started, and not ended before it);
    `sector` and `status` are keys of their lists."""

    year: int | None = None
    sector: str | None = None
    status: str | None = None
    since: int | None = None

    def every_status(self) -> Filters:
        """The same filters but the status's (the completed share counts every status)."""
        return Filters(year=self.year, sector=self.sector, since=self.since)


def unit_of(level: str) -> ColumnElement:
    """The SQL expression giving, for a measure's collectivity `Territory`, the code of
    the territory of `level` it counts towards (NULL when it counts towards none).

    Raises `ValueError` for an unknown level.
    """
    if level == "country":
        return literal_column(f"'{NATIONAL}'")
    if level == "region":
        return Territory.region_code
    if level == "province":
        return case(
            (Territory.level == "province", Territory.code),
            (Territory.level == "commune", Territory.parent_code),
            else_=None,
        )
    if level == "commune":
        return case((Territory.level == "commune", Territory.code), else_=None)
    raise ValueError(f"unknown level {level!r}")


def measure_conditions(filters: Filters) -> list[ColumnElement]:
    """SQL conditions keeping the public measures (not deleted, in a public review
    state) that `filters` keep."""
    conditions = [Measure.deleted_at.is_(None), Measure.review_state.in_(public_states())]
    if filters.status:
        conditions.append(Measure.status == filters.status)
    if filters.sector:
        # An alias, so the condition stays a subquery in queries that join measure_sector too.
        wanted = measure_sector.alias("wanted_sector")
        conditions.append(
            exists().where(
                wanted.c.measure_id == Measure.id,
                wanted.c.sector_key == filters.sector,
            )
        )
    if filters.year:
        conditions += [
            Measure.start_date.is_not(None),
            Measure.start_date <= date(filters.year, 12, 31),
            or_(Measure.end_date.is_(None), Measure.end_date >= date(filters.year, 1, 1)),
        ]
    if filters.since:
        conditions += [
            Measure.start_date.is_not(None),
            or_(Measure.end_date.is_(None), Measure.end_date >= date(filters.since, 1, 1)),
        ]
    return conditions


def codes_within(code: str) -> Select:
    """SQL: the codes of territory `code` and of every territory inside it."""
    return (
        select(Territory.code)
        .where(or_(Territory.code == code, Territory.code.startswith(code + ".", autoescape=True)))
        .correlate(None)  # its own list, even in a query that joins the territories
    )


def within(code: str, model: type[Measure] | type[Programme] = Measure) -> ColumnElement:
    """SQL condition: the record's (a measure's unless `model` says otherwise)
    collectivity is `code` or a territory inside it.

    The codes are matched on the territory table, a few thousand rows, and the
    records by equality on their collectivity's code, which an index serves on every
    database whatever its collation (a `LIKE 'code.%'` on the records could not).
    """
    return model.territory_code.in_(codes_within(code))


def is_within(territory_code: str, code: str) -> bool:
    """Whether territory `territory_code` is `code` or lies inside it, by the codes'
    own hierarchy (as `codes_within` reads it from the territory table)."""
    return territory_code == code or territory_code.startswith(code + ".")


def inside_conditions(inside: str | None, model: type = Measure) -> list[ColumnElement]:
    """The conditions keeping the records of `model` within territory `inside` (none
    for None, which keeps them all)."""
    return [within(inside, model)] if inside else []


def collectivity_conditions(
    codes: Collection[str] | None, model: type = Measure
) -> list[ColumnElement]:
    """The conditions keeping the records of `model` of the collectivities `codes`
    themselves (none for None, which keeps them all): what a reading kept in step with
    the history (`in_step`) reads again after a change."""
    return [] if codes is None else [model.territory_code.in_(sorted(codes))]


def public_record_conditions(model: type) -> list[ColumnElement]:
    """SQL conditions keeping the public records of `model` (a reviewed record type):
    not deleted, in a public review state."""
    return [model.deleted_at.is_(None), model.review_state.in_(public_states())]


def aggregate(
    level: str, filters: Filters, *columns, named: Hashable, inside: str | None = None
) -> dict:
    """`{code: (column values...)}` over the public measures counting towards each
    territory of `level`, with `filters` applied (and only those within `inside`).

    `columns` are counts or sums, `named` what names them for the totals kept (the same
    name always for the same columns: the metrics' keys). They are taken per collectivity, over every public
    measure the filters keep, in one reading of the measures that is kept until a record
    changes (`collectivity_totals`); each territory's, at any level, is then added up
    from those totals in memory. The totals follow the history: after a change the
    first page reads those of the collectivities changed, and every page after it,
    whichever territory it shows, none. Raises `ValueError` for an unknown level.
    """
    totals = collectivity_totals(filters, columns, named)
    units = units_of(level)
    floats = [isinstance(column.type, Float) for column in columns]
    sums: dict[str, list] = {}
    for code, values in totals.items():
        unit = units.get(code)
        if unit is None or (inside and not is_within(code, inside)):
            continue
        row = sums.setdefault(unit, [None] * len(columns))
        for i, value in enumerate(values):
            if value is not None:
                row[i] = value if row[i] is None else row[i] + value
    return {
        unit: tuple(
            None if value is None else float(value) if is_float else int(value)
            for value, is_float in zip(row, floats, strict=True)
        )
        for unit, row in sums.items()
        # No measure at all: nothing to show.
        if any(value is not None for value in row)
    }


def collectivity_totals(filters: Filters, columns, named: Hashable) -> dict[str, tuple]:
    """`{collectivity code: (column values...)}` over the public measures `filters` keep,
    read in the order of an index (`ix_measure_public` holds every column the figures
    add up) and kept in step with the history (see `tracker.stats.in_step`): read whole
    once, then again for the collectivities whose measures changed, under `named` and
    the filters (the public settings the columns read, such as the small-count
    threshold, are in every key)."""

    def read(codes: Collection[str] | None) -> dict[str, tuple]:
        query = (
            select(Measure.territory_code, *columns)
            .where(*measure_conditions(filters), *collectivity_conditions(codes))
            .group_by(Measure.territory_code)
        )
        return {row[0]: tuple(row[1:]) for row in db.session.execute(query)}

    return in_step("collectivity-totals", read, named, filters, limit=COLLECTIVITY_TOTALS_KEPT)


def units_of(level: str) -> dict[str, str | None]:
    """`{territory code: the code of the territory of `level` it counts towards}` (None
    when it counts towards none), kept as the figures are. Raises `ValueError` for an
    unknown level."""
    unit = unit_of(level)
    return kept(
        "units",
        lambda: {code: of for code, of in db.session.execute(select(Territory.code, unit))},
        level,
    )


def share_of_communes(
    level: str, inside: str | None, counted: Callable[[str], bool]
) -> dict[str, float]:
    """`{code: percentage}` for the territories of `level` (territory `inside` alone when
    given; the one code `NATIONAL` for the country): the communes inside for whose code
    `counted` answers True, as a percentage of every commune inside. Empty for the
    commune level, which has no commune inside."""
    if level == "commune":
        return {}
    unit = unit_of(level).label("unit")
    communes = select(Territory.code, unit).where(Territory.level == "commune")
    if inside:
        communes = communes.where(Territory.code.in_(codes_within(inside)))
    totals: dict[str, list[int]] = {}
    for code, of in db.session.execute(communes):
        if of is None:
            continue
        count = totals.setdefault(of, [0, 0])
        count[0] += 1
        count[1] += bool(counted(code))
    if level == "country":
        totals = {NATIONAL: totals.get(NATIONAL, [0, 0])}
    return {code: 100.0 * done / total for code, (total, done) in totals.items() if total}
