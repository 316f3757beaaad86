"""The measures exports: the public measures the API's filters keep (`territory`,
`sector`, `status`, `year`, `since`, `good_practice`), as CSV, XLSX or GeoJSON.

- Only public records (validated; submitted ones too when `PUBLIC_SHOW_SUBMITTED` is
  set, with a review-state column), read through `tracker.public_data`, so small
  beneficiary counts are hidden exactly as on the pages and in the API.
- CSV and XLSX headings follow the request's language; the GeoJSON's property names are
  the column keys, which never change.
- A bad filter is refused with `BadParameter`, an export of more than `EXPORT_MAX_ROWS`
  measures (100,000 unless configured) with `JsonError`: both answer 400 as JSON.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import ngettext
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from sqlalchemy import Select, select

from tracker import geography, public_data, writers
from tracker.exports.columns import (
    PRACTICE,
    REVIEW_COLUMN,
    VOCABULARIES,
    Column,
    check_row_limit,
    row_limit,
)
from tracker.extensions import db
from tracker.i18n import address_in_language, current_language
from tracker.models import Measure, Sector, Territory
from tracker.params import parse_filters, parse_good_practice, parse_territory
from tracker.privacy import hidden_label, public_states, threshold
from tracker.stats import Filters
from tracker.vocab import REVIEW_STATES

# Measures read from the database at a time, so a large export never holds them all.
BATCH = 1_000


@dataclass(frozen=True)
class Selection:
    """The measures an export holds: the request's filters and the query they make."""

    territory: Territory | None
    filters: Filters
    query: Select


def selection_from(args) -> Selection:
    """The public measures the query string `args` asks for.

    Raises `BadParameter` for a bad territory, sector, status, year or `good_practice`
    (1: the good practices only), and `JsonError`
    (400) when more measures match than an export may hold.
    """
    filters = parse_filters(args)
    territory = parse_territory(args)
    query = public_data.measures_query(territory.code if territory else None, filters)
    if parse_good_practice(args):
        query = query.where(Measure.good_practice_shown)
    total = public_data.count_measures(query)
    check_row_limit(
        total,
        ngettext(
            "This export would hold %(num)d measure, more than the %(max)d an export "
            "may hold. Choose a territory, a sector, a status or a year to narrow it.",
            "This export would hold %(num)d measures, more than the %(max)d an export "
            "may hold. Choose a territory, a sector, a status or a year to narrow it.",
            total,
            max=row_limit(),
        ),
    )
    return Selection(territory, filters, query)


def flat_item(item: dict) -> dict:
    """A `measure_item` with its beneficiary counts as fields of their own
    (`beneficiaries_total`, `_women`, `_men`, `_minors`) and its good practice's note
    and time (`good_practice_note`, `good_practice_marked_at`: empty for a measure that
    is none), in the same order."""
    flat: dict = {}
    for key, value in item.items():
        if key == "beneficiaries":
            flat.update({f"beneficiaries_{part}": count for part, count in value.items()})
        elif key == "good_practice":
            flat.update({f"good_practice_{part}": (value or {}).get(part) for part in PRACTICE})
        else:
            flat[key] = value
    return flat


def export_items(query: Select) -> Iterator[dict]:
    """The measures of `query` as flat items, read `BATCH` at a time in a stable order."""
    offset = 0
    while True:
        batch = public_data.load_measures(query, limit=BATCH, offset=offset)
        for measure in batch:
            yield flat_item(public_data.measure_item(measure))
        if len(batch) < BATCH:
            return
        offset += BATCH


# ---- CSV ------------------------------------------------------------------------------------


def _csv_text(column: Column, value) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        return writers.SEPARATOR.join(str(v) for v in value)
    if column.kind == "money" and isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def csv_body(columns: Iterable[Column], items: Iterable[dict]) -> bytes:
    """The CSV file: translated headings, then one row per item (see `tracker.writers.csv_bytes`)."""
    columns = tuple(columns)
    heading = [str(column.heading) for column in columns]
    rows = ([_csv_text(column, item.get(column.key)) for column in columns] for item in items)
    return writers.csv_bytes([heading, *rows])


