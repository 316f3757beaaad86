"""Aggregations, in one place: the metrics the map, the territory pages, the comparison,
the exports and the API show, each one SQL aggregation keyed by territory code.

A territory's figure includes its own council's records and those of the
territories inside it: a region counts the regional council's measures and those
of every province and commune in it. Only publicly visible records count
(validated, and submitted when `PUBLIC_SHOW_SUBMITTED` is set). Nothing here
reads the request: filters come in as a `Filters` value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, Float, case, cast, distinct, exists, func, or_, select

from tracker.extensions import db
from tracker.models import AuditEntry, Measure, Programme, Sector, Territory
from tracker.models.record import measure_sector
from tracker.models.territory import LEVELS
from tracker.privacy import public_states


@dataclass(frozen=True)
class Filters:
    """What the figures are restricted to. `year` keeps measures running at some time
    that year (started by its end, not ended before its start); `sector` and `status`
    are keys of their lists."""

    year: int | None = None
    sector: str | None = None
    status: str | None = None


def _unit_of(level: str):
    """The SQL expression giving, for a measure's collectivity `Territory`, the code of
    the territory of `level` it counts towards (NULL when it counts towards none)."""
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


def measure_conditions(filters: Filters) -> list:
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
    return conditions


def _aggregate(level: str, filters: Filters, *columns) -> dict[str, tuple]:
    """`{code: (column values...)}` over the public measures counting towards each
    territory of `level`, with `filters` applied.

    `columns` are counts or sums: they are taken per collectivity first, then added up
    per territory of `level`, so the measures are read once, in the order of an index,
    and only the per-collectivity totals are joined to the territories.
    """
    per_collectivity = (
        select(
            Measure.territory_code.label("code"),
            *(column.label(f"c{i}") for i, column in enumerate(columns)),
        )
        .where(*measure_conditions(filters))
        .group_by(Measure.territory_code)
        .subquery()
    )
    unit = _unit_of(level).label("unit")
    query = (
        select(
            unit,
            *(
                # Cast back, or PostgreSQL answers a sum of counts as a Decimal.
                cast(
                    func.sum(per_collectivity.c[f"c{i}"]),
                    Float if isinstance(column.type, Float) else BigInteger,
                )
                for i, column in enumerate(columns)
            ),
        )
        .select_from(per_collectivity)
        .join(Territory, Territory.code == per_collectivity.c.code)
        .group_by(unit)
    )
    return {row[0]: tuple(row[1:]) for row in db.session.execute(query) if row[0] is not None}


def recorded(level: str) -> set[str]:
    """Territories of `level` with at least one public programme or measure: the others
    have no data, which is not the same as zero."""
    states = public_states()
    # Asked of each territory in turn, so each question is one lookup in an index
    # rather than a reading of every record.
    has_record = or_(
        *(
            # The id, not *, so SQLite answers from the index without reading the row.
            select(model.id)
            .where(
                model.territory_code == Territory.code,
                model.deleted_at.is_(None),
                model.review_state.in_(states),
            )
            .exists()
            for model in (Measure, Programme)
        )
    )
    unit = _unit_of(level).label("unit")
    query = select(unit).where(has_record).group_by(unit)
    return {row[0] for row in db.session.execute(query) if row[0] is not None}


def populations(level: str) -> dict[str, int]:
    """HCP 2024 population of every territory of `level`."""
    return dict(
        db.session.execute(
            select(Territory.code, Territory.population_2024).where(Territory.level == level)
        ).all()
    )


def _per(values: dict[str, float], denominators: dict[str, int], scale: float) -> dict:
    return {
        code: (float(v) * scale / denominators[code]) if denominators.get(code) else None
        for code, v in values.items()
    }


@dataclass(frozen=True)
class Metric:
    """A figure shown for every territory of a level.

    `compute(level, filters)` answers `{code: value}` for the territories that
    have data; the others have none. `unit` says how to show a value.
    """

    key: str
    label: object
    definition: object
    unit: str
    compute: Callable[[str, Filters], dict[str, float | None]]
    counts_people: bool = False
    # The value of a territory that has records, none of which the filters keep.
    empty: float | None = 0.0


def _measures(level, filters):
    rows = _aggregate(level, filters, func.count(Measure.id))
    return {code: float(n) for code, (n,) in rows.items()}


def _measures_per_100k(level, filters):
    return _per(_measures(level, filters), populations(level), 100_000)


def _budget(column):
    def compute(level, filters):
        rows = _aggregate(level, filters, func.sum(cast(column, Float)))
        totals = {code: (v or 0.0) for code, (v,) in rows.items()}
        return _per(totals, populations(level), 1)

    return compute


def _sectors_covered(level, filters):
    unit = _unit_of(level).label("unit")
    if db.engine.dialect.name == "sqlite":
        query = _sectors_covered_by_lookups(unit, filters)
    else:
        # Each collectivity's sectors once (no sector for measures that have none), so
        # every territory with a measure is there, with 0 when no measure has a sector.
        pairs = (
            select(Measure.territory_code.label("code"), measure_sector.c.sector_key)
            .select_from(Measure)
            .outerjoin(measure_sector, measure_sector.c.measure_id == Measure.id)
            .where(*measure_conditions(filters))
            .distinct()
            .subquery()
        )
        query = (
            select(unit, func.count(distinct(pairs.c.sector_key)))
            .select_from(pairs)
            .join(Territory, Territory.code == pairs.c.code)
            .group_by(unit)
        )
    return {row[0]: float(row[1]) for row in db.session.execute(query) if row[0] is not None}


def _sectors_covered_by_lookups(unit, filters: Filters):
    """The `_sectors_covered` query as SQLite runs it fastest: for each collectivity with
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
        .where(has_measure)
        .group_by(unit)
    )


