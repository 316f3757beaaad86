"""Who may download a document: what its records allow.

A document is public when one of the records it belongs to is (a measure public
outputs show, an answer of a published assessment); otherwise it is for those who may
read that record's draft: its collectivity's officers, its region's coordinators and
the administrators (a deleted record's, for the administrators only). A document that
belongs to no record is nobody's.
"""

from __future__ import annotations

from sqlalchemy import select

from tracker import permissions
from tracker.assessment.published import PUBLISHED
from tracker.extensions import db
from tracker.models import Assessment, AssessmentAnswer, Attachment, Measure
from tracker.models.attachment import assessment_answer_attachment, measure_attachment
from tracker.privacy import is_public


def holders(attachment: Attachment) -> list[tuple[object, bool]]:
    """The live or deleted records `attachment` belongs to, each with whether it is
    public: its measures, and the assessments of its answers."""
    measures = db.session.scalars(
        select(Measure)
        .join(measure_attachment, measure_attachment.c.measure_id == Measure.id)
        .where(measure_attachment.c.attachment_id == attachment.id)
    )
    assessments = db.session.scalars(
        select(Assessment)
        .join(AssessmentAnswer, AssessmentAnswer.assessment_id == Assessment.id)
        .join(
            assessment_answer_attachment,
            assessment_answer_attachment.c.assessment_answer_id == AssessmentAnswer.id,
        )
        .where(assessment_answer_attachment.c.attachment_id == attachment.id)
    )
    found = [(m, is_public(m)) for m in measures]
    found += [(a, a.review_state == PUBLISHED and a.deleted_at is None) for a in assessments]
    return found


def may_download(user, attachment: Attachment) -> bool:
    """Whether `user` (signed in or not) may download `attachment`."""
    for record, public in holders(attachment):
        if public:
            return True
        if permissions.can_read_private(user, record.territory_code) and (
            record.deleted_at is None or permissions.can_restore(user)
        ):
            return True
    return False
