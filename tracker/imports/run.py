"""Importing the rows of a file, all of them or none, and the report of each row.

What a file holds and how its rows become records is a `RecordImport`: its columns, and
its row step, which saves the rows through the record type's service (the same rules,
permissions and history as the form) and says what became of each. `run_import` reads
the file, hands the rows to that step in a savepoint, and keeps what was written only
when every row passed. Blank rows are skipped and keep their number.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, BinaryIO

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from tracker.extensions import db
from tracker.imports.columns import Column, user_language
from tracker.imports.reading import is_blank, read_rows

if TYPE_CHECKING:
    from tracker.accounts import CommandLine
    from tracker.models import User

_DONE = {"created": _l("created"), "updated": _l("updated"), "unchanged": _l("unchanged")}
_PLANNED = {
    "created": _l("would be created"),
    "updated": _l("would be updated"),
    "unchanged": _l("no change"),
}


@dataclass
class RowResult:
    """What became of one row: its number as the spreadsheet shows it, and either the
    action ("created", "updated", "unchanged") or `errors` (column heading → message)."""

    row: int
    reference: str | None = None
    action: str | None = None
    errors: dict[str, str] = field(default_factory=dict)
    record_id: int | None = None

    @property
    def ok(self) -> bool:
        """Whether the row has no error."""
        return not self.errors

    @property
    def measure_id(self) -> int | None:
        """The id of the record the row saved (a measure, in a measures import)."""
        return self.record_id


@dataclass
class ImportReport:
    """The outcome of an import: one `RowResult` per non-blank row. `written` is true
    only when every row passed and the import was not a dry run."""

    rows: list[RowResult] = field(default_factory=list)
    dry_run: bool = False
    written: bool = False

    @property
    def ok(self) -> bool:
        """Whether every row passed (a check only may still have written nothing)."""
        return all(row.ok for row in self.rows)

    @property
    def created(self) -> int:
        """How many rows were (or, in a check only, would be) created."""
        return sum(1 for row in self.rows if row.action == "created")

    @property
    def updated(self) -> int:
        """How many rows were (or, in a check only, would be) updated."""
        return sum(1 for row in self.rows if row.action == "updated")

    @property
    def unchanged(self) -> int:
        """How many rows were (or, in a check only, would be) left unchanged."""
        return sum(1 for row in self.rows if row.action == "unchanged")

    @property
    def failed(self) -> list[RowResult]:
        """The rows that have errors."""
        return [row for row in self.rows if not row.ok]

    def lines(self) -> list[str]:
        """The report as lines of text in the user's language: one per row (one per
        error for a wrong row), then a summary."""
        lines = []
        actions = _DONE if self.written else _PLANNED
        for row in self.rows:
            if row.errors:
                lines.extend(
                    _(
                        "Row %(row)d: %(column)s: %(message)s",
                        row=row.row,
                        column=column,
                        message=message,
                    )
                    for column, message in row.errors.items()
                )
            else:
                lines.append(_("Row %(row)d: %(action)s", row=row.row, action=actions[row.action]))
        counts = {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}
        if self.written:
            lines.append(
                _(
                    "Saved: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.",
                    **counts,
                )
            )
        elif not self.ok:
            lines.append(
                ngettext(
                    "Nothing was saved: %(num)d of %(total)d rows has errors.",
                    "Nothing was saved: %(num)d of %(total)d rows have errors.",
                    len(self.failed),
                    total=len(self.rows),
                )
            )
        else:
            lines.append(
                _(
                    "Check only, nothing was saved: %(created)d to create, %(updated)d to "
                    "update, %(unchanged)d unchanged.",
                    **counts,
                )
            )
        return lines


def action_labels(report: ImportReport) -> dict:
    """What each row's action is called in the report: done, or only planned (check only)."""
    return _DONE if report.written else _PLANNED


# The rows of a file, each with its number as the spreadsheet shows it.
NumberedRows = list[tuple[int, dict[str, str]]]


@dataclass(frozen=True)
class RecordImport:
    """What is imported: `key` (as the page and the command name it), the `columns` a file
    may hold, what to say of a file without data rows, and the row step: `import_rows(user,
    rows, language)` saves the numbered non-blank rows through the record type's service,
    inside the import's savepoint, and gives one `RowResult` per row, in order, its errors
    keyed by column heading in `language` (see `labelled`)."""

    key: str
    columns: tuple[Column, ...]
    no_rows: Any
    import_rows: Callable[[Any, NumberedRows, str], list[RowResult]]


def labelled(errors: dict[str, str], columns: tuple[Column, ...], language: str) -> dict[str, str]:
    """Errors keyed by column key as keyed by the column heading in `language`, in the
    order of `columns` (a key that is no column is kept as it is, last)."""
    order = {column.key: i for i, column in enumerate(columns)}
    headings = {column.key: column.heading(language) for column in columns}
    return {
        headings.get(key, key): message
        for key, message in sorted(errors.items(), key=lambda item: order.get(item[0], len(order)))
    }


def run_import(
    user: User | CommandLine,
    what: RecordImport,
    filename: str,
    stream: BinaryIO,
    dry_run: bool = False,
) -> ImportReport:
    """Import the rows of a CSV or XLSX file of `what` as `user`: all rows, or none.

    Commits only when every row passed and `dry_run` is false; otherwise everything the
    import did is rolled back, and only that (it runs in a savepoint). Raises
    `ImportFileError` when the file as a whole cannot be read (see `read_rows`).
    """
    rows = read_rows(filename, stream, what.columns, what.no_rows)
    numbered = [
        (index + 2, cells) for index, cells in enumerate(rows) if not is_blank(cells.values())
    ]
    report = ImportReport(dry_run=dry_run)
    savepoint = db.session.begin_nested()
    try:
        report.rows = what.import_rows(user, numbered, user_language())
    except BaseException:
        savepoint.rollback()
        raise
    if report.ok and not dry_run:
        savepoint.commit()
        db.session.commit()
        report.written = True
    else:
        savepoint.rollback()
        for row in report.rows:
            row.record_id = None
    return report
