"""Pages where officers record: their home, the forms for programmes, measures and
organisations, deleting, and the import.

Every write goes through `tracker.records.service`, which checks the signed-in
user against the record's collectivity; these views only translate between
forms and the service, and answer 403 or 404 when it refuses. What is particular
to a record type comes from its descriptor in `tracker.records.registry`.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from tracker import audit, imports, notifications, permissions, stats
from tracker.extensions import db
from tracker.i18n import LEVEL_NAMES, LEVEL_PLURALS, current_language
from tracker.models import Assessment, Measure, Programme, Sector, Territory
from tracker.notifications import visits
from tracker.records import forms, pages, registry, service
from tracker.records.duplicates import CONFIRM_DUPLICATE, duplicates_of
from tracker.records.pages import form_data, form_version
from tracker.vocab import MEASURE_STATUSES, PROGRAMME_KINDS, REVIEW_STATES

bp = Blueprint("records", __name__)


@bp.app_context_processor
def submission_refusals():
    """`submission_refusal(message)` in every template: what a refused submission's flash
    shows (see `pages.flash_submission_refused`)."""
    return {
        "submission_refusal": pages.submission_refusal,
        "SUBMISSION_REFUSED": pages.SUBMISSION_REFUSED,
    }


def _territory(code: str) -> Territory:
    """The territory with `code`; aborts 404 if unknown."""
    return db.session.get(Territory, code) or abort(404)


def _form(record_type: registry.RecordType, territory_code: str, record=None):
    """The type's form (for `record`, when its type makes one per record), its lists
    from the database filled for `territory_code`."""
    form_class = record_type.form
    if record is not None and record_type.form_of is not None:
        form_class = record_type.form_of(record)
    form = form_class()
    _prepare(record_type, form, territory_code)
    return form


def _prepare(record_type: registry.RecordType, form, territory_code: str) -> None:
    if record_type.prepare is not None:
        record_type.prepare(form, territory_code)


def _raw(form, territory_code: str) -> dict:
    return {**form_data(form), "territory_code": territory_code}


def _duplicates(form, territory_code: str) -> list[Measure]:
    """The measures a new record was refused as a possible duplicate of, for the page
    to link to (none when the form has no such refusal)."""
    if CONFIRM_DUPLICATE not in form or not form[CONFIRM_DUPLICATE].errors:
        return []
    return duplicates_of(_raw(form, territory_code))


def _submit_saved(record_type: registry.RecordType, record) -> Response:
    """After "Submit for review" on a form whose save went through: submit the record,
    or say it stays a draft, with every reason, on its form."""
    try:
        service.transition(current_user, record_type.key, record, "submit")
        notifications.announce(record_type.key, record, "submit", current_user)
        db.session.commit()
    except service.SubmissionRefused:
        db.session.rollback()
        pages.flash_submission_refused(record_type, record, saved=True)
        return redirect(url_for("records.record_edit", entity=record_type.key, record_id=record.id))
    except service.WrongState:
        # Saved without a change while waiting for review: it stays on the queue.
        db.session.rollback()
        flash(_("Saved."), "info")
    else:
        flash(_("Saved and submitted for review."), "info")
    return redirect(url_for("records.record_view", entity=record_type.key, record_id=record.id))


def _collectivity(territory: Territory, sectors: list[Sector]) -> dict:
    """What the home page shows of one collectivity the user records for."""
    measures = db.session.scalars(
        select(Measure)
        .where(Measure.territory_code == territory.code, Measure.deleted_at.is_(None))
        .order_by(Measure.updated_at.desc())
    ).all()
    programmes = db.session.scalars(
        select(Programme)
        .where(Programme.territory_code == territory.code, Programme.deleted_at.is_(None))
        .order_by(Programme.first_year.desc())
    ).all()
    assessments = db.session.scalars(
        select(Assessment)
        .where(Assessment.territory_code == territory.code, Assessment.deleted_at.is_(None))
        .order_by(Assessment.year.desc())
    ).all()
    by_status = dict.fromkeys(MEASURE_STATUSES, 0) | stats.measures_by_status(territory.code)
    by_sector = {s.key: 0 for s in sectors} | stats.measures_by_sector(territory.code)
    return {
        "territory": territory,
        "programmes": programmes,
        "measures": measures,
        "assessments": assessments,
        "by_status": by_status,
        "by_sector": by_sector,
        "missing_sectors": [s for s in sectors if by_sector[s.key] == 0],
        "returned": [
            (registry.type_of(r), r)
            for r in [*programmes, *assessments, *measures]
            if r.review_state == "returned"
        ],
    }


@bp.get("/work")
@login_required
def home():
    """The signed-in user's home: for each collectivity, its programmes, its measures by
    status and sector, the SNIA sectors with no measure yet, and what was returned; for
    a coordinator, each region's councils and what they have recorded, by review state;
    for both, what changed since their previous visit (which this view counts)."""
    since = visits.note_visit(current_user)
    db.session.commit()
    sectors = db.session.scalars(select(Sector).order_by(Sector.position)).all()
    return render_template(
        "records/home.html",
        since_last_visit=visits.since_last_visit(current_user, since),
        collectivities=[
            _collectivity(t, sectors) for t in permissions.writable_territories(current_user)
        ],
        can_import=permissions.can_import(current_user),
        can_add_organisation=permissions.can_create_organisation(current_user),
        can_restore=permissions.can_restore(current_user),
        sectors=sectors,
        lang=current_language(),
        statuses=MEASURE_STATUSES,
        review_states=REVIEW_STATES,
        programme_kinds=PROGRAMME_KINDS,
        level_names=LEVEL_NAMES,
        level_plurals=LEVEL_PLURALS,
    )


@bp.route("/work/<code>/<entity>/new", methods=["GET", "POST"])
@login_required
def record_new(code: str, entity: str):
    """A new record of a reviewed type for collectivity `code` (404 for another type or
    an unknown collectivity, 403 outside the user's scope)."""
    record_type = registry.find(entity, reviewed=True) or abort(404)
    territory = _territory(code)
    permissions.require_write(territory.code)
    form = _form(record_type, territory.code)
    if request.method == "GET":
        for name, value in record_type.new_values(territory.code).items():
            form[name].data = value
    if form.validate_on_submit():
        outcome, saved = pages.save_from_form(
            form, lambda: record_type.save(current_user, _raw(form, territory.code))
        )
        if outcome == pages.SAVED and request.form.get("submit_for_review"):
            return _submit_saved(record_type, saved)
        if outcome == pages.SAVED:
            flash(_("Saved as a draft. Submit it for review when it is complete."), "info")
            return redirect(url_for("records.record_view", entity=entity, record_id=saved.id))
    return render_template(
        "records/record_form.html",
        form=form,
        entity=entity,
        record_type=record_type,
        territory=territory,
        record=None,
        duplicates=_duplicates(form, territory.code),
    ), (400 if form.errors else 200)


@bp.route("/work/<entity>/<int:record_id>/edit", methods=["GET", "POST"])
@login_required
def record_edit(entity: str, record_id: int):
    """Change a record of a reviewed type (404 unknown or deleted, 403 outside the
    user's scope). A save made from an older version is refused (409)."""
    record_type, record = pages.reviewed_record(entity, record_id)
    permissions.require_write(record.territory_code)
    form = _form(record_type, record.territory_code, record)
    if request.method == "GET":
        form.process(data=record_type.values_of(record))
        _prepare(record_type, form, record.territory_code)

    def form_page(status: int, **extra):
        page = render_template(
            "records/record_form.html",
            form=form,
            entity=entity,
            record_type=record_type,
            territory=record.territory,
            record=record,
            **extra,
        )
        return page, status

    if form.validate_on_submit():
        version = form_version(form.version.data)
        if version is None:
            # A browser sends back the number it was given: anything else is a damaged or
            # hand-made form, refused before anything is saved.
            flash(pages.damaged_form(), "error")
            return form_page(400)
        outcome, _saved = pages.save_from_form(
            form,
            lambda: record_type.save(
                current_user, _raw(form, record.territory_code), record, expected_version=version
            ),
        )
        if outcome == pages.STALE:
            return form_page(409, stale=True)
        if outcome == pages.SAVED and request.form.get("submit_for_review"):
            return _submit_saved(record_type, record)
        if outcome in (pages.SAVED, pages.RACED):
            if outcome == pages.SAVED:
                flash(_("Saved."), "info")
            return redirect(url_for("records.record_view", entity=entity, record_id=record_id))
    return form_page(400 if form.errors else 200)


@bp.get("/work/<entity>/<int:record_id>")
@login_required
def record_view(entity: str, record_id: int):
    """A record as its collectivity's officers and its region's coordinators see it, with
    its history (404 unknown or deleted, but for an administrator; 403 for anyone else)."""
    record_type, record = pages.reviewed_record(
        entity, record_id, include_deleted=permissions.can_restore(current_user)
    )
    if not permissions.can_read_private(current_user, record.territory_code):
        abort(403)
    labelled = _form(record_type, record.territory_code, record)
    return render_template(
        "records/record_view.html",
        record=record,
        entity=entity,
        record_type=record_type,
        history=audit.history(entity, record.id),
        details=record_type.details(record) if record_type.details else {},
        labels=pages.LABELS,
        can_write=permissions.can_write(current_user, record.territory_code),
        can_review=permissions.can_review(current_user, record.territory_code),
        action_form=forms.ActionForm(version=record.version),
        review_form=forms.ReviewForm(version=record.version),
        lang=current_language(),
        field_label=lambda field: pages.field_label(labelled, field, record_type),
        in_form_order=lambda changes: pages.in_form_order(labelled, changes),
        who=audit.who,
        show_value=lambda entity, field, value: audit.display_value(
            entity, field, value, current_language()
        ),
    )


@bp.post("/work/<entity>/<int:record_id>/delete")
@login_required
def record_delete(entity: str, record_id: int):
    """Delete a record of a reviewed type (kept, hidden, restorable by an administrator).

    Aborts 404 for an unknown or deleted record, 400 without the CSRF token, 403 for
    a user who may not write for its collectivity.
    """
    record_type, record = pages.reviewed_record(entity, record_id)
    return pages.take_step(
        record_type,
        record,
        forms.ActionForm(),
        lambda version: service.delete(current_user, entity, record, expected_version=version),
        _("Deleted. An administrator can restore it."),
        url_for("records.home"),
    )


@bp.route("/work/import", methods=["GET", "POST"])
@login_required
def import_measures():
    """Upload a CSV or XLSX of measures (or, with `?what=assessments`, of assessment
    answers): all rows are saved, or none, with a report per row (403 for anyone but
    officers and administrators, 404 for another `what`, 400 when nothing was saved)."""
    if not permissions.can_import(current_user):
        abort(403)
    what = request.args.get("what") or "measures"
    importer = (imports.IMPORTS.get(what) or abort(404))[0]
    form = forms.ImportForm()
    report = None
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        try:
            report = imports.run_import(
                current_user, importer, upload.filename, upload.stream, form.dry_run.data
            )
        except imports.ImportFileError as error:
            flash(str(error), "error")
            status = 400
        else:
            if not report.ok:
                status = 400
                flash(
                    _("Nothing was saved: correct the rows below and upload the file again."),
                    "error",
                )
            elif form.dry_run.data:
                flash(_("The file is correct. Nothing was saved (check only)."), "info")
            else:
                flash(
                    _(
                        "Saved: %(created)d created, %(updated)d updated.",
                        created=report.created,
                        updated=report.updated,
                    ),
                    "info",
                )
    elif form.errors:
        status = 400
    return render_template(
        "records/import.html",
        form=form,
        report=report,
        columns=importer.columns,
        what=what,
        lang=current_language(),
        actions=imports.action_labels(report) if report else {},
    ), status


@bp.get("/work/import/template.<fmt>")
@login_required
def import_template(fmt: str):
    """The import template, headings in the page's language (`?lang=ar` or `fr`), of
    measures or (`?what=assessments`) assessments; 404 for another format or `what`."""
    what = request.args.get("what") or "measures"
    if fmt not in ("csv", "xlsx") or what not in imports.IMPORTS:
        abort(404)
    lang = current_language()
    data = imports.write_template(lang, fmt, imports.IMPORTS[what][1])
    mimetype = (
        "text/csv; charset=utf-8"
        if fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return Response(
        data,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{what}-template-{lang}.{fmt}"'},
    )
