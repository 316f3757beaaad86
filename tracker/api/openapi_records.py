"""The OpenAPI description of the programmes and organisations lists: their paths and
their items' schemas."""

from __future__ import annotations

from tracker.api.openapi_parts import (
    error_response,
    list_response,
    page_parameters,
    query_parameter,
)
from tracker.vocab import INTEGRATION_LEVELS, ORGANISATION_KINDS, PROGRAMME_KINDS

_PROGRAMME = {
    "type": "object",
    "description": (
        "A validated programme of a collectivity (a commune's PAC, a provincial council's "
        "PDP, a regional council's PDR) and how it integrates migration."
    ),
    "properties": {
        "id": {"type": "integer"},
        "territory_code": {"type": "string", "description": "HCP code of its collectivity"},
        "territory_name_fr": {"type": "string"},
        "territory_name_ar": {"type": "string"},
        "region_code": {"type": "string", "description": "HCP code of the region"},
        "kind": {"type": "string", "enum": list(PROGRAMME_KINDS)},
        "title": {"type": "string", "maxLength": 300},
        "first_year": {"type": "integer"},
        "last_year": {"type": "integer"},
        "adopted_on": {"type": ["string", "null"], "format": "date"},
        "reference": {
            "type": ["string", "null"],
            "description": "The deliberation's number and date",
        },
        "integration": {"type": "string", "enum": list(INTEGRATION_LEVELS)},
        "review_state": {"type": "string", "enum": ["validated", "submitted"]},
        "measure_count": {"type": "integer", "description": "Its public measures"},
    },
}
_PROGRAMME["required"] = list(_PROGRAMME["properties"])

_ORGANISATION = {
    "type": "object",
    "description": "A partner organisation of the collectivities' measures.",
    "properties": {
        "id": {"type": "integer"},
        "name": {
            "type": "string",
            "maxLength": 200,
            "description": "In the request's language (Arabic or French), else the other",
        },
        "name_fr": {"type": ["string", "null"], "maxLength": 200},
        "name_ar": {"type": ["string", "null"], "maxLength": 200},
        "kind": {"type": "string", "enum": list(ORGANISATION_KINDS)},
        "country": {"type": "string", "description": "ISO 3166 two-letter code"},
    },
}
_ORGANISATION["required"] = ["id", "name", "kind", "country"]


def record_schemas() -> dict:
    """The schemas of a programme and an organisation, by their component names."""
    return {"Programme": _PROGRAMME, "Organisation": _ORGANISATION}


def record_paths() -> dict:
    """The paths of the programmes and organisations lists."""
    return {
        "/programmes": {
            "get": {
                "summary": "Validated programmes within a territory (its descendants included)",
                "parameters": [
                    query_parameter("territory", {"type": "string"}, "HCP code of a territory"),
                    query_parameter("kind", {"type": "string", "enum": list(PROGRAMME_KINDS)}),
                    query_parameter(
                        "integration", {"type": "string", "enum": list(INTEGRATION_LEVELS)}
                    ),
                    query_parameter(
                        "year", {"type": "integer"}, "Programmes whose years include it"
                    ),
                    *page_parameters(),
                ],
                "responses": {
                    "200": list_response("#/components/schemas/Programme", "A page of programmes"),
                    "400": error_response("A bad parameter"),
                    "404": error_response("No territory has this code"),
                },
            }
        },
        "/organisations": {
            "get": {
                "summary": "Partner organisations, by name",
                "parameters": page_parameters(),
                "responses": {
                    "200": list_response(
                        "#/components/schemas/Organisation", "A page of organisations"
                    ),
                    "400": error_response("A bad parameter"),
                },
            }
        },
    }
