"""A collectivity's yearly self-assessment, its answers and the measures cited as evidence.

An assessment keeps the version of the indicator set it was answered under
(`tracker.assessment.indicators`): its questions and its score come from that version,
whatever is published later. Answers hold aggregate facts and public acts of the
collectivity (deliberations, agreements, links), never a person.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db
from tracker.models.attachment import Attachment
from tracker.models.record import Measure, ReviewedRecord
from tracker.models.territory import Territory

# A deleted assessment is kept for its history and may be restored; only the live ones
# are one per collectivity and year. Both databases take the same partial index.
LIVE = "deleted_at IS NULL"

assessment_answer_measure = Table(
    "assessment_answer_measure",
    db.metadata,
    Column(
        "assessment_answer_id",
        # Named here: the convention's name would pass PostgreSQL's 63 characters.
        ForeignKey(
            "assessment_answer.id", ondelete="CASCADE", name="fk_assessment_answer_measure_answer"
        ),
        primary_key=True,
    ),
    Column("measure_id", ForeignKey("measure.id"), primary_key=True),
    # The answers that cite a measure, for the measure's page and before it is deleted.
    Index("ix_assessment_answer_measure_measure_id", "measure_id"),
)


class Assessment(ReviewedRecord, db.Model):
    """One collectivity's self-assessment for one year, under one indicator-set version."""

    __tablename__ = "assessment"
    __table_args__ = (
        Index(
            "uq_assessment_territory_code_year",
            "territory_code",
            "year",
            unique=True,
            sqlite_where=text(LIVE),
            postgresql_where=text(LIVE),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    territory_code: Mapped[str] = mapped_column(ForeignKey("territory.code"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    indicator_version: Mapped[int] = mapped_column(Integer)

    territory: Mapped[Territory] = relationship()
    answers: Mapped[list[AssessmentAnswer]] = relationship(
        back_populates="assessment",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="AssessmentAnswer.id",
    )

    def answer(self, question_key: str) -> AssessmentAnswer | None:
        """The answer to question `question_key` (`Q1`...), or None when there is none."""
        for answer in self.answers:
            if answer.question_key == question_key:
                return answer
        return None


class AssessmentAnswer(db.Model):
    """The answer to one question: its points (0 to 3), or "not applicable", or nothing yet,
    with its evidence.

    `points` stays an integer column that SQL can add up; `not_applicable` says apart
    the two answers worth no points (nothing yet, and not applicable). The database
    refuses points outside 0 to 3 and points given with "not applicable".
    """

    __tablename__ = "assessment_answer"
    __table_args__ = (
        UniqueConstraint(
            "assessment_id", "question_key", name="uq_assessment_answer_assessment_id_question_key"
        ),
        CheckConstraint("points IS NULL OR (points >= 0 AND points <= 3)", name="points_0_to_3"),
        CheckConstraint("NOT (not_applicable AND points IS NOT NULL)", name="na_without_points"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )
    question_key: Mapped[str] = mapped_column(String(8))
    points: Mapped[int | None] = mapped_column(Integer)
    not_applicable: Mapped[bool] = mapped_column(Boolean, default=False)
    evidence_text: Mapped[str | None] = mapped_column(Text)
    evidence_reference: Mapped[str | None] = mapped_column(String(300))
    evidence_url: Mapped[str | None] = mapped_column(String(500))

    assessment: Mapped[Assessment] = relationship(back_populates="answers")
    measures: Mapped[list[Measure]] = relationship(
        secondary=assessment_answer_measure, order_by=Measure.id
    )
    attachments: Mapped[list[Attachment]] = relationship(
        secondary="assessment_answer_attachment", order_by="Attachment.id"
    )
