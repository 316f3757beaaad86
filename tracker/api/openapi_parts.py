"""The pieces the OpenAPI description repeats: a query parameter, an error answer, the
pagination parameters and a page of a list."""

from __future__ import annotations

from tracker.params import DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE


def query_parameter(name: str, schema: dict, description: str | None = None) -> dict:
    """A query parameter of `schema`, with its description when it has one."""
    parameter = {"name": name, "in": "query", "schema": schema}
    if description:
        parameter["description"] = description
    return parameter


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
            "page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}
        ),
        query_parameter(
            "per_page",
            {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE},
        ),
    ]


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
                        "total": {"type": "integer"},
                    },
                }
            }
        },
    }
