"""Who may do what, in one place. Every write checks here, on the server,
against the record's collectivity, whatever the form or the URL says.

- A local officer writes for the territories assigned to the account, exactly,
  adds partner organisations, changes and deletes those the account added, and imports.
- A regional coordinator validates and returns records within the assigned regions,
  and marks their validated measures as good practices.
- An administrator does everything, and alone sees and restores deleted records.
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from tracker.extensions import db
from tracker.models import Organisation, Territory


def _codes(user) -> set[str]:
    return {t.code for t in user.territories}


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _active(user) -> bool:
    return _signed_in(user) and user.is_active


def can_write(user, territory_code: str) -> bool:
    """Whether `user` may create, change or delete records of the collectivity `territory_code`."""
    if not _active(user):
        return False
    if user.role == "admin":
        return True
    return user.role == "officer" and territory_code in _codes(user)


def can_write_record(user, record) -> bool:
    """Whether `user` may change, submit or delete `record`, a record of a collectivity."""
    return can_write(user, record.territory_code)


def can_review(user, territory_code: str) -> bool:
    """Whether `user` may validate or return records of `territory_code`."""
    if not _active(user):
        return False
    if user.role == "admin":
        return True
    if user.role != "coordinator":
        return False
    territory = db.session.get(Territory, territory_code)
    return territory is not None and territory.region_code in _codes(user)


def can_mark_good_practice(user, territory_code: str) -> bool:
    """Whether `user` may mark a measure of `territory_code` as a good practice, or
    unmark it: its region's coordinators and administrators, never an officer."""
    return can_review(user, territory_code)


def can_read_private(user, territory_code: str) -> bool:
    """Whether `user` may see unvalidated records and history of `territory_code`."""
    return can_write(user, territory_code) or can_review(user, territory_code)


def can_see_review_queue(user) -> bool:
    """Whether `user` has a review queue (coordinators and administrators)."""
    return _signed_in(user) and user.role in ("coordinator", "admin")


def can_create_organisation(user) -> bool:
    """Whether `user` may add a partner organisation (officers and administrators)."""
    return _signed_in(user) and user.role in ("officer", "admin")


def can_edit_organisation(user, organisation: Organisation) -> bool:
    """Whether `user` may change or delete `organisation`: the officer who added it,
    or an administrator."""
    return can_create_organisation(user) and (
        user.role == "admin" or organisation.created_by_id == user.id
    )


def can_import(user) -> bool:
    """Whether `user` may import measures from a spreadsheet (officers and administrators;
    each row is still checked against the collectivities the account writes for)."""
    return _signed_in(user) and user.role in ("officer", "admin")


def can_restore(user) -> bool:
    """Whether `user` may see deleted records and restore them (administrators only)."""
    return _signed_in(user) and user.role == "admin"


def require_write(territory_code: str) -> None:
    """Abort with 403 unless the signed-in user may write for `territory_code`."""
    if not can_write(current_user, territory_code):
        abort(403)


def require_review(territory_code: str) -> None:
    """Abort with 403 unless the signed-in user may review `territory_code`."""
    if not can_review(current_user, territory_code):
        abort(403)


def require_admin() -> None:
    """Abort with 403 unless the signed-in user is an administrator."""
    if not (current_user.is_authenticated and current_user.role == "admin"):
        abort(403)


def writable_territories(user) -> list[Territory]:
    """The collectivities `user` may record for (administrators: those they are assigned, if any)."""
    if not _signed_in(user):
        return []
    return list(user.territories) if user.role in ("officer", "admin") else []
