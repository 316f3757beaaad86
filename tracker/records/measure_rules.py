"""The rules of a measure: each field read as its kind says (`tracker.records.fields`),
then the rules that tie fields together. `service.clean_measure` raises with what this
finds; the form and the import both go through it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

import geo.distance
from tracker import geography
from tracker.extensions import db
from tracker.i18n import current_language, format_decimal, morocco_today
from tracker.models import Organisation, Programme, Sector, Territory
from tracker.records import values
from tracker.records.fields import MEASURE_FIELDS, Field

# The statuses of a measure that has begun: its start cannot be in the future.
STARTED = ("ongoing", "completed")
# The boxes a form ticks (and the keys a save is given) to confirm what a rule only warns
# about; without it, the warning is the refusal, under this key.
CONFIRM_DATES = "confirm_dates"


def _territory(field: Field, value: Any, errors: dict) -> str | None:
    code = values.text(value)
    if not code:
        errors[field.key] = _("This field is required.")
    elif db.session.get(Territory, code) is None:
        errors[field.key] = _("Unknown territory code: %(codes)s.", codes=code)
    return code


def _record_id(value: Any) -> int:
    """The id a choice sends, -1 (no record's) for anything but a few ASCII digits: "²" is
    a digit to `str.isdigit` but no number, and no database holds a 30-digit id."""
    text = str(value)
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else -1


def _programme(field: Field, value: Any, errors: dict) -> int | None:
    """The id of a programme that exists and is not deleted; whose it is is checked later."""
    if value in (None, "", 0, "0"):
        return None
    programme = db.session.get(Programme, _record_id(value)) if str(value).isdigit() else None
    if programme is None or programme.deleted_at is not None:
        errors[field.key] = _("Choose a value from the list.")
        return None
    return programme.id


def _partners(field: Field, value: Any, errors: dict) -> list[Organisation]:
    ids = [_record_id(p) for p in (value or []) if str(p).isdigit()]
    partners = list(
        db.session.scalars(
            select(Organisation).where(Organisation.id.in_(ids), Organisation.deleted_at.is_(None))
        )
    )
    if len(partners) != len(set(ids)):
        errors[field.key] = _("Choose a value from the list.")
    return partners


def _sectors(field: Field, value: Any, errors: dict) -> list[str]:
    keys = set(db.session.scalars(select(Sector.key)))
    return values.choices(value, keys, field.key, errors)


def _bounded(field: Field, value: Any, errors: dict) -> str | None:
    return values.bounded(
        value, field.key, errors, field.max_length, field.required, field.kind == "longtext"
    )


def _count(field: Field, value: Any, errors: dict) -> int | None:
    return values.count(value, field.key, errors, field.maximum)


def _coordinate(field: Field, value: Any, errors: dict) -> Decimal | None:
    return values.coordinate(value, field.key, errors, field.minimum, field.maximum)


# How each kind of field is read: (field, raw value, errors) → the value to store.
READERS: dict[str, Callable[[Field, Any, dict], Any]] = {
    "text": _bounded,
    "longtext": _bounded,
    "reference": _bounded,
    "territory": _territory,
    "programme": _programme,
    "choice": lambda f, v, e: values.choice(v, f.vocabulary, f.key, e, f.required),
    "choices": lambda f, v, e: values.choices(v, f.vocabulary, f.key, e),
    "sectors": _sectors,
    "partners": _partners,
    "date": lambda f, v, e: values.period(v, f.key, e),
    # Set with the date before it (`_check_dates`), from how that date was written.
    "precision": lambda f, v, e: None,
    "money": lambda f, v, e: values.amount(v, f.key, e, f.maximum),
    "count": _count,
    "percent": _count,
    "latitude": _coordinate,
    "longitude": _coordinate,
}


def read_measure(raw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The fields of a measure read from `raw`, and the problems found (field → message).

    Each field is read as its kind says, within its declared bounds; then: the end
    date not before the start, and no future start for a measure ongoing or completed
    (`_check_dates`); more spent than planned only with a reason, women plus men not
    above the total and minors not above it either, a total whenever a part is given,
    both coordinates or neither, a programme of the measure's collectivity or of a
    territory it lies in, and dates outside that programme's years only when
    `raw[CONFIRM_DATES]` confirms them.
    """
    errors: dict[str, str] = {}
    data = {
        field.key: READERS[field.kind](field, raw.get(field.key), errors)
        for field in MEASURE_FIELDS
    }
    _check_dates(data, errors)
    _check_spending(data, errors)
    _check_beneficiaries(data, errors)
    _check_point(data, errors)
    _check_point_in_collectivity(data, errors)
    _check_programme(data, errors)
    _check_programme_years(data, errors, bool(raw.get(CONFIRM_DATES)))
    return data, errors


def today() -> dt.date:
    """Today's date in Morocco, where the measures are carried out."""
    return morocco_today()


def _check_dates(data: dict, errors: dict) -> None:
    """Store each date as the day it is compared by, with its precision: a start by
    the first day of the year or month given, an end by the last (an end given as
    "2025" is not before a start given as "2025-03"); then the end not before the
    start, and no future start for a measure that has begun (today in Morocco)."""
    start, end = data["start_date"], data["end_date"]
    data["start_date"], data["end_date"] = start and start.first, end and end.last
    data["start_date_precision"] = start and start.precision
    data["end_date_precision"] = end and end.precision
    if start and end and end.last < start.first:
        errors["end_date"] = _("The end date cannot be before the start date.")
    if start and data["status"] in STARTED and start.first > today():
        errors["start_date"] = _(
            "A measure that is ongoing or completed cannot start in the future (%(start)s; "
            "today is %(today)s): correct the start date or the status.",
            start=start.text,
            today=today().isoformat(),
        )


def _check_spending(data: dict, errors: dict) -> None:
    if (
        data["budget_planned"] is not None
        and data["budget_spent"] is not None
        and data["budget_spent"] > data["budget_planned"]
        and not data["overspend_reason"]
        and "budget_spent" not in errors
    ):
        errors["overspend_reason"] = _(
            "More was spent than planned: say why in the reason for overspending."
        )


def _check_beneficiaries(data: dict, errors: dict) -> None:
    total = data["beneficiaries_total"]
    women, men, minors = (data[f"beneficiaries_{p}"] for p in ("women", "men", "minors"))
    if total is not None:
        if (women or 0) + (men or 0) > total:
            errors["beneficiaries_total"] = _("Women and men together cannot exceed the total.")
        if minors is not None and minors > total:
            errors["beneficiaries_minors"] = _("Minors cannot exceed the total.")
    elif women is not None or men is not None or minors is not None:
        errors["beneficiaries_total"] = _("Give the total when you give women, men or minors.")


def _check_point(data: dict, errors: dict) -> None:
    if (data["latitude"] is None) != (data["longitude"] is None) and not (
        "latitude" in errors or "longitude" in errors
    ):
        errors["longitude"] = _("Give both latitude and longitude, or neither.")


def programme_holders(code: str | None) -> list[str]:
    """The collectivities whose programmes a measure of collectivity `code` may belong
    to: itself, then the territories it lies in, nearest first (a commune's province,
    then its region); nothing for an unknown code."""
    territory = db.session.get(Territory, code) if code else None
    if territory is None:
        return []
    return [territory.code, *(t.code for t in reversed(territory.ancestors()))]


def _check_programme(data: dict, errors: dict) -> None:
    if data["programme_id"] is None:
        return
    programme = db.session.get(Programme, data["programme_id"])
    if programme.territory_code not in programme_holders(data["territory_code"]):
        errors["programme_id"] = _(
            "The programme belongs to a collectivity this one is not part of: choose one "
            "of its own programmes or of its province's or region's."
        )
        data["programme_id"] = None


#: How far outside its collectivity's boundary a measure's point may lie: a centre at the edge
#: of town, or a boundary drawn a little off, is no mistake.
POINT_MARGIN_M = 2000


def _check_point_in_collectivity(data: dict, errors: dict) -> None:
    """Refuse a point lying more than `POINT_MARGIN_M` outside the boundary of the measure's
    collectivity, with a message naming the collectivity and how far outside it the point is.

    The boundary is the unsimplified one of the boundary cache. When the cache holds none (not
    built yet, or no shape for this territory), the point is not refused: there is nothing to
    measure it against, and the other checks (inside Morocco's box) still apply.
    """
    if data["latitude"] is None or data["longitude"] is None:
        return
    if errors.keys() & {"latitude", "longitude", "territory_code"}:
        return
    territory = db.session.get(Territory, data["territory_code"])
    boundary = geo.distance.boundary_of(geography.cache_dir(), territory.level, territory.code)
    if boundary is None:
        return
    metres = geo.distance.distance_outside_m(
        boundary, float(data["longitude"]), float(data["latitude"])
    )
    if metres > POINT_MARGIN_M:
        km = metres / 1000
        errors["latitude"] = _(
            "The point lies %(distance)s km outside %(name)s; check the latitude and the "
            "longitude (a point up to %(margin)s km outside the boundary is accepted).",
            distance=format_decimal(km, format="#,##0.0" if km < 10 else "#,##0"),
            name=territory.name(current_language()),
            margin=format_decimal(POINT_MARGIN_M / 1000, format="#,##0"),
        )


def _check_programme_years(data: dict, errors: dict, confirmed: bool) -> None:
    """Dates outside the programme's years are refused unless confirmed: a start by
    the first day it gives, an end by the last."""
    if data["programme_id"] is None or confirmed or "start_date" in errors:
        return
    programme = db.session.get(Programme, data["programme_id"])
    first, last = dt.date(programme.first_year, 1, 1), dt.date(programme.last_year, 12, 31)
    dates = [d for d in (data["start_date"], data["end_date"]) if d is not None]
    if any(not first <= day <= last for day in dates):
        errors[CONFIRM_DATES] = _(
            "These dates fall outside the years of the programme (%(first)d–%(last)d). "
            "If they are right, tick the box to confirm them, then save again.",
            first=programme.first_year,
            last=programme.last_year,
        )
