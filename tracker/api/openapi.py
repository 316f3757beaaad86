"""The OpenAPI 3 description of the public API, kept beside the views it describes, in
the language of the request (`?lang=`, the remembered choice, then the browser's)."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from tracker.api.openapi_assessments import assessment_paths, assessment_schema
from tracker.api.openapi_parts import (
    NOT_BLANK,
    error_response,
    filter_parameters,
    json_response,
    list_response,
    page_parameters,
    query_parameter,
    territory_parameter,
)
from tracker.api.openapi_records import record_paths, record_schemas
from tracker.api.openapi_schemas import (
    error_schema,
    measure_schema,
    stats_item_schema,
    stats_schema,
    territory_detail_schema,
    territory_schema,
)
from tracker.extensions import db
from tracker.models import Territory
from tracker.models.territory import LEVELS
from tracker.stats import METRICS


def parent_codes() -> list[str]:
    """The codes a list of territories may name as parent: those of the regions and the
    provinces (a commune has no territories under it)."""
    return list(
        db.session.scalars(
            select(Territory.code).where(Territory.level != LEVELS[-1]).order_by(Territory.code)
        )
    )


def parent_schema() -> dict:
    """The `parent` parameter: one of `parent_codes` (any text while no territory is
    loaded: an empty list of choices is no schema)."""
    codes = parent_codes()
    return {"type": "string", "enum": codes} if codes else {"type": "string"}


def _territory_paths() -> dict:
    return {
        "/territories": {
            "get": {
                "summary": _("List territories"),
                "parameters": [
                    query_parameter("level", {"type": "string", "enum": list(LEVELS)}),
                    query_parameter(
                        "parent",
                        parent_schema(),
                        _("HCP code of the parent territory: a region or a province"),
                    ),
                    query_parameter(
                        "q",
                        {"type": "string", "maxLength": 100, "pattern": NOT_BLANK},
                        _(
                            "Part of a name in French or Arabic (case, accents and Arabic "
                            "short vowels ignored), or the start of a code"
                        ),
                    ),
                    *page_parameters(),
                ],
                "responses": {
                    "200": list_response(
                        "#/components/schemas/Territory", _("A page of territories")
                    ),
                    "400": error_response(_("A bad parameter")),
                },
            }
        },
        "/territories/{code}": {
            "get": {
                "summary": _("One territory, with its figures"),
                "parameters": [
                    {
                        "name": "code",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "example": "02.251.01.03"},
                        "description": _("HCP code"),
                    }
                ],
                "responses": {
                    "200": json_response(
                        "#/components/schemas/TerritoryDetail", _("The territory")
                    ),
                    "404": error_response(_("No territory has this code")),
                },
            }
        },
    }


def _measure_paths() -> dict:
    return {
        "/measures": {
            "get": {
                "summary": _("Validated measures within a territory (its descendants included)"),
                "parameters": [
                    territory_parameter(),
                    *filter_parameters(),
                    query_parameter(
                        "good_practice",
                        {"type": "string", "enum": ["0", "1"]},
                        _("1: only the measures marked as good practices"),
                    ),
                    *page_parameters(),
                ],
                "responses": {
                    "200": list_response("#/components/schemas/Measure", _("A page of measures")),
                    "400": error_response(_("A bad parameter")),
                    "404": error_response(_("No territory has this code")),
                },
            }
        },
        **record_paths(),
        **assessment_paths(),
    }


def _figure_paths() -> dict:
    metrics = "; ".join(f"{key}: {metric.label}" for key, metric in METRICS.items())
    return {
        "/stats": {
            "get": {
                "summary": _("A metric for every territory of a level"),
                "parameters": [
                    query_parameter(
                        "level", {"type": "string", "enum": list(LEVELS), "default": "region"}
                    ),
                    query_parameter(
                        "metric",
                        {"type": "string", "enum": list(METRICS), "default": "measures"},
                        metrics,
                    ),
                    *filter_parameters(),
                    *page_parameters(),
                ],
                "responses": {
                    "200": json_response(
                        "#/components/schemas/Stats",
                        _(
                            "Items {code, value} for every territory of the level (value null "
                            "where the territory has no record or no assessment, with the "
                            "reason), with the metric's key, label, definition and unit"
                        ),
                    ),
                    "400": error_response(_("A bad parameter")),
                },
            }
        },
        "/boundaries/{level}.geojson": {
            "get": {
                "summary": _(
                    "Simplified boundaries of a level (RFC 7946, longitude then latitude)"
                ),
                "parameters": [
                    {
                        "name": "level",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "enum": list(LEVELS)},
                    }
                ],
                "responses": {
                    "200": {
                        "description": _(
                            "A FeatureCollection; properties code, name_fr, name_ar, parent_code"
                        ),
                        "content": {"application/geo+json": {"schema": {"type": "object"}}},
                    },
                    "404": error_response(_("Unknown level")),
                    "503": error_response(_("The boundaries have not been built yet")),
                },
            }
        },
    }


def _tagged(paths: dict, tag: str) -> dict:
    """`paths` with every operation under `tag`, the heading the API page groups them by."""
    return {
        path: {method: {**operation, "tags": [tag]} for method, operation in item.items()}
        for path, item in paths.items()
    }


def openapi_document() -> dict:
    """The API's description as a dict, ready for `jsonify`, in the request's language."""
    places, records, figures = (
        _("Territories"),
        _("Measures, programmes, partners and assessments"),
        _("Figures and boundaries"),
    )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": _("Territorial migration-integration tracker API"),
            "version": "1",
            "description": _(
                "Public, read-only. Territory codes are HCP's (RGPH 2024) strings. Lists are "
                'paginated; errors answer `{"error": {"code", "message"}}`, with `parameter` '
                "naming a bad parameter."
            ),
            "license": {"name": _("Census data: HCP, RGPH 2024 and 2014, CC BY 4.0")},
        },
        "servers": [{"url": "/api/v1"}],
        "tags": [{"name": tag} for tag in (places, records, figures)],
        "paths": {
            **_tagged(_territory_paths(), places),
            **_tagged(_measure_paths(), records),
            **_tagged(_figure_paths(), figures),
        },
        "components": {
            "schemas": {
                "Territory": territory_schema(),
                "TerritoryDetail": territory_detail_schema(),
                "Measure": measure_schema(),
                **record_schemas(),
                "Assessment": assessment_schema(),
                "Stats": stats_schema(),
                "StatsItem": stats_item_schema(),
                "Error": error_schema(),
            }
        },
    }
