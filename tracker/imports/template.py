"""The file to fill in: the import's columns, headed in one language, with an example row.

Every word of the template (sheet names, headings, notes, the example's texts) comes
from the translation catalogues, in the message context "import".
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from flask_babel import force_locale, lazy_pgettext
from sqlalchemy import select

from tracker.extensions import db
from tracker.i18n import RTL_LANGUAGES
from tracker.imports.columns import COLUMNS, COLUMNS_BY_KEY, LANGUAGES, SEPARATOR, VOCABULARIES
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
_YES = lazy_pgettext("import", "yes")
_NO = lazy_pgettext("import", "no")
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
    """(column key, [(key, label in the forced language)]) for each column that chooses
    from a list: the single choices first, then the sectors, then the other lists."""
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


def _measures_sheet(measures, lang: str) -> None:
    """The sheet to fill in: the headings, the example row, text and date formats."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    example = _example()
    for number, column in enumerate(COLUMNS, start=1):
        heading = column.heading(lang)
        _put(measures, 1, number, heading).font = Font(bold=True)
        _put(measures, 2, number, example[column.key])
        letter = get_column_letter(number)
        measures.column_dimensions[letter].width = max(14, min(40, len(heading) + 4))
        if column.kind in ("reference", "territory"):
            # Typed as text, so a spreadsheet keeps the leading zero of "02.251.01.03".
            measures.column_dimensions[letter].number_format = "@"
            measures.cell(row=2, column=number).number_format = "@"
        elif column.kind == "date":
            measures.cell(row=2, column=number).number_format = "yyyy-mm-dd"
    measures.freeze_panes = "A2"


def _lists_sheet(lists, lang: str) -> dict[str, tuple[int, int]]:
    """The sheet of allowed values, and the rows each list takes there (first, last)."""
    from openpyxl.styles import Font

    bold = Font(bold=True)
    lists.column_dimensions["A"].width = 28
    lists.column_dimensions["B"].width = 50
    row = 1
    ranges: dict[str, tuple[int, int]] = {}
    for key, entries in _list_entries(lang):
        _put(lists, row, 1, COLUMNS_BY_KEY[key].heading(lang)).font = bold
        _put(lists, row + 1, 1, str(_KEY)).font = bold
        _put(lists, row + 1, 2, str(_LABEL)).font = bold
        first = row + 2
        for offset, (value, label) in enumerate(entries):
            _put(lists, first + offset, 1, value)
            _put(lists, first + offset, 2, label)
        ranges[key] = (first, first + len(entries) - 1)
        row = first + len(entries) + 1
    _put(lists, row, 1, str(_ORGANISATIONS)).font = bold
    names = db.session.scalars(
        select(Organisation.name)
        .where(Organisation.deleted_at.is_(None))
        .order_by(Organisation.name)
    )
    for offset, name in enumerate(names, start=1):
        _put(lists, row + offset, 1, name)
    return ranges


def _columns_sheet(columns, lang: str) -> None:
    """The sheet that says, for each column, its key, whether it is required, what to enter."""
    from openpyxl.styles import Alignment, Font

    headings = (_COLUMN, _KEY, _REQUIRED, _WHAT)
    for number, heading in enumerate(headings, start=1):
        _put(columns, 1, number, str(heading)).font = Font(bold=True)
    for number, column in enumerate(COLUMNS, start=2):
        _put(columns, number, 1, column.heading(lang))
        _put(columns, number, 2, column.key)
        _put(columns, number, 3, str(_YES if column.required else _NO))
        _put(columns, number, 4, column.note(lang)).alignment = Alignment(wrap_text=True)
    _put(columns, len(COLUMNS) + 3, 1, str(_SEPARATOR_NOTE))
    for letter, width in zip("ABCD", (30, 22, 12, 80)):
        columns.column_dimensions[letter].width = width


def _template_xlsx(lang: str) -> bytes:
    import openpyxl
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = openpyxl.Workbook()
    measures = workbook.active
    measures.title = str(_MEASURES_SHEET)
    _measures_sheet(measures, lang)
    lists_title = str(_LISTS_SHEET)
    ranges = _lists_sheet(workbook.create_sheet(lists_title), lang)
    for key in (column.key for column in COLUMNS if column.kind == "choice"):
        first, last = ranges[key]
        # A drop-down to help; other values stay allowed (labels are accepted too).
        validation = DataValidation(
            type="list",
            formula1=f"{quote_sheetname(lists_title)}!$A${first}:$A${last}",
            allow_blank=True,
            showErrorMessage=False,
        )
        letter = get_column_letter(list(COLUMNS_BY_KEY).index(key) + 1)
        validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
        measures.add_data_validation(validation)
    _columns_sheet(workbook.create_sheet(str(_COLUMNS_SHEET)), lang)
    for sheet in workbook.worksheets:
        sheet.sheet_view.rightToLeft = lang in RTL_LANGUAGES
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_template(lang: str, fmt: str) -> bytes:
    """The file to fill in: headings in `lang` (one of `LANGUAGES`) and one example row.

    `fmt` "csv" gives UTF-8 with a byte-order mark (so spreadsheets show Arabic),
    commas between cells; "xlsx" adds a sheet of the allowed values of each list
    (with their labels in `lang`, and the registered partner names) and a sheet
    describing each column. Needs an application context (for the catalogues and the
    lists). Raises `ValueError` for another language or format.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language: {lang}")
    if fmt not in ("csv", "xlsx"):
        raise ValueError(f"unknown format: {fmt}")
    with force_locale(lang):
        if fmt == "xlsx":
            return _template_xlsx(lang)
        example = _example()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.heading(lang) for column in COLUMNS])
    writer.writerow([cell_text(example[column.key]) for column in COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")
