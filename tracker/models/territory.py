"""Territories: Morocco's regions, provinces and prefectures, and communes (HCP, RGPH 2024)."""

from __future__ import annotations

import enum
import unicodedata

from sqlalchemy import ForeignKey, Integer, String, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db


class Level(enum.StrEnum):
    """A territory's place in the hierarchy."""

    REGION = "region"
    PROVINCE = "province"
    COMMUNE = "commune"


LEVELS = tuple(level.value for level in Level)

# Arabic letters written several ways that a search should treat as one.
_ARABIC_FOLDS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})


def search_key(text: str) -> str:
    """Fold `text` for searching: no case, no accents, no Arabic short vowels, one alef.

    "Fès", "FES" and "fes" give the same key; so do "أصيلة" and "اصيله".
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.translate(_ARABIC_FOLDS).replace("-", " ").replace("'", " ").split())


class Territory(db.Model):
    """A region, province (or prefecture) or commune, identified by its HCP code.

    `kind` refines the level: `region`; `province`, `prefecture` or
    `prefecture_of_arrondissements`; `urban` or `rural` for communes.
    """

    __tablename__ = "territory"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    level: Mapped[str] = mapped_column(String(16), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    name_fr: Mapped[str] = mapped_column(String(200))
    name_ar: Mapped[str] = mapped_column(String(200))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("territory.code"), index=True)
    region_code: Mapped[str] = mapped_column(String(2), index=True)
    population_2024: Mapped[int | None] = mapped_column(Integer)
    population_2014: Mapped[int | None] = mapped_column(Integer)
    households_2024: Mapped[int | None] = mapped_column(Integer)
    # Both names folded by `search_key`, so a search ignores case, accents and vowels.
    search_text: Mapped[str] = mapped_column(String(420), default="")

    parent: Mapped[Territory | None] = relationship(remote_side=[code], back_populates="children")
    children: Mapped[list[Territory]] = relationship(
        back_populates="parent", order_by="Territory.name_fr"
    )

    def name(self, locale: str) -> str:
        """The name in the page's language: Arabic for `ar`, French otherwise.

        HCP publishes names in French and Arabic only, so English pages use French.
        """
        return self.name_ar if locale == "ar" else self.name_fr

    def children_count(self) -> int:
        """How many territories sit directly under this one."""
        return db.session.scalar(
            select(func.count()).select_from(Territory).where(Territory.parent_code == self.code)
        )

    def ancestors(self) -> list[Territory]:
        """The chain of parents, from the region down to the direct parent."""
        chain = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    def __repr__(self) -> str:
        return f"<Territory {self.code} {self.name_fr}>"
