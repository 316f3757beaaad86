"""Recording programmes, measures and organisations: the rules, the permissions, the history.

Forms, the bulk import and the command line all go through these functions, so
a rule is written once. Each function checks who is asking against the
record's collectivity, writes the history entry, and leaves the commit to the
caller (one transaction per request or per import).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import select

from tracker import audit, permissions
from tracker.extensions import db
from tracker.models import Measure, Organisation, Programme, Sector, Territory
from tracker.records import registry
from tracker.vocab import (
    FUNDING_SOURCES,
    INTEGRATION_LEVELS,
    MEASURE_KINDS,
    MEASURE_STATUSES,
    ORGANISATION_KINDS,
    PROGRAMME_KINDS,
    TARGET_GROUPS,
)

TITLE_MAX = 300
TEXT_MAX = 5000
REFERENCE_MAX = 64
# The largest amount the budget columns (Numeric(14, 2)) hold: just under 1,000 billion MAD,
# far above any collectivity's budget, so anything larger is a typing error.
MAX_BUDGET = Decimal("999999999999.99")
MAX_COUNT = 10_000_000

MEASURE_RELATIONS = ("sectors", "partners")


class NotAllowed(Exception):
    """The user may not do this to this record (answered 403)."""


class RecordInvalid(Exception):
    """The data breaks a rule; `errors` maps each field to a message in the user's language."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class StaleRecord(Exception):
    """Someone saved the record after the user opened it; nothing was overwritten.

    `changes` maps each field changed since to `[old, new]`, `by` names who changed it.
    """

    def __init__(self, changes: dict[str, list], by: list[str]):
        super().__init__("stale")
        self.changes = changes
        self.by = by


def _now() -> datetime:
    return datetime.now(UTC)


# ---- reading raw values -------------------------------------------------------------------


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _date(value: Any, field: str, errors: dict) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        errors[field] = _("Enter a date as YYYY-MM-DD.")
        return None


def _decimal(value: Any, field: str, errors: dict) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(
            str(value).strip().replace(" ", "").replace("\u202f", "").replace(",", ".")
        )
    except InvalidOperation:
        errors[field] = _("Enter an amount in dirhams, such as 250000 or 250000.50.")
        return None
    if not number.is_finite():
        errors[field] = _("Enter an amount in dirhams, such as 250000 or 250000.50.")
        return None
    if number < 0:
        errors[field] = _("An amount cannot be negative.")
        return None
    # Compare once rounded to the cent, as stored: 999999999999.999 rounds up past the limit.
    if number > MAX_BUDGET or number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) > MAX_BUDGET:
        errors[field] = _(
            "This amount is too large: at most %(max)s dirhams.",
            max=format_decimal(MAX_BUDGET, format="#,##0.00"),
        )
        return None
    return number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _count(value: Any, field: str, errors: dict, maximum: int = MAX_COUNT) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
        if number != number.to_integral_value():
            raise InvalidOperation
        count = int(number)
    except (InvalidOperation, ValueError):
        errors[field] = _("Enter a whole number.")
        return None
    if count < 0:
        errors[field] = _("A count cannot be negative.")
    elif count > maximum:
        errors[field] = _("This number is too large (at most %(max)d).", max=maximum)
    return count


def _choice(
    value: Any, choices: dict, field: str, errors: dict, required: bool = True
) -> str | None:
    value = _text(value)
    if value is None:
        if required:
            errors[field] = _("This field is required.")
        return None
    if value not in choices:
        errors[field] = _("Choose a value from the list.")
        return None
    return value


def _choices(values: Any, choices, field: str, errors: dict) -> list[str]:
    items = [_text(v) for v in (values or [])]
    items = [v for v in items if v]
    unknown = [v for v in items if v not in choices]
    if unknown:
        errors[field] = _("Not in the list: %(values)s.", values=", ".join(unknown))
    return list(dict.fromkeys(v for v in items if v in choices))


def _bounded(
    value: Any, field: str, errors: dict, limit: int, required: bool = False
) -> str | None:
    text = _text(value)
    if text is None:
        if required:
            errors[field] = _("This field is required.")
        return None
    if len(text) > limit:
        errors[field] = _("At most %(max)d characters.", max=limit)
    return text


# ---- measures -------------------------------------------------------------------------------


