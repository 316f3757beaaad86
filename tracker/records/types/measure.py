"""Measures: what a collectivity does for migrants, recorded by its officers and
reviewed by its region's coordinators, public once validated."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from tracker import permissions
from tracker.extensions import db
from tracker.i18n import KIND_NAMES, current_language
from tracker.models import Measure, Organisation, Programme, Sector
from tracker.public_data import measure_item
from tracker.records import forms, service
from tracker.records.measure_rules import programme_holders
from tracker.records.partners import partner_choices
from tracker.records.registry import RecordType, plain_form_values
from tracker.vocab import MEASURE_KINDS, PROGRAMME_KINDS

# Fields whose form value is a list of keys or ids, not one text.
_LISTS = ("target_groups", "funding_sources")


def programme_label(programme: Programme, own_code: str, lang: str) -> str:
    """A programme as the measure form lists it: its kind's label, its title (isolated
    in its own direction: an option holds no markup) and its years, after its
    collectivity's kind and name when it is not the measure's own collectivity's."""
    label = _(
        "%(kind)s: \u2068%(title)s\u2069, %(first)d–%(last)d",
        kind=PROGRAMME_KINDS.get(programme.kind, programme.kind),
        title=programme.title,
        first=programme.first_year,
        last=programme.last_year,
    )
    if programme.territory_code == own_code:
        return label
    territory = programme.territory
    return _(
        "%(level)s \u2068%(name)s\u2069 — %(programme)s",
        level=KIND_NAMES.get(territory.kind, territory.level),
        name=territory.name(lang),
        programme=label,
    )


def prepare(form, territory_code: str) -> None:
    """Fill the measure form's lists from the database: the sectors, the programmes of
    the collectivity and of the territories it lies in (its own first, then its
    province's, then its region's, each newest first, labelled with their territory)
    and the partner organisations (deleted ones left out)."""
    lang = current_language()
    sectors = db.session.scalars(select(Sector).order_by(Sector.position))
    form.sectors.choices = forms.choices([(s.key, s.name(lang)) for s in sectors])
    holders = programme_holders(territory_code)
    programmes = db.session.scalars(
        select(Programme)
        .where(Programme.territory_code.in_(holders), Programme.deleted_at.is_(None))
        .order_by(Programme.first_year.desc(), Programme.id)
    )
    ordered = sorted(programmes, key=lambda p: holders.index(p.territory_code))
    form.programme_id.choices = forms.choices(
        [("", _("No programme"))]
        + [(str(p.id), programme_label(p, territory_code, lang)) for p in ordered]
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
    for name in ("start_date", "end_date"):
        values[name] = measure.given_date(name) or ""
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
    save=service.save_typed_measure,
    label=_l("Measure"),
    plural=_l("Measures"),
    may_write=permissions.can_write_record,
    order=10,
    partial="records/types/measure.html",
    public_item=measure_item,
    prepare=prepare,
    form_values=form_values,
    new_values=lambda territory_code: {"status": "planned"},
)
