"""The public measures and programmes, as every public output reads them: one query with
the filters everyone shares, and one serialisation each, with small counts suppressed."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import UTC
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from tracker import stats
from tracker.extensions import db
from tracker.i18n import current_language
from tracker.models import Measure, Organisation, Programme, Territory
from tracker.models.record import measure_organisation
from tracker.privacy import is_public, public_beneficiaries
from tracker.records.fields import PUBLIC_FIELDS, Field
from tracker.stats import Filters, measure_conditions, public_record_conditions, within


def measures_query(territory: str | None = None, filters: Filters = Filters()) -> Select:
    """Public measures within `territory` (its own and its descendants'), filtered."""
    query = select(Measure).where(*measure_conditions(filters))
    if territory:
        query = query.where(within(territory))
    return query


def programmes_query(
    territory: str | None = None,
    kind: str | None = None,
    integration: str | None = None,
    year: int | None = None,
) -> Select:
    """Public programmes within `territory` (its own council's and those of the
    territories inside it) of `kind` and `integration`, running in `year` (their years
    include it); each filter left out when None."""
    query = select(Programme).where(*public_record_conditions(Programme))
    if territory:
        query = query.where(within(territory, Programme))
    if kind:
        query = query.where(Programme.kind == kind)
    if integration:
        query = query.where(Programme.integration == integration)
    if year:
        query = query.where(Programme.first_year <= year, Programme.last_year >= year)
    return query


def load_programmes(query: Select, limit: int | None = None, offset: int = 0) -> list[Programme]:
    """The programmes of `query` with their collectivities, in a stable order (by
    collectivity, the latest first)."""
    query = query.options(selectinload(Programme.territory)).order_by(
        Programme.territory_code, Programme.first_year.desc(), Programme.id
    )
    if limit is not None:
        query = query.limit(limit).offset(offset)
    return list(db.session.scalars(query))


def count_rows(query: Select) -> int:
    """How many rows (measures, programmes...) `query` selects."""
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))


def count_measures(query: Select) -> int:
    """How many measures `query` selects."""
    return count_rows(query)


def partner_names(query: Select, lang: str) -> list[str]:
    """The names, in `lang` (or their other one), of the organisations partnering some
    measure of `query`, alphabetically."""
    ids = query.with_only_columns(Measure.id).order_by(None)
    return _names(
        select(Organisation)
        .join(measure_organisation, measure_organisation.c.organisation_id == Organisation.id)
        .where(measure_organisation.c.measure_id.in_(ids))
        .distinct(),
        lang,
    )


def partners_within(code: str, filters: Filters, lang: str) -> list[str]:
    """The names, in `lang` (or their other one), of the organisations partnering some
    public measure within territory `code` that `filters` keep, alphabetically.

    Without filters (a territory page as most visitors see it), added up from each
    collectivity's partners, kept in step with the history (`stats.in_step`), so that a
    page after a change reads only the collectivities changed. With filters, read for
    the territory alone: a set of filters asked once would cost a reading of every
    measure in the country. Kept until a record changes (`stats.kept`).
    """
    return stats.kept(
        "partners", lambda: _partners_within(code, filters, lang), code, filters, lang
    )


def _partners_within(code: str, filters: Filters, lang: str) -> list[str]:
    if filters != Filters():
        return partner_names(measures_query(code, filters), lang)
    partners = stats.in_step("partners", _partners_of)
    ids = set().union(*(ids for c, ids in partners.items() if stats.is_within(c, code)))
    return _names(select(Organisation).where(Organisation.id.in_(ids)), lang) if ids else []


def _partners_of(codes: Collection[str] | None) -> dict[str, frozenset[int]]:
    """`{collectivity code: ids of the organisations partnering its public measures}`,
    for the collectivities `codes` (every one for None)."""
    link = measure_organisation.c
    query = (
        select(Measure.territory_code, link.organisation_id)
        .join(measure_organisation, link.measure_id == Measure.id)
        .where(*measure_conditions(Filters()), *stats.collectivity_conditions(codes))
        .distinct()
    )
    found: dict[str, set[int]] = {}
    for code, organisation in db.session.execute(query):
        found.setdefault(code, set()).add(organisation)
    return {code: frozenset(ids) for code, ids in found.items()}


def _names(organisations: Select, lang: str) -> list[str]:
    return sorted((o.name_in(lang) for o in db.session.scalars(organisations)), key=str.casefold)


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


