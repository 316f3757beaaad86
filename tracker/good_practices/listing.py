"""The good practices the public page lists: the measures marked and still validated
that the filters keep, newest mark first or, for a territory, nearest first, a page
at a time."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, select

from tracker import public_data
from tracker.assessment.indicators import latest_indicator_set
from tracker.extensions import db
from tracker.good_practices.filters import PracticeFilters
from tracker.good_practices.nearness import (
    Place,
    distance_km,
    nearness,
    point_of,
    territory_points,
)
from tracker.models import Measure, Territory
from tracker.stats import Filters, measure_conditions

# Good practices listed at a time: each comes with its note, longer than a table's row.
PER_PAGE = 20


@dataclass(frozen=True)
class Practice:
    """One good practice as the page lists it: the measure (with its collectivity,
    sectors and partners), its collectivity's region, and its distance in kilometres
    from the territory the page is near to (None when not asked or not known)."""

    measure: Measure
    region: Territory
    distance_km: float | None = None


def practices_query(filters: PracticeFilters) -> Select:
    """SQL: (measure id, and where its collectivity is: code, level, parent's and
    region's codes) of the good practices `filters` keep, newest mark first."""
    query = (
        select(
            Measure.id,
            Territory.code,
            Territory.level,
            Territory.parent_code,
            Territory.region_code,
        )
        .join(Territory, Territory.code == Measure.territory_code)
        .where(Measure.good_practice_shown, *measure_conditions(Filters(sector=filters.sector)))
        .order_by(Measure.good_practice_at.desc(), Measure.id.desc())
    )
    if filters.kind:
        query = query.where(Measure.kind == filters.kind)
    if filters.question:
        # The measures that can serve as evidence for the question: those of its kinds.
        kinds = latest_indicator_set().question(filters.question).evidence_kinds
        query = query.where(Measure.kind.in_(kinds))
    if filters.region:
        query = query.where(Territory.region_code == filters.region)
    if filters.near is not None:
        query = query.where(Measure.territory_code != filters.near.code)
    return query


def place_of(territory: Territory) -> Place:
    """Where `territory` is, as the ordering reads it."""
    return Place(territory.code, territory.level, territory.parent_code, territory.region_code)


def ordered(filters: PracticeFilters) -> list[tuple[int, float | None]]:
    """(measure id, distance in km or None) of every good practice `filters` keep, in
    the page's order: for a territory `near`, same level first, then nearest first;
    otherwise the newest mark first."""
    rows = db.session.execute(practices_query(filters)).all()
    if filters.near is None:
        return [(row[0], None) for row in rows]
    points = territory_points()
    near = place_of(filters.near)
    key = nearness(near, points)
    origin = point_of(near, points)
    placed = [(row[0], Place(*row[1:])) for row in rows]
    placed.sort(key=lambda pair: (*key(pair[1]), pair[1].code, pair[0]))
    return [(id_, _distance(origin, point_of(place, points))) for id_, place in placed]


def _distance(origin, point) -> float | None:
    return distance_km(origin, point) if origin and point else None


def page_of(everything: list[tuple[int, float | None]], page: int) -> list[Practice]:
    """The good practices of page `page` (from 1, `PER_PAGE` at a time) of `everything`
    (as `ordered` gives them), with what the page shows of each."""
    shown = everything[(page - 1) * PER_PAGE : page * PER_PAGE]
    ids = [id_ for id_, _km in shown]
    measures = {
        m.id: m for m in public_data.load_measures(select(Measure).where(Measure.id.in_(ids)))
    }
    regions = {
        r.code: r for r in db.session.scalars(select(Territory).where(Territory.level == "region"))
    }
    return [
        Practice(measures[id_], regions[measures[id_].territory.region_code], distance)
        for id_, distance in shown
        if id_ in measures
    ]
