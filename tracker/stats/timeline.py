"""Measures by year: how many public measures within a territory were running each year.

"Running in a year" is what the `year` filter keeps (`query.measure_conditions`): started
by the year's end and not ended before its start. A measure with no end date runs on, so it
counts in every year from its start to the last year shown; one with no start date is in no
year, and is counted apart. Each year's figure is then the number of measures a page lists
with that year's filter.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import extract, func, select

from tracker.extensions import db
from tracker.models import Measure
from tracker.stats.in_step import in_step
from tracker.stats.query import Filters, collectivity_conditions, is_within, measure_conditions


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

    Added up from each collectivity's measures by start and end year (`spans`), kept in
    step with the history; the years are filled in here.
    """
    kept = Filters(sector=filters.sector, status=filters.status)
    totals: Counter[tuple[int | None, int | None]] = Counter()
    for collectivity, counted in spans(kept).items():
        if is_within(collectivity, code):
            for (start, end), count in counted.items():
                totals[start, end] += count
    undated = sum(n for (s, _e), n in totals.items() if s is None)
    dated = [(s, e, n) for (s, e), n in totals.items() if s is not None]
    if not dated:
        return Timeline([], undated)
    first = min(s for s, _e, _n in dated)
    last = max([until, *(s for s, _e, _n in dated), *(e for _s, e, _n in dated if e is not None)])
    counts = dict.fromkeys(range(first, last + 1), 0)
    for s, e, n in dated:
        for year in range(s, (last if e is None else max(e, s)) + 1):
            counts[year] += n
    return Timeline(list(counts.items()), undated)


def spans(filters: Filters) -> dict[str, dict[tuple[int | None, int | None], int]]:
    """`{collectivity code: {(start year, end year): public measures}}` over the measures
    `filters` keep (a year None when the date is not given), kept in step with the
    history (`in_step`): after a change, only the collectivities changed are read."""
    return in_step("timeline-spans", lambda codes: _spans(filters, codes), filters)


def _spans(filters: Filters, codes: Collection[str] | None) -> dict[str, dict]:
    start = extract("year", Measure.start_date)
    end = extract("year", Measure.end_date)
    query = (
        select(Measure.territory_code, start, end, func.count())
        .where(*measure_conditions(filters), *collectivity_conditions(codes))
        .group_by(Measure.territory_code, start, end)
    )
    out: dict[str, dict] = {}
    for code, s, e, n in db.session.execute(query):
        out.setdefault(code, {})[None if s is None else int(s), None if e is None else int(e)] = n
    return out
