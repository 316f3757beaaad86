"""Passwords: anyone signed in changes their own; an administrator resets one or unlocks
an account from the accounts page."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from tracker import accounts
from tracker.auth.forms import AccountActionForm, PasswordChangeForm
from tracker.auth.views import bp
from tracker.extensions import db
from tracker.models import User
from tracker.permissions import require_admin


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    """The signed-in account changes its own password: the current one, then the new
    one twice, as strong as any account's. A wrong current password, a weak or repeated
    new one is refused (400) and nothing is written. Every other session of the account
    ends; this one stays signed in."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = db.session.get(User, current_user.id)
        try:
            accounts.change_password(user, form.current_password.data, form.new_password.data)
        except accounts.AccountError as error:
            db.session.rollback()
            form[error.field].errors = list(form[error.field].errors or []) + [str(error)]
        else:
            db.session.commit()
            # The session token changed: this session follows it, the others are left behind.
            login_user(user)
            flash(_("Your password is changed. Your other sessions are signed out."), "info")
            return redirect(url_for("records.home"))
    page = render_template("auth/password.html", form=form)
    return page, (400 if form.errors else 200)


def _account_for_action(user_id: int) -> User:
    """The account an administrator acts on: 403 for anyone else, 404 for no account,
    400 without the CSRF token, checked in that order before anything is written."""
    require_admin()
    user = db.session.get(User, user_id) or abort(404)
    if not AccountActionForm().validate_on_submit():
        abort(400)
    return user


@bp.post("/admin/accounts/<int:user_id>/reset-password")
@login_required
def account_reset_password(user_id: int):
    """An administrator gives the account a temporary password, shown once on the answer
    (never in a cookie or a log); the account's sessions end, its lock is cleared, and it
    must choose its own password at the next sign-in. An administrator changes their own
    password on the password page instead."""
    user = _account_for_action(user_id)
    if user.id == current_user.id:
        flash(_("Change your own password on the password page."), "error")
        return redirect(url_for("auth.account_edit", user_id=user.id))
    temporary = accounts.reset_password(user)
    db.session.commit()
    response = make_response(
        render_template("auth/temporary_password.html", user=user, temporary=temporary)
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/admin/accounts/<int:user_id>/unlock")
@login_required
def account_unlock(user_id: int):
    """An administrator clears the account's failed sign-ins from every address, so it
    can sign in again at once."""
    user = _account_for_action(user_id)
    accounts.unlock(user)
    db.session.commit()
    flash(_("Account unlocked: it can sign in again from every address."), "info")
    return redirect(url_for("auth.account_edit", user_id=user.id))
