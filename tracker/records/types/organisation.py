"""Partner organisations: a registry shared by every collectivity, not reviewed; an
officer adds one, and changes or deletes those the account added."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from tracker import permissions
from tracker.models import Organisation
from tracker.records import forms, service
from tracker.records.registry import RecordType
from tracker.vocab import ORGANISATION_KINDS

RECORD_TYPE = RecordType(
    key="organisation",
    kinds=ORGANISATION_KINDS,
    model=Organisation,
    form=forms.OrganisationForm,
    clean=service.clean_organisation,
    save=service.save_organisation,
    label=_l("Partner organisation"),
    plural=_l("Partner organisations"),
    may_write=permissions.can_edit_organisation,
    order=30,
    reviewed=False,
    title_field="name",
)
