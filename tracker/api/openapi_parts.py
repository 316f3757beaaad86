"""The pieces the OpenAPI description repeats: a query parameter, the filters, a year, an
error answer, the pagination parameters and a page of a list, described in the language
of the request."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Sector
from tracker.params import DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE
from tracker.records.values import FIRST_YEAR, LAST_YEAR
from tracker.vocab import MEASURE_STATUSES


def query_parameter(name: str, schema: dict, description: str | None = None) -> dict:
    """A query parameter of `schema`, with its description when it has one."""
    parameter = {"name": name, "in": "query", "schema": schema}
    if description:
        parameter["description"] = description
    return parameter


def sector_keys() -> list[str]:
    """The keys of the SNIA's sectors, in the reference order (they are data, not code)."""
    return list(db.session.scalars(select(Sector.key).order_by(Sector.position)))


# A text parameter holds something other than spaces, and no NUL character: the API
# refuses a blank one, and every request refuses a NUL (`errors`). "Spaces" are what
# Python's strip() takes away: JSON Schema's \s and also the separators U+001C-U+001F
# and U+0085, which it does not count.
NOT_BLANK = r"^[^\u0000]*[^\s\u0000\u001c-\u001f\u0085][^\u0000]*$"


def year_schema() -> dict:
    """A year a record or a filter may name, from `FIRST_YEAR` to `LAST_YEAR`."""
    return {"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR}


def territory_parameter() -> dict:
    """The `territory` filter: an HCP code, the territories inside it included."""
    return query_parameter(
        "territory",
        {"type": "string", "pattern": NOT_BLANK, "example": "02.251.01.03"},
        _(
            "HCP code of a territory: its own council's records and those of the territories "
            "inside it"
        ),
    )


def filter_parameters() -> list[dict]:
    """`sector`, `status`, `year` and `since`, the filters the measures and the figures share."""
    return [
        query_parameter(
            "sector",
            {"type": "string", "enum": sector_keys()},
            _("A sector key (the SNIA's 11 programmes)"),
        ),
        query_parameter("status", {"type": "string", "enum": list(MEASURE_STATUSES)}),
        query_parameter("year", year_schema(), _("Measures running at some time that year")),
        query_parameter(
            "since", year_schema(), _("Measures running at some time from that year on")
        ),
    ]


def error_response(description: str) -> dict:
    """An answer holding the error envelope (`#/components/schemas/Error`)."""
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def page_parameters() -> list[dict]:
    """`page` and `per_page`, with their bounds and defaults."""
    return [
        query_parameter(
            "page",
            {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
            _("The page asked for, from 1"),
        ),
        query_parameter(
            "per_page",
            {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE},
            _("Items per page"),
        ),
    ]


def json_response(ref: str, description: str) -> dict:
    """An answer holding one JSON object of the schema `ref` names."""
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": ref}}},
    }


def list_response(ref: str, description: str) -> dict:
    """A page of a list of the items `ref` names: items, page, per_page, total."""
    return {
        "description": description,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["items", "page", "per_page", "total"],
                    "properties": {
                        "items": {"type": "array", "items": {"$ref": ref}},
                        "page": {"type": "integer"},
                        "per_page": {"type": "integer"},
                        "total": {"type": "integer", "description": _("Items in every page")},
                    },
                }
            }
        },
    }
