"""The OpenAPI description of the programmes and organisations lists: their paths and
their items' schemas, described in the language of the request."""

from __future__ import annotations

from flask_babel import gettext as _

from tracker.api.openapi_parts import (
    error_response,
    list_response,
    page_parameters,
    query_parameter,
    territory_parameter,
    year_schema,
)
from tracker.vocab import INTEGRATION_LEVELS, ORGANISATION_KINDS, PROGRAMME_KINDS


def _described(schema: dict, description: str) -> dict:
    return {**schema, "description": description}


def _programme() -> dict:
    properties = {
        "id": {"type": "integer"},
        "territory_code": {"type": "string", "description": _("HCP code of its collectivity")},
        "territory_name_fr": {
            "type": "string",
            "description": _("Its collectivity's name in French"),
        },
        "territory_name_ar": {
            "type": "string",
            "description": _("Its collectivity's name in Arabic"),
        },
        "region_code": {"type": "string", "description": _("HCP code of the region")},
        "kind": {"type": "string", "enum": list(PROGRAMME_KINDS)},
        "title": {"type": "string", "maxLength": 300},
        "first_year": _described(year_schema(), _("First year of the programme")),
        "last_year": _described(year_schema(), _("Last year of the programme")),
        "adopted_on": {"type": ["string", "null"], "format": "date"},
        "reference": {
            "type": ["string", "null"],
            "description": _("The deliberation's number and date"),
        },
        "integration": {
            "type": "string",
            "enum": list(INTEGRATION_LEVELS),
            "description": _("How it integrates migration"),
        },
        "review_state": {"type": "string", "enum": ["validated", "submitted"]},
        "measure_count": {
            "type": "integer",
            "minimum": 0,
            "description": _("Its public measures"),
        },
    }
    return {
        "type": "object",
        "description": _(
            "A validated programme of a collectivity (a commune's PAC, a provincial "
            "council's PDP, a regional council's PDR) and how it integrates migration."
        ),
        "required": list(properties),
        "properties": properties,
    }


def _organisation() -> dict:
    properties = {
        "id": {"type": "integer"},
        "name": {
            "type": "string",
            "maxLength": 200,
            "description": _("In the request's language (Arabic or French), else the other"),
        },
        "name_fr": {"type": ["string", "null"], "maxLength": 200},
        "name_ar": {"type": ["string", "null"], "maxLength": 200},
        "kind": {"type": "string", "enum": list(ORGANISATION_KINDS)},
        "country": {"type": "string", "description": _("ISO 3166 two-letter code")},
    }
    return {
        "type": "object",
        "description": _("A partner organisation of the collectivities' measures."),
        "required": list(properties),
        "properties": properties,
    }


def record_schemas() -> dict:
    """The schemas of a programme and an organisation, by their component names."""
    return {"Programme": _programme(), "Organisation": _organisation()}


def record_paths() -> dict:
    """The paths of the programmes and organisations lists."""
    return {
        "/programmes": {
            "get": {
                "summary": _("Validated programmes within a territory (its descendants included)"),
                "parameters": [
                    territory_parameter(),
                    query_parameter("kind", {"type": "string", "enum": list(PROGRAMME_KINDS)}),
                    query_parameter(
                        "integration", {"type": "string", "enum": list(INTEGRATION_LEVELS)}
                    ),
                    query_parameter("year", year_schema(), _("Programmes whose years include it")),
                    *page_parameters(),
                ],
                "responses": {
                    "200": list_response(
                        "#/components/schemas/Programme", _("A page of programmes")
                    ),
                    "400": error_response(_("A bad parameter")),
                    "404": error_response(_("No territory has this code")),
                },
            }
        },
        "/organisations": {
            "get": {
                "summary": _("Partner organisations, by name"),
                "parameters": page_parameters(),
                "responses": {
                    "200": list_response(
                        "#/components/schemas/Organisation", _("A page of organisations")
                    ),
                    "400": error_response(_("A bad parameter")),
                },
            }
        },
    }
