"""What the pages that change records share: finding the record of a URL, reading the
version a form carries, showing the service's refusals, and taking one step (submit,
validate, return, delete) with every refusal answered the same way."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response

from tracker.extensions import db
from tracker.i18n import morocco_time
from tracker.records import service
from tracker.records.fields import FIELDS_BY_KEY
from tracker.records.registry import RecordType, find
from tracker.vocab import LABELS_BY_FIELD

# What the record and review pages show for a stored key (a record's kind: its type's
# `kinds`, since two types may give the same key two meanings).
LABELS = LABELS_BY_FIELD


def saved_at_the_same_moment() -> str:
    """The refusal when the database found the record changed as we wrote it."""
    return _(
        "Someone else saved this record at the same moment. Nothing you typed was saved: open it again."
    )


def changed_meanwhile() -> str:
    """The refusal of a step (submit, delete, restore...) on a record changed since it was shown."""
    return _(
        "Someone else changed this record after you opened it. Nothing was done: look at it again."
    )


def damaged_form() -> str:
    """The refusal of a form that does not carry the version it was given."""
    return _("This form is damaged or incomplete. Nothing was saved: open the record again.")


# The flash category of a submission refused for what the record lacks: the page lists
# each problem, linked to its place in the form (see `submission_refusal`).
SUBMISSION_REFUSED = "submission-refused"


def flash_submission_refused(record_type: RecordType, record, saved: bool) -> None:
    """Say `record` stays a draft (`saved`: after a save that went through), for the next
    page to list what stops it. The session keeps only which record: the problems are
    found again when shown, so a long list in Arabic cannot overflow the session cookie."""
    flash({"entity": record_type.key, "id": record.id, "saved": saved}, SUBMISSION_REFUSED)


def submission_refusal(message: dict) -> dict[str, Any]:
    """What a `SUBMISSION_REFUSED` flash shows: `heading`, and `problems` as (link to the
    field or question in the form, text) pairs; no problems when the record is gone or
    its type has no submission rules."""
    if message.get("saved"):
        heading = _("Saved as a draft, but not submitted for review yet:")
    else:
        heading = _("Not submitted for review: complete these first.")
    record_type = find(str(message.get("entity")), reviewed=True)
    record = None
    if record_type is not None and record_type.submission_problems is not None:
        record = db.session.get(record_type.model, message.get("id"))
    if record is None or record.deleted_at is not None:
        return {"heading": heading, "problems": []}
    form = url_for("records.record_edit", entity=record_type.key, record_id=record.id)
    found = record_type.submission_problems(record)
    return {"heading": heading, "problems": [(f"{form}#{k}", text) for k, text in found.items()]}


def in_form_order(form, changes: dict[str, list]) -> list[tuple[str, list]]:
    """A history entry's `changes` as (field, [old, new]) in the order `form` asks for
    the fields (title before budget, as the officer filled them in); fields the form
    does not have (an assessment's questions) follow in the order they were kept."""
    position = {name: number for number, name in enumerate(f.name for f in form)}
    return sorted(changes.items(), key=lambda item: position.get(item[0], len(position)))


def reviewed_record(entity: str, record_id: int, include_deleted: bool = False):
    """The record type named `entity` and its record `record_id`.

    Aborts 404 for a type that is not reviewed (or unknown), an unknown id, or a
    deleted record (unless `include_deleted`).
    """
    record_type = find(entity, reviewed=True) or abort(404)
    record = db.session.get(record_type.model, record_id)
    if record is None or (record.deleted_at is not None and not include_deleted):
        abort(404)
    return record_type, record


def form_version(value) -> int | None:
    """The record version a form carries, or None when it is missing or not a number."""
    value = str(value or "").strip()
    return int(value) if value.isascii() and value.isdigit() else None


def form_data(form) -> dict:
    """What the user typed in `form`, without the CSRF token and the version."""
    return {k: v for k, v in form.data.items() if k not in ("csrf_token", "version")}


def show_errors(form, errors: dict[str, str]) -> None:
    """Put each of the service's messages on its field (or flash it), and say nothing was saved."""
    for field, message in errors.items():
        if field in form:
            form[field].errors = list(form[field].errors or []) + [message]
        else:
            flash(message, "error")
    flash(_("Nothing was saved: please correct the fields marked below."), "error")


def field_label(form, field: str, record_type: RecordType | None = None) -> str:
    """The label a field has in `form`, or in the history for the fields no form has
    (those `record_type` keeps besides its columns named as it says)."""
    if record_type is not None and record_type.history_label is not None:
        named = record_type.history_label(field)
        if named is not None:
            return named
    if field in form:
        return str(form[field].label.text)
    others = {
        "review_state": _("Review"),
        "deleted": _("Deleted"),
        "territory_code": _("Collectivity"),
        "good_practice_note": _("Good practice"),
        "indicator_version": _("Indicator set version"),
    }
    if field not in others and field in FIELDS_BY_KEY:
        return str(FIELDS_BY_KEY[field].label)
    return others.get(field, field)


def show_stale(form, stale: service.StaleRecord) -> None:
    """Say who saved the record since the user opened it and which fields they changed
    (the user themselves, in another tab or window, says so, with the time)."""
    changed = ", ".join(field_label(form, f) for f in stale.changes) or _("its review state")
    if stale.own_at is not None:
        own_at = f"{morocco_time(stale.own_at):%H:%M}"
        flash(
            _(
                "You saved this record in another tab or window at %(time)s; this form was "
                "opened before that. Nothing you typed here was saved. Changed there: "
                "%(fields)s. Open the record again to see that version, then make your change.",
                time=own_at,
                fields=changed,
            ),
            "error",
        )
        return
    flash(
        _(
            "Someone else (%(who)s) saved this record after you opened it. Nothing you typed "
            "was saved, and their change stays. Changed since: %(fields)s. Open the record "
            "again to see their version, then make your change.",
            who=", ".join(stale.by),
            fields=changed,
        ),
        "error",
    )


# What became of a save from a form (`save_from_form`).
SAVED, INVALID, STALE, RACED = "saved", "invalid", "stale", "raced"


def save_from_form(form, save: Callable[[], Any]) -> tuple[str, Any]:
    """Run `save()` and commit; answer SAVED and what `save` returned, or undo it and
    say why on `form`'s page (with None):
    INVALID (the messages on their fields), STALE (someone saved since the form was
    opened: who and what), RACED (someone saved at the same moment).

    Aborts 403 when the service refuses the user.
    """
    try:
        saved = save()
        db.session.commit()
    except service.NotAllowed:
        db.session.rollback()
        abort(403)
    except service.RecordInvalid as invalid:
        db.session.rollback()
        show_errors(form, invalid.errors)
        return INVALID, None
    except service.StaleRecord as stale:
        db.session.rollback()
        show_stale(form, stale)
        return STALE, None
    except StaleDataError:
        db.session.rollback()
        flash(saved_at_the_same_moment(), "error")
        return RACED, None
    return SAVED, saved


def take_step(
    record_type: RecordType,
    record,
    form,
    step: Callable[[int], None],
    done: str,
    then: str | None = None,
) -> Response:
    """Run `step(version)` for the button `form` and commit, then flash `done` and go to
    `then` (by default the record's page).

    Aborts 400 for a form without its CSRF token, 403 when the service refuses the
    user; a form without its version, a record in another state, changed meanwhile,
    or a step the service finds invalid is undone and flashed on the record's page.
    """
    if not form.validate_on_submit():
        abort(400)
    page = url_for("records.record_view", entity=record_type.key, record_id=record.id)
    version = form_version(form.version.data)
    if version is None:
        # Every button sends the version it was shown: without it, nobody can tell what
        # the person saw before submitting, validating, returning or deleting.
        flash(damaged_form(), "error")
        return redirect(page, 303)
    try:
        step(version)
        db.session.commit()
    except service.NotAllowed:
        db.session.rollback()
        abort(403)
    except service.WrongState:
        db.session.rollback()
        flash(
            _("This record is no longer in a state that allows this. Here it is as it is now."),
            "error",
        )
    except (service.StaleRecord, StaleDataError):
        # StaleDataError: someone else saved between our reading and our writing.
        db.session.rollback()
        flash(changed_meanwhile(), "error")
    except service.SubmissionRefused:
        db.session.rollback()
        flash_submission_refused(record_type, record, saved=False)
    except service.RecordInvalid as invalid:
        db.session.rollback()
        for message in invalid.errors.values():
            flash(message, "error")
    else:
        flash(done, "info")
        return redirect(then or page)
    return redirect(page)
