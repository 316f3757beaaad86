"""The public measures, as every public output reads them: one query with the filters
everyone shares, and one serialisation with small counts suppressed."""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from tracker.extensions import db
from tracker.models import Measure, Organisation, Territory
from tracker.models.record import measure_organisation
from tracker.privacy import is_public, public_beneficiaries
from tracker.stats import Filters, measure_conditions, within


def measures_query(territory: str | None = None, filters: Filters = Filters()) -> Select:
    """Public measures within `territory` (its own and its descendants'), filtered."""
    query = select(Measure).where(*measure_conditions(filters))
    if territory:
        query = query.where(within(territory))
    return query


def count_measures(query: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))


def partner_names(query: Select) -> list[str]:
    """The names of the organisations partnering some measure of `query`, alphabetically."""
    ids = query.with_only_columns(Measure.id).order_by(None)
    names = db.session.scalars(
        select(Organisation.name)
        .join(measure_organisation, measure_organisation.c.organisation_id == Organisation.id)
        .where(measure_organisation.c.measure_id.in_(ids))
        .distinct()
    )
    return sorted(names, key=str.casefold)


def load_measures(query: Select, limit: int | None = None, offset: int = 0) -> list[Measure]:
    """The measures of `query` with what serialising them needs, in a stable order."""
    query = query.options(
        selectinload(Measure.sectors),
        selectinload(Measure.partners),
        selectinload(Measure.territory),
        selectinload(Measure.programme),
    ).order_by(Measure.territory_code, Measure.id)
    if limit is not None:
        query = query.limit(limit).offset(offset)
    return list(db.session.scalars(query))


def measure_item(measure: Measure) -> dict:
    """A measure as the API, the exports and the map give it: no officer, no person,
    beneficiary counts suppressed, its programme only when that is public too."""
    territory: Territory = measure.territory
    return {
        "id": measure.id,
        "territory_code": measure.territory_code,
        "territory_name_fr": territory.name_fr,
        "territory_name_ar": territory.name_ar,
        "region_code": territory.region_code,
        "programme_id": measure.programme_id if is_public(measure.programme) else None,
        "title": measure.title,
        "description": measure.description,
        "kind": measure.kind,
        "sectors": [s.key for s in measure.sectors],
        "target_groups": list(measure.target_groups or []),
        "status": measure.status,
        "review_state": measure.review_state,
        "start_date": measure.start_date.isoformat() if measure.start_date else None,
        "end_date": measure.end_date.isoformat() if measure.end_date else None,
        "budget_planned": float(measure.budget_planned)
        if measure.budget_planned is not None
        else None,
        "budget_spent": float(measure.budget_spent) if measure.budget_spent is not None else None,
        "overspend_reason": measure.overspend_reason,
        "funding_sources": list(measure.funding_sources or []),
        "partners": [p.name for p in measure.partners],
        "beneficiaries": public_beneficiaries(measure),
        "progress": measure.progress,
        "evidence": measure.evidence,
        "latitude": float(measure.latitude) if measure.latitude is not None else None,
        "longitude": float(measure.longitude) if measure.longitude is not None else None,
    }