def _completed_share(level, filters):
    rows = _aggregate(
        level,
        Filters(year=filters.year, sector=filters.sector),  # the share is over every status
        func.count(Measure.id),
        func.count(case((Measure.status == "completed", Measure.id), else_=None)),
    )
    return {code: (100.0 * done / total if total else None) for code, (total, done) in rows.items()}


def _beneficiaries(level, filters):
    rows = _aggregate(level, filters, func.sum(Measure.beneficiaries_total))
    return {code: float(v) if v is not None else None for code, (v,) in rows.items()}


METRICS: dict[str, Metric] = {
    m.key: m
    for m in (
        Metric(
            "measures",
            _l("Measures"),
            _l(
                "Number of validated measures of the territory's councils and of the "
                "territories inside it."
            ),
            "count",
            _measures,
        ),
        Metric(
            "measures_per_100k",
            _l("Measures per 100,000 inhabitants"),
            _l("Validated measures per 100,000 inhabitants (HCP population 2024)."),
            "ratio",
            _measures_per_100k,
        ),
        Metric(
            "budget_planned_per_inhabitant",
            _l("Budget planned per inhabitant (MAD)"),
            _l(
                "Sum of the budgets planned for the validated measures, in dirhams, divided "
                "by the HCP population 2024."
            ),
            "money",
            _budget(Measure.budget_planned),
        ),
        Metric(
            "budget_spent_per_inhabitant",
            _l("Budget spent per inhabitant (MAD)"),
            _l(
                "Sum of the budgets spent on the validated measures, in dirhams, divided by "
                "the HCP population 2024."
            ),
            "money",
            _budget(Measure.budget_spent),
        ),
        Metric(
            "sectors_covered",
            _l("SNIA sectors covered (of 11)"),
            _l(
                "How many of the 11 programmes of the National Strategy for Immigration and "
                "Asylum at least one validated measure addresses."
            ),
            "count",
            _sectors_covered,
        ),
        Metric(
            "completed_share",
            _l("Share of measures completed (%)"),
            _l(
                "Completed measures as a percentage of all validated measures (the status "
                "filter does not apply)."
            ),
            "percent",
            _completed_share,
            empty=None,
        ),
        Metric(
            "beneficiaries",
            _l("Beneficiaries"),
            _l(
                "Sum of the beneficiaries of the validated measures (aggregate counts; "
                "1 to 4 shown as <5)."
            ),
            "count",
            _beneficiaries,
            counts_people=True,
        ),
    )
}


def metric_values(key: str, level: str, filters: Filters = Filters()) -> dict[str, float | None]:
    """The values of metric `key` for every territory of `level` that has data.

    Raises `KeyError` for an unknown metric and `ValueError` for an unknown level.
    """
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}")
    metric = METRICS[key]
    values = metric.compute(level, filters)
    has_data = recorded(level)
    return {code: values.get(code, metric.empty) for code in has_data}


