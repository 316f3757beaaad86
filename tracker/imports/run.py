"""Importing the rows of a file: each through `save_measure`, all of them or none.

A row with a reference updates the measure of the same collectivity that has this
reference; any other row creates a measure. On an update, a column left out of the
file leaves that field as it was; a blank cell empties it. Blank rows are skipped and
keep their number. One wrong row and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, BinaryIO

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from tracker.extensions import db
from tracker.imports.columns import COLUMNS, COLUMNS_BY_KEY, user_language
from tracker.imports.reading import is_blank, read_rows
from tracker.imports.rows import Lookups, current_values, raw_values
from tracker.records.confirmations import CONFIRM_FIELD, CONFIRMED_BY_KEY
from tracker.records.service import NotAllowed, RecordInvalid, clean_measure, save_measure

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
    measure_id: int | None = None

    @property
    def ok(self) -> bool:
        """Whether the row has no error."""
        return not self.errors


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


def _confirmable(errors: dict[str, str], language: str) -> dict[str, str]:
    """`errors` with each warning a row may confirm under the confirmations' column,
    saying what to write there."""
    column = COLUMNS_BY_KEY[CONFIRM_FIELD.key]
    for key, confirmation in CONFIRMED_BY_KEY.items():
        if confirmation in errors:
            hint = _(
                "To confirm it, write %(key)s in the column %(column)s.",
                key=key,
                column=column.heading(language),
            )
            warning = f"{errors.pop(confirmation)} {hint}"
            errors[column.key] = (
                f"{errors[column.key]} {warning}" if column.key in errors else warning
            )
    return errors


def _labelled(errors: dict[str, str], language: str) -> dict[str, str]:
    """Errors keyed by the column heading in `language`, in the order of the columns (a
    warning to confirm under the confirmations' column)."""
    errors = _confirmable(dict(errors), language)
    order = {column.key: i for i, column in enumerate(COLUMNS)}
    return {
        (COLUMNS_BY_KEY[key].heading(language) if key in COLUMNS_BY_KEY else key): message
        for key, message in sorted(errors.items(), key=lambda item: order.get(item[0], len(order)))
    }


def _import_row(
    user: User | CommandLine,
    number: int,
    cells: dict[str, str],
    lookups: Lookups,
    seen: dict[tuple[str, str], int],
    language: str,
) -> RowResult:
    """Save row `number` (`seen`: the references met so far, and their rows), or say
    what is wrong with it, by column heading in `language`."""
    code = cells.get("territory_code", "").strip()
    reference = cells.get("reference", "").strip() or None
    errors: dict[str, str] = {}
    existing = None
    if reference and code:
        if (code, reference) in seen:
            errors["reference"] = _(
                "This reference is already used in row %(row)d.", row=seen[(code, reference)]
            )
        else:
            seen[(code, reference)] = number
            found = lookups.measures.get((code, reference), [])
            if len(found) > 1:
                errors["reference"] = _(
                    "Several measures of this collectivity have this reference."
                )
            elif found:
                existing = found[0]
    raw = current_values(existing) if existing is not None else {}
    raw.update(raw_values(cells, lookups, errors))
    if errors:
        try:
            clean_measure(raw, existing, warn_duplicates=True)
        except RecordInvalid as invalid:
            errors = {**invalid.errors, **errors}
        return RowResult(number, reference, errors=_labelled(errors, language))
    version = existing.version if existing is not None else None
    try:
        # The service looks up sectors while it sets the fields; an autoflush there would
        # write the update in two statements and raise the version twice.
        with db.session.no_autoflush:
            measure = save_measure(user, raw, measure=existing, warn_duplicates=True)
    except RecordInvalid as invalid:
        return RowResult(number, reference, errors=_labelled(invalid.errors, language))
    except NotAllowed:
        return RowResult(
            number,
            reference,
            errors=_labelled({"territory_code": _("Not allowed for this collectivity.")}, language),
        )
    db.session.flush()
    if existing is None:
        action = "created"
    else:
        action = "updated" if measure.version != version else "unchanged"
    return RowResult(number, reference, action=action, measure_id=measure.id)


def import_measures(
    user: User | CommandLine, filename: str, stream: BinaryIO, dry_run: bool = False
) -> ImportReport:
    """Import the measures of a CSV or XLSX file as `user`: all rows, or none.

    Each row goes through `save_measure` (rules, permissions, history); a row with
    a reference updates the collectivity's measure that has it. Rows that fail are
    reported with their number and, per column, what is wrong (a row for a
    collectivity `user` may not write for says so). Commits only when every row
    passed and `dry_run` is false; otherwise everything the import did is rolled
    back, and only that (it runs in a savepoint).

    Raises `ImportFileError` when the file as a whole cannot be read (see `read_rows`).
    """
    rows = read_rows(filename, stream)
    lookups = Lookups.load(rows)
    language = user_language()
    report = ImportReport(dry_run=dry_run)
    seen: dict[tuple[str, str], int] = {}
    savepoint = db.session.begin_nested()
    try:
        for index, cells in enumerate(rows):
            if is_blank(cells.values()):
                continue
            report.rows.append(_import_row(user, index + 2, cells, lookups, seen, language))
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
            row.measure_id = None
    return report
