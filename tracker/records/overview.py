"""A coordinator's view of a region: what each of its councils has recorded, by review
state, so that the councils waiting for a review and those that have recorded nothing
stand out."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import Measure, Programme, Territory
from tracker.stats import codes_within


@dataclass
class Council:
    """One collectivity of the region and its records' counts by review state."""

    territory: Territory
    programmes: dict[str, int] = field(default_factory=dict)
    measures: dict[str, int] = field(default_factory=dict)

    @property
    def waiting(self) -> int:
        """Records submitted and not yet validated or returned."""
        return self.programmes.get("submitted", 0) + self.measures.get("submitted", 0)

    @property
    def recorded(self) -> bool:
        return bool(self.programmes or self.measures)


@dataclass
class RegionOverview:
    region: Territory
    councils: list[Council]

    @property
    def active(self) -> list[Council]:
        """The councils with some record, those waiting for a review first."""
        return sorted(
            (c for c in self.councils if c.recorded),
            key=lambda c: (-c.waiting, c.territory.code),
        )

    @property
    def silent(self) -> list[Council]:
        """The councils that have recorded nothing yet (not even a draft)."""
        return [c for c in self.councils if not c.recorded]

    @property
    def waiting(self) -> int:
        return sum(c.waiting for c in self.councils)


def region_overview(region: Territory) -> RegionOverview:
    """Every council of `region` (the region's own, its provinces' and its communes'),
    in code order, with its programmes and measures counted by review state (deleted
    ones left out): two grouped counts, whatever the region's size."""
    territories = db.session.scalars(
        select(Territory)
        .where(Territory.code.in_(codes_within(region.code)))
        .order_by(Territory.code)
    ).all()
    councils = {t.code: Council(t) for t in territories}
    for model, attribute in ((Programme, "programmes"), (Measure, "measures")):
        rows = db.session.execute(
            select(model.territory_code, model.review_state, func.count())
            .where(model.territory_code.in_(codes_within(region.code)), model.deleted_at.is_(None))
            .group_by(model.territory_code, model.review_state)
        )
        for code, state, count in rows:
            if code in councils:
                getattr(councils[code], attribute)[state] = count
    return RegionOverview(region, list(councils.values()))
