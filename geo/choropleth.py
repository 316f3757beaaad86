"""The colours of a map's territories: classes of values (quantiles, sequential blues)
or categories (one colour each), and territories with no data apart from zero.

Plain values in and out: nothing here imports Flask, Folium or the models.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

# Sequential colours (light to dark) for choropleth classes; readable in print and
# by most colour-blind readers.
SEQUENTIAL = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
# Grey, apart from every class of the blue scale (whose lightest holds zero).
NO_DATA_FILL = "#cfcfcf"
# Colours for up to four ordered categories, from least to most (ColorBrewer's RdBu,
# which most colour-blind readers tell apart); none is the no-data grey.
CATEGORICAL = ("#ef8a62", "#d1e5f0", "#67a9cf", "#2166ac")


@dataclass(frozen=True)
class Choropleth:
    """Values by territory code, coloured by classes, or by category.

    `breaks` are the upper bounds of every class but the last, ascending, so
    there is one more colour than breaks. With `categories` (`{category: colour}`)
    the values are categories and each has its colour, whatever the breaks. A code
    missing from `values` has no data and is drawn apart from zero. `labels` are the
    values as the page shows them (formatted, suppressed, a category's name), keyed by
    code. Refuses (`ValueError`) more classes than `colours`.
    """

    values: dict[str, float | str]
    breaks: Sequence[float] = ()
    colours: Sequence[str] = SEQUENTIAL
    labels: dict[str, str] = field(default_factory=dict)
    no_data_label: str = "No data"
    categories: dict[str, str] | None = None

    def __post_init__(self):
        if len(self.colours) <= len(self.breaks):
            raise ValueError(
                f"{len(self.breaks)} breaks make {len(self.breaks) + 1} classes,"
                f" more than the {len(self.colours)} colours"
            )

    def colour_of(self, value: float | str | None) -> str:
        """The fill colour of `value` (the no-data fill for None, and for a category
        that has no colour): the one rule the map's territories are coloured by."""
        if value is None:
            return NO_DATA_FILL
        if self.categories is not None:
            return self.categories.get(value, NO_DATA_FILL)
        for bound, colour in zip(self.breaks, self.colours):
            if value <= bound:
                return colour
        return self.colours[len(self.breaks)]

    def fills(self) -> dict[str, str]:
        """The fill colour of every territory with data, by code."""
        return {code: self.colour_of(v) for code, v in self.values.items() if v is not None}


def category_colours(categories: Sequence[str]) -> dict[str, str]:
    """`{category: colour}` for up to four ordered categories, least first, in the
    `CATEGORICAL` colours spread over the scale. Refuses (`ValueError`) more."""
    if len(categories) > len(CATEGORICAL):
        raise ValueError(f"{len(categories)} categories, more than {len(CATEGORICAL)} colours")
    picks = {1: (3,), 2: (0, 3), 3: (0, 2, 3)}.get(len(categories), (0, 1, 2, 3))
    return {category: CATEGORICAL[i] for category, i in zip(categories, picks)}


def class_breaks(values: Sequence[float], classes: int = 5) -> list[float]:
    """Upper bounds of up to `classes` quantile classes of `values`, without duplicates.

    Few distinct values give fewer classes rather than empty ones.
    """
    ordered = sorted(v for v in values if v is not None)
    if not ordered:
        return []
    bounds: list[float] = []
    for i in range(1, classes):
        bound = ordered[min(len(ordered) - 1, (len(ordered) * i) // classes)]
        if bound < ordered[-1] and (not bounds or bound > bounds[-1]):
            bounds.append(bound)
    return bounds
