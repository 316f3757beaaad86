"""The OpenAPI 3 description of the public API, kept beside the views it describes."""

from __future__ import annotations

from flask_babel import force_locale

from tracker.api.openapi_parts import (
    error_response,
    list_response,
    page_parameters,
    query_parameter,
)
from tracker.api.openapi_records import record_paths, record_schemas
from tracker.models.territory import LEVELS
from tracker.records.fields import PUBLIC_FIELDS, Field
from tracker.stats import METRICS
from tracker.vocab import INTEGRATION_LEVELS, MEASURE_STATUSES, PROGRAMME_KINDS

# The JSON type of each kind of measure field (lists aside).
_TYPES = {
    "text": "string",
    "longtext": "string",
    "reference": "string",
    "territory": "string",
    "choice": "string",
    "date": "string",
    "precision": "string",
    "programme": "integer",
    "count": "integer",
    "percent": "integer",
    "money": "number",
    "latitude": "number",
    "longitude": "number",
}
_LISTS = ("choices", "sectors", "partners")
_CODED = ("choice", *_LISTS)
# The keys of a measure that are not fields of the form.
_MEASURE_EXTRAS = {
    "id": {"type": "integer"},
    "territory_name_fr": {"type": "string"},
    "territory_name_ar": {"type": "string"},
    "region_code": {"type": "string", "description": "HCP code of the region"},
    "review_state": {"type": "string", "enum": ["validated", "submitted"]},
    "programme_kind": {
        "type": ["string", "null"],
        "enum": [*PROGRAMME_KINDS, None],
        "description": "Its programme's kind; null when it is in no public programme",
    },
    "programme_title": {"type": ["string", "null"], "description": "Its programme's title"},
    "programme_integration": {
        "type": ["string", "null"],
        "enum": [*INTEGRATION_LEVELS, None],
        "description": "How its programme integrates migration",
    },
}


def _filter_params() -> list[dict]:
    return [
        query_parameter("sector", {"type": "string"}, "A sector key (the SNIA's 11 programmes)"),
        query_parameter("status", {"type": "string", "enum": list(MEASURE_STATUSES)}),
        query_parameter("year", {"type": "integer"}, "Measures running at some time that year"),
        query_parameter(
            "since", {"type": "integer"}, "Measures running at some time from that year on"
        ),
    ]


def field_schema(field: Field) -> dict:
    """The JSON schema of a measure field's public value: its type (null allowed unless
    required), its bounds, its vocabulary's keys and its definition, in the language of
    the moment (`measure_schema` asks for English)."""
    enum = {"enum": list(field.vocabulary)} if field.vocabulary else {}
    if field.kind in _LISTS:
        schema: dict = {"type": "array", "items": {"type": "string", **enum}}
    else:
        kind = _TYPES[field.kind]
        schema = {"type": kind if field.required else [kind, "null"], **enum}
        if field.kind == "date":
            # A year, a month or a day, as given: its precision is the field after it.
            schema["pattern"] = r"^\d{4}(-\d{2}(-\d{2})?)?$"
        if field.max_length is not None:
            schema["maxLength"] = field.max_length
        for bound in ("minimum", "maximum"):
            if getattr(field, bound) is not None:
                schema[bound] = (int if kind == "integer" else float)(getattr(field, bound))
    # A coded field's definition tells how a file writes its keys; here the type and
    # the enum say it, and the label says what the field is.
    described = field.label if field.kind in _CODED else field.definition
    if described is not None:
        schema["description"] = str(described)
    return schema


def measure_schema() -> dict:
    """The schema of a public measure (`public_data.measure_item`), made from its fields."""
    properties = dict(_MEASURE_EXTRAS)
    groups: dict[str, dict] = {}
    with force_locale("en"):
        for field in PUBLIC_FIELDS:
            if field.group is None:
                properties[field.key] = field_schema(field)
            else:
                # A grouped count may be hidden: the string "<5".
                part = field.key.removeprefix(f"{field.group}_")
                count = {**field_schema(field), "type": ["integer", "string", "null"]}
                groups.setdefault(field.group, {})[part] = count
    for group, parts in groups.items():
        properties[group] = {"type": "object", "required": list(parts), "properties": parts}
    return {
        "type": "object",
        "description": (
            "A validated measure. beneficiaries holds total, women, men and minors; "
            'a count from 1 to 4 is the string "<5", and a count that would '
            "reveal it is hidden too."
        ),
        "required": list(properties),
        "properties": properties,
    }


