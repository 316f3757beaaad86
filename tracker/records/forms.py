"""The forms officers fill. The rules themselves live in `tracker.records.service`,
shared with the bulk import; these forms carry the fields, the lists and the CSRF token."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from tracker.vocab import (
    FUNDING_SOURCES,
    INTEGRATION_LEVELS,
    MEASURE_KINDS,
    MEASURE_STATUSES,
    ORGANISATION_KINDS,
    PROGRAMME_KINDS,
    TARGET_GROUPS,
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


class MeasureForm(RecordForm):
    reference = StringField(_l("Your reference (optional)"), render_kw={"maxlength": 64})
    programme_id = LenientSelectField(_l("Programme"), choices=[])
    title = StringField(_l("Title"), render_kw={"maxlength": 300, "dir": "auto"})
    description = TextAreaField(_l("Description"), render_kw={"rows": 5, "dir": "auto"})
    kind = LenientSelectField(_l("Kind of measure"), choices=_pairs(MEASURE_KINDS))
    sectors = MultiCheckboxField(_l("Sectors"), choices=[])
    target_groups = MultiCheckboxField(_l("Target groups"), choices=_pairs(TARGET_GROUPS))
    status = LenientSelectField(_l("Status"), choices=_pairs(MEASURE_STATUSES))
    start_date = StringField(_l("Start date"), render_kw={"type": "date"})
    end_date = StringField(_l("End date"), render_kw={"type": "date"})
    budget_planned = StringField(_l("Budget planned (MAD)"), render_kw={"inputmode": "decimal"})
    budget_spent = StringField(_l("Budget spent (MAD)"), render_kw={"inputmode": "decimal"})
    overspend_reason = TextAreaField(
        _l("Reason for overspending (if more was spent than planned)"),
        render_kw={"rows": 2, "dir": "auto"},
    )
    funding_sources = MultiCheckboxField(_l("Funding sources"), choices=_pairs(FUNDING_SOURCES))
    partners = MultiCheckboxField(_l("Partner organisations"), choices=[])
    beneficiaries_total = StringField(
        _l("Beneficiaries: total"), render_kw={"inputmode": "numeric"}
    )
    beneficiaries_women = StringField(_l("of whom women"), render_kw={"inputmode": "numeric"})
    beneficiaries_men = StringField(_l("of whom men"), render_kw={"inputmode": "numeric"})
    beneficiaries_minors = StringField(_l("of whom minors"), render_kw={"inputmode": "numeric"})
    progress = StringField(_l("Progress, in percent"), render_kw={"inputmode": "numeric"})
    evidence = TextAreaField(
        _l("Evidence (a link, a deliberation number, a note)"), render_kw={"rows": 2, "dir": "auto"}
    )
    latitude = StringField(
        _l("Latitude (if the measure is a place)"), render_kw={"inputmode": "decimal"}
    )
    longitude = StringField(_l("Longitude"), render_kw={"inputmode": "decimal"})


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
    name = StringField(_l("Name"), render_kw={"maxlength": 200, "dir": "auto"})
    kind = LenientSelectField(_l("Kind of organisation"), choices=_pairs(ORGANISATION_KINDS))
    country = StringField(_l("Country (two-letter code)"), default="MA", render_kw={"maxlength": 2})
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