def clean_measure(raw: dict[str, Any]) -> dict[str, Any]:
    """Check and convert the fields of a measure; raises `RecordInvalid` with every problem.

    Rules: title, kind, status and collectivity required; end date not before the
    start; budgets not negative, spent above planned only with a reason; counts
    not negative, women plus men not above the total, minors not above it either;
    sectors, kinds, statuses, target groups and funding sources only from their
    lists; lengths bounded; progress from 0 to 100; a point inside Morocco's box.
    """
    errors: dict[str, str] = {}
    data: dict[str, Any] = {}
    data["territory_code"] = _text(raw.get("territory_code"))
    if not data["territory_code"]:
        errors["territory_code"] = _("This field is required.")
    elif db.session.get(Territory, data["territory_code"]) is None:
        errors["territory_code"] = _(
            "Unknown territory code: %(codes)s.", codes=data["territory_code"]
        )
    data["reference"] = _bounded(raw.get("reference"), "reference", errors, REFERENCE_MAX)
    data["title"] = _bounded(raw.get("title"), "title", errors, TITLE_MAX, required=True)
    data["description"] = _bounded(raw.get("description"), "description", errors, TEXT_MAX)
    data["kind"] = _choice(raw.get("kind"), MEASURE_KINDS, "kind", errors)
    data["status"] = _choice(raw.get("status"), MEASURE_STATUSES, "status", errors)
    sector_keys = set(db.session.scalars(select(Sector.key)))
    data["sectors"] = _choices(raw.get("sectors"), sector_keys, "sectors", errors)
    data["target_groups"] = _choices(
        raw.get("target_groups"), TARGET_GROUPS, "target_groups", errors
    )
    data["funding_sources"] = _choices(
        raw.get("funding_sources"), FUNDING_SOURCES, "funding_sources", errors
    )
    data["start_date"] = _date(raw.get("start_date"), "start_date", errors)
    data["end_date"] = _date(raw.get("end_date"), "end_date", errors)
    if data["start_date"] and data["end_date"] and data["end_date"] < data["start_date"]:
        errors["end_date"] = _("The end date cannot be before the start date.")
    data["budget_planned"] = _decimal(raw.get("budget_planned"), "budget_planned", errors)
    data["budget_spent"] = _decimal(raw.get("budget_spent"), "budget_spent", errors)
    data["overspend_reason"] = _bounded(
        raw.get("overspend_reason"), "overspend_reason", errors, TEXT_MAX
    )
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
    for part in ("total", "women", "men", "minors"):
        field = f"beneficiaries_{part}"
        data[field] = _count(raw.get(field), field, errors)
    total = data["beneficiaries_total"]
    women, men, minors = (data[f"beneficiaries_{p}"] for p in ("women", "men", "minors"))
    if total is not None:
        if (women or 0) + (men or 0) > total:
            errors["beneficiaries_total"] = _("Women and men together cannot exceed the total.")
        if minors is not None and minors > total:
            errors["beneficiaries_minors"] = _("Minors cannot exceed the total.")
    elif women is not None or men is not None or minors is not None:
        errors["beneficiaries_total"] = _("Give the total when you give women, men or minors.")
    data["progress"] = _count(raw.get("progress"), "progress", errors, maximum=100)
    data["evidence"] = _bounded(raw.get("evidence"), "evidence", errors, TEXT_MAX)
    data["latitude"] = _decimal_coordinate(raw.get("latitude"), "latitude", errors, 20.0, 36.5)
    data["longitude"] = _decimal_coordinate(raw.get("longitude"), "longitude", errors, -17.5, -0.9)
    if (data["latitude"] is None) != (data["longitude"] is None) and not (
        "latitude" in errors or "longitude" in errors
    ):
        errors["longitude"] = _("Give both latitude and longitude, or neither.")
    data["programme_id"] = None
    programme_id = raw.get("programme_id")
    if programme_id not in (None, "", 0, "0"):
        programme = (
            db.session.get(Programme, int(programme_id)) if str(programme_id).isdigit() else None
        )
        if programme is None or programme.deleted_at is not None:
            errors["programme_id"] = _("Choose a value from the list.")
        elif programme.territory_code != data["territory_code"]:
            errors["programme_id"] = _("The programme belongs to another collectivity.")
        else:
            data["programme_id"] = programme.id
    partner_ids = [int(p) for p in (raw.get("partners") or []) if str(p).isdigit()]
    partners = list(
        db.session.scalars(
            select(Organisation).where(
                Organisation.id.in_(partner_ids), Organisation.deleted_at.is_(None)
            )
        )
    )
    if len(partners) != len(set(partner_ids)):
        errors["partners"] = _("Choose a value from the list.")
    data["partners"] = partners
    if errors:
        raise RecordInvalid(errors)
    return data


def _decimal_coordinate(value, field, errors, low, high) -> Decimal | None:
    """A latitude or longitude within [low, high], to 6 decimals (about 10 cm), as stored."""
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        errors[field] = _("Enter a number with a decimal point, such as 32.1234.")
        return None
    if not number.is_finite():
        errors[field] = _("Enter a number with a decimal point, such as 32.1234.")
        return None
    if not (Decimal(str(low)) <= number <= Decimal(str(high))):
        errors[field] = _("This point is outside Morocco.")
    return number.quantize(Decimal("0.000001"))


