"""Recording assessments: the one write path of the form, the import and the demo.

`save_assessment` takes plain values (a collectivity, a year, answers by question), checks
them with `clean_assessment`, who is asking and the version the user started from, and
writes the answers and the history entry; the caller commits. A draft may hold any subset
of the answers; what submission needs more is `tracker.assessment.checks`, asked by the
review step (`lifecycle.transition`) through the record type.

Refusals are those of every record: `RecordInvalid` (errors keyed `year`,
`territory_code`, `answers`, or `<question>_<field>` such as `Q3_evidence_url`),
`NotAllowed`, `StaleRecord`; a second live assessment of a collectivity for a year is a
`DuplicateAssessment`, a `RecordInvalid` that names the existing one.
"""

from __future__ import annotations

from typing import Any

from flask import has_request_context, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tracker import audit, permissions
from tracker.assessment.indicators import IndicatorSet, indicator_set, latest_indicator_set
from tracker.attachments import store as attachment_store
from tracker.extensions import db
from tracker.i18n import morocco_today
from tracker.models import Assessment, AssessmentAnswer, Measure, Territory
from tracker.models.base import now_utc
from tracker.records import outcomes, values
from tracker.records.outcomes import NotAllowed, RecordInvalid, StaleRecord
from tracker.records.values import FIRST_YEAR

ENTITY = "assessment"
# The written evidence of an answer and the most characters each may hold.
EVIDENCE_LIMITS = {"evidence_reference": 300, "evidence_url": 500, "evidence_text": 2000}
ANSWER_FIELDS = ("points", "not_applicable", *EVIDENCE_LIMITS, "measure_ids")
# An answer's documents as a form sends them: those uploaded, the ids of those removed.
DOCUMENT_FIELDS = (attachment_store.UPLOADS, attachment_store.REMOVALS)
_TRUE = {"1", "true", "yes", "on", "y", "x", "na"}


class DuplicateAssessment(RecordInvalid):
    """The collectivity already has a live assessment for that year; `existing_id` is its id."""

    def __init__(self, existing_id: int, year: int):
        super().__init__({"year": duplicate_message(existing_id, year)})
        self.existing_id = existing_id


def assessment_page(assessment_id: int) -> str:
    """The address of an assessment's record page (a path, outside a request too)."""
    if has_request_context():
        return url_for("records.record_view", entity=ENTITY, record_id=assessment_id)
    return f"/work/{ENTITY}/{assessment_id}"


def duplicate_message(existing_id: int, year: int) -> Markup:
    """The refusal of a second assessment for `year`, with a link to the existing one."""
    link = Markup('<a href="%s">%s</a>') % (
        assessment_page(existing_id),
        _("open the assessment of %(year)d", year=year),
    )
    return Markup(
        _(
            "This collectivity already has an assessment for %(year)d: %(link)s and "
            "continue it there.",
            year=year,
            link=link,
        )
    )


def last_year() -> int:
    """The latest year an assessment may be for: next year, in Morocco."""
    return morocco_today().year + 1


def proposed_values(territory_code: str) -> dict[str, str]:
    """What a new assessment of `territory_code` starts with: the year to assess, this
    year in Morocco or else last year, whichever has no live assessment yet (none when
    both have one)."""
    this_year = morocco_today().year
    for year in (this_year, this_year - 1):
        if existing_assessment(territory_code, year) is None:
            return {"year": str(year)}
    return {}


def existing_assessment(territory_code: str, year: int, other_than: int | None = None):
    """The live assessment of `territory_code` for `year` (but `other_than`), or None."""
    query = select(Assessment).where(
        Assessment.territory_code == territory_code,
        Assessment.year == year,
        Assessment.deleted_at.is_(None),
    )
    if other_than is not None:
        query = query.where(Assessment.id != other_than)
    return db.session.scalars(query).first()


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in _TRUE


def _points(value: Any, field: str, errors: dict) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip()
    if isinstance(value, bool) or text not in ("0", "1", "2", "3"):
        errors[field] = _("An answer is worth 0 to 3 points.")
        return None
    return int(text)


def _measure_ids(value: Any, field: str, errors: dict) -> list[int]:
    given = value if isinstance(value, (list, tuple, set)) else [value]
    ids = []
    for item in given:
        text = str(item if item is not None else "").strip()
        if not text:
            continue
        if not (text.isascii() and text.isdigit() and len(text) <= 18):
            errors[field] = _("Choose the measures from the list.")
            return []
        ids.append(int(text))
    return sorted(set(ids))


