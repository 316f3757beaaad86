"""The forms officers fill. The rules themselves live in `tracker.records.service`,
shared with the bulk import; these forms carry the fields, the lists and the CSRF token."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired, MultipleFileField
from wtforms import (
    BooleanField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.fields.core import UnboundField
from wtforms.widgets import CheckboxInput, ListWidget

from tracker.attachments.store import ACCEPT
from tracker.i18n import current_language
from tracker.records.duplicates import CONFIRM_DUPLICATE
from tracker.records.field_kinds import SECTIONS
from tracker.records.fields import FORM_FIELDS, Field
from tracker.records.measure_rules import CONFIRM_DATES
from tracker.records.partners import PartnersField
from tracker.vocab import (
    HOME_COUNTRY,
    INTEGRATION_LEVELS,
    ORGANISATION_KINDS,
    PROGRAMME_KINDS,
    country_names,
)


class MultiCheckboxField(SelectMultipleField):
    """Several choices as check boxes (easier than a multiple select on a phone)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        # Values are checked by the service, with a message that names them.
        pass


class LenientSelectField(SelectField):
    """A select whose value the service checks, so a tampered value gets its message."""

    def pre_validate(self, form):
        pass


def choices(pairs) -> list[SelectChoice]:
    """Options for a select or check boxes from (value, label) pairs or a mapping."""
    items = pairs.items() if hasattr(pairs, "items") else pairs
    return [SelectChoice(str(value), label) for value, label in items]


_pairs = choices


class RecordForm(FlaskForm):
    """Fields every recorded form has: the version the user started from."""

    version = HiddenField()


# The attributes of each kind's input, after `maxlength` where the field has a limit.
_INPUT_ATTRIBUTES = {
    "text": {"dir": "auto"},
    # Text, not a date picker: a date may be a year or a month as well as a day.
    "date": {"placeholder": "2025-03-14", "dir": "ltr", "autocomplete": "off"},
    "money": {"inputmode": "decimal"},
    "latitude": {"inputmode": "decimal", "data-point-picker": "latitude"},
    "longitude": {"inputmode": "decimal", "data-point-picker": "longitude"},
    "count": {"inputmode": "numeric"},
    "percent": {"inputmode": "numeric"},
}


# What the form says under a kind's input.
_HELP = {"date": _l("A year (2025), a month (2025-03) or a day (2025-03-14).")}


def form_field(field: Field) -> UnboundField:
    """The form's input for a declared measure field, as its kind asks.

    Long texts are boxes of `field.rows` lines; choices a select or check boxes from
    the field's vocabulary (programmes, sectors and partners get their options from
    the view); the other kinds one line, with its limit as `maxlength`. A required
    field's input says so (`required`, `aria-required`); the form is sent unchecked by
    the browser all the same (`novalidate`), for the service's messages.
    """
    marked = {"required": True, "aria-required": "true"} if field.required else {}
    if field.kind == "longtext":
        return TextAreaField(field.label, render_kw={"rows": field.rows, "dir": "auto", **marked})
    if field.kind in ("choice", "programme"):
        return LenientSelectField(
            field.label, choices=_pairs(field.vocabulary or {}), render_kw=marked or None
        )
    if field.kind == "partners":
        return PartnersField(field.label, choices=[], render_kw=marked or None)
    if field.kind in ("choices", "sectors"):
        return MultiCheckboxField(field.label, choices=_pairs(field.vocabulary or {}))
    limit = {"maxlength": field.max_length} if field.max_length else {}
    return StringField(
        field.label,
        description=_HELP.get(field.kind, ""),
        render_kw={**limit, **_INPUT_ATTRIBUTES.get(field.kind, {}), **marked},
    )


class MeasureForm(RecordForm):
    """A measure's fields, in the order and with the labels `MEASURE_FIELDS` declares,
    then the boxes that confirm what the rules only warn about (shown with the warning)."""


for _field in FORM_FIELDS:
    setattr(MeasureForm, _field.key, form_field(_field))
# Confirmations come after every declared field, so that the form keeps their order.
CONFIRMATIONS = {
    CONFIRM_DATES: _l("Yes, these dates are right"),
    CONFIRM_DUPLICATE: _l("This is another measure: save it anyway"),
}
for _key, _label in CONFIRMATIONS.items():
    setattr(MeasureForm, _key, BooleanField(_label))
# The parts the form is shown in: (section, its title, its fields' names), in order.
MeasureForm.form_sections = [
    (key, title, [f.key for f in FORM_FIELDS if f.section == key])
    for key, title in SECTIONS.items()
    if any(f.section == key for f in FORM_FIELDS)
]
MeasureForm.confirmations = tuple(CONFIRMATIONS)
# Documents given as evidence, shown after the sections (`records/documents.html`): the
# files chosen, and the ids of the measure's documents ticked for removal.
MeasureForm.attachments = MultipleFileField(
    _l("Attach documents (PDF, PNG or JPEG, at most 5 MB each)"),
    render_kw={"accept": ACCEPT},
)
MeasureForm.remove_attachments = MultiCheckboxField(_l("Remove this document"), choices=[])
MeasureForm.document_fields = ("attachments", "remove_attachments")


class ProgrammeForm(RecordForm):
    kind = LenientSelectField(_l("Kind of programme"), choices=_pairs(PROGRAMME_KINDS))
    title = StringField(_l("Title"), render_kw={"maxlength": 300, "dir": "auto"})
    first_year = StringField(_l("First year"), render_kw={"inputmode": "numeric"})
    last_year = StringField(_l("Last year"), render_kw={"inputmode": "numeric"})
    adopted_on = StringField(_l("Adoption date"), render_kw={"type": "date"})
    integration = LenientSelectField(
        _l("How migration is integrated"), choices=_pairs(INTEGRATION_LEVELS)
    )
    reference = StringField(
        _l("Reference (deliberation number and date)"), render_kw={"maxlength": 300, "dir": "auto"}
    )


class OrganisationForm(RecordForm):
    """An organisation's names, kind, country (named in the page's language, Morocco
    first) and website."""

    name_fr = StringField(
        _l("Name in French (or another language in Latin script)"),
        render_kw={"maxlength": 200, "dir": "auto"},
    )
    name_ar = StringField(
        _l("Name in Arabic"), render_kw={"maxlength": 200, "dir": "auto", "lang": "ar"}
    )
    kind = LenientSelectField(_l("Kind of organisation"), choices=_pairs(ORGANISATION_KINDS))
    # Read when the form is made, in the page's language.
    country = LenientSelectField(
        _l("Country"),
        default=HOME_COUNTRY,
        choices=lambda: _pairs(country_names(current_language())),
    )
    website = StringField(_l("Website"), render_kw={"type": "url", "dir": "ltr"})


class ActionForm(FlaskForm):
    """A button that changes a record (submit, delete, restore), with the version seen."""

    version = HiddenField()


class ReviewForm(FlaskForm):
    """A coordinator validates or returns a record; returning needs a comment."""

    version = HiddenField()
    comment = TextAreaField(_l("Comment for the officer"), render_kw={"rows": 3, "dir": "auto"})
    decision = HiddenField()


class ImportForm(FlaskForm):
    file = FileField(
        _l("File (CSV or XLSX)"),
        validators=[
            FileRequired(_l("Choose a file.")),
            FileAllowed(["csv", "xlsx"], _l("Only CSV and XLSX files are accepted.")),
        ],
    )
    dry_run = BooleanField(_l("Only check the file, do not save"))
