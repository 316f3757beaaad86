"""A coordinator's view of a region: what each of its councils has recorded, by review
state, so that the councils waiting for a review and those that have recorded nothing
stand out."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import Territory
from tracker.records import registry
from tracker.stats import codes_within


@dataclass
class Council:
    """One collectivity of the region and, for each reviewed record type (by its key),
    its records' counts by review state."""

    territory: Territory
    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def waiting(self) -> int:
        """Records submitted and not yet validated or returned."""
        return sum(states.get("submitted", 0) for states in self.counts.values())

    @property
    def recorded(self) -> bool:
        """Whether the council has recorded anything, even a draft."""
        return any(self.counts.values())


@dataclass
class RegionOverview:
    """A region and each of its councils."""

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
        """Records of the region waiting for a review."""
        return sum(c.waiting for c in self.councils)


def region_overview(region: Territory) -> RegionOverview:
    """Every council of `region` (the region's own, its provinces' and its communes'),
    in code order, with its records of each reviewed type counted by review state
    (deleted ones left out): one grouped count a type, whatever the region's size."""
    territories = db.session.scalars(
        select(Territory)
        .where(Territory.code.in_(codes_within(region.code)))
        .order_by(Territory.code)
    ).all()
    record_types = registry.reviewed_types()
    councils = {t.code: Council(t, {k.key: {} for k in record_types}) for t in territories}
    for record_type in record_types:
        model = record_type.model
        rows = db.session.execute(
            select(model.territory_code, model.review_state, func.count())
            .where(model.territory_code.in_(codes_within(region.code)), model.deleted_at.is_(None))
            .group_by(model.territory_code, model.review_state)
        )
        for code, state, count in rows:
            if code in councils:
                councils[code].counts[record_type.key][state] = count
    return RegionOverview(region, list(councils.values()))
