"""The assessment form: the year, then for every question of the indicator set its answer
(the four levels, and "not applicable" where the collectivity's level allows it) and its
evidence; and the translation between its flat fields (`Q3_points`, `Q3_evidence_url`...)
and the values `tracker.assessment.service` takes.

The form checks nothing itself: a value the form would not offer (a crafted "not
applicable", a measure of another collectivity) reaches the service, which refuses it
with a message under the same field's name.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import MultipleFileField, RadioField, StringField, TextAreaField

from tracker.assessment import service
from tracker.assessment.indicators import (
    POINTS,
    IndicatorSet,
    Question,
    indicator_set,
    latest_indicator_set,
)
from tracker.attachments import store as attachment_store
from tracker.extensions import db
from tracker.models import Assessment, Territory
from tracker.records.forms import MultiCheckboxField, RecordForm, choices
from tracker.vocab import MEASURE_KINDS

# The value of the answer "not applicable" among the points.
NOT_APPLICABLE = "na"


class LenientRadioField(RadioField):
    """Radio buttons whose value the service checks, so a crafted value gets its message."""

    def pre_validate(self, form):
        pass


def field_name(question_key: str, field: str) -> str:
    """The form's name for one field of one answer (`Q3_points`), as the service's errors."""
    return f"{question_key}_{field}"


def _question_fields(question: Question) -> dict[str, Any]:
    key = question.key
    return {
        field_name(key, "points"): LenientRadioField(
            LazyString(lambda: str(question.title)), choices=[], validate_choice=False
        ),
        field_name(key, "evidence_reference"): StringField(
            _l("Reference (deliberation number and date)"),
            render_kw={"maxlength": 300, "dir": "auto"},
        ),
        field_name(key, "evidence_url"): StringField(
            _l("Link"), render_kw={"maxlength": 500, "dir": "ltr", "type": "url"}
        ),
        field_name(key, "evidence_text"): TextAreaField(
            _l("Short text"), render_kw={"rows": 2, "maxlength": 2000, "dir": "auto"}
        ),
        field_name(key, "measure_ids"): MultiCheckboxField(
            _l("The collectivity's validated measures"), choices=[]
        ),
        field_name(key, attachment_store.UPLOADS): MultipleFileField(
            _l("Attach documents (PDF, PNG or JPEG, at most 5 MB each)"),
            render_kw={"accept": attachment_store.ACCEPT},
        ),
        field_name(key, attachment_store.REMOVALS): MultiCheckboxField(
            _l("Remove this document"), choices=[]
        ),
    }


@cache
def form_class(version: int, questions: IndicatorSet) -> type[RecordForm]:
    """The form of an assessment under `questions` (made once per version)."""
    fields: dict[str, Any] = {
        "year": StringField(
            _l("Year"),
            render_kw={"inputmode": "numeric", "required": True, "aria-required": "true"},
        )
    }
    for question in questions.questions:
        fields.update(_question_fields(question))
    made = type(f"AssessmentForm{version}", (RecordForm,), fields)
    made.indicator_set = questions
    # The form sends documents, so it is sent as multipart (see `records/record_form.html`).
    made.document_fields = tuple(
        field_name(q.key, attachment_store.UPLOADS) for q in questions.questions
    )
    return made


def latest_form() -> type[RecordForm]:
    """The form of a new assessment: under the latest indicator set."""
    latest = latest_indicator_set()
    return form_class(latest.version, latest)


AssessmentForm = latest_form()


def form_of(assessment: Assessment) -> type[RecordForm]:
    """The form of a stored assessment: that of the version it was answered under."""
    questions = indicator_set(assessment.indicator_version)
    return form_class(questions.version, questions)


def questions_for_history() -> dict[str, Question]:
    """The questions of the latest set by key, as the history names its fields."""
    return {q.key: q for q in AssessmentForm.indicator_set.questions}


def prepare(form, territory_code: str) -> None:
    """Fill the form's lists for collectivity `territory_code`: each question's levels in
    the page's language, "not applicable" only where its level allows it, and the
    collectivity's validated measures, those whose kind fits the question first."""
    territory = db.session.get(Territory, territory_code)
    level = territory.level if territory is not None else ""
    measures = service.citable_measures(territory_code)
    form.fitting = {}
    for question in form.indicator_set.questions:
        levels = [(str(p), str(question.level_text(p))) for p in POINTS]
        if question.allows_not_applicable(level):
            levels.append((NOT_APPLICABLE, _("Not applicable")))
        form[field_name(question.key, "points")].choices = choices(levels)
        fits = [m for m in measures if m.kind in question.evidence_kinds]
        others = [m for m in measures if m.kind not in question.evidence_kinds]
        form.fitting[question.key] = {str(m.id) for m in fits}
        form[field_name(question.key, "measure_ids")].choices = choices(
            [(str(m.id), f"{m.title} ({MEASURE_KINDS.get(m.kind, m.kind)})") for m in fits + others]
        )


def form_values(assessment: Assessment) -> dict[str, Any]:
    """A stored assessment's values as its form shows them."""
    shown: dict[str, Any] = {"year": str(assessment.year), "version": str(assessment.version)}
    for key, answer in service.answers_of(assessment).items():
        points = answer["points"]
        shown[field_name(key, "points")] = (
            NOT_APPLICABLE if answer["not_applicable"] else ("" if points is None else str(points))
        )
        for field in service.EVIDENCE_LIMITS:
            shown[field_name(key, field)] = answer[field] or ""
        shown[field_name(key, "measure_ids")] = [str(i) for i in answer["measure_ids"]]
    return shown


def read_form(raw: dict[str, Any], questions: IndicatorSet) -> dict[str, Any]:
    """The form's flat values (`year`, `Q3_points`...) as `save_assessment` takes them:
    every question of `questions` present in `raw`, "na" read as "not applicable"."""
    answers = {}
    for question in questions.questions:
        name = field_name(question.key, "points")
        if name not in raw:
            continue
        points = raw.get(name)
        answer = {
            "points": None if points == NOT_APPLICABLE else points,
            "not_applicable": points == NOT_APPLICABLE,
        }
        for field in (*service.EVIDENCE_LIMITS, "measure_ids", *service.DOCUMENT_FIELDS):
            answer[field] = raw.get(field_name(question.key, field))
        answers[question.key] = answer
    return {
        "territory_code": raw.get("territory_code"),
        "year": raw.get("year"),
        "answers": answers,
    }


def save_from_form(
    user, raw: dict[str, Any], record: Assessment | None = None, expected_version: int | None = None
) -> Assessment:
    """`service.save_assessment` with what the form sent (see `read_form`); same refusals."""
    questions = form_of(record).indicator_set if record else AssessmentForm.indicator_set
    data = read_form(raw, questions)
    return service.save_assessment(user, data, record, expected_version)
