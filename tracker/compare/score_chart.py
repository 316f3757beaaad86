"""The layout of the comparison's chart of the self-assessment's dimensions side by side:
for each dimension, a bar per compared territory on the same 0 to 100 scale.

`dimension_chart` is pure layout, as `tracker.compare.charts`: names, values and words
come in already in the page's language, positions come out for the template to draw.
The builders read the comparison's assessment lines (`tracker.compare.table`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from flask_babel import gettext as _

from tracker.compare.charts import (
    BAR_HEIGHT,
    BAR_LENGTH,
    CHAR_WIDTH,
    GAP,
    LABEL_CHARS,
    PAD,
    ROW_HEIGHT,
    Axis,
    Bar,
    Chart,
    bar_row,
    fit,
    isolate,
)
from tracker.compare.table import Comparison, cell_text
from tracker.i18n import RTL_LANGUAGES, list_separator
from tracker.models import Territory
from tracker.stats.assessments import dimension_of

ChartBuilder = Callable[[Comparison, str], Chart | None]

# A score's scale: every bar is drawn against 100, not against the largest value.
FULL_SCORE = 100


@dataclass(frozen=True)
class DimensionGroup:
    """A dimension's heading and its bars, one per territory."""

    label: str
    label_x: float
    text_y: float
    bars: list[Bar]


@dataclass(frozen=True)
class DimensionChart:
    """Grouped horizontal bars: a group per dimension, a bar per territory."""

    key: str
    title: str
    description: str
    width: float
    height: float
    groups: list[DimensionGroup]
    rtl: bool
    value_anchor: str
    baseline_x: float
    kind: str = "dimensions"
    bar_height: float = BAR_HEIGHT


def dimension_chart(
    key: str,
    title: str,
    dimensions: Sequence[str],
    names: Sequence[str],
    values: Sequence[Sequence[float | None]],
    texts: Sequence[Sequence[str]],
    rtl: bool,
) -> DimensionChart:
    """The chart of `dimensions` (their labels, in order) for the territories `names`:
    `values[d][t]` the score (None: no bar) of territory `t` in dimension `d`, written
    as `texts[d][t]`. Bars are to scale against 100. Right to left, every x is mirrored.
    Refuses (`ValueError`) values or texts that are not one per dimension and territory."""
    if len(values) != len(dimensions) or len(texts) != len(dimensions):
        raise ValueError("a dimension chart takes values and texts per dimension")
    if any(len(v) != len(names) for v in values) or any(len(t) != len(names) for t in texts):
        raise ValueError("a dimension chart takes a value and a text per territory")
    labels = [fit(name, LABEL_CHARS) for name in names]
    label_width = max((len(label) for label in labels), default=0) * CHAR_WIDTH
    text_width = max((len(text) for row in texts for text in row), default=0) * CHAR_WIDTH
    heading_width = max((len(d) for d in dimensions), default=0) * CHAR_WIDTH
    width = max(
        PAD + label_width + GAP + BAR_LENGTH + GAP + text_width + PAD, PAD + heading_width + PAD
    )
    axis = Axis(width, rtl)
    start = PAD + label_width + GAP
    top = PAD
    groups = []
    for dimension, row_values, row_texts in zip(dimensions, values, texts):
        heading_y = top + ROW_HEIGHT / 2
        top += ROW_HEIGHT
        bars = []
        for name, label, value, text in zip(names, labels, row_values, row_texts):
            length = BAR_LENGTH * value / FULL_SCORE if value and value > 0 else 0.0
            bars.append(bar_row(axis, label_width, top, (name, label, text), length))
            top += ROW_HEIGHT
        groups.append(DimensionGroup(dimension, axis.x(PAD), heading_y, bars))
    description = "; ".join(
        f"{dimension}: " + ", ".join(f"{isolate(n)} {t}" for n, t in zip(names, row))
        for dimension, row in zip(dimensions, texts)
    )
    return DimensionChart(
        key=key,
        title=title,
        description=description,
        width=round(width, 1),
        height=top + PAD,
        groups=groups,
        rtl=rtl,
        value_anchor="end" if rtl else "start",
        baseline_x=axis.x(start),
    )


# ---- the builders ---------------------------------------------------------------------------


def _assessed(comparison: Comparison) -> list[Territory]:
    row = next((r for r in comparison.assessment_rows if r.key == "assessment_year"), None)
    if row is None:
        return []
    return [t for t in comparison.territories if row.values[t.code] is not None]


def scored_bars(build: ChartBuilder) -> ChartBuilder:
    """`build`, drawn only when at least one compared territory has been assessed."""

    def scored(comparison: Comparison, lang: str) -> Chart | None:
        return build(comparison, lang) if _assessed(comparison) else None

    return scored


def dimensions_side_by_side(comparison: Comparison, lang: str) -> DimensionChart | None:
    """The dimensions' scores of the compared territories side by side, each with its
    potential, "not assessed" for a territory without a validated assessment; None when
    none of them has one."""
    if not _assessed(comparison):
        return None
    rows = [r for r in comparison.assessment_rows if dimension_of(r.key)]
    territories = comparison.territories

    def text(row, code: str) -> str:
        shown = cell_text(row, row.values[code])
        detail = (row.details or {}).get(code)
        return f"{shown} ({detail})" if detail else shown

    return dimension_chart(
        "assessment_dimensions",
        _("Self-assessment scores by dimension (0-100), with their potential"),
        [str(row.label) for row in rows],
        [t.name(lang) for t in territories],
        [[row.values[t.code] for t in territories] for row in rows],
        [[text(row, t.code) for t in territories] for row in rows],
        lang in RTL_LANGUAGES,
    )


def unassessed(comparison: Comparison, lang: str) -> list[str]:
    """The sentence naming the compared territories without a validated self-assessment
    (none when all have one, or for a level without scores)."""
    if not comparison.assessment_rows:
        return []
    assessed = _assessed(comparison)
    others = [t.name(lang) for t in comparison.territories if t not in assessed]
    if not others:
        return []
    if not assessed:
        return [_("None of these territories has a validated self-assessment: no score is drawn.")]
    return [
        _(
            "Not assessed (no validated self-assessment): %(names)s.",
            names=list_separator(lang).join(others),
        )
    ]
