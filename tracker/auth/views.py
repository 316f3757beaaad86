"""Signing in and out; the administrators' pages for accounts."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tracker import accounts, throttling
from tracker.auth.forms import AccountForm, LoginForm
from tracker.extensions import db
from tracker.i18n import safe_next
from tracker.models import User
from tracker.permissions import require_admin
from tracker.vocab import ROLES

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in. Wrong credentials, throttled and locked accounts get one message, not a
    session; an account whose password was reset is sent to choose its own first."""
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.sign_in(form.email.data, form.password.data, request.remote_addr)
        except accounts.SignInRefused as refused:
            flash(refused.message, "error")
            return render_template("auth/login.html", form=form), 401
        login_user(user)
        if user.must_change_password:
            return redirect(url_for("auth.password"))
        return redirect(safe_next(request.args.get("next"), default=url_for("records.home")))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    """Sign out: the account's session token changes, so no copy of the cookie works any more."""
    current_user.end_sessions()
    db.session.commit()
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("public.home"))


@bp.get("/admin/accounts")
@login_required
def account_list():
    """Every account, for administrators."""
    require_admin()
    users = db.session.scalars(select(User).order_by(User.email)).all()
    locked = throttling.locked_emails(u.email for u in users)
    return render_template("auth/accounts.html", users=users, roles=ROLES, locked=locked)


@bp.route("/admin/accounts/new", methods=["GET", "POST"])
@login_required
def account_new():
    """An administrator creates an account with its role and territories."""
    require_admin()
    form = AccountForm()
    if form.validate_on_submit():
        if not form.password.data:
            form.password.errors.append(_("A new account needs a password."))
        else:
            try:
                accounts.create_user(
                    form.email.data,
                    form.password.data,
                    form.role.data,
                    (form.territories.data or "").split(),
                )
            except accounts.AccountError as error:
                db.session.rollback()
                _show_account_error(form, error)
            else:
                if _committed(form, _("Account created.")):
                    return redirect(url_for("auth.account_list"))
    return _account_page(form, None)


def _committed(form, message: str) -> bool:
    """Commit the account's change and say `message`; False, with a message by the
    e-mail field and nothing saved, when another administrator took the address a
    moment ago."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        form.email.errors.append(_("An account already uses this e-mail address."))
        return False
    flash(message, "info")
    return True


def _account_page(form, user: User | None):
    """The account form, answered 400 when it shows errors; an existing account's page
    also has its reset and unlock buttons."""
    locked = user is not None and bool(throttling.locked_emails([user.email]))
    page = render_template("auth/account_form.html", form=form, user=user, locked=locked)
    return page, (400 if form.errors else 200)


def _show_account_error(form, error: accounts.AccountError) -> None:
    """Show a refusal next to its field, or at the top of the page."""
    if error.field and error.field in form:
        form[error.field].errors = list(form[error.field].errors or []) + [str(error)]
    else:
        flash(str(error), "error")


@bp.route("/admin/accounts/<int:user_id>", methods=["GET", "POST"])
@login_required
def account_edit(user_id: int):
    """An administrator changes an account's role, territories, password, or disables it.

    Disabling, or a new password, ends the account's sessions.
    """
    require_admin()
    user = db.session.get(User, user_id) or abort(404)
    form = AccountForm(obj=user)
    if request.method == "GET":
        form.territories.data = " ".join(t.code for t in user.territories)
    if form.validate_on_submit():
        try:
            email = accounts.check_email(form.email.data, user_id=user.id)
            territories = accounts.resolve_territories((form.territories.data or "").split())
            accounts.check_role_territories(form.role.data, territories)
            if user.id == current_user.id and (form.role.data != "admin" or not form.active.data):
                raise accounts.AccountError(_("You cannot remove your own administrator access."))
        except accounts.AccountError as error:
            _show_account_error(form, error)
        else:
            user.email = email
            user.role = form.role.data
            user.territories = territories
            if form.password.data:
                user.set_password(form.password.data)
                user.end_sessions()
            if user.active and not form.active.data:
                user.end_sessions()
            user.active = form.active.data
            if user.active:
                accounts.unlock(user)
            if _committed(form, _("Account saved.")):
                return redirect(url_for("auth.account_list"))
    return _account_page(form, user)