def _apply(record, data: dict[str, Any]) -> None:
    """Set the record's fields from cleaned data, in one UPDATE (no flush half-way)."""
    with db.session.no_autoflush:
        for key, value in data.items():
            if key == "sectors":
                record.sectors = list(
                    db.session.scalars(select(Sector).where(Sector.key.in_(value)))
                )
            else:
                setattr(record, key, value)


def check_version(entity: str, record, expected_version: int | None) -> None:
    """Raise `StaleRecord`, with what changed since and who changed it, unless `record`
    is still at `expected_version` (None: the caller does not know it, nothing is checked)."""
    if expected_version is not None and int(expected_version) != record.version:
        since = audit.changes_since(entity, record.id, int(expected_version))
        raise StaleRecord(since.changes, since.by)


def _reopen_for_review(record) -> str | None:
    """An edited validated or submitted record goes back to draft, to be submitted again."""
    if record.review_state in ("validated", "submitted"):
        previous = record.review_state
        record.review_state = "draft"
        return previous
    return None


def _create(entity: str, record, data: dict[str, Any], user, relations: tuple[str, ...] = ()):
    """Add a new record with `data` and its history entry."""
    _apply(record, data)
    db.session.add(record)
    db.session.flush()
    audit.log(entity, record, "create", user, audit.diff({}, audit.snapshot(record, relations)))
    return record


def _update(
    entity: str,
    record,
    data: dict[str, Any],
    user,
    expected_version: int | None,
    relations: tuple[str, ...] = (),
    reviewed: bool = True,
):
    """Apply `data` to `record` if it is still at `expected_version`; record what changed.

    A reviewed record that changes goes back to draft. Raises `StaleRecord`.
    """
    check_version(entity, record, expected_version)
    before = audit.snapshot(record, relations)
    _apply(record, data)
    changes = audit.diff(before, audit.snapshot(record, relations))
    if changes:
        reopened = _reopen_for_review(record) if reviewed else None
        if reopened:
            changes["review_state"] = [reopened, "draft"]
        db.session.flush()
        audit.log(entity, record, "update", user, changes)
    return record


def save_measure(
    user, raw: dict[str, Any], measure: Measure | None = None, expected_version: int | None = None
) -> Measure:
    """Create a measure, or update `measure`, from `raw` values.

    Raises `NotAllowed` unless `user` writes for the measure's collectivity (the
    old and the new one), `RecordInvalid` when a rule is broken, `StaleRecord`
    when the measure changed since `expected_version`. Records the history.
    """
    data = clean_measure(raw)
    if not permissions.can_write(user, data["territory_code"]):
        raise NotAllowed()
    if measure is None:
        return _create("measure", Measure(review_state="draft"), data, user, MEASURE_RELATIONS)
    if measure.deleted_at is not None or not permissions.can_write(user, measure.territory_code):
        raise NotAllowed()
    return _update("measure", measure, data, user, expected_version, MEASURE_RELATIONS)


# ---- programmes -----------------------------------------------------------------------------


def clean_programme(raw: dict[str, Any]) -> dict[str, Any]:
    """Check and convert the fields of a programme; raises `RecordInvalid` with every problem."""
    errors: dict[str, str] = {}
    data: dict[str, Any] = {}
    data["territory_code"] = _text(raw.get("territory_code"))
    territory = (
        db.session.get(Territory, data["territory_code"]) if data["territory_code"] else None
    )
    if territory is None:
        errors["territory_code"] = _("This field is required.")
    data["kind"] = _choice(raw.get("kind"), PROGRAMME_KINDS, "kind", errors)
    data["title"] = _bounded(raw.get("title"), "title", errors, TITLE_MAX, required=True)
    data["first_year"] = _count(raw.get("first_year"), "first_year", errors, maximum=2100)
    data["last_year"] = _count(raw.get("last_year"), "last_year", errors, maximum=2100)
    for field in ("first_year", "last_year"):
        if data[field] is None and field not in errors:
            errors[field] = _("This field is required.")
        elif data[field] is not None and data[field] < 2000:
            errors[field] = _("Enter a year from 2000 on.")
    if data["first_year"] and data["last_year"] and data["last_year"] < data["first_year"]:
        errors["last_year"] = _("The last year cannot be before the first year.")
    data["adopted_on"] = _date(raw.get("adopted_on"), "adopted_on", errors)
    data["integration"] = _choice(raw.get("integration"), INTEGRATION_LEVELS, "integration", errors)
    data["reference"] = _bounded(raw.get("reference"), "reference", errors, TITLE_MAX)
    if errors:
        raise RecordInvalid(errors)
    return data


