"""Public read-only JSON API, version 1.

Lists answer `{"items": [...], "page": P, "per_page": N, "total": T}`; errors
answer `{"error": {"code": ..., "message": ...}}` with a 4xx status. Bad input
is a 400, an unknown territory a 404, never a 500.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, or_, select

from tracker import public_data, stats
from tracker.api.openapi import openapi_document
from tracker.errors import BadParameter, JsonError
from tracker.extensions import db
from tracker.models import Measure, Territory
from tracker.models.territory import LEVELS, search_key
from tracker.params import (
    label,
    one_of,
    parse_filters,
    parse_good_practice,
    parse_level,
    parse_metric,
    parse_page,
    parse_territory,
    shown,
)
from tracker.writers import boundary_file

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def known_territory(args) -> Territory | None:
    """The territory of the `territory` parameter, None when absent; raises `BadParameter`
    for a bad code and `JsonError` (404, "not_found") for a code no territory has."""
    try:
        return parse_territory(args)
    except BadParameter as unknown:
        raise JsonError(404, "not_found", unknown.message, unknown.field) from None


@bp.before_request
def refuse_blank_parameters() -> None:
    """Refuse (400, "bad_parameter") a parameter given with an empty or blank value: a
    program leaves out what it does not ask for, and `level=` may be a mistake as well
    as "any level". (The pages' forms, which send an empty value for "any", may.)"""
    for name, value in request.args.items(multi=True):
        if not value.strip():
            raise BadParameter(
                name,
                _(
                    "%(label)s: the value is empty. Leave the parameter out to use its default.",
                    label=label(name),
                ),
            )


@bp.after_request
def open_to_every_origin(response: Response) -> Response:
    """Every answer of the public, read-only API may be read by a page of any site."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def page_answer(items: list[dict], page: int, per_page: int, total: int) -> Response:
    """A page of a list, as every list of the API answers it."""
    return jsonify({"items": items, "page": page, "per_page": per_page, "total": total})


def _number(metric: stats.Metric, value) -> int | float:
    """A metric's value as JSON gives it: a count as a whole number, any other as a
    decimal one; a category as its key and label (`Metric.category`)."""
    if metric.categories is not None:
        return metric.category(value)
    return round(value) if metric.unit == "count" else float(value)


def _metric_fields(metric: stats.Metric, value, name: str = "value") -> dict:
    """A metric's value under `name`, a number or null (no data). A count of people is
    its public sum, with `<name>_small_counts_left_out` ("value": the field is then
    `small_counts_left_out`): how many counts under the threshold the sum leaves out,
    each shown as "<5" in the measures list, so that no figure gives one away."""
    fields = {name: None if value is None else _number(metric, value)}
    if metric.counts_people:
        prefix = "" if name == "value" else f"{name}_"
        fields[f"{prefix}small_counts_left_out"] = getattr(value, "left_out", 0)
    return fields


def _territory_item(t: Territory) -> dict:
    return {
        "code": t.code,
        "level": t.level,
        "kind": t.kind,
        "name_fr": t.name_fr,
        "name_ar": t.name_ar,
        "parent_code": t.parent_code,
        "population_2024": t.population_2024,
    }


@bp.get("/territories")
def territories():
    """List territories, filtered by `level`, `parent` (a code) and `q` (part of a name or code).

    Refuses (400) an unknown level, a parent that is no region or province, or a bad
    page or per_page.
    """
    level = parse_level(request.args, None)
    parent = request.args.get("parent")
    text = (request.args.get("q") or "").strip()
    page, per_page = parse_page(request.args)

    query = select(Territory)
    if level:
        query = query.where(Territory.level == level)
    if parent:
        found = db.session.get(Territory, parent)
        if found is None:
            raise BadParameter(
                "parent",
                _(
                    "%(label)s: no territory has the code %(value)s.",
                    label=label("parent"),
                    value=shown(parent),
                ),
            )
        if found.level == LEVELS[-1]:
            raise BadParameter(
                "parent",
                _(
                    "%(label)s: %(value)s is a commune, which has no territories under it.",
                    label=label("parent"),
                    value=shown(parent),
                ),
            )
        query = query.where(Territory.parent_code == parent)
    if text:
        if len(text) > 100:
            raise BadParameter(
                "q",
                ngettext(
                    "%(label)s: at most %(num)d character.",
                    "%(label)s: at most %(num)d characters.",
                    100,
                    label=label("q"),
                ),
            )
        query = query.where(
            or_(
                Territory.search_text.contains(search_key(text), autoescape=True),
                Territory.code.startswith(text, autoescape=True),
            )
        )

    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(
        query.order_by(Territory.code).limit(per_page).offset((page - 1) * per_page)
    )
    return page_answer([_territory_item(t) for t in rows], page, per_page, total)


@bp.get("/territories/<code>")
def territory(code: str):
    """One territory with its populations, its parent and its children's count; 404 if unknown."""
    t = db.session.get(Territory, code)
    if t is None:
        raise JsonError(404, "not_found", _("No territory has the code %(code)s.", code=code))
    item = _territory_item(t)
    summary = {}
    for key, value in stats.territory_summary(t).items():
        summary.update(_metric_fields(stats.METRICS[key], value, key))
    item.update(
        {
            "region_code": t.region_code,
            "population_2014": t.population_2014,
            "households_2024": t.households_2024,
            "children_count": t.children_count(),
            "summary": summary,
        }
    )
    return jsonify(item)


@bp.get("/measures")
def measures():
    """Public (validated) measures within `territory` (its descendants included), filtered by
    `sector`, `status` and `year`, and with `good_practice=1` only the good practices;
    beneficiary counts from 1 to 4 show as "<5". Refuses (400) a bad filter, page or
    per_page; 404 for an unknown territory."""
    filters = parse_filters(request.args)
    territory = known_territory(request.args)
    page, per_page = parse_page(request.args)
    query = public_data.measures_query(territory.code if territory else None, filters)
    if parse_good_practice(request.args):
        query = query.where(Measure.good_practice_shown)
    total = public_data.count_measures(query)
    rows = public_data.load_measures(query, limit=per_page, offset=(page - 1) * per_page)
    return page_answer([public_data.measure_item(m) for m in rows], page, per_page, total)


def _stats_item(metric: stats.Metric, level: str, code: str, value, unmatched: set[str]) -> dict:
    item = {"code": code, **_metric_fields(metric, value)}
    if value is None:
        item["reason"] = stats.no_value_reason(metric, level, code, unmatched)
    return item


@bp.get("/stats")
def statistics():
    """`{code, value}` of a metric for every territory of a level (value null, with its
    `reason`: not given for the level, not assessed, no record, none matching the
    filters), with the metric's definition. Refuses (400) an unknown level, metric or
    filter."""
    level = parse_level(request.args, "region")
    key = parse_metric(request.args, "measures")
    filters = parse_filters(request.args)
    page, per_page = parse_page(request.args)
    metric = stats.METRICS[key]
    values = stats.metric_values(key, level, filters)
    unmatched = stats.unmatched(key, level, filters)
    codes = db.session.scalars(
        select(Territory.code).where(Territory.level == level).order_by(Territory.code)
    ).all()
    shown = codes[(page - 1) * per_page : page * per_page]
    return jsonify(
        {
            "metric": {
                "key": metric.key,
                "label": str(metric.label),
                "definition": str(metric.definition),
                "unit": metric.unit,
            },
            "level": level,
            "filters": {
                "sector": filters.sector,
                "status": filters.status,
                "year": filters.year,
                "since": filters.since,
            },
            "items": [
                _stats_item(metric, level, code, values.get(code), unmatched) for code in shown
            ],
            "page": page,
            "per_page": per_page,
            "total": len(codes),
        }
    )


@bp.get("/boundaries/<level>.geojson")
def boundaries(level: str):
    """The simplified boundaries of a level as an RFC 7946 FeatureCollection.

    Properties `code`, `name_fr`, `name_ar`, `parent_code`. Served compressed when
    the client accepts gzip, with an ETag; 404 for an unknown level, 503 while
    the geography has not been built.
    """
    try:
        one_of(level, LEVELS, "level")
    except BadParameter as bad:  # a path, not a parameter: an unknown page
        raise JsonError(404, "not_found", bad.message) from None
    data = boundary_file(level)
    if data.etag in request.if_none_match:
        response = Response(status=304)
    elif "gzip" in request.accept_encodings:
        response = Response(data.gzipped, mimetype="application/geo+json")
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = Response(data.raw, mimetype="application/geo+json")
    response.headers["Vary"] = "Accept-Encoding"
    response.set_etag(data.etag)
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3 description of this API."""
    return jsonify(openapi_document())
