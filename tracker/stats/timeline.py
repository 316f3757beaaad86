"""Measures by year: how many public measures within a territory were running each year.

"Running in a year" is what the `year` filter keeps (`query.measure_conditions`): started
by the year's end and not ended before its start. A measure with no end date runs on, so it
counts in every year from its start to the last year shown; one with no start date is in no
year, and is counted apart. Each year's figure is then the number of measures a page lists
with that year's filter.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import extract, func, select

from tracker.extensions import db
from tracker.models import Measure
from tracker.stats.query import Filters, inside_conditions, measure_conditions


@dataclass(frozen=True)
class Timeline:
    """`years`: `(year, measures running that year)` for every year from the first
    measure's start to `last` (none left out, zeros included), oldest first; `undated`:
    the public measures without a start date, in no year."""

    years: list[tuple[int, int]] = field(default_factory=list)
    undated: int = 0

    @property
    def most(self) -> int:
        """The largest yearly count (0 when there is none)."""
        return max((count for _year, count in self.years), default=0)

    @property
    def last(self) -> int | None:
        """The last year shown, None when none is."""
        return self.years[-1][0] if self.years else None


def measures_by_year(code: str, until: int, filters: Filters = Filters()) -> Timeline:
    """The public measures within territory `code` (its own council's and those inside
    it) that `filters`' sector and status keep, counted in each year they run, from the
    first start to `until` (the current year, as a rule) or the latest year a measure
    starts or ends in, whichever is later. The filters' `year` and `since` are not
    applied: every year is shown.

    One aggregation, by start and end year; the years are filled in here.
    """
    kept = Filters(sector=filters.sector, status=filters.status)
    start = extract("year", Measure.start_date)
    end = extract("year", Measure.end_date)
    rows = db.session.execute(
        select(start, end, func.count())
        .where(*measure_conditions(kept), *inside_conditions(code))
        .group_by(start, end)
    ).all()
    spans = [(int(s), None if e is None else int(e), n) for s, e, n in rows if s is not None]
    undated = sum(n for s, _e, n in rows if s is None)
    if not spans:
        return Timeline([], undated)
    first = min(s for s, _e, _n in spans)
    last = max([until, *(s for s, _e, _n in spans), *(e for _s, e, _n in spans if e is not None)])
    counts = dict.fromkeys(range(first, last + 1), 0)
    for s, e, n in spans:
        for year in range(s, (last if e is None else max(e, s)) + 1):
            counts[year] += n
    return Timeline(list(counts.items()), undated)
