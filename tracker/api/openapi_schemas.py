"""The schemas of what the API answers: a territory and its profile, a measure (made from
its fields), a metric's values for `/stats` (made from `METRICS`) and the error envelope,
each described in the language of the request."""

from __future__ import annotations

from flask_babel import gettext as _

from tracker.api.openapi_parts import sector_keys, year_schema
from tracker.models.territory import LEVELS
from tracker.records.fields import PUBLIC_FIELDS, Field
from tracker.stats import METRICS, NO_VALUE_REASONS, Metric
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
# The JSON type of a metric's value, by unit; a unit not named here is a category's key.
_VALUE_TYPES = {
    "count": "integer",
    "ratio": "number",
    "money": "number",
    "percent": "number",
    "score": "number",
}
TERRITORY_KINDS = (
    "region",
    "province",
    "prefecture",
    "prefecture_of_arrondissements",
    "urban",
    "rural",
)


def _string(description: str | None = None, **more) -> dict:
    schema = {"type": "string", **more}
    if description:
        schema["description"] = description
    return schema


def field_schema(field: Field) -> dict:
    """The JSON schema of a measure field's public value: its type (null allowed unless
    required), its bounds, its vocabulary's keys (the sectors' keys for the sectors) and
    its definition, in the language of the request."""
    vocabulary = sector_keys() if field.kind == "sectors" else field.vocabulary
    enum = {"enum": list(vocabulary)} if vocabulary else {}
    if field.kind in _LISTS:
        schema: dict = {"type": "array", "items": {"type": "string", **enum}}
    else:
        kind = _TYPES[field.kind]
        schema = {"type": kind if field.required else [kind, "null"], **enum}
        if enum and not field.required:
            schema["enum"] = [*enum["enum"], None]
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


def _measure_extras() -> dict:
    """The keys of a public measure that are not fields of the form."""
    return {
        "id": {"type": "integer"},
        "territory_name_fr": _string(_("Its collectivity's name in French")),
        "territory_name_ar": _string(_("Its collectivity's name in Arabic")),
        "region_code": _string(_("HCP code of the region")),
        "review_state": _string(enum=["validated", "submitted"]),
        "programme_kind": {
            "type": ["string", "null"],
            "enum": [*PROGRAMME_KINDS, None],
            "description": _("Its programme's kind; null when it is in no public programme"),
        },
        "programme_title": {"type": ["string", "null"], "description": _("Its programme's title")},
        "programme_integration": {
            "type": ["string", "null"],
            "enum": [*INTEGRATION_LEVELS, None],
            "description": _("How its programme integrates migration"),
        },
        "good_practice": good_practice_schema(),
    }


def good_practice_schema() -> dict:
    """A measure's good-practice mark: its coordinator's note and when it was marked;
    null for a measure that is no good practice."""
    parts = {
        "note": _string(_("What made it work and what it needed, as the coordinator wrote it")),
        "marked_at": _string(_("When it was marked (UTC)"), format="date-time"),
    }
    return {
        "type": ["object", "null"],
        "description": _(
            "Marked as a good practice by its region's coordinator; null when it is not"
        ),
        "required": list(parts),
        "properties": parts,
    }


def measure_schema() -> dict:
    """The schema of a public measure (`public_data.measure_item`), made from its fields."""
    properties = _measure_extras()
    groups: dict[str, dict] = {}
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
        "description": _(
            "A validated measure. beneficiaries holds total, women, men and minors; a count "
            'from 1 to 4 is the string "<5", and a count that would reveal it is hidden too.'
        ),
        "required": list(properties),
        "properties": properties,
    }


def territory_schema() -> dict:
    """A territory as the territories list gives it."""
    properties = {
        "code": _string(_("HCP code"), example="02.251.01.03"),
        "level": _string(enum=list(LEVELS)),
        "kind": _string(enum=list(TERRITORY_KINDS)),
        "name_fr": _string(_("Name in French")),
        "name_ar": _string(_("Name in Arabic")),
        "parent_code": {"type": ["string", "null"], "description": _("HCP code of its parent")},
        "population_2024": {
            "type": ["integer", "null"],
            "description": _("Population, HCP census 2024"),
        },
    }
    return {"type": "object", "required": list(properties), "properties": properties}


def metric_value_schema(metric: Metric) -> dict:
    """A metric's value for a territory: by its unit, a whole number, a decimal one or a
    category's key; null where the territory has no record."""
    described = f"{metric.label} ({metric.unit})"
    if _categorical(metric):
        return {"type": ["object", "null"], "description": described, **_category_schema(metric)}
    return {"type": [_VALUE_TYPES[metric.unit], "null"], "description": described}


