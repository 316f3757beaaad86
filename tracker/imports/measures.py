"""The measures import: each row through `save_measure`, all of them or none.

A row with a reference updates the measure of the same collectivity that has this
reference; any other row creates a measure. On an update, a column left out of the
file leaves that field as it was; a blank cell empties it. A warning only a person's
confirmation lets through is reported, to be confirmed in the column `confirm`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, BinaryIO

from flask_babel import gettext as _

from tracker.extensions import db
from tracker.imports.columns import COLUMNS, COLUMNS_BY_KEY
from tracker.imports.reading import NO_MEASURES
from tracker.imports.rows import Lookups, current_values, raw_values
from tracker.imports.run import (
    ImportReport,
    NumberedRows,
    RecordImport,
    RowResult,
    labelled,
    run_import,
)
from tracker.records.confirmations import CONFIRM_FIELD, CONFIRMED_BY_KEY
from tracker.records.service import NotAllowed, RecordInvalid, clean_measure, save_measure

if TYPE_CHECKING:
    from tracker.accounts import CommandLine
    from tracker.models import User


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
    return labelled(_confirmable(dict(errors), language), COLUMNS, language)


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
    return RowResult(number, reference, action=action, record_id=measure.id)


def import_measure_rows(
    user: User | CommandLine, rows: NumberedRows, language: str
) -> list[RowResult]:
    """The measures import's row step (see `RecordImport`): each row saved or reported."""
    lookups = Lookups.load([cells for _number, cells in rows])
    seen: dict[tuple[str, str], int] = {}
    return [_import_row(user, number, cells, lookups, seen, language) for number, cells in rows]


MEASURES = RecordImport("measures", COLUMNS, NO_MEASURES, import_measure_rows)


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
    return run_import(user, MEASURES, filename, stream, dry_run)