def _clean_answer(
    raw: dict[str, Any], key: str, level: str, allows_na: bool, errors: dict, stored=None
) -> dict[str, Any]:
    """One answer's values checked, its errors under `<key>_<field>`; `stored` is the
    answer being changed (its documents are kept but those removed)."""
    name = f"{key}_%s"
    answer: dict[str, Any] = {
        "points": _points(raw.get("points"), name % "points", errors),
        "not_applicable": _flag(raw.get("not_applicable")),
    }
    if answer["not_applicable"]:
        if answer["points"] is not None:
            errors[name % "points"] = _("Give points or “not applicable”, not both.")
        elif not allows_na:
            errors[name % "points"] = _(
                "This question cannot be answered “not applicable” by this collectivity."
            )
    for field, limit in EVIDENCE_LIMITS.items():
        answer[field] = values.bounded(
            raw.get(field), name % field, errors, limit, multiline=field == "evidence_text"
        )
    url = answer["evidence_url"]
    if url and not url.lower().startswith(("http://", "https://")):
        errors[name % "evidence_url"] = _("A web address starts with http:// or https://.")
    answer["measure_ids"] = _measure_ids(raw.get("measure_ids"), name % "measure_ids", errors)
    refused: dict[str, str] = {}
    answer["attachments"] = attachment_store.kept_documents(raw, stored, refused)
    if refused:
        errors[name % attachment_store.UPLOADS] = refused[attachment_store.UPLOADS]
    return answer


def citable_measures(territory_code: str) -> list[Measure]:
    """The measures an assessment of `territory_code` may cite: its own validated, live ones."""
    return list(
        db.session.scalars(
            select(Measure)
            .where(
                Measure.territory_code == territory_code,
                Measure.review_state == "validated",
                Measure.deleted_at.is_(None),
            )
            .order_by(Measure.title, Measure.id)
        )
    )


def _check_measures(answers: dict, territory_code: str, errors: dict) -> None:
    citable = {m.id for m in citable_measures(territory_code)}
    for key, answer in answers.items():
        if set(answer["measure_ids"]) - citable:
            errors[f"{key}_measure_ids"] = _(
                "Only the collectivity's own validated measures can be cited as evidence."
            )


def clean_assessment(raw: dict[str, Any], current: Assessment | None = None) -> dict[str, Any]:
    """Check and convert an assessment's values; raises `RecordInvalid` with every problem.

    `raw` holds `territory_code`, `year` and `answers` (question key → `points` 0 to 3 or
    nothing, `not_applicable`, `evidence_reference`, `evidence_url`, `evidence_text`,
    `measure_ids`). Required: a collectivity (the one of `current`, when changing one),
    a year from 2000 to next year (that of `current` when `raw` has none). Each answer:
    a question of the set (the version of `current`, else the latest), points 0 to 3,
    "not applicable" only where the question allows it for the collectivity's level and
    without points, texts within their limits, a link in http or https, measures only
    the collectivity's validated live ones. Any subset of the questions may be given.
    Returns the values with `indicator_version`.
    """
    errors: dict[str, str] = {}
    code = values.text(raw.get("territory_code")) or (current.territory_code if current else None)
    territory = db.session.get(Territory, code) if code else None
    if territory is None:
        errors["territory_code"] = _("This field is required.")
    elif current is not None and code != current.territory_code:
        errors["territory_code"] = _("An assessment stays with its collectivity.")
    year = values.count(
        raw.get("year", current.year if current else None), "year", errors, maximum=9999
    )
    if year is None and "year" not in errors:
        errors["year"] = _("This field is required.")
    elif year is not None and not FIRST_YEAR <= year <= last_year():
        errors["year"] = _(
            "Enter a year from %(first)d to %(last)d.", first=FIRST_YEAR, last=last_year()
        )
    questions: IndicatorSet = (
        indicator_set(current.indicator_version) if current else latest_indicator_set()
    )
    given = raw.get("answers") or {}
    answers: dict[str, dict[str, Any]] = {}
    if not isinstance(given, dict):
        errors["answers"] = _("The answers could not be read.")
        given = {}
    for key, answer in given.items():
        try:
            question = questions.question(str(key))
        except KeyError:
            errors["answers"] = _(
                "Question %(key)s is not in version %(version)d of the indicator set.",
                key=key,
                version=questions.version,
            )
            continue
        level = territory.level if territory is not None else ""
        stored = current.answer(question.key) if current is not None else None
        answers[question.key] = _clean_answer(
            answer or {}, question.key, level, question.allows_not_applicable(level), errors, stored
        )
    if territory is not None:
        _check_measures(answers, territory.code, errors)
    if errors:
        raise RecordInvalid(errors)
    return {
        "territory_code": code,
        "year": year,
        "indicator_version": questions.version,
        "answers": answers,
    }


def _empty(answer: dict[str, Any]) -> bool:
    return (
        answer["points"] is None
        and not answer["not_applicable"]
        and not any(answer[f] for f in (*EVIDENCE_LIMITS, "measure_ids", "attachments"))
    )