def _category_schema(metric: Metric) -> dict:
    """A category's key (one of the metric's) and its label in the request's language."""
    properties = {
        "key": _string(enum=list(metric.categories)),
        "label": _string(_("The category's name, for a metric of categories")),
    }
    return {"required": ["key", "label"], "properties": properties}


def _left_out(metric: Metric) -> dict:
    return {
        "type": "integer",
        "minimum": 0,
        "description": _(
            "%(metric)s: how many counts under the threshold the sum leaves out, each shown "
            'as "<5" in the measures, so that no sum gives one away',
            metric=metric.label,
        ),
    }


def _categorical(metric: Metric) -> bool:
    return metric.unit not in _VALUE_TYPES


def territory_detail_schema() -> dict:
    """A territory's profile: the territory, its census figures, its children's count and
    every metric for it, by key (`METRICS`)."""
    summary: dict = {}
    for key, metric in METRICS.items():
        summary[key] = metric_value_schema(metric)
        if metric.counts_people:
            summary[f"{key}_small_counts_left_out"] = _left_out(metric)
    extra = {
        "region_code": _string(_("HCP code of the region")),
        "population_2014": {
            "type": ["integer", "null"],
            "description": _("Population, HCP census 2014"),
        },
        "households_2024": {
            "type": ["integer", "null"],
            "description": _("Households, HCP census 2024"),
        },
        "children_count": {"type": "integer", "description": _("Territories directly inside")},
        "summary": {
            "type": "object",
            "description": _("Every metric of /stats for this territory, by key"),
            "properties": summary,
        },
    }
    return {
        "allOf": [
            {"$ref": "#/components/schemas/Territory"},
            {"type": "object", "required": list(extra), "properties": extra},
        ]
    }


def stats_item_schema() -> dict:
    """An item of `/stats`: a territory's code and its value of the metric asked for, with
    the small counts a count of people leaves out and a category's label, for the metrics
    (`METRICS`) that have them."""
    values = [metric_value_schema(m) for m in METRICS.values()]
    kinds = sorted({t for v in values for t in v["type"]} - {"null"}) + ["null"]
    properties: dict = {
        "code": _string(_("HCP code")),
        "value": {
            "type": kinds,
            "description": _(
                "The metric's value; null where the territory has no record, which is not zero"
            ),
        },
    }
    properties["reason"] = _string(
        _(
            "Why the value is null: not given for the level, not assessed (no validated "
            "self-assessment), no public record, or none the filters keep"
        ),
        enum=list(NO_VALUE_REASONS),
    )
    for metric in METRICS.values():
        if metric.counts_people:
            properties["small_counts_left_out"] = _left_out(metric)
        if _categorical(metric):
            # A category's value is an object: its key and its label.
            properties["value"].update(_category_schema(metric))
    return {"type": "object", "required": ["code", "value"], "properties": properties}


def stats_schema() -> dict:
    """The answer of `/stats`: the metric, the level, the filters and a page of items."""
    metric = {
        "key": _string(enum=list(METRICS)),
        "label": _string(),
        "definition": _string(),
        "unit": _string(enum=sorted({m.unit for m in METRICS.values()})),
    }
    filters = {
        "sector": {"type": ["string", "null"], "enum": [*sector_keys(), None]},
        "status": {"type": ["string", "null"], "enum": [*MEASURE_STATUSES, None]},
        "year": {**year_schema(), "type": ["integer", "null"]},
        "since": {**year_schema(), "type": ["integer", "null"]},
    }
    properties = {
        "metric": {"type": "object", "required": list(metric), "properties": metric},
        "level": _string(enum=list(LEVELS)),
        "filters": {"type": "object", "required": list(filters), "properties": filters},
        "items": {"type": "array", "items": {"$ref": "#/components/schemas/StatsItem"}},
        "page": {"type": "integer"},
        "per_page": {"type": "integer"},
        "total": {"type": "integer"},
    }
    return {"type": "object", "required": list(properties), "properties": properties}


def error_schema() -> dict:
    """The error envelope: a stable code, a message in the language asked for and, for a
    bad parameter, the parameter's name."""
    error = {
        "code": _string(_("Stable, for programs: bad_parameter, not_found...")),
        "message": _string(_("In the language asked for, naming the field")),
        "parameter": _string(_("The parameter refused, for a bad parameter")),
    }
    return {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {"type": "object", "required": ["code", "message"], "properties": error}
        },
    }
