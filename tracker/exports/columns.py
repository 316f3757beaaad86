"""The columns of the measures exports: a column per exported field of a measure
(`tracker.records.fields`), with its heading and definition in the request's language,
and the few columns that say where the measure is (its number, its collectivity's names
and region)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from tracker.privacy import public_states
from tracker.records.fields import EXPORTED_FIELDS, Field


@dataclass(frozen=True)
class Column:
    """A column of the CSV and XLSX exports, and a property of the GeoJSON features.

    `key` is the field of `measure_item` (beneficiaries flattened as
    `beneficiaries_total`...); `heading` and `definition` are translated when the file
    is written; `kind` says how a value is written (text, number, money, date,
    coordinate, list).
    """

    key: str
    heading: object
    definition: object | None = None
    kind: str = "text"
    width: int = 16


# How a field's values are written, by its kind; any other kind is text.
_WRITTEN_AS = {
    "count": "number",
    "percent": "number",
    "money": "money",
    "date": "date",
    "latitude": "coordinate",
    "longitude": "coordinate",
    "choices": "list",
    "sectors": "list",
    "partners": "list",
}


def field_column(field: Field) -> Column:
    """The export column of a measure's field."""
    return Column(
        field.key,
        field.export_heading,
        field.definition,
        _WRITTEN_AS.get(field.kind, "text"),
        field.width,
    )


# The columns that are not a measure's fields, each after the field it follows (None: first).
_PLACED = {
    None: (
        Column(
            "id",
            _l("Measure number"),
            _l(
                "The tracker's number for the measure; it does not change from one export to "
                "the next."
            ),
            "number",
            10,
        ),
    ),
    "territory_code": (
        Column(
            "territory_name_fr",
            _l("Collectivity (French name)"),
            _l("Names as the HCP publishes them."),
            width=24,
        ),
        Column("territory_name_ar", _l("Collectivity (Arabic name)"), width=24),
        Column(
            "region_code",
            _l("Region code"),
            _l("HCP code of the region the collectivity is in."),
            width=10,
        ),
    ),
}

COLUMNS: tuple[Column, ...] = (
    *_PLACED[None],
    *(
        column
        for field in EXPORTED_FIELDS
        for column in (field_column(field), *_PLACED.get(field.key, ()))
    ),
)

# Added when the `PUBLIC_SHOW_SUBMITTED` setting makes submitted records public too,
# so that they are marked as such.
REVIEW_COLUMN = Column(
    "review_state",
    _l("Review state"),
    _l(
        "validated, or submitted: sent for review and not yet validated by the "
        "regional coordinator."
    ),
    width=12,
)

# The coded columns whose keys the About sheet lists with their labels (sectors are data).
VOCABULARIES = tuple(
    (field.key, field.vocabulary) for field in EXPORTED_FIELDS if field.vocabulary is not None
)


def export_columns() -> tuple[Column, ...]:
    """The columns of this installation's exports (with the review state when
    submitted records are public)."""
    if "submitted" in public_states():
        return (*COLUMNS, REVIEW_COLUMN)
    return COLUMNS
