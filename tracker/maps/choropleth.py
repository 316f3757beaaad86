"""A metric's values as the map colours them: classes of numbers, or one colour per
category, the labels of the tooltips and the legend's entries, in the page's language."""

from __future__ import annotations

from dataclasses import dataclass, replace

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext

import geo.maps
from tracker import stats
from tracker.i18n import format_metric, metric_text
from tracker.stats.assessments import Detail, details


@dataclass(frozen=True)
class Coloured:
    """What the map draws for a metric: the choropleth, the legend's entries and title,
    the values by code, and the codes whose records the filters all leave out."""

    choropleth: geo.maps.Choropleth
    legend: list[geo.maps.LegendEntry]
    title: str
    values: dict
    unmatched: set[str]


def none_matching(shown: str | None) -> str:
    """The label of a territory that has records, none of which the filters keep: its
    value (`shown`, None when it has none) and why."""
    if shown is None:
        return _("records, none matching the filters")
    return _("%(value)s (records, none matching the filters)", value=shown)


def class_label(
    unit: str,
    low: float | None,
    high: float | None,
    whole: bool,
    smallest: float | None = None,
    largest: float | None = None,
) -> str:
    """The legend's words for the class of values above `low` (None: from the smallest)
    up to `high` included (None: to the largest), so that no value reads as belonging to
    two classes. Whole numbers (`whole`) read "0 to 2", "3 to 5": the class starts one
    above the bound below, and the first and last end at `smallest` and `largest`.
    Other values read "up to 1.50", "more than 1.50, up to 3.00", "more than 3.00"."""
    if whole:
        first = smallest if low is None else low + 1
        last = largest if high is None else high
        if first is not None and last is not None:
            if first >= last:
                return format_metric(unit, last)
            return _(
                "%(low)s to %(high)s",
                low=format_metric(unit, first),
                high=format_metric(unit, last),
            )
    if low is None and high == 0:
        return format_metric(unit, 0)  # the class of the territories at zero
    if low is None:
        return _("up to %(value)s", value=format_metric(unit, high))
    if high is None:
        return _("more than %(value)s", value=format_metric(unit, low))
    return _(
        "more than %(low)s, up to %(high)s",
        low=format_metric(unit, low),
        high=format_metric(unit, high),
    )


def _no_data_entry(label: str) -> geo.maps.LegendEntry:
    return geo.maps.LegendEntry(label, geo.maps.NO_DATA_FILL, border="#777777", dashed=True)


def score_text(metric: stats.Metric, detail: Detail) -> str:
    """An assessed territory's score as the map and its table write it: one decimal, and
    for a dimension shown alone its potential, "66.7 (potential 3 questions)"; a
    dimension without applicable question says so."""
    if detail.potential is None:
        return metric_text(metric, detail.score)
    if detail.score is None:
        return _("no applicable question")
    return ngettext(
        "%(score)s (potential %(num)d question)",
        "%(score)s (potential %(num)d questions)",
        detail.potential,
        score=metric_text(metric, detail.score),
    )


def by_score(
    metric: stats.Metric, values: dict, level: str, filters: stats.Filters, title: str
) -> Coloured:
    """The map of a self-assessment score: quantile classes as for any number, each
    score with its potential, the territories not assessed grey and named so, and a
    link to how scores are computed."""
    drawn = by_class(metric, values, set(), title)
    scored = details(metric.key, level, filters)
    labels = {code: score_text(metric, detail) for code, detail in scored.items()}
    choropleth = replace(drawn.choropleth, labels=labels, no_data_label=str(metric.no_value))
    legend = [
        *drawn.legend[:-1],
        _no_data_entry(_("Not assessed")),
        geo.maps.LegendEntry(
            _("How scores are computed"),
            "transparent",
            border="transparent",
            url=url_for("assessment.methodology"),
        ),
    ]
    return Coloured(choropleth, legend, title, drawn.values, set())


def by_category(metric: stats.Metric, values: dict, title: str) -> Coloured:
    """The map of a categorical metric: a colour per category, least first, and its
    `empty` category (nothing to show) drawn and named as no data is."""
    shown = [key for key in metric.categories if key != metric.empty]
    colours = geo.maps.category_colours(shown)
    empty_label = str(metric.categories[metric.empty])
    choropleth = geo.maps.Choropleth(
        values={code: v for code, v in values.items() if v in colours},
        labels={code: metric_text(metric, v) for code, v in values.items()},
        no_data_label=empty_label,
        categories=colours,
    )
    legend = [geo.maps.LegendEntry(str(metric.categories[key]), colours[key]) for key in shown]
    legend.append(_no_data_entry(empty_label))
    return Coloured(choropleth, legend, title, values, set())


def by_class(metric: stats.Metric, values: dict, unmatched: set[str], title: str) -> Coloured:
    """The map of a numeric metric: quantile classes of the public values, the legend's
    bounds read without overlap (see `class_label`), and the territories whose records
    the filters all leave out labelled as such, in the tooltip and the legend."""
    # Coloured by the public value: a count of people by the sum that leaves small
    # counts out, so neither the colours nor the legend's bounds give one away.
    numbers = {code: float(v) for code, v in values.items() if v is not None}
    breaks = []
    for bound in geo.maps.class_breaks(list(numbers.values())):
        # Bounds that read alike once rounded ("0.00 to 0.00") make one class.
        if not breaks or format_metric(metric.unit, bound) != format_metric(
            metric.unit, breaks[-1]
        ):
            breaks.append(bound)
    labels = {code: metric_text(metric, v) for code, v in values.items()}
    for code in unmatched:
        labels[code] = none_matching(labels[code] if values.get(code) is not None else None)
    choropleth = geo.maps.Choropleth(
        values=numbers, breaks=breaks, labels=labels, no_data_label=_("no data")
    )
    whole = metric.unit == "count" and all(v == int(v) for v in numbers.values())
    smallest, largest = min(numbers.values(), default=None), max(numbers.values(), default=None)
    bounds = [None, *breaks, None]
    legend = [
        geo.maps.LegendEntry(
            class_label(metric.unit, bounds[i], bounds[i + 1], whole, smallest, largest)
            if breaks
            else _("all territories"),
            choropleth.colours[i],
        )
        for i in range(len(breaks) + 1)
        if numbers
    ]
    if unmatched:
        empty = metric.empty
        legend.append(
            geo.maps.LegendEntry(
                none_matching(None if empty is None else metric_text(metric, empty)),
                choropleth.colour_of(empty),
                border="#777777",
            )
        )
    legend.append(_no_data_entry(_("no data")))
    return Coloured(choropleth, legend, title, values, unmatched)


def coloured(key: str, level: str, filters: stats.Filters) -> Coloured:
    """What the map draws for metric `key` over the territories of `level` with
    `filters`. Raises `KeyError` for an unknown metric."""
    metric = stats.METRICS[key]
    values = stats.metric_values(key, level, filters)
    title = str(metric.label)
    if metric.by_programme_year:
        title = _(
            "%(figure)s: programmes running in %(year)d",
            figure=title,
            year=stats.programme_year(filters),
        )
    if metric.categories is not None:
        return by_category(metric, values, title)
    if metric.by_assessment and metric.unit == "score":
        return by_score(metric, values, level, filters, title)
    return by_class(metric, values, stats.unmatched(key, level, filters), title)
