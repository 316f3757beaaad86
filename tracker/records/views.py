"""Pages where officers record and coordinators review.

Every write goes through `tracker.records.service`, which checks the signed-in
user against the record's collectivity; these views only translate between
forms and the service, and answer 403 or 404 when it refuses.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from tracker import audit, permissions
from tracker.extensions import db
from tracker.i18n import LEVEL_NAMES, LEVEL_PLURALS, current_language
from tracker.models import Measure, Organisation, Programme, Sector, Territory
from tracker.records import forms, overview, service
from tracker.vocab import (
    KINDS_BY_ENTITY,
    LABELS_BY_FIELD,
    MEASURE_STATUSES,
    ORGANISATION_KINDS,
    PROGRAMME_KINDS,
    REVIEW_STATES,
)

bp = Blueprint("records", __name__)

REVIEWED = {"measure": Measure, "programme": Programme}
FORMS = {"measure": forms.MeasureForm, "programme": forms.ProgrammeForm}
# What the record and review pages show for a stored key (kinds of every record type).
LABELS = {
    "kind": {k: v for kinds in KINDS_BY_ENTITY.values() for k, v in kinds.items()},
    **LABELS_BY_FIELD,
}


def _saved_at_the_same_moment() -> str:
    """The refusal when the database found the record changed as we wrote it."""
    return _(
        "Someone else saved this record at the same moment. Nothing you typed was saved: open it again."
    )


def _territory(code: str) -> Territory:
    """The territory with `code`; aborts 404 if unknown."""
    return db.session.get(Territory, code) or abort(404)


def _record(entity: str, record_id: int, include_deleted: bool = False):
    """The programme or measure; aborts 404 for an unknown entity, id, or a deleted record."""
    model = REVIEWED.get(entity) or abort(404)
    record = db.session.get(model, record_id)
    if record is None or (record.deleted_at is not None and not include_deleted):
        abort(404)
    return record


def _sector_choices() -> list[tuple[str, str]]:
    lang = current_language()
    return [
        (s.key, s.name(lang)) for s in db.session.scalars(select(Sector).order_by(Sector.position))
    ]


def _prepare(form, entity: str, territory_code: str):
    """Fill the lists that come from the database."""
    if entity == "measure":
        form.sectors.choices = forms.choices(_sector_choices())
        form.programme_id.choices = forms.choices(
            [("", _("No programme"))]
            + [
                (str(p.id), f"{p.kind} {p.first_year}–{p.last_year}: {p.title}")
                for p in db.session.scalars(
                    select(Programme)
                    .where(
                        Programme.territory_code == territory_code, Programme.deleted_at.is_(None)
                    )
                    .order_by(Programme.first_year.desc())
                )
            ]
        )
        form.partners.choices = forms.choices(
            [
                (str(o.id), o.name)
                for o in db.session.scalars(
                    select(Organisation)
                    .where(Organisation.deleted_at.is_(None))
                    .order_by(Organisation.name)
                )
            ]
        )
    return form


def _version(value) -> int | None:
    """The record version a form carries, or None when it is missing or not a number."""
    value = str(value or "").strip()
    return int(value) if value.isascii() and value.isdigit() else None


def _raw(form, territory_code: str) -> dict:
    data = {k: v for k, v in form.data.items() if k not in ("csrf_token", "version")}
    data["territory_code"] = territory_code
    return data


def _show_errors(form, errors: dict[str, str]) -> None:
    for field, message in errors.items():
        if field in form:
            form[field].errors = list(form[field].errors or []) + [message]
        else:
            flash(message, "error")
    flash(_("Nothing was saved: please correct the fields marked below."), "error")


def _field_label(form, field: str) -> str:
    if field in form:
        return str(form[field].label.text)
    return {
        "review_state": _("Review"),
        "deleted": _("Deleted"),
        "territory_code": _("Collectivity"),
    }.get(field, field)


def _show_stale(form, stale: service.StaleRecord) -> None:
    changed = ", ".join(_field_label(form, f) for f in stale.changes) or _("its review state")
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


def _form_values(entity: str, record) -> dict:
    """The record's values as the form shows them."""
    values = {}
    for name in FORMS[entity]().data:
        if name in ("csrf_token",):
            continue
        value = getattr(record, name, None)
        if name == "sectors":
            value = [s.key for s in record.sectors]
        elif name == "partners":
            value = [str(o.id) for o in record.partners]
        elif name == "programme_id":
            value = str(value) if value else ""
        elif value is None:
            value = ""
        elif name in ("target_groups", "funding_sources"):
            value = list(value)
        else:
            value = str(value)
        values[name] = value
    return values


