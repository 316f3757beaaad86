"""The columns of the measures exports: a column per exported field of a measure
(`tracker.records.fields`), with its heading and definition in the request's language,
and the few columns that say where the measure is (its number, its collectivity's names
and region)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l

from tracker.errors import JsonError
from tracker.privacy import public_states
from tracker.records.fields import EXPORTED_FIELDS, MEASURE_FIELDS, Field
from tracker.vocab import INTEGRATION_LEVELS, PROGRAMME_KINDS


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


# What a record's collectivity code says besides itself, in every export of records.
COLLECTIVITY_COLUMNS: tuple[Column, ...] = (
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
)


def check_row_limit(total: int, message: str) -> None:
    """Refuse (`JsonError` 400, "too_many_rows", `message`) an export of more than
    `EXPORT_MAX_ROWS` rows."""
    if total > row_limit():
        raise JsonError(400, "too_many_rows", message)


def row_limit() -> int:
    """The most rows one export may hold (`EXPORT_MAX_ROWS`, 100,000 unless configured)."""
    return int(current_app.config["EXPORT_MAX_ROWS"])


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
    "territory_code": COLLECTIVITY_COLUMNS,
    # The programme's number is not exported: what it is says more than an id.
    "programme_id": (
        Column(
            "programme_kind",
            _l("Programme: kind"),
            _l(
                "PAC, PDP, PDR or other: the kind of the collectivity's programme the "
                "measure belongs to; empty when it belongs to no validated programme."
            ),
            width=10,
        ),
        Column("programme_title", _l("Programme: title"), width=40),
        Column(
            "programme_integration",
            _l("Programme: how it integrates migration"),
            _l(
                "absent, mentioned or dedicated: how the measure's programme integrates "
                "migration (a dedicated axis or measures)."
            ),
            width=14,
        ),
    ),
}

# A good practice's parts (`public_data.good_practice_item`), each a column of its own.
PRACTICE = ("note", "marked_at")
PRACTICE_COLUMNS: tuple[Column, ...] = (
    Column(
        "good_practice_note",
        _l("Good practice: what made it work"),
        _l(
            "The regional coordinator's note on what made the measure work and what it "
            "needed; empty when it is not marked as a good practice."
        ),
        width=50,
    ),
    Column(
        "good_practice_marked_at",
        _l("Good practice: marked on (UTC)"),
        _l("When the coordinator marked it as a good practice (ISO 8601, UTC)."),
        width=20,
    ),
)

COLUMNS: tuple[Column, ...] = (
    *_PLACED[None],
    *(
        column
        for field in MEASURE_FIELDS
        for column in (
            *((field_column(field),) if field.exported else ()),
            *_PLACED.get(field.key, ()),
        )
    ),
    *PRACTICE_COLUMNS,
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
VOCABULARIES = (
    ("programme_kind", PROGRAMME_KINDS),
    ("programme_integration", INTEGRATION_LEVELS),
    *((field.key, field.vocabulary) for field in EXPORTED_FIELDS if field.vocabulary is not None),
)


def export_columns() -> tuple[Column, ...]:
    """The columns of this installation's exports (with the review state when
    submitted records are public)."""
    if "submitted" in public_states():
        return (*COLUMNS, REVIEW_COLUMN)
    return COLUMNS
