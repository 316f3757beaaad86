"""Deleted records, which only an administrator sees and restores, as they were."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from tracker import permissions
from tracker.extensions import db
from tracker.records import forms, pages, registry, service

bp = Blueprint("admin", __name__)


def _require_restore() -> None:
    if not permissions.can_restore(current_user):
        abort(403)


@bp.get("/admin/deleted")
@login_required
def deleted():
    """Deleted records of every type, most recently deleted first within a type, each
    with its restore button (403 for anyone but administrators)."""
    _require_restore()
    rows = []
    for record_type in registry.record_types():
        model = record_type.model
        rows += [
            (record_type, r)
            for r in db.session.scalars(
                select(model).where(model.deleted_at.is_not(None)).order_by(model.deleted_at.desc())
            )
        ]
    return render_template("admin/deleted.html", rows=rows, form=forms.ActionForm())


@bp.post("/admin/deleted/<entity>/<int:record_id>/restore")
@login_required
def restore(entity: str, record_id: int):
    """Restore a deleted record (administrators only: 403 for anyone else; 404 for an
    unknown type or record, 400 without the CSRF token)."""
    _require_restore()
    record_type = registry.find(entity) or abort(404)
    record = db.session.get(record_type.model, record_id) or abort(404)
    if not forms.ActionForm().validate_on_submit():
        abort(400)
    try:
        service.restore(current_user, entity, record)
        db.session.commit()
    except service.WrongState:
        db.session.rollback()
        flash(_("This record is not deleted."), "error")
    except service.TakenPlace:
        db.session.rollback()
        flash(
            _(
                "This record cannot be restored: another one now holds its place (the "
                "collectivity's assessment for the same year). Delete that one first."
            ),
            "error",
        )
    except StaleDataError:
        db.session.rollback()
        flash(pages.changed_meanwhile(), "error")
    else:
        flash(_("Restored."), "info")
    return redirect(url_for("admin.deleted"))
