"""Public read-only JSON API, version 1.

Lists answer `{"items": [...], "page": P, "per_page": N, "total": T}`; errors
answer `{"error": {"code": ..., "message": ...}}` with a 4xx status. Bad input
is a 400, an unknown territory a 404, never a 500.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request
from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from werkzeug.exceptions import HTTPException

from tracker import geography, public_data, stats
from tracker.api.openapi import openapi_document
from tracker.extensions import db
from tracker.filters import BadFilter, parse_filters, parse_territory
from tracker.models import Territory
from tracker.models.territory import LEVELS, search_key

bp = Blueprint("api", __name__, url_prefix="/api/v1")

MAX_PER_PAGE = 500
DEFAULT_PER_PAGE = 50
# Far beyond any list's last page, and small enough for every database's OFFSET.
MAX_PAGE = 1_000_000


class ApiError(Exception):
    """An error answered as JSON with its HTTP status."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


@bp.errorhandler(ApiError)
def _api_error(error: ApiError):
    return jsonify({"error": {"code": error.code, "message": error.message}}), error.status


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    code = {404: "not_found", 405: "method_not_allowed"}.get(error.code, "http_error")
    return (
        jsonify({"error": {"code": code, "message": error.description}}),
        error.code,
    )


def _int_arg(name: str, default: int, minimum: int, maximum: int | None = None) -> int:
    """An integer query parameter within bounds; raises `ApiError` 400 otherwise."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(
            400, "bad_parameter", _("%(name)s must be a whole number.", name=name)
        ) from None
    if value < minimum or (maximum is not None and value > maximum):
        if maximum is None:
            message = _("%(name)s must be at least %(min)d.", name=name, min=minimum)
        else:
            message = _(
                "%(name)s must be between %(min)d and %(max)d.",
                name=name,
                min=minimum,
                max=maximum,
            )
        raise ApiError(400, "bad_parameter", message)
    return value


def _metric_fields(metric: stats.Metric, value, name: str = "value") -> dict:
    """A metric's value under `name`, a number or null (no data). A count of people is
    its public sum, with `<name>_small_counts_left_out` ("value": the field is then
    `small_counts_left_out`): how many counts under the threshold the sum leaves out,
    each shown as "<5" in the measures list, so that no figure gives one away."""
    fields = {name: None if value is None else float(value)}
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

    Refuses (400) an unknown level, an unknown parent, or a bad page or per_page.
    """
    level = request.args.get("level")
    parent = request.args.get("parent")
    text = (request.args.get("q") or "").strip()
    page = _int_arg("page", 1, 1, MAX_PAGE)
    per_page = _int_arg("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)

    query = select(Territory)
    if level:
        if level not in LEVELS:
            raise ApiError(
                400,
                "bad_parameter",
                _("level must be one of: %(choices)s.", choices=", ".join(LEVELS)),
            )
        query = query.where(Territory.level == level)
    if parent:
        if db.session.get(Territory, parent) is None:
            raise ApiError(
                400, "bad_parameter", _("Unknown parent territory %(code)s.", code=parent)
            )
        query = query.where(Territory.parent_code == parent)
    if text:
        if len(text) > 100:
            raise ApiError(400, "bad_parameter", _("q is too long (at most 100 characters)."))
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
    return jsonify(
        {
            "items": [_territory_item(t) for t in rows],
            "page": page,
            "per_page": per_page,
            "total": total,
        }
    )


@bp.get("/territories/<code>")
def territory(code: str):
    """One territory with its populations, its parent and its children's count; 404 if unknown."""
    t = db.session.get(Territory, code)
    if t is None:
        raise ApiError(404, "not_found", _("No territory has the code %(code)s.", code=code))
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


def _filters() -> stats.Filters:
    try:
        return parse_filters(request.args)
    except BadFilter as bad:
        raise ApiError(400, "bad_parameter", bad.message) from None


def _page_args() -> tuple[int, int]:
    return _int_arg("page", 1, 1, MAX_PAGE), _int_arg("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)


@bp.get("/measures")
def measures():
    """Public (validated) measures within `territory` (its descendants included), filtered by
    `sector`, `status` and `year`; beneficiary counts from 1 to 4 show as "<5"."""
    filters = _filters()
    try:
        territory = parse_territory(request.args)
    except BadFilter as bad:
        raise ApiError(400, "bad_parameter", bad.message) from None
    page, per_page = _page_args()
    query = public_data.measures_query(territory.code if territory else None, filters)
    total = public_data.count_measures(query)
    rows = public_data.load_measures(query, limit=per_page, offset=(page - 1) * per_page)
    return jsonify(
        {
            "items": [public_data.measure_item(m) for m in rows],
            "page": page,
            "per_page": per_page,
            "total": total,
        }
    )


@bp.get("/stats")
def statistics():
    """`{code, value}` of a metric for every territory of a level (value null: no data),
    with the metric's definition. Refuses (400) an unknown level, metric or filter."""
    level = request.args.get("level") or "region"
    if level not in LEVELS:
        raise ApiError(
            400, "bad_parameter", _("level must be one of: %(choices)s.", choices=", ".join(LEVELS))
        )
    key = request.args.get("metric") or "measures"
    if key not in stats.METRICS:
        raise ApiError(
            400,
            "bad_parameter",
            _("metric must be one of: %(choices)s.", choices=", ".join(stats.METRICS)),
        )
    filters = _filters()
    page, per_page = _page_args()
    metric = stats.METRICS[key]
    values = stats.metric_values(key, level, filters)
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
            "items": [{"code": code, **_metric_fields(metric, values.get(code))} for code in shown],
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
    if level not in LEVELS:
        raise ApiError(
            404, "not_found", _("level must be one of: %(choices)s.", choices=", ".join(LEVELS))
        )
    try:
        data = geography.boundary_file(level)
    except geography.GeographyMissing:
        raise ApiError(
            503,
            "geography_not_built",
            _("The boundaries have not been built yet. Please try again later."),
        ) from None
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
