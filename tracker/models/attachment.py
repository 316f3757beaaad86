"""A document attached as evidence to a measure or to an assessment's answer.

Its bytes live in the database, so that a backup holds them and every server of the
tracker serves the same file; lists read the other columns only (the bytes are loaded
when a download asks for them). Its type is the one its content shows, never the one
its name or the browser gave.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Table
from sqlalchemy.orm import Mapped, mapped_column

from tracker.extensions import db
from tracker.models.base import now_utc

# What a download is named after, by media type: the extension its content calls for.
EXTENSIONS = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}
# The names people know the types by, for lists.
TYPE_NAMES = {"application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPEG"}


class Attachment(db.Model):
    """One document: the name it was given, its media type, size and SHA-256, its bytes."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    @property
    def type_name(self) -> str:
        """The type as people know it: PDF, PNG or JPEG."""
        return TYPE_NAMES.get(self.media_type, self.media_type)

    @property
    def download_name(self) -> str:
        """The name given, ending with the extension its content calls for (a PDF
        named "scan.png" is downloaded as "scan.png.pdf", so that it opens as a PDF)."""
        extension = EXTENSIONS.get(self.media_type, "")
        known = (".jpeg", extension) if extension == ".jpg" else (extension,)
        if self.file_name.lower().endswith(known):
            return self.file_name
        return self.file_name + extension


measure_attachment = Table(
    "measure_attachment",
    db.metadata,
    Column("measure_id", ForeignKey("measure.id", ondelete="CASCADE"), primary_key=True),
    Column("attachment_id", ForeignKey("attachment.id", ondelete="CASCADE"), primary_key=True),
    # What an attachment belongs to, asked by every download.
    Index("ix_measure_attachment_attachment_id", "attachment_id"),
)

assessment_answer_attachment = Table(
    "assessment_answer_attachment",
    db.metadata,
    Column(
        "assessment_answer_id",
        # Named here: the convention's name would pass PostgreSQL's 63 characters.
        ForeignKey(
            "assessment_answer.id",
            ondelete="CASCADE",
            name="fk_assessment_answer_attachment_answer",
        ),
        primary_key=True,
    ),
    Column("attachment_id", ForeignKey("attachment.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_assessment_answer_attachment_attachment_id", "attachment_id"),
)