# ---- XLSX -----------------------------------------------------------------------------------

_NUMBER_FORMATS = {"money": "#,##0.00", "coordinate": "0.000000"}


def _xlsx_cell(sheet, column: Column, value):
    if isinstance(value, list):
        return writers.text_cell(sheet, writers.SEPARATOR.join(str(v) for v in value))
    # A day is a date cell; a year or a month given alone stays the text it was given as.
    if column.kind == "date" and isinstance(value, str) and len(value) == len("2025-03-14"):
        cell = WriteOnlyCell(sheet, date.fromisoformat(value))
        cell.number_format = "yyyy-mm-dd"
        return cell
    cell = writers.xlsx_value(sheet, value)
    if isinstance(value, int | float) and column.kind in _NUMBER_FORMATS:
        cell.number_format = _NUMBER_FORMATS[column.kind]
    return cell


def write_rows(sheet, columns: tuple[Column, ...], items: Iterable[dict]) -> int:
    """Write the headings of `columns` then a row per item on the write-only `sheet`
    (column widths, frozen heading, auto filter); returns how many items it wrote."""
    for number, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = column.width
    sheet.freeze_panes = "A2"
    sheet.append([writers.text_cell(sheet, str(column.heading), bold=True) for column in columns])
    count = 0
    for item in items:
        sheet.append([_xlsx_cell(sheet, column, item.get(column.key)) for column in columns])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    return count


def summary_rows(
    title: str, count_label: str, count: int, now: datetime
) -> list[tuple[bool, list]]:
    """The About sheet's first rows: `title`, the demo warning, the date, `count` under
    `count_label`, which records are shown and the export's address."""
    return [
        (True, [title]),
        *writers.demo_rows(),
        (False, [_("Exported on (UTC)"), writers.utc_text(now)]),
        (False, [count_label, count]),
        (
            False,
            [
                _("Records shown"),
                _("Validated records and submitted ones not yet validated (see Review state).")
                if "submitted" in public_states()
                else _("Validated records only."),
            ],
        ),
        (False, [_("Address of this export"), address_in_language()]),
    ]


def territory_row(territory: Territory | None, lang: str) -> tuple[bool, list]:
    """The About sheet's territory filter: the territory and those inside it, or all."""
    if territory is None:
        return (False, [_("Territory"), _("All")])
    text = _(
        "%(name)s (%(code)s), with the territories inside it",
        name=territory.name(lang),
        code=territory.code,
    )
    return (False, [_("Territory"), text])


def column_rows(
    columns: tuple[Column, ...], meanings: Iterable[tuple[str, str, str]]
) -> list[tuple[bool, list]]:
    """The About sheet's definition of each column, then the codes of the coded ones:
    `meanings` as (column key, code, label), then the review states when shown; and
    the sources."""
    rows: list[tuple[bool, list]] = [(False, []), (True, [_("Column"), _("Key"), _("Definition")])]
    rows += [
        (False, [str(c.heading), c.key, str(c.definition) if c.definition else None])
        for c in columns
    ]
    rows += [(False, []), (True, [_("Column"), _("Key"), _("Meaning")])]
    headings = {c.key: str(c.heading) for c in columns}
    rows += [(False, [headings[key], code, str(label)]) for key, code, label in meanings]
    if REVIEW_COLUMN in columns:
        rows += [
            (False, [headings["review_state"], state, str(REVIEW_STATES[state])])
            for state in public_states()
        ]
    rows += [
        (False, []),
        (True, [_("Sources and terms")]),
        *writers.source_rows(with_boundaries=True),
    ]
    return rows


