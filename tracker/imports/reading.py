"""Reading an import file: CSV or XLSX into rows of cell texts, keyed by column.

Nothing here knows what a measure is: a row is the text of its cells, as a person
would type them, under the key of the column its heading names.
"""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import closing
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, BinaryIO

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from tracker.imports.columns import COLUMNS, Column, heading_index, normalise, user_language
from tracker.imports.limits import (
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_SHEET_ROWS,
    ImportFileError,
    check_workbook,
    too_many_rows,
    too_wide,
)

# What a file of measures without data rows is told, as `read_rows` says it by default.
NO_MEASURES = _l("The file has headings but no measures.")


def cell_text(value: Any) -> str:
    """An XLSX cell's value as the text a person would type for it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, float):
        # 250000.0 is how a spreadsheet stores 250000: give it back without ".0".
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)


def is_blank(cells: Iterable[str]) -> bool:
    """Whether every cell is empty or only spaces."""
    return not any(cell.strip() for cell in cells)


def _csv_table(data: bytes) -> Iterator[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            _('The file is not in UTF-8. Save it as "CSV UTF-8" and try again.')
        ) from error
    if "\x00" in text:
        # No text file has one; no database column accepts one either.
        raise ImportFileError(_("The file could not be read: %(error)s", error="NUL"))
    first_line = text.partition("\n")[0].rstrip("\r")
    # The delimiter that splits the heading row into more cells wins.
    delimiter = max((",", ";"), key=lambda d: len(next(csv.reader([first_line], delimiter=d), [])))
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as error:
        message = _("The file could not be read: %(error)s", error=str(error))
        raise ImportFileError(message) from error


def _xlsx_table(data: bytes) -> Iterator[list[str]]:
    import openpyxl

    unreadable = _("The file could not be read as an XLSX workbook.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_workbook(archive)
    except ImportFileError:
        raise
    except Exception as error:  # not a zip, or a damaged one
        raise ImportFileError(unreadable) from error
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # data_only=False: a formula comes back as its text ("=1+1"), never a result;
            # keep_links=False: another workbook's cached values are never read.
            workbook = openpyxl.load_workbook(
                io.BytesIO(data), read_only=True, data_only=False, keep_links=False
            )
    except Exception as error:  # a damaged or foreign file fails in many different ways
        raise ImportFileError(unreadable) from error
    try:
        sheet = workbook.worksheets[0]
        # Some programs write a wrong size into the file; read what is really there.
        sheet.reset_dimensions()
        for row in sheet.iter_rows(values_only=True):
            yield [cell_text(value) for value in row]
    except ImportFileError:
        raise
    except Exception as error:
        raise ImportFileError(unreadable) from error
    finally:
        workbook.close()


def _counted(table: Iterator[list[str]]) -> Iterator[list[str]]:
    """The rows of `table`, stopped with `ImportFileError` past `MAX_SHEET_ROWS` rows
    (blank ones count: a sheet may imply a million of them in a few bytes) or at a row
    of more than `MAX_COLUMNS` cells."""
    with closing(table):
        for number, cells in enumerate(table, start=1):
            if number > MAX_SHEET_ROWS:
                raise too_many_rows()
            if len(cells) > MAX_COLUMNS:
                raise too_wide(number)
            yield cells


def _columns_of(headings: list[str], columns: tuple[Column, ...]) -> list[str | None]:
    """The key of each heading (None for a blank one); refuses unknown and repeated headings."""
    index = heading_index(columns)
    keys: list[str | None] = []
    unknown: list[str] = []
    for heading in headings:
        if not heading.strip():
            keys.append(None)
            continue
        key = index.get(normalise(heading))
        if key is None:
            unknown.append(heading.strip())
        keys.append(key)
    if unknown:
        raise ImportFileError(_("Unknown column: %(columns)s.", columns=", ".join(unknown)))
    repeated = [k for k in dict.fromkeys(keys) if k is not None and keys.count(k) > 1]
    if repeated:
        names = [h.strip() for h, k in zip(headings, keys) if k in repeated]
        raise ImportFileError(
            _("The same column appears twice: %(columns)s.", columns=", ".join(names))
        )
    missing = [c.heading(user_language()) for c in columns if c.required and c.key not in keys]
    if missing:
        raise ImportFileError(
            _("Missing required column: %(columns)s.", columns=", ".join(missing))
        )
    return keys


def read_rows(
    filename: str,
    stream: BinaryIO,
    columns: tuple[Column, ...] = COLUMNS,
    no_rows: Any = NO_MEASURES,
) -> list[dict[str, str]]:
    """The data rows of a CSV or XLSX file of `columns` (the measures' by default), each a
    dict from column key to the cell's text; `no_rows` says a file without data rows wrong.

    Only the file's columns are keys. Element `i` is the spreadsheet's row `i + 2`
    (row 1 holds the headings): a blank row in the middle is kept, with empty
    values, so that numbers stay those the user sees; trailing blank rows are dropped.

    Raises `ImportFileError` for an extension other than .csv or .xlsx, a file that
    cannot be read (a CSV not in UTF-8, a damaged workbook), an empty file or one
    without data rows, a missing required column, an unknown or repeated heading, a
    value in a column without a heading, more than `MAX_ROWS` rows with data, more than
    `MAX_SHEET_ROWS` rows counting blank ones, a row of more than `MAX_COLUMNS` cells, or
    a workbook `check_workbook` refuses before it is parsed.
    """
    suffix = Path(filename or "").suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ImportFileError(
            _(
                "This type of file cannot be imported: %(name)s. Use a .csv or .xlsx file.",
                name=Path(filename or "").name or "?",
            )
        )
    data = stream.read()
    if not data or not data.strip() or data.strip() == b"\xef\xbb\xbf":
        raise ImportFileError(_("The file is empty."))
    table = _counted(_csv_table(data) if suffix == ".csv" else _xlsx_table(data))
    rows: list[dict[str, str]] = []
    with closing(table):
        headings = next(table, None)
        if headings is None or is_blank(headings):
            if headings is not None and any(not is_blank(r) for r in table):
                raise ImportFileError(_("Row 1 must hold the column headings."))
            raise ImportFileError(_("The file is empty."))
        keys = _columns_of(headings, columns)
        blank_run = 0
        filled = 0
        for number, cells in enumerate(table, start=2):
            if is_blank(cells):
                # Counted, and kept only if a filled row follows: a workbook often
                # carries thousands of formatted but empty rows at its end.
                blank_run += 1
                continue
            filled += 1
            if filled > MAX_ROWS:
                raise ImportFileError(
                    _(
                        "The file has more than %(max)d rows: split it into several files.",
                        max=MAX_ROWS,
                    )
                )
            extra = cells[len(keys) :]
            unnamed = [c for c, k in zip(cells, keys) if k is None]
            if not is_blank(extra) or not is_blank(unnamed):
                raise ImportFileError(
                    _("Row %(row)d has a value in a column without a heading.", row=number)
                )
            rows.extend({k: "" for k in keys if k} for _blank in range(blank_run))
            blank_run = 0
            padded = list(cells) + [""] * (len(keys) - len(cells))
            rows.append({k: v for k, v in zip(keys, padded) if k})
    if not rows:
        raise ImportFileError(str(no_rows))
    return rows
