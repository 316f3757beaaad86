"""Programmes: a collectivity's action plans (PAC, PDR...), recorded by its officers
and reviewed by its region's coordinators."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from tracker import permissions
from tracker.models import Programme
from tracker.public_data import programme_item
from tracker.records import forms, service
from tracker.records.registry import RecordType
from tracker.vocab import PROGRAMME_KINDS

RECORD_TYPE = RecordType(
    key="programme",
    kinds=PROGRAMME_KINDS,
    model=Programme,
    form=forms.ProgrammeForm,
    clean=service.clean_programme,
    save=service.save_programme,
    label=_l("Programme"),
    plural=_l("Programmes"),
    may_write=permissions.can_write_record,
    order=20,
    partial="records/types/programme.html",
    public_item=programme_item,
)