def _programme_of(programme: Programme | None) -> dict:
    """What a measure says of its programme besides its number (None: not public)."""
    return {
        "programme_kind": programme.kind if programme else None,
        "programme_title": programme.title if programme else None,
        "programme_integration": programme.integration if programme else None,
    }


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _number(value) -> float | None:
    return float(value) if value is not None else None


# How public outputs write each kind of field (the others as stored): never an
# organisation's id nor a programme that is not public itself.
SERIALISERS: dict[str, Callable[[Measure, Field], Any]] = {
    "programme": lambda m, f: m.programme_id if is_public(m.programme) else None,
    "sectors": lambda m, f: [s.key for s in m.sectors],
    "partners": lambda m, f: [p.name_in(current_language()) for p in m.partners],
    "choices": lambda m, f: list(getattr(m, f.key) or []),
    # As precisely as given (2025, 2025-03, 2025-03-14); its precision follows it.
    "date": lambda m, f: m.given_date(f.key),
    "money": lambda m, f: _number(getattr(m, f.key)),
    "latitude": lambda m, f: _number(getattr(m, f.key)),
    "longitude": lambda m, f: _number(getattr(m, f.key)),
}
# Fields given together (see `Field.group`), as privacy allows them to be shown.
GROUPS: dict[str, Callable[[Measure], dict]] = {"beneficiaries": public_beneficiaries}


def _territory(record: Measure | Programme) -> dict:
    territory: Territory = record.territory
    return {
        "territory_name_fr": territory.name_fr,
        "territory_name_ar": territory.name_ar,
        "region_code": territory.region_code,
    }


# What public outputs give that is not a field of the form, after the field it follows.
_AFTER: dict[str, Callable[[Measure], dict]] = {
    "territory_code": _territory,
    "programme_id": lambda m: _programme_of(m.programme if is_public(m.programme) else None),
    "status": lambda m: {"review_state": m.review_state},
}


def good_practice_item(measure: Measure) -> dict | None:
    """`{note, marked_at}` of a measure the public sees as a good practice (marked,
    validated, not deleted), None for any other."""
    if not measure.good_practice_shown:
        return None
    marked = measure.good_practice_at
    # SQLite gives back the UTC time it was given without its zone.
    marked = marked.replace(tzinfo=UTC) if marked.tzinfo is None else marked.astimezone(UTC)
    return {
        "note": measure.good_practice_note,
        "marked_at": marked.isoformat(timespec="seconds").replace("+00:00", "Z"),
    }


def measure_item(measure: Measure) -> dict:
    """A measure as the API, the exports and the map give it: its public fields
    (`tracker.records.fields`), no officer, no person, beneficiary counts suppressed,
    its programme only when that is public too, and last its good-practice mark
    (`good_practice_item`)."""
    item: dict[str, Any] = {"id": measure.id}
    for field in PUBLIC_FIELDS:
        if field.group is None:
            write = SERIALISERS.get(field.kind)
            item[field.key] = write(measure, field) if write else getattr(measure, field.key)
        elif field.group not in item:
            item[field.group] = GROUPS[field.group](measure)
        item.update(_AFTER[field.key](measure) if field.key in _AFTER else {})
    item["good_practice"] = good_practice_item(measure)
    return item


def public_measure_counts(programme_ids: list[int]) -> dict[int, int]:
    """`{programme id: public measures}` of the programmes `programme_ids`, in one query;
    a programme with none is absent."""
    if not programme_ids:
        return {}
    query = (
        select(Measure.programme_id, func.count())
        .where(Measure.programme_id.in_(programme_ids), *measure_conditions(Filters()))
        .group_by(Measure.programme_id)
    )
    return dict(db.session.execute(query).all())


def programme_item(programme: Programme, measure_count: int | None = None) -> dict:
    """A programme as the API and its page give it: its collectivity, kind, title, years,
    adoption date, reference, how it integrates migration and how many public measures
    it holds (`measure_count`, counted here when None); never an officer. Public or
    not is the caller's to check (`privacy.is_public`)."""
    if measure_count is None:
        measure_count = public_measure_counts([programme.id]).get(programme.id, 0)
    return {
        "id": programme.id,
        "territory_code": programme.territory_code,
        **_territory(programme),
        "kind": programme.kind,
        "title": programme.title,
        "first_year": programme.first_year,
        "last_year": programme.last_year,
        "adopted_on": _iso(programme.adopted_on),
        "reference": programme.reference,
        "integration": programme.integration,
        "review_state": programme.review_state,
        "measure_count": measure_count,
    }
