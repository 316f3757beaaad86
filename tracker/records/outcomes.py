"""What a write can end in besides success: refused (not allowed, invalid, stale), and the
check that finds a stale save. The service and the review steps raise these; views answer
them."""

from __future__ import annotations

from datetime import datetime

from tracker import audit


class NotAllowed(Exception):
    """The user may not do this to this record (answered 403)."""


class RecordInvalid(Exception):
    """The data breaks a rule; `errors` maps each field to a message in the user's language."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class SubmissionRefused(RecordInvalid):
    """A submission for review its record type's `submission_problems` refuses: the record
    stays a draft; `errors` maps each field (an assessment's question) to its problems."""


class StaleRecord(Exception):
    """Someone saved the record after the user opened it; nothing was overwritten.

    `changes` maps each field changed since to `[old, new]`, `by` names who changed it;
    `own_at` is when the user saved it last, when every change since was the user's own
    (in another tab or window), and None otherwise.
    """

    def __init__(self, changes: dict[str, list], by: list[str], own_at: datetime | None = None):
        super().__init__("stale")
        self.changes = changes
        self.by = by
        self.own_at = own_at


def check_version(entity: str, record, expected_version: int | None) -> None:
    """Raise `StaleRecord`, with what changed since and who changed it, unless `record`
    is still at `expected_version` (None: the caller does not know it, nothing is checked)."""
    if expected_version is not None and int(expected_version) != record.version:
        since = audit.changes_since(entity, record.id, int(expected_version))
        raise StaleRecord(since.changes, since.by)
