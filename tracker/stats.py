"""Aggregations, in one place: the metrics the map, the territory pages, the comparison,
the exports and the API show, each one SQL aggregation keyed by territory code.

A territory's figure includes its own council's records and those of the
territories inside it: a region counts the regional council's measures and those
of every province and commune in it. Only publicly visible records count
(validated, and submitted when `PUBLIC_SHOW_SUBMITTED` is set). Nothing here
reads the request: filters come in as a `Filters` value.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from flask import current_app, g, has_request_context, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    BigInteger,
    Float,
    case,
    cast,
    distinct,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
)

from tracker import privacy
from tracker.extensions import db
from tracker.models import AuditEntry, Measure, Programme, Sector, Territory
from tracker.models.record import measure_sector
from tracker.models.territory import LEVELS
from tracker.privacy import public_states


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


T = TypeVar("T")


def _read_once(key: tuple, compute: Callable[[], T]) -> T:
    """`compute()`, read once per GET request for `key` (a page asks some things several
    times: the version of the data, a territory's population). Anywhere else, computed
    each time: a request that writes may change them."""
    if not has_request_context() or request.method != "GET":
        return compute()
    memo = g.setdefault("tracker_read_once", {})
    if key not in memo:
        memo[key] = compute()
    return memo[key]


# The code figures for Morocco as a whole are given under (level "country").
NATIONAL = "MA"


def _unit_of(level: str):
    """The SQL expression giving, for a measure's collectivity `Territory`, the code of
    the territory of `level` it counts towards (NULL when it counts towards none)."""
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
    if filters.since:
        conditions += [
            Measure.start_date.is_not(None),
            or_(Measure.end_date.is_(None), Measure.end_date >= date(filters.since, 1, 1)),
        ]
    return conditions


def _inside(inside: str | None, model: type[Measure] | type[Programme] = Measure) -> list:
    """The condition keeping the records within territory `inside` (none for None)."""
    return [within(inside, model)] if inside else []


def _aggregate(level: str, filters: Filters, *columns, inside: str | None = None) -> dict:
    """`{code: (column values...)}` over the public measures counting towards each
    territory of `level`, with `filters` applied (and only those within `inside`).

    `columns` are counts or sums: they are taken per collectivity first, then added up
    per territory of `level`, so the measures are read once, in the order of an index,
    and only the per-collectivity totals are joined to the territories.
    """
    per_collectivity = (
        select(
            Measure.territory_code.label("code"),
            *(column.label(f"c{i}") for i, column in enumerate(columns)),
        )
        .where(*measure_conditions(filters), *_inside(inside))
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
    )
    if level != "country":  # the whole country is one group (PostgreSQL refuses GROUP BY 'MA')
        query = query.group_by(unit)
    return {
        row[0]: tuple(row[1:])
        for row in db.session.execute(query)
        # No measure at all: the country's one group is all NULL.
        if row[0] is not None and any(value is not None for value in row[1:])
    }


def recorded(level: str, inside: str | None = None) -> set[str]:
    """Territories of `level` with at least one public programme or measure: the others
    have no data, which is not the same as zero. With `inside`, a territory of `level`,
    the question is about it alone."""
    states = public_states()
    if inside or level == "country":
        # A question about one territory: is there any such record within it?
        found = any(
            db.session.scalar(
                select(
                    select(model.id)
                    .where(
                        model.deleted_at.is_(None),
                        model.review_state.in_(states),
                        *_inside(inside, model),
                    )
                    .exists()
                )
            )
            for model in (Measure, Programme)
        )
        return {inside or NATIONAL} if found else set()
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


def populations(level: str, inside: str | None = None) -> dict[str, int]:
    """HCP 2024 population of every territory of `level` (of territory `inside` alone,
    a territory of `level`, when given)."""
    return _read_once(("populations", level, inside), lambda: _populations(level, inside))


def _populations(level: str, inside: str | None) -> dict[str, int]:
    if level == "country":
        query = select(func.sum(Territory.population_2024)).where(Territory.level == "region")
        return {NATIONAL: db.session.scalar(query) or 0}
    query = select(Territory.code, Territory.population_2024).where(Territory.level == level)
    if inside:
        query = query.where(Territory.code == inside)
    return dict(db.session.execute(query).all())


@dataclass(frozen=True)
class Metric:
    """A figure shown for every territory of a level, and for the country.

    Most metrics are sums over the measures: `sums()` gives the SQL aggregates (counts
    or sums, which add up from collectivities to territories) and `value(sums,
    population)` the figure from their totals and the territory's HCP 2024 population
    (read only when `per_inhabitant`). The figures of all such metrics for a set of
    filters are read in one aggregation (see `figures`). `every_status` metrics are
    taken over every status whatever the status filter. A metric that is no sum
    gives `compute(level, filters, inside)` instead, answering `{code: value}`.

    `unit` says how to show a value; `public` and `shown` give it as every public
    output does.
    """

    key: str
    label: object
    definition: object
    unit: str
    sums: Callable[[], tuple] | None = None
    value: Callable[[tuple, int | None], float | None] | None = None
    per_inhabitant: bool = False
    every_status: bool = False
    compute: Callable[[str, Filters, str | None], dict[str, float | None]] | None = None
    counts_people: bool = False
    # The value of a territory that has records, none of which the filters keep.
    empty: float | None = 0.0

    def public(self, value):
        """`value` as public outputs may give it: a count of people with its small
        counts suppressed (`privacy.public_figure`), anything else as it is."""
        return privacy.public_figure(value) if self.counts_people else value

    def shown(self, value) -> str:
        """`value` as a page writes it, in the page's language."""
        from tracker.i18n import format_metric

        return format_metric(self.unit, self.public(value))


def figures(
    metrics, level: str, filters: Filters, inside: str | None = None
) -> dict[str, dict[str, float | None]]:
    """`{metric key: {code: value}}` for `metrics`, over the territories of `level` whose
    measures the filters keep (territory `inside` alone, of `level`, when given; the one
    code `NATIONAL` for level "country").

    The metrics that are sums share one reading of the measures for each set of
    filters they use (two at most: the filters, and every status).
    """
    answers: dict[str, dict[str, float | None]] = {}
    by_filters: dict[Filters, list[Metric]] = {}
    for metric in metrics:
        if metric.compute is not None:
            answers[metric.key] = metric.compute(level, filters, inside)
        else:
            wanted = filters.every_status() if metric.every_status else filters
            by_filters.setdefault(wanted, []).append(metric)
    for wanted, group in by_filters.items():
        columns = [metric.sums() for metric in group]
        rows = _aggregate(
            level, wanted, *(column for each in columns for column in each), inside=inside
        )
        people = populations(level, inside) if any(m.per_inhabitant for m in group) else {}
        start = 0
        for metric, each in zip(group, columns, strict=True):
            end = start + len(each)
            answers[metric.key] = {
                code: metric.value(totals[start:end], people.get(code))
                for code, totals in rows.items()
            }
            start = end
    return answers


def _per_inhabitant(scale: float):
    """The value of a metric whose one sum is divided by the population (times `scale`)."""

    def value(sums, population):
        return float(sums[0] or 0) * scale / population if population else None

    return value


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
        .where(*_inside(inside))
        .limit(1)
        .correlate(Sector)
        .scalar_subquery()
    )
    return list(
        db.session.scalars(
            select(Sector.key).where(first_measure.is_not(None)).order_by(Sector.position)
        )
    )


