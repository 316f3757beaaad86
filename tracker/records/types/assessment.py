"""Assessments: a collectivity's yearly self-assessment against the indicator set, answered
by its officers and reviewed by its region's coordinators, public once validated."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select

from tracker import permissions
from tracker.assessment import checks, form, service
from tracker.assessment.indicators import indicator_set
from tracker.assessment.scores import assessment_scores, rounded
from tracker.extensions import db
from tracker.i18n import list_separator
from tracker.models import Assessment, Measure
from tracker.records.registry import RecordType

# A field of the history that holds one answer: the question's key.
_QUESTION = re.compile(r"^Q[0-9]+$")
# The written evidence as the history shows it, after the answer.
_EVIDENCE = {
    "evidence_reference": _l("Reference"),
    "evidence_url": _l("Link"),
    "evidence_text": _l("Evidence"),
}


def title(assessment: Assessment) -> str:
    """An assessment as lists name it: its year."""
    return _("Assessment %(year)d", year=assessment.year)


def history_values(assessment: Assessment) -> dict[str, Any]:
    """Each answer as the history keeps it, under its question's key: what it holds."""
    kept = {}
    for key, answer in service.answers_of(assessment).items():
        measures = answer.pop("measure_ids")
        documents = answer.pop("attachments")
        kept[key] = {k: v for k, v in answer.items() if v not in (None, "", False)}
        if measures:
            kept[key]["measures"] = measures
        if documents:
            kept[key]["documents"] = [d.file_name for d in documents]
    return kept


def history_label(field: str) -> str | None:
    """A question's key as the history names it (`Q3`, its title), None for other fields."""
    if not _QUESTION.match(field):
        return None
    latest = form.questions_for_history()
    question = latest.get(field)
    return f"{field} — {question.title}" if question else field


def history_value(field: str, value: Any, lang: str) -> str | None:
    """An answer kept in the history as people read it: its points or "not applicable",
    its written evidence and its measures' titles; None for other fields."""
    if not _QUESTION.match(field) or not isinstance(value, dict):
        return None
    if value.get("not_applicable"):
        parts = [_("Not applicable")]
    elif value.get("points") is not None:
        parts = [ngettext("%(num)d point", "%(num)d points", value["points"])]
    else:
        parts = [_("Not answered")]
    # Each value in its own isolate: a French reference keeps its order on an Arabic page.
    parts += [
        f"{label}: \u2068{value[key]}\u2069" for key, label in _EVIDENCE.items() if value.get(key)
    ]
    if value.get("measures"):
        titles = db.session.scalars(select(Measure.title).where(Measure.id.in_(value["measures"])))
        parts.append(_("Measures: %(titles)s", titles=list_separator(lang).join(titles)))
    if value.get("documents"):
        names = list_separator(lang).join(value["documents"])
        parts.append(_("Documents: %(names)s", names=names))
    return " · ".join(str(part) for part in parts)


def details(assessment: Assessment) -> dict[str, Any]:
    """What the record page shows besides the columns: the set it was answered under,
    its answers by question, its scores (and `rounded` to show them)."""
    return {
        "questions": indicator_set(assessment.indicator_version),
        "answers": {a.question_key: a for a in assessment.answers},
        "scores": assessment_scores(assessment),
        "rounded": rounded,
    }


def submission_problems(assessment: Assessment) -> dict[str, str]:
    """What stops the assessment's submission (`checks.assessment_problems`), by question:
    each question with all its problems, the question named."""
    questions = indicator_set(assessment.indicator_version)
    found: dict[str, list[str]] = {}
    for problem in checks.assessment_problems(assessment):
        found.setdefault(problem.question, []).append(str(problem.message))
    named = {}
    for key, messages in found.items():
        try:
            name = f"{key} — {questions.question(key).title}"
        except KeyError:
            name = key
        named[key] = _("%(question)s: %(problems)s", question=name, problems=" ".join(messages))
    return named


RECORD_TYPE = RecordType(
    key="assessment",
    model=Assessment,
    form=form.AssessmentForm,
    clean=service.clean_assessment,
    save=form.save_from_form,
    label=_l("Assessment"),
    plural=_l("Assessments"),
    may_write=permissions.can_write_record,
    order=25,
    partial="records/types/assessment.html",
    form_partial="records/types/assessment_form.html",
    form_of=form.form_of,
    prepare=form.prepare,
    form_values=form.form_values,
    title=title,
    title_names_type=True,
    new_values=service.proposed_values,
    history_values=history_values,
    history_label=history_label,
    history_value=history_value,
    submission_problems=submission_problems,
    details=details,
)
