"""Recording programmes, measures and organisations: the rules, the permissions, the history.

Forms, the bulk import and the command line all go through these functions, so
a rule is written once. Each function checks who is asking against the
record's collectivity, writes the history entry, and leaves the commit to the
caller (one transaction per request or per import).
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from tracker import audit, permissions
from tracker.attachments import store as attachment_store
from tracker.extensions import db
from tracker.i18n import list_separator
from tracker.models import Measure, Organisation, Programme, Sector, Territory
from tracker.models.record import written_in_arabic
from tracker.records import outcomes, values
from tracker.records.confirmations import with_confirmations
from tracker.records.duplicates import CONFIRM_DUPLICATE, possible_duplicates
from tracker.records.fields import TITLE_MAX
from tracker.records.lifecycle import (
    TRANSITIONS,
    TakenPlace,
    WrongState,
    delete,
    restore,
    transition,
)
from tracker.records.measure_rules import CONFIRM_DATES, read_measure
from tracker.records.outcomes import NotAllowed, RecordInvalid, StaleRecord, SubmissionRefused
from tracker.vocab import (
    COUNTRY_CODES,
    HOME_COUNTRY,
    INTEGRATION_LEVELS,
    ORGANISATION_KINDS,
    PROGRAMME_KINDS,
)

# The review steps and the outcomes live in their own modules; they are named here too, as
# every writer has always found them.
__all__ = [
    "TRANSITIONS",
    "NotAllowed",
    "RecordInvalid",
    "StaleRecord",
    "SubmissionRefused",
    "TakenPlace",
    "WrongState",
    "delete",
    "restore",
    "transition",
]

MEASURE_RELATIONS = ("sectors", "partners", "attachments")


# ---- measures -------------------------------------------------------------------------------


# What a warning checks, for each confirmation (`measure_rules`): a measure saved with the
# same values has had its warning confirmed already, and is not asked again.
_CONFIRMED_BY = {CONFIRM_DATES: ("programme_id", "start_date", "end_date")}


def clean_measure(
    raw: dict[str, Any], current: Measure | None = None, warn_duplicates: bool = False
) -> dict[str, Any]:
    """Check and convert the fields of a measure; raises `RecordInvalid` with every problem.

    Each field is read as `tracker.records.fields` declares it: title, kind, status and
    collectivity required; lengths, amounts, counts, progress (0 to 100) and the point
    (inside Morocco's box) within their bounds; kinds, statuses, sectors, target groups,
    funding sources, programme and partners only from their lists. Then the rules across
    fields (`measure_rules.read_measure`): end date not before the start, spent above
    planned only with a reason, women plus men and minors not above the total, both
    coordinates or neither, a programme of the collectivity or of a territory it lies
    in, a future start only for a measure not begun. Dates outside the programme's
    years are refused (under `CONFIRM_DATES`) unless `raw` confirms them or `current`,
    the measure being changed, already holds them with that programme. With
    `warn_duplicates` (what a person typed: the form, the import), a new measure (no
    `current`) like one of its collectivity's (`duplicates.possible_duplicates`) is
    refused (under `CONFIRM_DUPLICATE`) unless `raw` confirms it is another. `raw`
    confirms with the form's boxes or with an import's `confirm` list (`confirmations`).
    `data["attachments"]` is the documents the measure keeps: its own but those removed,
    then those uploaded, each a PDF, PNG or JPEG of at most 5 MB (else refused under
    "attachments").
    """
    errors: dict[str, str] = {}
    raw = with_confirmations(raw, errors)
    data, found = read_measure(raw)
    errors.update(found)
    data["attachments"] = attachment_store.kept_documents(raw, current, errors)
    for confirmation, keys in _CONFIRMED_BY.items():
        if current is not None and all(getattr(current, k) == data[k] for k in keys):
            errors.pop(confirmation, None)
    # Asked once the rest is right, but for a confirmation: both are asked together.
    checked = warn_duplicates and current is None and not set(errors) - {CONFIRM_DATES}
    if checked and not raw.get(CONFIRM_DUPLICATE):
        twins = possible_duplicates(
            data["territory_code"], data["title"], data["start_date"], data["end_date"]
        )
        if twins:
            named = [_("no. %(number)d, %(title)s", number=m.id, title=m.title) for m in twins]
            errors[CONFIRM_DUPLICATE] = _(
                "This collectivity already has a measure with a similar title and "
                "overlapping dates: %(measures)s. If this one is another measure, tick the "
                "box to save it anyway.",
                measures=list_separator().join(named),
            )
    if errors:
        raise RecordInvalid(errors)
    return data


def _apply(record, data: dict[str, Any]) -> None:
    """Set the record's fields from cleaned data, in one UPDATE (no flush half-way)."""
    with db.session.no_autoflush:
        for key, value in data.items():
            if key == "sectors":
                record.sectors = list(
                    db.session.scalars(select(Sector).where(Sector.key.in_(value)))
                )
            # A text stored with other line endings is left as it is: rewriting it would
            # make a new version that no history entry explains.
            elif not (isinstance(value, str) and audit.comparable(getattr(record, key)) == value):
                setattr(record, key, value)


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

    A reviewed record that changes goes back to draft. Raises `StaleRecord` (saying
    when `user` saved it, when every change since was theirs).
    """
    try:
        outcomes.check_version(entity, record, expected_version)
    except StaleRecord as stale:
        stale.own_at = audit.own_save(entity, record, expected_version, user)
        raise
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
    user,
    raw: dict[str, Any],
    measure: Measure | None = None,
    expected_version: int | None = None,
    warn_duplicates: bool = False,
) -> Measure:
    """Create a measure, or update `measure`, from `raw` values.

    Raises `NotAllowed` unless `user` writes for the measure's collectivity (the
    old and the new one), `RecordInvalid` when a rule is broken (a possible duplicate
    too, with `warn_duplicates`: see `clean_measure`), `StaleRecord` when the measure
    changed since `expected_version`. Records the history. Documents uploaded in
    `raw["attachments"]` are attached, those whose ids `raw["remove_attachments"]`
    lists are removed and deleted (`tracker.attachments.store`); a refused document is
    a `RecordInvalid` under "attachments".
    """
    data = clean_measure(raw, measure, warn_duplicates)
    if not permissions.can_write(user, data["territory_code"]):
        raise NotAllowed()
    if measure is not None and (
        measure.deleted_at is not None or not permissions.can_write(user, measure.territory_code)
    ):
        raise NotAllowed()
    # Documents are stored only once the user may write the measure.
    removed = attachment_store.removed_from(measure, data["attachments"])
    attachment_store.store_new(data["attachments"], user)
    if measure is None:
        saved = _create("measure", Measure(review_state="draft"), data, user, MEASURE_RELATIONS)
    else:
        saved = _update("measure", measure, data, user, expected_version, MEASURE_RELATIONS)
    attachment_store.delete_unlinked(removed)
    return saved


def save_typed_measure(
    user, raw: dict[str, Any], measure: Measure | None = None, expected_version: int | None = None
) -> Measure:
    """`save_measure` for what a person typed in the form: a new measure like one
    already recorded is refused until they confirm it is another."""
    return save_measure(user, raw, measure, expected_version, warn_duplicates=True)


# ---- programmes -----------------------------------------------------------------------------


def clean_programme(raw: dict[str, Any]) -> dict[str, Any]:
    """Check and convert the fields of a programme; raises `RecordInvalid` with every problem."""
    errors: dict[str, str] = {}
    data: dict[str, Any] = {}
    data["territory_code"] = values.text(raw.get("territory_code"))
    territory = (
        db.session.get(Territory, data["territory_code"]) if data["territory_code"] else None
    )
    if territory is None:
        errors["territory_code"] = _("This field is required.")
    data["kind"] = values.choice(raw.get("kind"), PROGRAMME_KINDS, "kind", errors)
    data["title"] = values.bounded(raw.get("title"), "title", errors, TITLE_MAX, required=True)
    for field in ("first_year", "last_year"):
        data[field] = values.year(raw.get(field), field, errors)
        if data[field] is None and field not in errors:
            errors[field] = _("This field is required.")
    if data["first_year"] and data["last_year"] and data["last_year"] < data["first_year"]:
        errors["last_year"] = _("The last year cannot be before the first year.")
    data["adopted_on"] = values.date(raw.get("adopted_on"), "adopted_on", errors)
    data["integration"] = values.choice(
        raw.get("integration"), INTEGRATION_LEVELS, "integration", errors
    )
    data["reference"] = values.bounded(raw.get("reference"), "reference", errors, TITLE_MAX)
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
    """Check an organisation's fields; raises `RecordInvalid`.

    A name in French (or another Latin-script language) or in Arabic is required, each
    at most 200 characters; one `name`, as callers gave it before there were two, goes
    where its script belongs. The kind from its list, the country an ISO 3166 code of
    the list the form offers (Morocco when none is given), the website an http(s) address.
    """
    errors: dict[str, str] = {}
    names = {key: raw.get(key) for key in ("name_fr", "name_ar")}
    legacy = values.text(raw.get("name"))
    if legacy and not any(values.text(v) for v in names.values()):
        names["name_ar" if written_in_arabic(legacy) else "name_fr"] = legacy
    data = {key: values.bounded(value, key, errors, 200) for key, value in names.items()}
    if not (data["name_fr"] or data["name_ar"]) and not errors:
        errors["name_fr"] = _("Give the name in French, in Arabic, or both.")
    data["kind"] = values.choice(raw.get("kind"), ORGANISATION_KINDS, "kind", errors)
    data["country"] = (values.text(raw.get("country")) or HOME_COUNTRY).upper()
    data["website"] = values.bounded(raw.get("website"), "website", errors, 300)
    if data["country"] not in COUNTRY_CODES:
        errors["country"] = _("Choose the country from the list.")
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