@bp.get("/work")
@login_required
def home():
    """The signed-in user's home: for each collectivity, its programmes, its measures by
    status and sector, the SNIA sectors with no measure yet, and what was returned; for
    a coordinator, each region's councils and what they have recorded, by review state."""
    lang = current_language()
    sectors = db.session.scalars(select(Sector).order_by(Sector.position)).all()
    collectivities = []
    for territory in permissions.writable_territories(current_user):
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
        by_status = {key: 0 for key in MEASURE_STATUSES}
        by_sector = {s.key: 0 for s in sectors}
        for m in measures:
            by_status[m.status] = by_status.get(m.status, 0) + 1
            for s in m.sectors:
                by_sector[s.key] += 1
        collectivities.append(
            {
                "territory": territory,
                "programmes": programmes,
                "measures": measures,
                "by_status": by_status,
                "by_sector": by_sector,
                "missing_sectors": [s for s in sectors if by_sector[s.key] == 0],
                "returned": [r for r in programmes + measures if r.review_state == "returned"],
            }
        )
    queue = 0
    if current_user.role in ("coordinator", "admin"):
        queue = len(_review_queue())
    regions = []
    if current_user.role == "coordinator":
        regions = [
            overview.region_overview(t)
            for t in sorted(current_user.territories, key=lambda t: t.code)
            if t.level == "region"
        ]
    return render_template(
        "records/home.html",
        collectivities=collectivities,
        regions=regions,
        sectors=sectors,
        lang=lang,
        queue=queue,
        statuses=MEASURE_STATUSES,
        review_states=REVIEW_STATES,
        programme_kinds=PROGRAMME_KINDS,
        level_names=LEVEL_NAMES,
        level_plurals=LEVEL_PLURALS,
    )


@bp.route("/work/<code>/<entity>/new", methods=["GET", "POST"])
@login_required
def record_new(code: str, entity: str):
    """A new programme or measure for collectivity `code` (403 outside the user's scope)."""
    if entity not in FORMS:
        abort(404)
    territory = _territory(code)
    permissions.require_write(territory.code)
    form = _prepare(FORMS[entity](), entity, territory.code)
    if request.method == "GET" and entity == "measure":
        form.status.data = "planned"
    if form.validate_on_submit():
        saver = service.save_measure if entity == "measure" else service.save_programme
        try:
            record = saver(current_user, _raw(form, territory.code))
        except service.NotAllowed:
            abort(403)
        except service.RecordInvalid as invalid:
            db.session.rollback()
            _show_errors(form, invalid.errors)
        else:
            db.session.commit()
            flash(_("Saved as a draft. Submit it for review when it is complete."), "info")
            return redirect(url_for("records.record_view", entity=entity, record_id=record.id))
    return render_template(
        "records/record_form.html", form=form, entity=entity, territory=territory, record=None
    ), (400 if form.errors else 200)


@bp.route("/work/<entity>/<int:record_id>/edit", methods=["GET", "POST"])
@login_required
def record_edit(entity: str, record_id: int):
    """Change a programme or measure. A save made from an older version is refused."""
    record = _record(entity, record_id)
    permissions.require_write(record.territory_code)
    form = _prepare(FORMS[entity](), entity, record.territory_code)
    if request.method == "GET":
        form.process(data=_form_values(entity, record))
        _prepare(form, entity, record.territory_code)

    def form_page(status: int, **extra):
        page = render_template(
            "records/record_form.html",
            form=form,
            entity=entity,
            territory=record.territory,
            record=record,
            **extra,
        )
        return page, status

    if form.validate_on_submit():
        version = _version(form.version.data)
        if version is None:
            # A browser sends back the number it was given: anything else is a damaged or
            # hand-made form, refused before anything is saved.
            flash(
                _("This form is damaged or incomplete. Nothing was saved: open the record again."),
                "error",
            )
            return form_page(400)
        saver = service.save_measure if entity == "measure" else service.save_programme
        try:
            saver(current_user, _raw(form, record.territory_code), record, expected_version=version)
            db.session.commit()
        except service.NotAllowed:
            db.session.rollback()
            abort(403)
        except service.RecordInvalid as invalid:
            db.session.rollback()
            _show_errors(form, invalid.errors)
        except service.StaleRecord as stale:
            db.session.rollback()
            _show_stale(form, stale)
            return form_page(409, stale=stale)
        except StaleDataError:
            db.session.rollback()
            flash(_saved_at_the_same_moment(), "error")
            return redirect(url_for("records.record_view", entity=entity, record_id=record_id))
        else:
            flash(_("Saved."), "info")
            return redirect(url_for("records.record_view", entity=entity, record_id=record.id))
    return form_page(400 if form.errors else 200)


