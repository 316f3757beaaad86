"""The partner registry's pages: the list, the form that adds or changes an organisation,
and the same form inside the measure form (`?inline=1`: the form alone, answered with
the new organisation as JSON once saved), so a partner is added without leaving it.

Every save goes through `service.save_organisation`, which checks who is asking."""

from __future__ import annotations

from functools import wraps

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from tracker import permissions
from tracker.errors import json_error
from tracker.extensions import db
from tracker.i18n import current_language, safe_next
from tracker.models import Organisation
from tracker.models.territory import search_key
from tracker.records import forms, pages, service
from tracker.records.pages import form_data, form_version
from tracker.records.partners import search_text
from tracker.records.views import bp
from tracker.vocab import ORGANISATION_KINDS, country_name


def inline() -> bool:
    """Whether the request comes from the measure form's dialog (`?inline=1`)."""
    return request.args.get("inline") == "1"


def signed_in(view):
    """`login_required`, but the dialog is answered 401 in JSON instead of being sent to
    the sign-in page (which it could not show)."""

    @wraps(view)
    def checked(*args, **kwargs):
        if not current_user.is_authenticated:
            if inline():
                return json_error(401, "unauthorized", _("Please sign in to see this page."))
            return current_app.login_manager.unauthorized()
        return view(*args, **kwargs)

    return checked


def organisation_item(organisation: Organisation, lang: str) -> dict:
    """What the dialog needs of a saved organisation: its id, both names, the name in
    `lang` and both folded for searching."""
    return {
        "id": organisation.id,
        "name": organisation.name_in(lang),
        "name_fr": organisation.name_fr,
        "name_ar": organisation.name_ar,
        "search": search_text(organisation),
    }


def _back() -> str | None:
    """The page to go back to (the measure form the organisation was added from), if any."""
    asked = request.args.get("next")
    # Only a path on this site: anything else gives no way back rather than the home page.
    return asked if asked and safe_next(asked) == asked else None


@bp.get("/work/organisations")
@signed_in
def organisations():
    """The partner registry, each organisation by its name in the page's language (the
    other beside it), its kind and its country's name; a link back to the measure form
    when the user came from one (`next`)."""
    lang = current_language()
    rows = db.session.scalars(select(Organisation).where(Organisation.deleted_at.is_(None)))
    return render_template(
        "records/organisations.html",
        organisations=sorted(rows, key=lambda o: search_key(o.name_in(lang))),
        kinds=ORGANISATION_KINDS,
        lang=lang,
        country_name=country_name,
        back=_back(),
        can_add=permissions.can_create_organisation(current_user),
        can_edit=lambda o: permissions.can_edit_organisation(current_user, o),
    )


def _allowed(organisation: Organisation | None) -> bool:
    if organisation is None:
        return permissions.can_create_organisation(current_user)
    return permissions.can_edit_organisation(current_user, organisation)


@bp.route("/work/organisations/new", methods=["GET", "POST"])
@bp.route("/work/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
@signed_in
def organisation_form(organisation_id: int | None = None):
    """Add a partner organisation (officers, administrators) or change one (its creator,
    administrators): 404 for an unknown or deleted one, 403 for anyone else.

    With `inline=1` (the measure form's dialog) the page is the form alone, and a new
    organisation saved is answered 201 with its `organisation_item`; refused, the form
    comes back with its messages (400). Anonymous, the dialog is answered 401.
    """
    organisation = None
    if organisation_id is not None:
        organisation = db.session.get(Organisation, organisation_id)
        if organisation is None or organisation.deleted_at is not None:
            abort(404)
    if not _allowed(organisation):
        if inline():
            return json_error(403, "forbidden", _("This account may not add organisations."))
        abort(403)
    lang = current_language()
    form = forms.OrganisationForm(obj=organisation)
    back = _back()
    if form.validate_on_submit():
        raw = form_data(form)
        if "name" in request.form and not {"name_fr", "name_ar"} & set(request.form):
            # A form posted with the one `name` of before still saves (the service
            # places it by its script), over both names.
            raw.update(name_fr=None, name_ar=None, name=request.form["name"])
        outcome, saved = pages.save_from_form(
            form,
            lambda: service.save_organisation(
                current_user, raw, organisation, expected_version=form_version(form.version.data)
            ),
        )
        if outcome == pages.SAVED and inline():
            return jsonify(organisation_item(saved, lang)), 201
        if outcome == pages.SAVED:
            flash(_("Saved."), "info")
            return redirect(url_for("records.organisations", next=back))
    elif request.method == "GET" and organisation is not None:
        form.version.data = organisation.version
    template = "records/organisation_fields.html" if inline() else "records/organisation_form.html"
    return render_template(
        template, form=form, organisation=organisation, back=back, inline=inline()
    ), (400 if form.errors else 200)
