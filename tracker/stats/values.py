"""The metrics' figures: for every territory of a level (the map, the exports, the
API), and for one territory or the country (the territory pages, the comparison)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func

from tracker.models import Territory
from tracker.models.territory import LEVELS
from tracker.stats.cache import kept
from tracker.stats.counts import populations, recorded
from tracker.stats.metrics import METRICS, Metric
from tracker.stats.programmes import programme_year
from tracker.stats.query import NATIONAL, Filters, aggregate


def figures(
    metrics: Iterable[Metric], level: str, filters: Filters, inside: str | None = None
) -> dict[str, dict[str, float | None]]:
    """`{metric key: {code: value}}` for `metrics`, over the territories of `level` whose
    measures the filters keep (territory `inside` alone, of `level`, when given; the one
    code `NATIONAL` for level "country").

    The metrics that are sums share one reading of the measures for each set of
    filters they use (two at most: the filters, and every status). Raises
    `ValueError` for an unknown level.
    """
    answers: dict[str, dict[str, float | None]] = {}
    by_filters: dict[Filters, list[Metric]] = {}
    for metric in metrics:
        if metric.compute is not None:
            answers[metric.key] = metric.compute(level, filters, inside)
        else:
            wanted = filters.every_status() if metric.every_status else filters
            by_filters.setdefault(wanted, []).append(metric)
    for wanted, group in by_filters.items():
        columns = [metric.sums() for metric in group]
        rows = aggregate(
            level,
            wanted,
            *(column for each in columns for column in each),
            named=tuple(metric.key for metric in group),
            inside=inside,
        )
        people = populations(level, inside) if any(m.per_inhabitant for m in group) else {}
        start = 0
        for metric, each in zip(group, columns, strict=True):
            end = start + len(each)
            answers[metric.key] = {
                code: metric.value(totals[start:end], people.get(code))
                for code, totals in rows.items()
            }
            start = end
    return answers


def metric_values(key: str, level: str, filters: Filters = Filters()) -> dict[str, float | None]:
    """The values of metric `key` for every territory of `level` that has data (of a
    categorical metric: for every territory of the level); none for a level the metric
    is not given for. An assessment metric's are those of the territories assessed
    (every territory of the level for the share of communes assessed).

    Raises `KeyError` for an unknown metric and `ValueError` for an unknown level.
    """
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}")
    metric = METRICS[key]
    if level not in metric.levels:
        return {}
    values = figures([metric], level, filters)[key]
    if metric.categories is not None or metric.by_assessment:
        return values
    has_data = recorded(level)
    return {code: values.get(code, metric.empty) for code in has_data}


# Why a territory's value is null (in `/api/v1/stats`): the metric is not given for the level, the
# territory has no published self-assessment, or no public record (none the filters keep).
NO_VALUE_REASONS = ("not_given", "not_assessed", "no_record", "none_matching")


def no_value_reason(metric: Metric, level: str, code: str, unmatched: set[str]) -> str:
    """Why `metric` has no value for territory `code` of `level` (one of `NO_VALUE_REASONS`):
    a null is never a zero, and says which kind of nothing it is."""
    if level not in metric.levels:
        return "not_given"
    if metric.by_assessment:
        return "not_assessed"
    return "none_matching" if code in unmatched else "no_record"


def unmatched(key: str, level: str, filters: Filters) -> set[str]:
    """The territories of `level` that have public records but no public measure the
    filters keep (those of metric `key`: every status for a share over every status),
    whose value is then the metric's `empty`, not a figure of matching measures. Empty
    with no filter, and for a metric read from the programmes.

    Raises `KeyError` for an unknown metric and `ValueError` for an unknown level.
    """
    metric = METRICS[key]
    wanted = filters.every_status() if metric.every_status else filters
    if (
        wanted == Filters()
        or metric.by_programme_year
        or metric.by_assessment
        or level not in metric.levels
    ):
        return set()
    return recorded(level) - set(aggregate(level, wanted, func.count(), named="count"))


def territory_summary(
    territory: Territory, filters: Filters = Filters()
) -> dict[str, float | None]:
    """Every metric for one territory (its own council and what lies inside it), read
    for that territory alone (see `figures`); None everywhere when it has no public
    record. Kept per process until a record changes (see `kept`)."""
    return _kept_summary(territory.level, filters, territory.code)


def national_summary(filters: Filters = Filters()) -> dict[str, float | None]:
    """Every metric for Morocco as a whole, kept as `territory_summary` is."""
    return _kept_summary("country", filters, None)


def _kept_summary(level: str, filters: Filters, inside: str | None) -> dict[str, float | None]:
    # The programme metrics read this year's programmes when no year is chosen: a summary
    # kept on 31 December is not the one of 1 January.
    return kept(
        "summary",
        lambda: _summary_of(level, filters, inside),
        level,
        inside,
        filters,
        programme_year(filters),
    )


def _summary_of(level: str, filters: Filters, inside: str | None) -> dict[str, float | None]:
    code = inside or NATIONAL
    given = [metric for metric in METRICS.values() if level in metric.levels]
    if code not in recorded(level, inside):
        # A category is known without any record ("no programme recorded"), and so is
        # an assessment.
        given = [m for m in given if m.categories is not None or m.by_assessment]
    values = figures(given, level, filters, inside)
    summary = dict.fromkeys(METRICS)
    summary.update({m.key: values[m.key].get(code, m.empty) for m in given})
    return summary
