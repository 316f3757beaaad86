"""Forms for signing in and for managing accounts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from tracker.vocab import ROLES

MIN_PASSWORD = 12


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