def within(code: str, model: type[Measure] | type[Programme] = Measure):
    """SQL condition: the record's (a measure's unless `model` says otherwise)
    collectivity is `code` or a territory inside it.

    The codes are matched on the territory table, a few thousand rows, and the
    records by equality on their collectivity's code, which an index serves on every
    database whatever its collation (a `LIKE 'code.%'` on the records could not).
    """
    inside = (
        select(Territory.code)
        .where(or_(Territory.code == code, Territory.code.startswith(code + ".", autoescape=True)))
        .correlate(None)  # its own list, even in a query that joins the territories
    )
    return model.territory_code.in_(inside)


def territory_summary(
    territory: Territory, filters: Filters = Filters()
) -> dict[str, float | None]:
    """Every metric for one territory (its own council and what lies inside it), computed
    for that territory alone; None everywhere when it has no public record."""
    if territory.code not in _recorded_within(territory.code):
        return dict.fromkeys(METRICS)
    return _summary(filters, territory.population_2024, within(territory.code))


def national_summary(filters: Filters = Filters()) -> dict[str, float | None]:
    """Every metric for Morocco as a whole: a reading of every public measure, so it is
    kept per process until a record changes (see `data_version`)."""
    key = (filters, public_states(), data_version())
    cache = current_app.extensions.setdefault("tracker_national_summaries", {})
    summary = cache.get(key)
    if summary is None:
        if len(cache) > 256:
            cache.clear()
        population = sum(p or 0 for p in populations("region").values())
        summary = cache[key] = _summary(filters, population)
    return dict(summary)


def data_version() -> int:
    """A number that changes whenever a record changes (every change writes a history
    entry), for the figures and maps kept between requests."""
    return db.session.scalar(select(func.max(AuditEntry.id))) or 0


def _recorded_within(code: str) -> set[str]:
    states = public_states()
    for model in (Measure, Programme):
        found = db.session.scalar(
            select(
                select(model.id)
                .where(
                    model.deleted_at.is_(None),
                    model.review_state.in_(states),
                    within(code, model),
                )
                .exists()
            )
        )
        if found:
            return {code}
    return set()


def _summary(filters: Filters, population: int | None, *where) -> dict[str, float | None]:
    """The metrics over the public measures matching `filters` and `where`."""
    # One pass over the measures of every status: the completed share counts them all,
    # the other figures only those the status filter keeps.
    every_status = [*measure_conditions(Filters(year=filters.year, sector=filters.sector)), *where]

    def kept(value):
        if not filters.status:
            return value
        return case((Measure.status == filters.status, value), else_=None)

    count, planned, spent, people, total, done = db.session.execute(
        select(
            func.count(kept(Measure.id)),
            func.coalesce(func.sum(kept(cast(Measure.budget_planned, Float))), 0.0),
            func.coalesce(func.sum(kept(cast(Measure.budget_spent, Float))), 0.0),
            func.sum(kept(Measure.beneficiaries_total)),
            func.count(Measure.id),
            func.count(case((Measure.status == "completed", Measure.id), else_=None)),
        )
        .select_from(Measure)
        .where(*every_status)
    ).one()
    # The sectors of the reference list that some matching measure addresses, each
    # asked on its own and answered by the first such measure found. A LIMIT rather
    # than EXISTS: PostgreSQL turns an EXISTS into a join over every measure's sectors.
    first_measure = (
        select(measure_sector.c.measure_id)
        .join(Measure, Measure.id == measure_sector.c.measure_id)
        .where(measure_sector.c.sector_key == Sector.key, *measure_conditions(filters), *where)
        .limit(1)
        .scalar_subquery()
    )
    sectors = db.session.scalar(
        select(func.count()).select_from(Sector).where(first_measure.is_not(None))
    )

    def per(value: float, scale: float = 1.0) -> float | None:
        return value * scale / population if population else None

    return {
        "measures": float(count),
        "measures_per_100k": per(float(count), 100_000),
        "budget_planned_per_inhabitant": per(float(planned)),
        "budget_spent_per_inhabitant": per(float(spent)),
        "sectors_covered": float(sectors or 0),
        "completed_share": 100.0 * done / total if total else None,
        # Nothing matching counts nobody; measures that all leave the count out say nothing.
        "beneficiaries": float(people) if people is not None else (0.0 if not count else None),
    }
