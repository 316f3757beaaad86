"""What a coordinator finds at the top of the home page: the review queue's length and,
for each assigned region, what its councils have recorded."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from tracker import permissions
from tracker.extensions import db
from tracker.records import overview, registry
from tracker.records.overview import RegionOverview


def review_queue(user) -> list[tuple[registry.RecordType, Any]]:
    """The submitted records `user` may review, type by type, oldest first within a type."""
    items = []
    for record_type in registry.reviewed_types():
        model = record_type.model
        rows = db.session.scalars(
            select(model)
            .where(model.review_state == "submitted", model.deleted_at.is_(None))
            .order_by(model.updated_at)
        )
        items += [(record_type, r) for r in rows if permissions.can_review(user, r.territory_code)]
    return items


@dataclass(frozen=True)
class CoordinatorHome:
    """`queue`: how many records wait for the user's review (None: the user has no
    queue); `regions`: the overview of each region a coordinator is assigned."""

    queue: int | None = None
    regions: list[RegionOverview] = field(default_factory=list)


def coordinator_home(user) -> CoordinatorHome:
    """The review part of `user`'s home page (empty for an officer)."""
    if not permissions.can_see_review_queue(user):
        return CoordinatorHome()
    regions = []
    if user.role == "coordinator":
        regions = [
            overview.region_overview(t)
            for t in sorted(user.territories, key=lambda t: t.code)
            if t.level == "region"
        ]
    return CoordinatorHome(len(review_queue(user)), regions)