def _apply_answers(assessment: Assessment, answers: dict[str, dict[str, Any]]) -> None:
    """Write each answer given; an answer left with nothing at all is removed."""
    with db.session.no_autoflush:
        for key, given in answers.items():
            stored = assessment.answer(key)
            if _empty(given):
                if stored is not None:
                    assessment.answers.remove(stored)
                continue
            if stored is None:
                stored = AssessmentAnswer(question_key=key)
                assessment.answers.append(stored)
            for field in ("points", "not_applicable", *EVIDENCE_LIMITS):
                # A text stored with other line endings is kept: rewriting it would make
                # a change no history entry explains.
                if audit.comparable(getattr(stored, field)) != audit.comparable(given[field]):
                    setattr(stored, field, given[field])
            if [id(a) for a in stored.attachments] != [id(a) for a in given["attachments"]]:
                stored.attachments = list(given["attachments"])
            if sorted(m.id for m in stored.measures) != given["measure_ids"]:
                stored.measures = list(
                    db.session.scalars(select(Measure).where(Measure.id.in_(given["measure_ids"])))
                )


def _flush(assessment: Assessment) -> None:
    """Write to the database; a live twin stored meanwhile (the unique index) is refused."""
    # The savepoint is begun before the new row is added: beginning it flushes.
    savepoint = db.session.begin_nested()
    db.session.add(assessment)
    try:
        db.session.flush()
    except IntegrityError:
        savepoint.rollback()
        twin = existing_assessment(assessment.territory_code, assessment.year, assessment.id)
        if twin is None:
            raise
        raise DuplicateAssessment(twin.id, assessment.year) from None
    savepoint.commit()


def _refuse_twin(data: dict[str, Any], current: Assessment | None) -> None:
    twin = existing_assessment(
        data["territory_code"], data["year"], current.id if current else None
    )
    if twin is not None:
        raise DuplicateAssessment(twin.id, data["year"])


def save_assessment(
    user,
    data: dict[str, Any],
    record: Assessment | None = None,
    expected_version: int | None = None,
) -> Assessment:
    """Create an assessment for `data["territory_code"]` and `data["year"]` under the
    latest indicator set, or update `record`, with the answers `data` gives (others kept).

    Raises `RecordInvalid` (see `clean_assessment`), `DuplicateAssessment` when the
    collectivity has another live assessment for that year, `NotAllowed` unless `user`
    writes for the collectivity (and `record` is live), `StaleRecord` when `record`
    changed since `expected_version`. A submitted or validated assessment that changes
    goes back to draft. Records the history, every answer's old and new value.
    """
    if record is not None and (
        record.deleted_at is not None or not permissions.can_write_record(user, record)
    ):
        raise NotAllowed()
    cleaned = clean_assessment(data, record)
    if not permissions.can_write(user, cleaned["territory_code"]):
        raise NotAllowed()
    if record is not None:
        try:
            outcomes.check_version(ENTITY, record, expected_version)
        except StaleRecord as stale:
            stale.own_at = audit.own_save(ENTITY, record, expected_version, user)
            raise
    _refuse_twin(cleaned, record)
    # Documents are stored only once the user may write the assessment.
    removed = []
    for key, answer in cleaned["answers"].items():
        stored = record.answer(key) if record is not None else None
        removed += attachment_store.removed_from(stored, answer["attachments"])
        attachment_store.store_new(answer["attachments"], user)
    saved = _write(user, cleaned, record)
    attachment_store.delete_unlinked(removed)
    return saved


def _write(user, cleaned: dict[str, Any], record: Assessment | None) -> Assessment:
    if record is None:
        record = Assessment(
            territory_code=cleaned["territory_code"],
            year=cleaned["year"],
            indicator_version=cleaned["indicator_version"],
            review_state="draft",
        )
        _apply_answers(record, cleaned["answers"])
        _flush(record)
        audit.log(ENTITY, record, "create", user, audit.diff({}, audit.snapshot(record)))
        return record
    before = audit.snapshot(record)
    record.year = cleaned["year"]
    _apply_answers(record, cleaned["answers"])
    changes = audit.diff(before, audit.snapshot(record))
    if changes:
        if record.review_state in ("validated", "submitted"):
            changes["review_state"] = [record.review_state, "draft"]
            record.review_state = "draft"
        # The answers are rows of their own: the assessment's row is written too, so that
        # its version moves and a save from the version before is refused.
        record.updated_at = now_utc()
        _flush(record)
        audit.log(ENTITY, record, "update", user, changes)
    return record


def answers_of(assessment: Assessment) -> dict[str, dict[str, Any]]:
    """A stored assessment's answers as `save_assessment` takes them (question key → values)."""
    return {
        a.question_key: {
            "points": a.points,
            "not_applicable": bool(a.not_applicable),
            **{field: getattr(a, field) for field in EVIDENCE_LIMITS},
            "measure_ids": [m.id for m in a.measures],
            "attachments": list(a.attachments),
        }
        for a in assessment.answers
    }