def save_programme(
    user,
    raw: dict[str, Any],
    programme: Programme | None = None,
    expected_version: int | None = None,
) -> Programme:
    """Create or update a programme; same refusals as `save_measure`."""
    data = clean_programme(raw)
    if not permissions.can_write(user, data["territory_code"]):
        raise NotAllowed()
    if programme is None:
        return _create("programme", Programme(review_state="draft"), data, user)
    if programme.deleted_at is not None or not permissions.can_write(
        user, programme.territory_code
    ):
        raise NotAllowed()
    return _update("programme", programme, data, user, expected_version)


# ---- organisations --------------------------------------------------------------------------


def clean_organisation(raw: dict[str, Any]) -> dict[str, Any]:
    """Check an organisation's fields; raises `RecordInvalid`."""
    errors: dict[str, str] = {}
    data = {
        "name": _bounded(raw.get("name"), "name", errors, 200, required=True),
        "kind": _choice(raw.get("kind"), ORGANISATION_KINDS, "kind", errors),
        "country": (_text(raw.get("country")) or "MA").upper(),
        "website": _bounded(raw.get("website"), "website", errors, 300),
    }
    if len(data["country"]) != 2 or not data["country"].isalpha():
        errors["country"] = _("Use the two-letter country code, such as MA, ES or FR.")
    if data["website"] and not data["website"].startswith(("http://", "https://")):
        errors["website"] = _("A web address starts with http:// or https://.")
    if errors:
        raise RecordInvalid(errors)
    return data


def save_organisation(
    user,
    raw: dict[str, Any],
    organisation: Organisation | None = None,
    expected_version: int | None = None,
) -> Organisation:
    """Create an organisation (any officer or administrator), or update one (its
    creator or an administrator). Raises `NotAllowed`, `RecordInvalid`, `StaleRecord`."""
    if not permissions.can_create_organisation(user):
        raise NotAllowed()
    data = clean_organisation(raw)
    if organisation is None:
        return _create("organisation", Organisation(created_by_id=user.id), data, user)
    if organisation.deleted_at is not None or not permissions.can_edit_organisation(
        user, organisation
    ):
        raise NotAllowed()
    return _update("organisation", organisation, data, user, expected_version, reviewed=False)


# ---- review, delete, restore ----------------------------------------------------------------

# action → (states it may start from, state it leads to, the rule for who may take it)
TRANSITIONS = {
    "submit": (("draft", "returned"), "submitted", permissions.can_write),
    "validate": (("submitted",), "validated", permissions.can_review),
    "return": (("submitted",), "returned", permissions.can_review),
}


class WrongState(Exception):
    """The record is not in a state this step can start from."""


def transition(
    user,
    entity: str,
    record,
    action: str,
    comment: str | None = None,
    expected_version: int | None = None,
) -> None:
    """Move a programme or measure through review: submit, validate, or return with a comment.

    Raises `NotAllowed` (wrong person), `WrongState`, `RecordInvalid` (a return
    without a comment), `StaleRecord`.
    """
    starts, target, may = TRANSITIONS[action]
    if not may(user, record.territory_code) or record.deleted_at is not None:
        raise NotAllowed()
    check_version(entity, record, expected_version)
    if record.review_state not in starts:
        raise WrongState()
    comment = _text(comment)
    if action == "return" and not comment:
        raise RecordInvalid({"comment": _("Say what needs correcting.")})
    if comment and len(comment) > TEXT_MAX:
        raise RecordInvalid({"comment": _("At most %(max)d characters.", max=TEXT_MAX)})
    previous = record.review_state
    record.review_state = target
    if action == "return":
        record.review_comment = comment
    elif action == "validate":
        record.review_comment = None
    db.session.flush()
    audit.log(entity, record, action, user, {"review_state": [previous, target]}, comment)


def delete(user, entity: str, record, expected_version: int | None = None) -> None:
    """Delete a record (it is kept, hidden, and an administrator can restore it).

    Raises `NotAllowed` unless the record type's write rule lets `user` change the
    record and it is not deleted already, `StaleRecord` when it changed since
    `expected_version`.
    """
    if not registry.record_type(entity).may_write(user, record) or record.deleted_at is not None:
        raise NotAllowed()
    check_version(entity, record, expected_version)
    record.deleted_at = _now()
    db.session.flush()
    audit.log(entity, record, "delete", user, {"deleted": [False, True]})


def restore(user, entity: str, record) -> None:
    """Bring a deleted record back (administrators only), as it was when deleted.

    Raises `NotAllowed` for anyone else, `WrongState` when the record is not deleted.
    """
    if not permissions.can_restore(user):
        raise NotAllowed()
    if record.deleted_at is None:
        raise WrongState()
    record.deleted_at = None
    db.session.flush()
    audit.log(entity, record, "restore", user, {"deleted": [True, False]})
