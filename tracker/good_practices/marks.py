"""Marking a validated measure as a good practice, and taking the mark away: who may,
from which state, with which note, and the history entry each step writes."""

from __future__ import annotations

from flask_babel import gettext as _

from tracker import audit, permissions
from tracker.extensions import db
from tracker.models import Measure
from tracker.models.base import now_utc
from tracker.records import outcomes, values
from tracker.records.service import NotAllowed, RecordInvalid, WrongState

# Long enough for what made it work and what it needed; short enough to read in a list.
NOTE_MAX = 1000
# The history's names of the two steps (`AuditEntry.action`).
MARK, UNMARK = "mark_practice", "unmark_practice"


def _check(user, measure: Measure, expected_version: int | None) -> None:
    """Raise `NotAllowed` unless `user` may mark `measure` (a live one), `StaleRecord`
    when it changed since `expected_version`."""
    if (
        not permissions.can_mark_good_practice(user, measure.territory_code)
        or measure.deleted_at is not None
    ):
        raise NotAllowed()
    outcomes.check_version("measure", measure, expected_version)


def clean_note(raw: str | None) -> str:
    """The note as it is kept (surrounding spaces off, line endings as typed).

    Raises `RecordInvalid` (`{"note": message}`) for an empty note or one longer than
    `NOTE_MAX` characters."""
    note = values.text(raw)
    if not note:
        raise RecordInvalid(
            {"note": _("Say what made it work and what it needed: the note is required.")}
        )
    if len(note) > NOTE_MAX:
        raise RecordInvalid({"note": _("At most %(max)d characters.", max=NOTE_MAX)})
    return note


def mark(user, measure: Measure, note: str | None, expected_version: int | None = None) -> None:
    """Mark `measure` as a good practice with `note` (or change the note of one marked
    already), and keep the step in its history.

    Raises `NotAllowed` for anyone but an administrator or a coordinator of the
    measure's region (or a deleted measure), `StaleRecord`, `WrongState` for a measure
    that is not validated, `RecordInvalid` for a missing or too long note.
    """
    _check(user, measure, expected_version)
    if measure.review_state != "validated":
        raise WrongState()
    note = clean_note(note)
    before = measure.good_practice_note
    measure.good_practice_note = note
    measure.good_practice_at = now_utc()
    measure.good_practice_by_id = getattr(user, "id", None)
    db.session.flush()
    audit.log("measure", measure, MARK, user, {"good_practice_note": [before, note]})


def unmark(user, measure: Measure, expected_version: int | None = None) -> None:
    """Take the good-practice mark off `measure` (in any review state), note and all;
    its history keeps them.

    Raises `NotAllowed` as `mark` does, `StaleRecord`, `WrongState` for a measure that
    is not marked.
    """
    _check(user, measure, expected_version)
    if measure.good_practice_at is None:
        raise WrongState()
    before = measure.good_practice_note
    measure.good_practice_note = None
    measure.good_practice_at = None
    measure.good_practice_by_id = None
    db.session.flush()
    audit.log("measure", measure, UNMARK, user, {"good_practice_note": [before, None]})