@bp.get("/work/<entity>/<int:record_id>")
@login_required
def record_view(entity: str, record_id: int):
    """A record as its collectivity's officers and its region's coordinators see it, with its history."""
    record = _record(entity, record_id, include_deleted=current_user.role == "admin")
    if not permissions.can_read_private(current_user, record.territory_code):
        abort(403)
    labelled = _prepare(FORMS[entity](), entity, record.territory_code)
    return render_template(
        "records/record_view.html",
        record=record,
        entity=entity,
        history=audit.history(entity, record.id),
        labels=LABELS,
        can_write=permissions.can_write(current_user, record.territory_code),
        can_review=permissions.can_review(current_user, record.territory_code),
        action_form=forms.ActionForm(version=record.version),
        review_form=forms.ReviewForm(version=record.version),
        lang=current_language(),
        field_label=lambda field: _field_label(labelled, field),
        who=audit.who,
        show_value=lambda entity, field, value: audit.display_value(
            entity, field, value, current_language()
        ),
    )


@bp.post("/work/<entity>/<int:record_id>/<action>")
@login_required
def record_action(entity: str, record_id: int, action: str):
    """Submit a record for review, validate or return it, or delete it."""
    record = _record(entity, record_id)
    if action not in ("submit", "validate", "return", "delete"):
        abort(404)
    form = forms.ReviewForm() if action in ("validate", "return") else forms.ActionForm()
    if not form.validate_on_submit():
        abort(400)
    version = _version(form.version.data)
    if version is None:
        # Every button sends the version it was shown: without it, nobody can tell what
        # the person saw before submitting, validating, returning or deleting.
        flash(
            _("This form is damaged or incomplete. Nothing was saved: open the record again."),
            "error",
        )
        return redirect(url_for("records.record_view", entity=entity, record_id=record.id)), 303
    try:
        if action == "delete":
            service.delete(current_user, entity, record, expected_version=version)
        else:
            comment = form.comment.data if action in ("validate", "return") else None
            service.transition(
                current_user, entity, record, action, comment, expected_version=version
            )
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
        flash(
            _(
                "Someone else changed this record after you opened it. Nothing was done: look at it again."
            ),
            "error",
        )
    except service.RecordInvalid as invalid:
        db.session.rollback()
        for message in invalid.errors.values():
            flash(message, "error")
    else:
        messages = {
            "submit": _("Submitted for review."),
            "validate": _("Validated: it is now public."),
            "return": _("Returned to the collectivity with your comment."),
            "delete": _("Deleted. An administrator can restore it."),
        }
        flash(messages[action], "info")
        if action == "delete":
            return redirect(url_for("records.home"))
        if action in ("validate", "return"):
            return redirect(url_for("records.review_queue"))
    return redirect(url_for("records.record_view", entity=entity, record_id=record_id))


def _review_queue() -> list:
    """Submitted programmes and measures the signed-in user may review, oldest first."""
    items = []
    for entity, model in REVIEWED.items():
        rows = db.session.scalars(
            select(model)
            .where(model.review_state == "submitted", model.deleted_at.is_(None))
            .order_by(model.updated_at)
        )
        items += [
            (entity, r) for r in rows if permissions.can_review(current_user, r.territory_code)
        ]
    return items


@bp.get("/review")
@login_required
def review_queue():
    """The coordinator's queue: what the collectivities of the region submitted."""
    if current_user.role not in ("coordinator", "admin"):
        abort(403)
    return render_template(
        "records/review.html", queue=_review_queue(), lang=current_language(), labels=LABELS
    )


