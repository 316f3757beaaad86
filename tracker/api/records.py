"""The API's lists of records other than measures: the collectivities' programmes and
the partner organisations."""

from __future__ import annotations

from flask import Response, request
from sqlalchemy import select

from tracker import public_data
from tracker.api.views import bp, known_territory, page_answer
from tracker.extensions import db
from tracker.i18n import current_language
from tracker.models import Organisation
from tracker.params import parse_choice, parse_page, parse_year
from tracker.vocab import INTEGRATION_LEVELS, PROGRAMME_KINDS


@bp.get("/programmes")
def programmes() -> Response:
    """Public programmes within `territory` (its own council's and those of the
    territories inside it), filtered by `kind`, `integration` and `year` (the programmes
    whose years include it), each with its number of public measures. Refuses (400) a
    bad kind, integration, year, page or per_page; 404 for an unknown territory."""
    territory = known_territory(request.args)
    kind = parse_choice(request.args, "kind", PROGRAMME_KINDS)
    integration = parse_choice(request.args, "integration", INTEGRATION_LEVELS)
    year = parse_year(request.args)
    page, per_page = parse_page(request.args)
    query = public_data.programmes_query(
        territory.code if territory else None, kind, integration, year
    )
    total = public_data.count_rows(query)
    rows = public_data.load_programmes(query, limit=per_page, offset=(page - 1) * per_page)
    counts = public_data.public_measure_counts([p.id for p in rows])
    items = [public_data.programme_item(p, counts.get(p.id, 0)) for p in rows]
    return page_answer(items, page, per_page, total)


@bp.get("/organisations")
def organisations() -> Response:
    """Partner organisations by name: id, name (in the request's language, the other
    when it has only that), name_fr, name_ar, kind and country, never who recorded them;
    deleted ones left out. Refuses (400) a bad page or per_page."""
    page, per_page = parse_page(request.args)
    query = select(Organisation).where(Organisation.deleted_at.is_(None))
    total = public_data.count_rows(query)
    rows = db.session.scalars(
        query.order_by(Organisation.name, Organisation.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    lang = current_language()
    items = [
        {
            "id": o.id,
            "name": o.name_in(lang),
            "name_fr": o.name_fr,
            "name_ar": o.name_ar,
            "kind": o.kind,
            "country": o.country,
        }
        for o in rows
    ]
    return page_answer(items, page, per_page, total)
