"""Forms for signing in and for managing accounts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from tracker.accounts import MIN_PASSWORD
from tracker.vocab import ROLES


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class AccountForm(FlaskForm):
    """An administrator creates or changes an account."""

    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    role = SelectField(_l("Role"), choices=[SelectChoice(k, v) for k, v in ROLES.items()])
    territories = StringField(
        _l("Territories (HCP codes, separated by spaces)"),
        validators=[Optional(), Length(max=2000)],
    )
    password = PasswordField(
        _l("New password (at least 12 characters)"), validators=[Optional(), Length(max=200)]
    )
    active = BooleanField(_l("Active"), default=True)

    def validate_password(self, field):
        if field.data and len(field.data) < MIN_PASSWORD:
            raise ValidationError(_l("The password must have at least 12 characters."))


class PasswordChangeForm(FlaskForm):
    """Anyone signed in changes their own password: the current one, the new one twice."""

    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("New password (at least 12 characters)"),
        validators=[DataRequired(), Length(max=200)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm_password = PasswordField(
        _l("New password, again"),
        validators=[
            DataRequired(),
            EqualTo("new_password", message=_l("The two new passwords are not the same.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class AccountActionForm(FlaskForm):
    """A button of the accounts page that changes an account (reset, unlock): its CSRF
    token only."""
