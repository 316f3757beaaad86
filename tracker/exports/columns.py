"""The columns of the measures exports: a column per field of a public measure, with its
heading and definition in the request's language, and how its values are written."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from tracker.privacy import public_states
from tracker.vocab import FUNDING_SOURCES, MEASURE_KINDS, MEASURE_STATUSES, TARGET_GROUPS


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


_PARTS_DEFINITION = _l(
    "Part of the total. When one of women and men is hidden and the total is shown, the "
    "other is hidden too, so that it cannot be worked out by subtraction."
)

COLUMNS: tuple[Column, ...] = (
    Column(
        "id",
        _l("Measure number"),
        _l("The tracker's number for the measure; it does not change from one export to the next."),
        "number",
        10,
    ),
    Column(
        "territory_code",
        _l("Collectivity code"),
        _l(
            "HCP 2024 code of the collectivity that carries the measure: a commune "
            "(such as 02.251.01.03), a provincial or prefectural council (02.251) or a "
            "regional council (02). It is text: keep the leading zero."
        ),
        width=14,
    ),
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
    Column("title", _l("Title"), width=50),
    Column("description", _l("Description"), width=60),
    Column(
        "kind",
        _l("Kind of measure"),
        _l("A key; the keys and their labels are listed below."),
        width=14,
    ),
    Column(
        "sectors",
        _l("Sectors"),
        _l(
            "Programmes of the National Strategy for Immigration and Asylum (SNIA) the "
            "measure addresses, as keys separated by |; listed below."
        ),
        "list",
        30,
    ),
    Column(
        "target_groups",
        _l("Target groups"),
        _l("Who the measure is for, as keys separated by |; listed below."),
        "list",
        30,
    ),
    Column(
        "status",
        _l("Status"),
        _l("Where the measure stands, as a key; listed below."),
        width=12,
    ),
    Column(
        "start_date",
        _l("Start date"),
        _l(
            "Dates as YYYY-MM-DD. The year filter keeps the measures that started by the "
            "end of that year and had not ended before its start."
        ),
        "date",
        12,
    ),
    Column(
        "end_date",
        _l("End date"),
        _l("Empty when the measure has no planned end."),
        "date",
        12,
    ),
    Column(
        "budget_planned",
        _l("Budget planned (MAD)"),
        _l("Amount planned for the measure, in Moroccan dirhams."),
        "money",
    ),
    Column(
        "budget_spent",
        _l("Budget spent (MAD)"),
        _l("Amount spent on the measure so far, in Moroccan dirhams."),
        "money",
    ),
    Column(
        "overspend_reason",
        _l("Reason for overspending (if more was spent than planned)"),
        _l("Why more was spent than planned, as the collectivity explains it."),
        width=40,
    ),
    Column(
        "funding_sources",
        _l("Funding sources"),
        _l("Who pays, as keys separated by |; listed below."),
        "list",
        24,
    ),
    Column(
        "partners",
        _l("Partner organisations"),
        _l("Names of the partner organisations as registered in the tracker, separated by |."),
        "list",
        30,
    ),
    Column(
        "beneficiaries_total",
        _l("Beneficiaries: total"),
        _l(
            "People the measure reached: an aggregate count declared by the collectivity, "
            "never a list of people. Small counts are hidden (see above)."
        ),
        "number",
    ),
    Column("beneficiaries_women", _l("Beneficiaries: women"), _PARTS_DEFINITION, "number"),
    Column("beneficiaries_men", _l("Beneficiaries: men"), _PARTS_DEFINITION, "number"),
    Column(
        "beneficiaries_minors",
        _l("Beneficiaries: minors"),
        _l("People under 18 among the beneficiaries."),
        "number",
    ),
    Column(
        "progress",
        _l("Progress, in percent"),
        _l("Progress as the collectivity estimates it, from 0 to 100."),
        "number",
        10,
    ),
    Column(
        "evidence",
        _l("Evidence"),
        _l("Where the proof of the measure is: a link, a deliberation number or a note."),
        width=40,
    ),
    Column(
        "latitude",
        _l("Latitude"),
        _l(
            "Where the measure is a place (a centre, a desk): WGS 84 decimal degrees. "
            "Empty otherwise."
        ),
        "coordinate",
        12,
    ),
    Column(
        "longitude",
        _l("Longitude"),
        _l("WGS 84 decimal degrees, negative west of Greenwich."),
        "coordinate",
        12,
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
VOCABULARIES = (
    ("kind", MEASURE_KINDS),
    ("target_groups", TARGET_GROUPS),
    ("status", MEASURE_STATUSES),
    ("funding_sources", FUNDING_SOURCES),
)


def export_columns() -> tuple[Column, ...]:
    """The columns of this installation's exports (with the review state when
    submitted records are public)."""
    if "submitted" in public_states():
        return (*COLUMNS, REVIEW_COLUMN)
    return COLUMNS