def _about_rows(
    selection: Selection, columns: tuple[Column, ...], count: int, now: datetime, lang: str
) -> list[tuple[bool, list]]:
    """The rows of the About sheet as (heading?, cells)."""
    title = _("Integration measures of the collectivities")
    rows = summary_rows(title, _("Number of measures"), count, now)
    rows += [
        (False, []),
        (True, [_("Filters")]),
        territory_row(selection.territory, lang),
        *writers.filter_rows(selection.filters, lang),
        (False, []),
        (True, [_("Small counts")]),
        (
            False,
            [
                _(
                    "Beneficiary counts from 1 to %(last)d are shown as %(label)s. When one of "
                    "women and men is hidden and the total is shown, the other is hidden too. "
                    "Beneficiaries are aggregate counts: the tracker holds no personal data "
                    "about migrants.",
                    last=threshold() - 1,
                    label=hidden_label(),
                )
            ],
        ),
    ]
    sectors = db.session.scalars(select(Sector).order_by(Sector.position))
    meanings = [("sectors", s.key, s.name(lang)) for s in sectors]
    meanings += [
        (key, code, label) for key, vocabulary in VOCABULARIES for code, label in vocabulary.items()
    ]
    return rows + column_rows(columns, meanings)


def records_workbook(
    title: str,
    columns: tuple[Column, ...],
    items: Iterable[dict],
    about: Callable[[int, str], list[tuple[bool, list]]],
) -> bytes:
    """An XLSX workbook of records: `items` under `columns` on a first sheet named
    `title` (right to left in Arabic), then the About sheet of `about(count, lang)`.

    Written in openpyxl's write-only mode, so a large export does not hold every cell.
    """
    lang = current_language()
    workbook, sheet, about_sheet = writers.new_workbook(title, lang)
    count = write_rows(sheet, columns, items)
    writers.write_about(about_sheet, about(count, lang), (32, 40, 80))
    return writers.workbook_bytes(workbook)


def xlsx_body(
    selection: Selection, columns: Iterable[Column], items: Iterable[dict], now: datetime
) -> bytes:
    """The XLSX workbook: the measures on the first sheet (right to left in Arabic),
    then a sheet that says what the export holds, its filters, date and sources.

    Written in openpyxl's write-only mode, so a large export does not hold every cell.
    """
    columns = tuple(columns)
    return records_workbook(
        _("Measures"),
        columns,
        items,
        lambda count, lang: _about_rows(selection, columns, count, now, lang),
    )


# ---- GeoJSON --------------------------------------------------------------------------------


def locator() -> Callable[[dict], tuple[dict | None, str | None]]:
    """A function giving an item's (geometry, located).

    The measure's own point when it is a place ("place"); otherwise a point for its
    collectivity ("collectivity"): inside the commune, or the centre of a province's or
    region's bounding box. (None, None) when the boundary cache is not built or does not
    know the collectivity.
    """
    try:
        extents = geography.extents()
    except geography.GeographyMissing:
        extents = None

    def locate(item: dict) -> tuple[dict | None, str | None]:
        if item.get("latitude") is not None and item.get("longitude") is not None:
            return writers.point(item["longitude"], item["latitude"]), "place"
        if extents is None:
            return None, None
        code = item["territory_code"]
        if code in extents.points:
            lat, lon = extents.points[code]
            return writers.point(lon, lat), "collectivity"
        if code in extents.boxes:
            minx, miny, maxx, maxy = extents.boxes[code]
            return writers.point((minx + maxx) / 2, (miny + maxy) / 2), "collectivity"
        return None, None

    return locate


def geojson_body(items: Iterable[dict], locate) -> bytes:
    """An RFC 7946 FeatureCollection with one Feature per item; properties are the item's
    fields under their keys, plus `located`."""

    def features():
        for item in items:
            geometry, located = locate(item)
            yield {
                "type": "Feature",
                "id": item["id"],
                "geometry": geometry,
                "properties": {**item, "located": located},
            }

    return writers.feature_collection(features())
