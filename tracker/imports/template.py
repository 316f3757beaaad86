"""The file to fill in: an import's columns, headed in one language, with example rows.

What differs from one import to another is a `TemplateParts`: the sheet's name, the
columns, the example rows and the lists; the measures' are here. Every word of the
template (sheet names, headings, notes, the example's texts) comes from the translation
catalogues, in the message context "import".
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import force_locale, lazy_pgettext
from sqlalchemy import select

from tracker.extensions import db
from tracker.i18n import RTL_LANGUAGES
from tracker.imports.columns import (
    COLUMNS,
    LANGUAGES,
    NO,
    SEPARATOR,
    VOCABULARIES,
    YES,
    Column,
)
from tracker.imports.reading import MAX_ROWS, cell_text
from tracker.models import Organisation, Sector

_MEASURES_SHEET = lazy_pgettext("import", "Measures")
_LISTS_SHEET = lazy_pgettext("import", "Lists")
_COLUMNS_SHEET = lazy_pgettext("import", "Columns")

_KEY = lazy_pgettext("import", "Key")
_LABEL = lazy_pgettext("import", "Label")
_COLUMN = lazy_pgettext("import", "Column")
_REQUIRED = lazy_pgettext("import", "Required")
_WHAT = lazy_pgettext("import", "What to enter")
_ORGANISATIONS = lazy_pgettext("import", "Partners (registered names)")
_SEPARATOR_NOTE = lazy_pgettext("import", "Several values in one cell are separated by |.")

_EXAMPLE_TITLE = lazy_pgettext("import", "Reception and orientation desk for migrants")
_EXAMPLE_DESCRIPTION = lazy_pgettext(
    "import",
    "A desk at the commune's offices that receives migrants and directs them to "
    "health, social and administrative services, with local associations.",
)
_EXAMPLE_EVIDENCE = lazy_pgettext(
    "import", "Opening minutes of the desk, kept at the commune's offices"
)


def _example() -> dict[str, Any]:
    """The template's example row, in the forced language: a reception desk in Figuig."""
    return {
        "reference": "FIG-2025-01",
        "territory_code": "02.251.01.03",
        "programme_id": None,
        "title": str(_EXAMPLE_TITLE),
        "description": str(_EXAMPLE_DESCRIPTION),
        "kind": "reception",
        "sectors": SEPARATOR.join(["social_humanitarian", "governance_communication"]),
        "target_groups": SEPARATOR.join(["regular_migrants", "irregular_migrants", "refugees"]),
        "status": "ongoing",
        "start_date": date(2025, 1, 15),
        "end_date": date(2026, 12, 31),
        "budget_planned": 250000,
        "budget_spent": 120000,
        "overspend_reason": None,
        "funding_sources": SEPARATOR.join(["own_budget", "international"]),
        "beneficiaries_total": 320,
        "beneficiaries_women": 140,
        "beneficiaries_men": 150,
        "beneficiaries_minors": 45,
        "progress": 50,
        "evidence": str(_EXAMPLE_EVIDENCE),
        "latitude": 32.1167,
        "longitude": -1.2269,
        "partners": None,
        "confirm": None,
    }


def _put(sheet, row: int, column: int, value: Any):
    """Write a cell; a text that starts like a formula stays text (openpyxl would
    otherwise store "=..." as a live formula)."""
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str) and cell.data_type == "f":
        cell.data_type = "s"
    return cell


