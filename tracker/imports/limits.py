"""What an import file may hold, checked before it is parsed, so that no upload within the
size limit holds a worker for more than about two seconds.

A workbook is a zip of XML parts. Before openpyxl opens one, `check_workbook` reads the
zip's directory, each part's unpacked size and compression ratio, and the bytes of the
sheets, unparsed: the size each declares and the rows each holds (counting a row's tag
is a hundred times quicker than parsing it). The zip's declared sizes can be trusted as
bounds: Python's `zipfile` never unpacks a part beyond the size it declares
(a part that holds more fails its checksum). While rows are read, `read_rows` counts
every row, blank ones included, against `MAX_SHEET_ROWS`.
"""

from __future__ import annotations

import re
import zipfile
from xml.etree import ElementTree

from flask_babel import gettext as _

MAX_ROWS = 5000
# Every row read counts, blank ones included, the headings too: a sheet of a million
# formatted but empty rows is refused after reading this many, not after all of them.
MAX_SHEET_ROWS = 2 * MAX_ROWS
# A row may hold this many cells (a file of measures has 25 columns).
MAX_COLUMNS = 100

MEGABYTE = 1024 * 1024
# Every part of a workbook together, once unpacked.
MAX_UNPACKED = 20 * MEGABYTE
# The parts openpyxl reads whole when it opens a workbook turn into one object per
# style, name or string, and are read several times slower than a sheet's rows.
MAX_STRINGS_PART = 4 * MEGABYTE
MAX_OTHER_PART = 1 * MEGABYTE
MAX_PARTS = 1000
# A sheet's XML packs well (five to fifteen times); a thousand times is a zip bomb.
MAX_RATIO = 100
RATIO_FROM = MEGABYTE

SHEET_FOLDER = "xl/worksheets/"
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
MANIFEST = "[Content_Types].xml"
# The start of a sheet that holds its declared size: `<dimension ref="A1:Z99"/>`.
HEAD_BYTES = 64 * 1024
DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=[\"']([A-Za-z$0-9:]+)[\"']")
PREFIXED_ROW = re.compile(rb"<(?:\w+:)?row[\s/>]")
CELL = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")


class ImportFileError(ValueError):
    """The file as a whole cannot be imported; the message, in the user's language, says why."""


def too_many_rows() -> ImportFileError:
    """The error of a file with more than `MAX_SHEET_ROWS` rows, blank ones included."""
    return ImportFileError(
        _(
            "The file has more than %(max)d rows, blank rows included. Delete the empty "
            "rows after the data, or split the file into several files.",
            max=MAX_SHEET_ROWS,
        )
    )


def too_wide(row: int) -> ImportFileError:
    """The error of a row `row` with more than `MAX_COLUMNS` cells."""
    return ImportFileError(
        _(
            "Row %(row)d has more than %(max)d cells. Delete the empty columns after the "
            "last heading and try again.",
            row=row,
            max=MAX_COLUMNS,
        )
    )


def too_large() -> ImportFileError:
    """The error of a workbook larger, once unpacked, than an import may read."""
    return ImportFileError(
        _(
            "The workbook is too large once unpacked to be imported. Copy its rows into a "
            "new workbook, without pictures or formatting, and import that one."
        )
    )


def declared_types(archive: zipfile.ZipFile) -> dict[str, str]:
    """The content type the workbook's manifest declares for each part it names."""
    try:
        root = ElementTree.fromstring(archive.read(MANIFEST))
    except (KeyError, ElementTree.ParseError):
        return {}
    return {
        element.get("PartName", "").lstrip("/"): element.get("ContentType", "")
        for element in root
        if element.tag.endswith("Override")
    }


def part_limit(name: str, content_type: str | None) -> int:
    """The most a part may hold once unpacked: a sheet only counts in `MAX_UNPACKED`
    (it is read row by row and the rows are counted); the shared strings, found as
    openpyxl finds them, by their declared type, `MAX_STRINGS_PART`; any other part,
    read whole when the workbook opens, `MAX_OTHER_PART`."""
    if content_type == STRINGS_TYPE:
        return MAX_STRINGS_PART
    if name.startswith(SHEET_FOLDER) and content_type in (None, WORKSHEET_TYPE):
        return MAX_UNPACKED
    return MAX_OTHER_PART


def declared_size(head: bytes) -> tuple[int, int] | None:
    """The (rows, columns) a sheet starting with `head` says it spans in its
    `<dimension>`, None without one."""
    found = DIMENSION.search(head)
    corners = CELL.findall(found.group(1).decode("ascii")) if found else []
    if not corners:
        return None
    letters, row = corners[-1]
    column = 0
    for letter in letters.upper():
        column = column * 26 + ord(letter) - ord("A") + 1
    return int(row), column


def check_sheet(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Refuse a sheet that declares more than `MAX_SHEET_ROWS` rows or `MAX_COLUMNS`
    columns, or holds more than `MAX_SHEET_ROWS` rows, blank ones included: counted in
    its bytes, unparsed, since openpyxl reads a sheet that declares no size whole just
    to open the workbook."""
    rows = 0
    with archive.open(member) as stream:
        head = stream.read(HEAD_BYTES)
        chunk = head
        while chunk:
            # A cut at a chunk's end misses a row or two; `<row` is far quicker to count
            # than the pattern a sheet whose tags have a prefix (`<x:row>`) needs.
            prefixed = b":row" in chunk
            rows += len(PREFIXED_ROW.findall(chunk)) if prefixed else chunk.count(b"<row")
            if rows > MAX_SHEET_ROWS:
                raise too_many_rows()
            chunk = stream.read(MEGABYTE)
    size = declared_size(head)
    if size and (size[0] > MAX_SHEET_ROWS or size[1] > MAX_COLUMNS):
        raise ImportFileError(
            _(
                "The sheet says it spans %(rows)d rows and %(columns)d columns, more "
                "than an import may read (%(max_rows)d rows, %(max_columns)d columns). "
                "Delete the empty rows and columns after the data, save the file again "
                "and import it.",
                rows=size[0],
                columns=size[1],
                max_rows=MAX_SHEET_ROWS,
                max_columns=MAX_COLUMNS,
            )
        )


def check_workbook(archive: zipfile.ZipFile) -> None:
    """Refuse, before anything parses it, a workbook that could not be read quickly.

    Raises `ImportFileError` when it has more than `MAX_PARTS` parts, holds more than
    `MAX_UNPACKED` bytes once unpacked, a part more than its `part_limit` or packed more
    than `MAX_RATIO` times, or a sheet `check_sheet` refuses.
    """
    members = archive.infolist()
    if len(members) > MAX_PARTS or sum(m.file_size for m in members) > MAX_UNPACKED:
        raise too_large()
    types = declared_types(archive)
    for member in members:
        if member.file_size > part_limit(member.filename, types.get(member.filename)):
            raise too_large()
        if member.file_size > RATIO_FROM and member.file_size > MAX_RATIO * max(
            member.compress_size, 1
        ):
            raise too_large()
    for member in members:
        if member.filename.startswith(SHEET_FOLDER) and not member.is_dir():
            check_sheet(archive, member)