def _sectors_covered(level, filters, inside=None):
    if inside or level == "country":
        # One territory: its sectors by lookups (see `sectors_addressed`).
        code = inside or NATIONAL
        return {code: float(len(sectors_addressed(filters, inside)))}
    unit = _unit_of(level).label("unit")
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
        # Only the collectivities that count towards a territory of the level are asked.
        .where(unit.is_not(None), has_measure)
        .group_by(unit)
    )


def _completed_share(sums, population=None):
    total, done = sums
    return 100.0 * done / total if total else None


def _beneficiaries(sums, population=None):
    counted, total, left_out = sums
    # Measures that all leave the count out say nothing.
    return privacy.PublicSum(total, left_out) if counted else None


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
            # count(*): the measures' index answers it alone on PostgreSQL too.
            sums=lambda: (func.count(),),
            value=lambda sums, population: float(sums[0]),
        ),
        Metric(
            "measures_per_100k",
            _l("Measures per 100,000 inhabitants"),
            _l("Validated measures per 100,000 inhabitants (HCP population 2024)."),
            "ratio",
            sums=lambda: (func.count(),),
            value=_per_inhabitant(100_000),
            per_inhabitant=True,
        ),
        Metric(
            "budget_planned_per_inhabitant",
            _l("Budget planned per inhabitant (MAD)"),
            _l(
                "Sum of the budgets planned for the validated measures, in dirhams, divided "
                "by the HCP population 2024."
            ),
            "money",
            sums=lambda: (func.sum(cast(Measure.budget_planned, Float)),),
            value=_per_inhabitant(1),
            per_inhabitant=True,
        ),
        Metric(
            "budget_spent_per_inhabitant",
            _l("Budget spent per inhabitant (MAD)"),
            _l(
                "Sum of the budgets spent on the validated measures, in dirhams, divided by "
                "the HCP population 2024."
            ),
            "money",
            sums=lambda: (func.sum(cast(Measure.budget_spent, Float)),),
            value=_per_inhabitant(1),
            per_inhabitant=True,
        ),
        Metric(
            "sectors_covered",
            _l("SNIA sectors covered (of 11)"),
            _l(
                "How many of the 11 programmes of the National Strategy for Immigration and "
                "Asylum at least one validated measure addresses."
            ),
            "count",
            compute=_sectors_covered,
        ),
        Metric(
            "completed_share",
            _l("Share of measures completed (%)"),
            _l(
                "Completed measures as a percentage of all validated measures (the status "
                "filter does not apply)."
            ),
            "percent",
            sums=lambda: (
                func.count(),
                func.count(case((Measure.status == "completed", 1), else_=None)),
            ),
            value=_completed_share,
            every_status=True,  # the share is over every status
            empty=None,
        ),
        Metric(
            "beneficiaries",
            _l("Beneficiaries"),
            privacy.WithThreshold(
                _l(
                    "Sum of the beneficiary counts of the validated measures. A count under "
                    "%(threshold)d is shown only as <%(threshold)d and is left out of every "
                    "sum, so that no figure gives it away: 40 + <%(threshold)d is 40 and "
                    "one such count."
                )
            ),
            "count",
            sums=lambda: (
                func.count(Measure.beneficiaries_total),
                privacy.public_sum(Measure.beneficiaries_total),
                privacy.small_counts(Measure.beneficiaries_total),
            ),
            value=_beneficiaries,
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
    values = figures([metric], level, filters)[key]
    has_data = recorded(level)
    return {code: values.get(code, metric.empty) for code in has_data}


def codes_within(code: str):
    """SQL: the codes of territory `code` and of every territory inside it."""
    return (
        select(Territory.code)
        .where(or_(Territory.code == code, Territory.code.startswith(code + ".", autoescape=True)))
        .correlate(None)  # its own list, even in a query that joins the territories
    )


def within(code: str, model: type[Measure] | type[Programme] = Measure):
    """SQL condition: the record's (a measure's unless `model` says otherwise)
    collectivity is `code` or a territory inside it.

    The codes are matched on the territory table, a few thousand rows, and the
    records by equality on their collectivity's code, which an index serves on every
    database whatever its collation (a `LIKE 'code.%'` on the records could not).
    """
    return model.territory_code.in_(codes_within(code))


def territory_summary(
    territory: Territory, filters: Filters = Filters()
) -> dict[str, float | None]:
    """Every metric for one territory (its own council and what lies inside it), read
    for that territory alone (see `figures`); None everywhere when it has no public
    record. Kept per process until a record changes (see `data_version`)."""
    return _kept_summary(territory.level, filters, territory.code)


def national_summary(filters: Filters = Filters()) -> dict[str, float | None]:
    """Every metric for Morocco as a whole, kept as `territory_summary` is."""
    return _kept_summary("country", filters, None)


# Figures kept between requests; a few thousand at most (every territory, some filters).
_KEPT = 4096


def kept(name: str, compute: Callable[[], T], *key, limit: int = _KEPT) -> T:
    """`compute()`, computed once per process for `name`, `key` and the settings that
    change what is public, until a record changes (see `data_version`): a page shows
    figures read over many more measures than it lists, its parent's and the country's.

    At most `limit` values are kept under `name` (all are let go when it is reached),
    so that asking for every combination of filters cannot fill the memory.
    """
    full_key = (*key, public_states(), privacy.threshold(), data_version())
    caches = current_app.extensions.setdefault("tracker_kept_figures", {})
    cache = caches.setdefault(name, {})
    if full_key not in cache:
        if len(cache) >= limit:
            cache.clear()
        cache[full_key] = compute()
    return copy.copy(cache[full_key])


def _kept_summary(level: str, filters: Filters, inside: str | None) -> dict[str, float | None]:
    return kept("summary", lambda: _summary_of(level, filters, inside), level, inside, filters)


def _summary_of(level: str, filters: Filters, inside: str | None) -> dict[str, float | None]:
    code = inside or NATIONAL
    if code not in recorded(level, inside):
        return dict.fromkeys(METRICS)
    values = figures(METRICS.values(), level, filters, inside)
    return {key: values[key].get(code, metric.empty) for key, metric in METRICS.items()}


def data_version() -> int:
    """A number that changes whenever a record changes (every change writes a history
    entry), for the figures and maps kept between requests."""
    return _read_once(
        ("data_version",), lambda: db.session.scalar(select(func.max(AuditEntry.id))) or 0
    )