@bp.get("/work/organisations")
@login_required
def organisations():
    """The partner registry."""
    rows = db.session.scalars(
        select(Organisation).where(Organisation.deleted_at.is_(None)).order_by(Organisation.name)
    ).all()
    return render_template(
        "records/organisations.html", organisations=rows, kinds=ORGANISATION_KINDS
    )


@bp.route("/work/organisations/new", methods=["GET", "POST"])
@bp.route("/work/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
@login_required
def organisation_form(organisation_id: int | None = None):
    """Add a partner organisation (officers, administrators) or change one (its creator, administrators)."""
    organisation = None
    if organisation_id is not None:
        organisation = db.session.get(Organisation, organisation_id)
        if organisation is None or organisation.deleted_at is not None:
            abort(404)
    if current_user.role not in ("officer", "admin") or (
        organisation is not None
        and not (current_user.role == "admin" or organisation.created_by_id == current_user.id)
    ):
        abort(403)
    form = forms.OrganisationForm(obj=organisation)
    if form.validate_on_submit():
        version = _version(form.version.data)
        try:
            service.save_organisation(
                current_user,
                {k: v for k, v in form.data.items() if k not in ("csrf_token", "version")},
                organisation,
                expected_version=version,
            )
            db.session.commit()
        except service.NotAllowed:
            db.session.rollback()
            abort(403)
        except service.RecordInvalid as invalid:
            db.session.rollback()
            _show_errors(form, invalid.errors)
        except service.StaleRecord as stale:
            db.session.rollback()
            _show_stale(form, stale)
        except StaleDataError:
            db.session.rollback()
            flash(_saved_at_the_same_moment(), "error")
        else:
            flash(_("Saved."), "info")
            return redirect(url_for("records.organisations"))
    elif request.method == "GET" and organisation is not None:
        form.version.data = organisation.version
    return render_template(
        "records/organisation_form.html", form=form, organisation=organisation
    ), (400 if form.errors else 200)


@bp.get("/admin/deleted")
@login_required
def deleted():
    """Deleted records, which an administrator can restore."""
    permissions.require_admin()
    rows = []
    for entity, model in {**REVIEWED, "organisation": Organisation}.items():
        rows += [
            (entity, r)
            for r in db.session.scalars(
                select(model).where(model.deleted_at.is_not(None)).order_by(model.deleted_at.desc())
            )
        ]
    return render_template("records/deleted.html", rows=rows, form=forms.ActionForm())


@bp.post("/admin/deleted/<entity>/<int:record_id>/restore")
@login_required
def restore(entity: str, record_id: int):
    """Restore a deleted record (administrators only)."""
    permissions.require_admin()
    model = {**REVIEWED, "organisation": Organisation}.get(entity) or abort(404)
    record = db.session.get(model, record_id) or abort(404)
    if not forms.ActionForm().validate_on_submit():
        abort(400)
    try:
        service.restore(current_user, entity, record)
        db.session.commit()
    except service.WrongState:
        db.session.rollback()
        flash(_("This record is not deleted."), "error")
    except StaleDataError:
        db.session.rollback()
        flash(
            _(
                "Someone else changed this record after you opened it. Nothing was done: look at it again."
            ),
            "error",
        )
    else:
        flash(_("Restored."), "info")
    return redirect(url_for("records.deleted"))


@bp.route("/work/import", methods=["GET", "POST"])
@login_required
def import_measures():
    """Upload a CSV or XLSX of measures: all rows are saved, or none, with a report per row."""
    from tracker import imports

    if current_user.role not in ("officer", "admin"):
        abort(403)
    form = forms.ImportForm()
    report = None
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        try:
            report = imports.import_measures(
                current_user, upload.filename, upload.stream, dry_run=form.dry_run.data
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
        columns=imports.COLUMNS,
        lang=current_language(),
        actions=imports.action_labels(report) if report else {},
    ), status


@bp.get("/work/import/template.<fmt>")
@login_required
def import_template(fmt: str):
    """The import template, headings in the page's language (`?lang=ar` or `fr`)."""
    from flask import Response

    from tracker import imports

    if fmt not in ("csv", "xlsx"):
        abort(404)
    lang = current_language()
    data = imports.write_template(lang, fmt)
    mimetype = (
        "text/csv; charset=utf-8"
        if fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return Response(
        data,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="measures-template-{lang}.{fmt}"'},
    )
