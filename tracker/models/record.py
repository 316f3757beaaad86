"""What collectivities record: programmes, measures, partner organisations, sectors."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    and_,
    func,
    text,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from tracker.extensions import db
from tracker.models.attachment import Attachment
from tracker.models.base import now_utc
from tracker.models.territory import Territory


class Sector(db.Model):
    """A sector of the SNIA's reference list, with its names in three languages."""

    __tablename__ = "sector"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name_en: Mapped[str] = mapped_column(String(200))
    name_fr: Mapped[str] = mapped_column(String(200))
    name_ar: Mapped[str] = mapped_column(String(200))

    def name(self, locale: str) -> str:
        """The sector's name in `locale` (English when the locale is unknown)."""
        return {"ar": self.name_ar, "fr": self.name_fr}.get(locale, self.name_en)


def written_in_arabic(text: str | None) -> bool:
    """Whether most of the letters of `text` are Arabic (a name with none is not)."""
    letters = [c for c in text or "" if c.isalpha()]
    arabic = sum(1 for c in letters if "\u0600" <= c <= "\u06ff" or "\ufb50" <= c <= "\ufeff")
    return arabic * 2 > len(letters)


class Organisation(db.Model):
    """A partner organisation (association, international organisation, state service...),
    named in French (or another Latin-script language), in Arabic, or both."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_fr: Mapped[str | None] = mapped_column(String(200))
    name_ar: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    country: Mapped[str] = mapped_column(String(2), default="MA")
    website: Mapped[str | None] = mapped_column(String(300))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=now_utc, onupdate=now_utc
    )
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    @hybrid_property
    def name(self) -> str:
        """The name lists show when no language is asked: French, else Arabic."""
        return self.name_fr or self.name_ar or ""

    @name.inplace.setter
    def _name_setter(self, value: str) -> None:
        # One name given as before the two columns: it goes where its script belongs.
        if written_in_arabic(value):
            self.name_ar = value
        else:
            self.name_fr = value

    @name.inplace.expression
    @classmethod
    def _name_expression(cls):
        return func.coalesce(cls.name_fr, cls.name_ar)

    def name_in(self, lang: str) -> str:
        """The name in `lang` (Arabic on an Arabic page, French on the others), the other
        one when it has only that."""
        first, second = (
            (self.name_ar, self.name_fr) if lang == "ar" else (self.name_fr, self.name_ar)
        )
        return first or second or ""

    def other_name(self, lang: str) -> str | None:
        """The name `name_in(lang)` does not show, if the organisation has both."""
        shown = self.name_in(lang)
        other = self.name_fr if shown == self.name_ar else self.name_ar
        return other if other and other != shown else None


class ReviewedRecord:
    """Columns every reviewed record has: its state, the coordinator's comment, timestamps."""

    review_state: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    review_comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=now_utc, onupdate=now_utc
    )
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Raised by every update; a save made from an older version is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.version}