def _list_entries(lang: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """(column key, [(key, label in the forced language)]) for each measure column that
    chooses from a list: the single choices first, then the sectors, then the other lists."""
    sectors = db.session.scalars(select(Sector).order_by(Sector.position)).all()
    entries = []
    for kind in ("choice", "sectors", "choices"):
        for column in (column for column in COLUMNS if column.kind == kind):
            if kind == "sectors":
                labels = [(sector.key, sector.name(lang)) for sector in sectors]
            else:
                labels = [(key, str(label)) for key, label in VOCABULARIES[column.key].items()]
            entries.append((column.key, labels))
    return entries


def _organisations(lists, row: int) -> None:
    """The registered partner names, from `row` of the lists sheet on."""
    from openpyxl.styles import Font

    _put(lists, row, 1, str(_ORGANISATIONS)).font = Font(bold=True)
    names = db.session.scalars(
        select(Organisation.name)
        .where(Organisation.deleted_at.is_(None))
        .order_by(Organisation.name)
    )
    for offset, name in enumerate(names, start=1):
        _put(lists, row + offset, 1, name)


@dataclass(frozen=True)
class TemplateParts:
    """What one import's template holds: the name of the sheet to fill in, its columns,
    `examples()` (the example rows, column key → value, in the forced language),
    `lists(lang)` ((column key, [(key, label)]) for each list the lists sheet shows) and
    `more_lists(sheet, row)`, which writes what else the lists sheet shows from `row` on."""

    sheet: Any
    columns: tuple[Column, ...]
    examples: Callable[[], list[dict[str, Any]]]
    lists: Callable[[str], list[tuple[str, list[tuple[str, str]]]]]
    more_lists: Callable[[Any, int], None] | None = None


MEASURE_TEMPLATE = TemplateParts(
    _MEASURES_SHEET, COLUMNS, lambda: [_example()], _list_entries, _organisations
)


def _data_sheet(sheet, parts: TemplateParts, lang: str) -> None:
    """The sheet to fill in: the headings, the example rows, text and date formats."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    examples = parts.examples()
    for number, column in enumerate(parts.columns, start=1):
        heading = column.heading(lang)
        _put(sheet, 1, number, heading).font = Font(bold=True)
        letter = get_column_letter(number)
        sheet.column_dimensions[letter].width = max(14, min(40, len(heading) + 4))
        if column.kind in ("reference", "territory"):
            # Typed as text, so a spreadsheet keeps the leading zero of "02.251.01.03".
            sheet.column_dimensions[letter].number_format = "@"
        for row, example in enumerate(examples, start=2):
            _put(sheet, row, number, example.get(column.key))
            if column.kind in ("reference", "territory"):
                sheet.cell(row=row, column=number).number_format = "@"
            elif column.kind == "date":
                sheet.cell(row=row, column=number).number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"


def _lists_sheet(lists, parts: TemplateParts, lang: str) -> dict[str, tuple[int, int]]:
    """The sheet of allowed values, and the rows each list takes there (first, last)."""
    from openpyxl.styles import Font

    bold = Font(bold=True)
    lists.column_dimensions["A"].width = 28
    lists.column_dimensions["B"].width = 50
    row = 1
    ranges: dict[str, tuple[int, int]] = {}
    headings = {column.key: column.heading(lang) for column in parts.columns}
    for key, entries in parts.lists(lang):
        _put(lists, row, 1, headings[key]).font = bold
        _put(lists, row + 1, 1, str(_KEY)).font = bold
        _put(lists, row + 1, 2, str(_LABEL)).font = bold
        first = row + 2
        for offset, (value, label) in enumerate(entries):
            _put(lists, first + offset, 1, value)
            _put(lists, first + offset, 2, label)
        ranges[key] = (first, first + len(entries) - 1)
        row = first + len(entries) + 1
    if parts.more_lists is not None:
        parts.more_lists(lists, row)
    return ranges


def _columns_sheet(columns, parts: TemplateParts, lang: str) -> None:
    """The sheet that says, for each column, its key, whether it is required, what to enter."""
    from openpyxl.styles import Alignment, Font

    headings = (_COLUMN, _KEY, _REQUIRED, _WHAT)
    for number, heading in enumerate(headings, start=1):
        _put(columns, 1, number, str(heading)).font = Font(bold=True)
    for number, column in enumerate(parts.columns, start=2):
        _put(columns, number, 1, column.heading(lang))
        _put(columns, number, 2, column.key)
        _put(columns, number, 3, str(YES if column.required else NO))
        _put(columns, number, 4, column.note(lang)).alignment = Alignment(wrap_text=True)
    _put(columns, len(parts.columns) + 3, 1, str(_SEPARATOR_NOTE))
    for letter, width in zip("ABCD", (30, 22, 12, 80)):
        columns.column_dimensions[letter].width = width


def _template_xlsx(lang: str, parts: TemplateParts) -> bytes:
    import openpyxl
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = openpyxl.Workbook()
    data = workbook.active
    data.title = str(parts.sheet)
    _data_sheet(data, parts, lang)
    lists_title = str(_LISTS_SHEET)
    ranges = _lists_sheet(workbook.create_sheet(lists_title), parts, lang)
    keys = [column.key for column in parts.columns]
    for key in (c.key for c in parts.columns if c.kind == "choice" and c.key in ranges):
        first, last = ranges[key]
        # A drop-down to help; other values stay allowed (labels are accepted too).
        validation = DataValidation(
            type="list",
            formula1=f"{quote_sheetname(lists_title)}!$A${first}:$A${last}",
            allow_blank=True,
            showErrorMessage=False,
        )
        letter = get_column_letter(keys.index(key) + 1)
        validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
        data.add_data_validation(validation)
    _columns_sheet(workbook.create_sheet(str(_COLUMNS_SHEET)), parts, lang)
    for sheet in workbook.worksheets:
        sheet.sheet_view.rightToLeft = lang in RTL_LANGUAGES
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_template(lang: str, fmt: str, parts: TemplateParts = MEASURE_TEMPLATE) -> bytes:
    """The file to fill in for the import `parts` describes (the measures' by default):
    headings in `lang` (one of `LANGUAGES`) and the example rows.

    `fmt` "csv" gives UTF-8 with a byte-order mark (so spreadsheets show Arabic),
    commas between cells; "xlsx" adds a sheet of the allowed values of each list
    (with their labels in `lang`; for measures, the registered partner names) and a
    sheet describing each column. Needs an application context (for the catalogues and
    the lists). Raises `ValueError` for another language or format.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language: {lang}")
    if fmt not in ("csv", "xlsx"):
        raise ValueError(f"unknown format: {fmt}")
    with force_locale(lang):
        if fmt == "xlsx":
            return _template_xlsx(lang, parts)
        examples = parts.examples()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.heading(lang) for column in parts.columns])
    for example in examples:
        writer.writerow([cell_text(example.get(column.key)) for column in parts.columns])
    return buffer.getvalue().encode("utf-8-sig")