def openapi_document() -> dict:
    """The API's description as a dict, ready for `jsonify`."""
    territory_item = {
        "type": "object",
        "required": ["code", "level", "name_fr", "name_ar", "parent_code", "population_2024"],
        "properties": {
            "code": {"type": "string", "example": "02.251.01.03", "description": "HCP code"},
            "level": {"type": "string", "enum": list(LEVELS)},
            "kind": {
                "type": "string",
                "enum": [
                    "region",
                    "province",
                    "prefecture",
                    "prefecture_of_arrondissements",
                    "urban",
                    "rural",
                ],
            },
            "name_fr": {"type": "string"},
            "name_ar": {"type": "string"},
            "parent_code": {"type": ["string", "null"]},
            "population_2024": {"type": ["integer", "null"]},
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Territorial migration-integration tracker API",
            "version": "1",
            "description": (
                "Public, read-only. Territory codes are HCP's (RGPH 2024) strings. "
                'Lists are paginated; errors answer {"error": {"code", "message"}}.'
            ),
            "license": {"name": "Census data: HCP, RGPH 2024 and 2014, CC BY 4.0"},
        },
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/territories": {
                "get": {
                    "summary": "List territories",
                    "parameters": [
                        query_parameter("level", {"type": "string", "enum": list(LEVELS)}),
                        query_parameter(
                            "parent", {"type": "string"}, "Code of the parent territory"
                        ),
                        {
                            "name": "q",
                            "in": "query",
                            "schema": {"type": "string", "maxLength": 100},
                            "description": (
                                "Part of a name in French or Arabic (case, accents and "
                                "Arabic short vowels ignored), or the start of a code"
                            ),
                        },
                        *page_parameters(),
                    ],
                    "responses": {
                        "200": list_response(
                            "#/components/schemas/Territory", "A page of territories"
                        ),
                        "400": error_response("A bad parameter"),
                    },
                }
            },
            "/territories/{code}": {
                "get": {
                    "summary": "One territory",
                    "parameters": [
                        {
                            "name": "code",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "The territory",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/TerritoryDetail"}
                                }
                            },
                        },
                        "404": error_response("No territory has this code"),
                    },
                }
            },
            "/measures": {
                "get": {
                    "summary": "Validated measures within a territory (its descendants included)",
                    "parameters": [
                        {"name": "territory", "in": "query", "schema": {"type": "string"}},
                        *_filter_params(),
                        *page_parameters(),
                    ],
                    "responses": {
                        "200": list_response("#/components/schemas/Measure", "A page of measures"),
                        "400": error_response("A bad parameter"),
                        "404": error_response("No territory has this code"),
                    },
                }
            },
            **record_paths(),
            "/stats": {
                "get": {
                    "summary": "A metric for every territory of a level",
                    "parameters": [
                        query_parameter(
                            "level", {"type": "string", "enum": list(LEVELS), "default": "region"}
                        ),
                        {
                            "name": "metric",
                            "in": "query",
                            "schema": {
                                "type": "string",
                                "enum": list(METRICS),
                                "default": "measures",
                            },
                        },
                        *_filter_params(),
                        *page_parameters(),
                    ],
                    "responses": {
                        "200": {
                            "description": (
                                "items {code, value} (value null where the territory has no "
                                "data), with the metric's key, label, definition and unit. "
                                "For beneficiaries, value is the sum of the counts of 5 or "
                                "more and small_counts_left_out how many smaller counts "
                                '(each "<5" in the measures) it leaves out, so that no sum '
                                "gives one away"
                            ),
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                        "400": error_response("A bad parameter"),
                    },
                }
            },
            "/boundaries/{level}.geojson": {
                "get": {
                    "summary": "Simplified boundaries of a level (RFC 7946, longitude then latitude)",
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
                            "description": (
                                "A FeatureCollection; properties code, name_fr, name_ar, parent_code"
                            ),
                            "content": {"application/geo+json": {"schema": {"type": "object"}}},
                        },
                        "404": error_response("Unknown level"),
                        "503": error_response("The boundaries have not been built yet"),
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Territory": territory_item,
                "TerritoryDetail": {
                    "allOf": [
                        {"$ref": "#/components/schemas/Territory"},
                        {
                            "type": "object",
                            "properties": {
                                "region_code": {"type": "string"},
                                "population_2014": {"type": ["integer", "null"]},
                                "households_2024": {"type": ["integer", "null"]},
                                "children_count": {"type": "integer"},
                                "summary": {
                                    "type": "object",
                                    "description": (
                                        "Every metric of /stats for this territory, by key; "
                                        "beneficiaries_small_counts_left_out as in /stats"
                                    ),
                                },
                            },
                        },
                    ]
                },
                "Measure": measure_schema(),
                **record_schemas(),
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["code", "message"],
                            "properties": {
                                "code": {"type": "string"},
                                "message": {"type": "string"},
                            },
                        }
                    },
                },
            }
        },
    }
