"""The programmes exports: the public programmes the API's filters keep (`territory`,
`kind`, `integration`, `year`), as CSV, XLSX or GeoJSON.

- Only public programmes (validated; submitted ones too when `PUBLIC_SHOW_SUBMITTED` is
  set, with a review-state column), read through `tracker.public_data.programmes_query`,
  the query of `GET /api/v1/programmes`; never a draft, a returned or a deleted one.
- Written as the measures exports are (`tracker.exports.measures`): translated headings,
  CSV guarded against formulas, XLSX with an About sheet, GeoJSON at the collectivity.
- A bad filter is refused with `BadParameter`, more than `EXPORT_MAX_ROWS` programmes
  with `JsonError`: both answer 400 as JSON.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import Select

from tracker import public_data
from tracker.exports.columns import (
    COLLECTIVITY_COLUMNS,
    REVIEW_COLUMN,
    Column,
    check_row_limit,
    row_limit,
)
from tracker.exports.measures import (
    BATCH,
    column_rows,
    records_workbook,
    summary_rows,
    territory_row,
)
from tracker.models import Territory
from tracker.params import parse_choice, parse_territory, parse_year
from tracker.privacy import public_states
from tracker.vocab import INTEGRATION_LEVELS, PROGRAMME_KINDS

# A column per key of `public_data.programme_item`, in its order.
COLUMNS: tuple[Column, ...] = (
    Column(
        "id",
        _l("Programme number"),
        _l("The tracker's number for the programme; its page is /programmes/NUMBER."),
        "number",
        10,
    ),
    Column("territory_code", _l("Collectivity code"), _l("HCP code of the collectivity.")),
    *COLLECTIVITY_COLUMNS,
    Column("kind", _l("Kind of programme"), _l("PAC, PDP, PDR or other."), width=10),
    Column("title", _l("Title"), width=40),
    Column("first_year", _l("First year"), kind="number", width=10),
    Column("last_year", _l("Last year"), kind="number", width=10),
    Column("adopted_on", _l("Adoption date"), kind="date", width=12),
    Column("reference", _l("Reference"), width=24),
    Column(
        "integration",
        _l("How migration is integrated"),
        _l("absent, mentioned or dedicated (a dedicated axis or measures)."),
        width=14,
    ),
    Column(
        "measure_count",
        _l("Public measures"),
        _l("How many public measures the programme holds."),
        "number",
        10,
    ),
)

# The coded columns whose keys the About sheet lists with their labels.
VOCABULARIES = (("kind", PROGRAMME_KINDS), ("integration", INTEGRATION_LEVELS))


def export_columns() -> tuple[Column, ...]:
    """The columns of this installation's programmes exports (with the review state
    when submitted records are public)."""
    if "submitted" in public_states():
        return (*COLUMNS, REVIEW_COLUMN)
    return COLUMNS


@dataclass(frozen=True)
class Selection:
    """The programmes an export holds: the request's filters and the query they make."""

    territory: Territory | None
    kind: str | None
    integration: str | None
    year: int | None
    query: Select


def selection_from(args) -> Selection:
    """The public programmes the query string `args` asks for.

    Raises `BadParameter` for a bad territory, kind, integration or year, and
    `JsonError` (400) when more programmes match than an export may hold.
    """
    territory = parse_territory(args)
    kind = parse_choice(args, "kind", PROGRAMME_KINDS)
    integration = parse_choice(args, "integration", INTEGRATION_LEVELS)
    year = parse_year(args)
    code = territory.code if territory else None
    query = public_data.programmes_query(code, kind, integration, year)
    total = public_data.count_rows(query)
    check_row_limit(
        total,
        ngettext(
            "This export would hold %(num)d programme, more than the %(max)d an "
            "export may hold. Choose a territory, a kind or a year to narrow it.",
            "This export would hold %(num)d programmes, more than the %(max)d an "
            "export may hold. Choose a territory, a kind or a year to narrow it.",
            total,
            max=row_limit(),
        ),
    )
    return Selection(territory, kind, integration, year, query)


def export_items(query: Select) -> Iterator[dict]:
    """The programmes of `query` as `programme_item`s, read `BATCH` at a time in a
    stable order, each with its number of public measures."""
    offset = 0
    while True:
        batch = public_data.load_programmes(query, limit=BATCH, offset=offset)
        counts = public_data.public_measure_counts([p.id for p in batch])
        for programme in batch:
            yield public_data.programme_item(programme, counts.get(programme.id, 0))
        if len(batch) < BATCH:
            return
        offset += BATCH


def name_parts(selection: Selection) -> list[str]:
    """The words a download's name takes from the filters: kind, integration, year."""
    year = str(selection.year) if selection.year else ""
    return [selection.kind or "", selection.integration or "", year]


def _about_rows(
    selection: Selection, columns: tuple[Column, ...], count: int, now: datetime, lang: str
) -> list[tuple[bool, list]]:
    """The rows of the About sheet as (heading?, cells)."""
    every = _("All")
    kind, integration = selection.kind, selection.integration
    title = _("Programmes of the collectivities and how they integrate migration")
    rows = summary_rows(title, _("Number of programmes"), count, now)
    rows += [
        (False, []),
        (True, [_("Filters")]),
        territory_row(selection.territory, lang),
        (False, [_("Kind of programme"), f"{PROGRAMME_KINDS[kind]} ({kind})" if kind else every]),
        (
            False,
            [
                _("How migration is integrated"),
                f"{INTEGRATION_LEVELS[integration]} ({integration})" if integration else every,
            ],
        ),
        (
            False,
            [
                _("Year"),
                _("%(year)d: programmes running at some time that year", year=selection.year)
                if selection.year
                else every,
            ],
        ),
    ]
    meanings = [
        (key, code, label) for key, vocabulary in VOCABULARIES for code, label in vocabulary.items()
    ]
    return rows + column_rows(columns, meanings)


def xlsx_body(
    selection: Selection, columns: Iterable[Column], items: Iterable[dict], now: datetime
) -> bytes:
    """The XLSX workbook: the programmes on the first sheet (right to left in Arabic),
    then a sheet that says what the export holds, its filters, date and sources."""
    columns = tuple(columns)
    return records_workbook(
        _("Programmes"),
        columns,
        items,
        lambda count, lang: _about_rows(selection, columns, count, now, lang),
    )
