"""The OpenAPI description of the published self-assessments list: its path and its
item's schema, described in the language of the request."""

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
from tracker.models.territory import LEVELS


def _score(description: str) -> dict:
    return {"type": ["number", "null"], "minimum": 0, "maximum": 100, "description": description}


def _nullable_text(description: str) -> dict:
    return {"type": ["string", "null"], "description": description}


def _answer() -> dict:
    properties = {
        "question": {"type": "string", "description": _("The question's key: Q1, Q2...")},
        "points": {
            "type": ["integer", "null"],
            "minimum": 0,
            "maximum": 3,
            "description": _("0 to 3; null when not applicable"),
        },
        "not_applicable": {"type": "boolean"},
        "evidence_reference": _nullable_text(_("A deliberation's number and date, an act")),
        "evidence_url": _nullable_text(_("A link to the evidence")),
        "evidence_text": _nullable_text(_("A short text of evidence")),
        "measures": {
            "type": "array",
            "items": {"type": "integer"},
            "description": _("The numbers of the public measures cited as evidence"),
        },
    }
    return {"type": "object", "required": list(properties), "properties": properties}


def _dimension() -> dict:
    properties = {
        "key": {"type": "string", "description": _("The dimension's key: D1, D2...")},
        "score": _score(_("0 to 100, one decimal; null without any applicable question")),
        "potential": {
            "type": "integer",
            "minimum": 0,
            "description": _("The number of applicable questions"),
        },
    }
    return {"type": "object", "required": list(properties), "properties": properties}


def assessment_schema() -> dict:
    """A published self-assessment (`tracker.api.assessments.assessment_item`)."""
    territory = {
        "code": {"type": "string", "description": _("HCP code")},
        "name_fr": {"type": "string", "description": _("Name in French")},
        "name_ar": {"type": "string", "description": _("Name in Arabic")},
        "level": {"type": "string", "enum": list(LEVELS)},
    }
    properties = {
        "id": {"type": "integer"},
        "territory": {"type": "object", "required": list(territory), "properties": territory},
        "year": year_schema(),
        "indicator_version": {
            "type": "integer",
            "minimum": 1,
            "description": _("The version of the indicator set it was answered under"),
        },
        "score": _score(_("The overall score: the mean of the dimensions' scores")),
        "dimensions": {"type": "array", "items": _dimension()},
        "complete": {"type": "boolean", "description": _("Whether every question is answered")},
        "answers": {"type": "array", "items": _answer()},
    }
    return {
        "type": "object",
        "description": _(
            "A collectivity's validated self-assessment for one year, scored as the "
            "methodology page says (/methodology)."
        ),
        "required": list(properties),
        "properties": properties,
    }


def assessment_paths() -> dict:
    """The path of the assessments list."""
    return {
        "/assessments": {
            "get": {
                "summary": _(
                    "Validated self-assessments within a territory (its descendants included)"
                ),
                "parameters": [
                    territory_parameter(),
                    query_parameter("year", year_schema(), _("The year assessed")),
                    *page_parameters(),
                ],
                "responses": {
                    "200": list_response(
                        "#/components/schemas/Assessment", _("A page of assessments")
                    ),
                    "400": error_response(_("A bad parameter")),
                    "404": error_response(_("No territory has this code")),
                },
            }
        }
    }
