"""Bulk import of measures from a CSV or XLSX file, and the template to fill in.

The web upload and `flask --app tracker import measures FILE` both call
`import_measures`, which saves every row through `records.service.save_measure`
(the same rules, permissions and history as the form).

The file:

- CSV in UTF-8, with or without a byte-order mark, cells separated by commas or
  semicolons (whichever the heading row uses); or XLSX, whose first sheet is read.
- Row 1 holds the headings, in any order: the heading of a column of `COLUMNS` in
  Arabic, French or English (as the translation catalogues give it), or the column's
  key. Case, accents, spaces and punctuation are ignored when headings are compared.
  A heading that is not a column is refused.
- Several values in one cell (sectors, target groups, funding sources, partners)
  are separated by `|`, never `;`, which may separate the cells of a CSV.
- A value from a list (kind, status, sectors, target groups, funding sources) is
  its key or its label in any of the three languages.
- Partners are organisation names as registered, compared without regard to case.
- A date is a year (2025), a month (2025-03) or a day (2025-03-14, or 14/03/2025),
  kept as precisely as given; in an XLSX, date cells are read as days.
- A row that only a person's confirmation would let through (dates outside its
  programme's years, a measure like one already recorded) is reported with the
  warning and nothing is written: a file confirms nothing, since no one has seen the
  warning when it was filled in; the form, which shows it, confirms it.
- A row with a reference updates the measure of the same collectivity that has
  this reference; any other row creates a measure. On an update, a column left
  out of the file leaves that field as it was; a blank cell empties it.
- Blank rows are skipped and keep their number; at most `MAX_ROWS` rows with data, and
  `limits.MAX_SHEET_ROWS` rows counting blank ones; a workbook too large once unpacked
  is refused before it is parsed (see `limits`).
- A cell that looks like a formula (`=`, `+`, `-`, `@`) is kept as the text it is:
  nothing is ever evaluated, and an XLSX formula is read as its text.
- All rows are saved, or none: one wrong row and nothing is written.

The modules, in the order a file goes through them: `columns` (what a file may hold),
`limits` (what a file may weigh, checked first), `reading` (the file into rows of cell
texts), `rows` (cells into a measure's values),
`run` (the import and its report), and beside them `template` and `cli`.
"""

from tracker.imports.assessments import import_assessments
from tracker.imports.cli import import_cli
from tracker.imports.columns import (
    COLUMNS,
    COLUMNS_BY_KEY,
    LANGUAGES,
    REQUIRED,
    SEPARATOR,
    Column,
    heading_index,
    normalise,
)
from tracker.imports.kinds import IMPORTS, record_import
from tracker.imports.measures import import_measures
from tracker.imports.reading import MAX_ROWS, ImportFileError, read_rows
from tracker.imports.run import ImportReport, RecordImport, RowResult, action_labels, run_import
from tracker.imports.template import TemplateParts, write_template

__all__ = [
    "COLUMNS",
    "COLUMNS_BY_KEY",
    "IMPORTS",
    "LANGUAGES",
    "MAX_ROWS",
    "REQUIRED",
    "SEPARATOR",
    "Column",
    "ImportFileError",
    "ImportReport",
    "RecordImport",
    "RowResult",
    "TemplateParts",
    "action_labels",
    "heading_index",
    "import_assessments",
    "import_cli",
    "import_measures",
    "normalise",
    "read_rows",
    "record_import",
    "run_import",
    "write_template",
]