class Programme(ReviewedRecord, db.Model):
    """A collectivity's programme (PAC, PDP, PDR or other) and how it integrates migration."""

    __tablename__ = "programme"

    id: Mapped[int] = mapped_column(primary_key=True)
    territory_code: Mapped[str] = mapped_column(ForeignKey("territory.code"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(300))
    first_year: Mapped[int] = mapped_column(Integer)
    last_year: Mapped[int] = mapped_column(Integer)
    adopted_on: Mapped[date | None] = mapped_column(Date)
    integration: Mapped[str] = mapped_column(String(16))
    reference: Mapped[str | None] = mapped_column(String(300))

    territory: Mapped[Territory] = relationship()
    measures: Mapped[list[Measure]] = relationship(back_populates="programme")


measure_sector = Table(
    "measure_sector",
    db.metadata,
    Column("measure_id", ForeignKey("measure.id", ondelete="CASCADE"), primary_key=True),
    Column("sector_key", ForeignKey("sector.key"), primary_key=True),
    # The measures of a sector, for the sector filter and the sectors a territory covers.
    Index("ix_measure_sector_sector_key", "sector_key", "measure_id"),
)

measure_organisation = Table(
    "measure_organisation",
    db.metadata,
    Column("measure_id", ForeignKey("measure.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisation.id"), primary_key=True),
)


class Measure(ReviewedRecord, db.Model):
    """One thing a collectivity does to integrate migrants, with aggregate counts only."""

    __tablename__ = "measure"
    __table_args__ = (
        # Public outputs read the public measures of some collectivities, or of all of
        # them grouped by collectivity: this index finds them, and holds every column
        # the figures add up, so the aggregations read it alone and never the rows.
        # PostgreSQL holds the ids too, for the queries that list a territory's
        # measures (migration 0005).
        Index(
            "ix_measure_public",
            "review_state",
            "deleted_at",
            "territory_code",
            "status",
            "start_date",
            "end_date",
            "budget_planned",
            "budget_spent",
            "beneficiaries_total",
            postgresql_include=["id"],
        ),
        # The map marks the public measures recorded at a place, few of all: this index
        # holds their rows alone, in the map's order (migration 0015).
        Index(
            "ix_measure_placed",
            "review_state",
            "deleted_at",
            "territory_code",
            "id",
            sqlite_where=text("latitude IS NOT NULL"),
            postgresql_where=text("latitude IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The collectivity's own reference, used by imports to update a measure.
    reference: Mapped[str | None] = mapped_column(String(64), index=True)
    territory_code: Mapped[str] = mapped_column(ForeignKey("territory.code"), index=True)
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programme.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(24))
    target_groups: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), index=True)
    # A date given as a year or a month is stored as its first day (a start) or its last
    # (an end), with its precision (year, month, day) beside it: see `given_date`.
    start_date: Mapped[date | None] = mapped_column(Date)
    start_date_precision: Mapped[str | None] = mapped_column(String(5))
    end_date: Mapped[date | None] = mapped_column(Date)
    end_date_precision: Mapped[str | None] = mapped_column(String(5))
    budget_planned: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    budget_spent: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    overspend_reason: Mapped[str | None] = mapped_column(Text)
    funding_sources: Mapped[list] = mapped_column(JSON, default=list)
    beneficiaries_total: Mapped[int | None] = mapped_column(Integer)
    beneficiaries_women: Mapped[int | None] = mapped_column(Integer)
    beneficiaries_men: Mapped[int | None] = mapped_column(Integer)
    beneficiaries_minors: Mapped[int | None] = mapped_column(Integer)
    progress: Mapped[int | None] = mapped_column(Integer)
    evidence: Mapped[str | None] = mapped_column(Text)
    latitude: Mapped[float | None] = mapped_column(Numeric(9, 6))
    longitude: Mapped[float | None] = mapped_column(Numeric(9, 6))
    # A coordinator's mark: a good practice for other collectivities to learn from, with
    # what made it work and what it needed. Kept when the measure goes back to draft, but
    # shown only while it is validated and live (`good_practice_shown`).
    good_practice_note: Mapped[str | None] = mapped_column(Text)
    good_practice_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    good_practice_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    territory: Mapped[Territory] = relationship()
    programme: Mapped[Programme | None] = relationship(back_populates="measures")
    sectors: Mapped[list[Sector]] = relationship(secondary=measure_sector, order_by=Sector.position)
    partners: Mapped[list[Organisation]] = relationship(
        secondary=measure_organisation, order_by=Organisation.name
    )
    # Documents given as evidence (`tracker.models.attachment`), oldest first.
    attachments: Mapped[list[Attachment]] = relationship(
        secondary="measure_attachment", order_by="Attachment.id"
    )

    @hybrid_property
    def good_practice_shown(self) -> bool:
        """Whether the public sees the measure as a good practice: marked, validated, not
        deleted (an SQL condition too: `select(Measure).where(Measure.good_practice_shown)`)."""
        return (
            self.good_practice_at is not None
            and self.review_state == "validated"
            and self.deleted_at is None
        )

    @good_practice_shown.inplace.expression
    @classmethod
    def _good_practice_shown_expression(cls):
        return and_(
            cls.good_practice_at.is_not(None),
            cls.review_state == "validated",
            cls.deleted_at.is_(None),
        )

    def given_date(self, key: str) -> str | None:
        """The date `key` (start_date or end_date) as it was given: 2025, 2025-03 or
        2025-03-14; None when there is none."""
        # Imported here: `tracker.records` imports the models.
        from tracker.records.values import given_date

        return given_date(getattr(self, key), getattr(self, f"{key}_precision"))
