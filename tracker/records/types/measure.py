"""Measures: what a collectivity does for migrants, recorded by its officers and
reviewed by its region's coordinators, public once validated."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from tracker import permissions
from tracker.extensions import db
from tracker.i18n import current_language
from tracker.models import Measure, Organisation, Programme, Sector
from tracker.public_data import measure_item
from tracker.records import forms, service
from tracker.records.partners import partner_choices
from tracker.records.registry import RecordType, plain_form_values
from tracker.vocab import MEASURE_KINDS

# Fields whose form value is a list of keys or ids, not one text.
_LISTS = ("target_groups", "funding_sources")


def prepare(form, territory_code: str) -> None:
    """Fill the measure form's lists from the database: the sectors, the collectivity's
    programmes (newest first) and the partner organisations (deleted ones left out)."""
    lang = current_language()
    sectors = db.session.scalars(select(Sector).order_by(Sector.position))
    form.sectors.choices = forms.choices([(s.key, s.name(lang)) for s in sectors])
    programmes = db.session.scalars(
        select(Programme)
        .where(Programme.territory_code == territory_code, Programme.deleted_at.is_(None))
        .order_by(Programme.first_year.desc())
    )
    form.programme_id.choices = forms.choices(
        [("", _("No programme"))]
        + [(str(p.id), f"{p.kind} {p.first_year}–{p.last_year}: {p.title}") for p in programmes]
    )
    partners = db.session.scalars(select(Organisation).where(Organisation.deleted_at.is_(None)))
    form.partners.choices = partner_choices(partners, lang)


def form_values(measure: Measure) -> dict[str, Any]:
    """The measure's values as its form shows them: sectors by key, partners by id,
    lists as lists, the rest as text."""
    values = plain_form_values(forms.MeasureForm, measure)
    values["sectors"] = [s.key for s in measure.sectors]
    values["partners"] = [str(o.id) for o in measure.partners]
    values["programme_id"] = str(measure.programme_id) if measure.programme_id else ""
    for name in _LISTS:
        stored = getattr(measure, name)
        values[name] = list(stored) if stored is not None else ""
    return values


RECORD_TYPE = RecordType(
    key="measure",
    kinds=MEASURE_KINDS,
    model=Measure,
    form=forms.MeasureForm,
    clean=service.clean_measure,
    save=service.save_measure,
    label=_l("Measure"),
    plural=_l("Measures"),
    may_write=permissions.can_write_record,
    order=10,
    partial="records/types/measure.html",
    public_item=measure_item,
    prepare=prepare,
    form_values=form_values,
    new_values={"status": "planned"},
)
