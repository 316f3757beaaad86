"""The layout of the comparison's charts, drawn on the server as inline SVG.

Pure layout: names, values and the words to show come in as plain values, already in
the page's language; positions come out as dataclasses the template draws. Nothing
here reads the request, the database or the translations.

Geometry is in SVG user units (CSS pixels at 100 %). Text widths are estimated from
the number of characters, generously, so a label never runs into its neighbour.

Territory names are user-facing text of either direction: in the sentences made here
(tooltips, descriptions) each is isolated (`isolate`), and the template isolates the
names it writes alone in a `<text>` or `<title>` the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

FONT_SIZE = 13
CHAR_WIDTH = 7.6
PAD = 8
GAP = 8
ROW_HEIGHT = 30
BAR_HEIGHT = 18
BAR_LENGTH = 320
LABEL_CHARS = 34
CELL = 22
COLUMN_CHARS = 24
SECTOR_CHARS = 52


# First-strong isolate and its end: the text between takes the direction of its first
# letter, whatever the page's, and its neighbours' order is left alone, so that a French
# name in an Arabic title (or an Arabic one in a French title) keeps its word order.
FSI = "\u2068"
PDI = "\u2069"


def isolate(text: str) -> str:
    """`text` between Unicode's first-strong isolate and its end (see `FSI`), for a name
    set in a sentence of another language, where SVG text has no element to isolate it."""
    return f"{FSI}{text}{PDI}"


def fit(text: str, chars: int) -> str:
    """`text` cut to `chars` characters, the last an ellipsis, when it is longer."""
    return text if len(text) <= chars else text[: chars - 1] + "…"


def _width(texts: Sequence[str]) -> float:
    return max((len(text) for text in texts), default=0) * CHAR_WIDTH


@dataclass(frozen=True)
class Axis:
    """Horizontal positions laid out left to right, mirrored for a right-to-left page.

    Texts are anchored by logical side (`start`, `end`) in the page's direction, which
    the SVG carries, so a mirrored position keeps its anchor."""

    width: float
    rtl: bool

    def x(self, position: float) -> float:
        """The x of a point `position` from the start of the line."""
        return round(self.width - position if self.rtl else position, 1)

    def rect_x(self, position: float, length: float) -> float:
        """The x of the left edge of a box `length` long that starts at `position`."""
        return round(self.width - position - length if self.rtl else position, 1)


@dataclass(frozen=True)
class Bar:
    """One line of a bar chart: the territory's name, its bar, its value in words."""

    label: str
    full_label: str
    value_text: str
    label_x: float
    bar_x: float
    bar_width: float
    value_x: float
    top: float
    text_y: float


@dataclass(frozen=True)
class BarChart:
    """A horizontal bar chart: a line per territory."""

    key: str
    title: str
    description: str
    width: float
    height: float
    bars: list[Bar]
    rtl: bool
    # Values are written left to right (digits and "MAD"): their anchor is physical.
    value_anchor: str
    # Where every bar starts: a thin line there is the chart's zero.
    baseline_x: float
    kind: str = "bars"
    bar_height: float = BAR_HEIGHT


@dataclass(frozen=True)
class Cell:
    """A square of the sector grid: a territory's coverage of a sector."""

    x: float
    y: float
    centre_x: float
    text_y: float
    text: str
    title: str
    state: str  # covered, uncovered or nodata


@dataclass(frozen=True)
class GridRow:
    """A sector's line of the grid: its name, a cell per territory, and whether it is a gap."""

    label: str
    full_label: str
    label_x: float
    text_y: float
    cells: list[Cell]
    gap: bool
    gap_x: float


@dataclass(frozen=True)
class Heading:
    """A territory's name over its column of the grid."""

    x: float
    y: float
    text: str
    full_text: str


@dataclass(frozen=True)
class SectorGrid:
    """The coverage grid: a line per sector, a column per territory."""

    key: str
    title: str
    description: str
    width: float
    height: float
    headings: list[Heading]
    rows: list[GridRow]
    rtl: bool
    gap_label: str
    kind: str = "grid"
    cell: float = CELL


Chart = BarChart | SectorGrid


@dataclass(frozen=True)
class SectorLine:
    """A sector as the grid is given it: its name, each territory's number of measures
    (None: no data) and that number in words, and whether no territory covers it."""

    label: str
    counts: Sequence[int | None]
    words: Sequence[str]
    gap: bool


def bar_row(
    axis: Axis, label_width: float, top: float, names: tuple[str, str, str], length: float
) -> Bar:
    """One line of a horizontal bar chart whose line starts at `top`: `names` is the
    territory's whole name, the name shown (cut to fit) and the value's text; the bar is
    `length` long, after a label column `label_width` wide (mirrored by `axis`)."""
    name, label, text = names
    start = PAD + label_width + GAP
    return Bar(
        label=label,
        full_label=name,
        value_text=text,
        label_x=axis.x(PAD + label_width),
        bar_x=axis.rect_x(start, length),
        bar_width=round(length, 1),
        value_x=axis.x(start + length + GAP),
        top=top + (ROW_HEIGHT - BAR_HEIGHT) / 2,
        text_y=top + ROW_HEIGHT / 2,
    )


def bar_chart(
    key: str,
    title: str,
    names: Sequence[str],
    values: Sequence[float | None],
    texts: Sequence[str],
    rtl: bool,
) -> BarChart:
    """A horizontal bar chart: a line per territory (`names`, in order), the name beside
    its bar, bars proportional to the largest of `values`, each value as its `texts`.

    A value that is None, zero or negative draws no bar; names longer than `LABEL_CHARS`
    are cut, the whole name kept for the tooltip. Right to left, every x is mirrored.
    Refuses (`ValueError`) lists of different lengths."""
    if not len(names) == len(values) == len(texts):
        raise ValueError("a bar chart takes a name, a value and a text per territory")
    largest = max((v for v in values if v is not None), default=0) or 0
    labels = [fit(name, LABEL_CHARS) for name in names]
    label_width = _width(labels)
    width = PAD + label_width + GAP + BAR_LENGTH + GAP + _width(texts) + PAD
    axis = Axis(width, rtl)
    start = PAD + label_width + GAP
    bars = []
    for index, (name, label, value, text) in enumerate(zip(names, labels, values, texts)):
        top = PAD + index * ROW_HEIGHT
        length = (
            BAR_LENGTH * value / largest if value is not None and largest > 0 and value > 0 else 0.0
        )
        bars.append(bar_row(axis, label_width, top, (name, label, text), length))
    return BarChart(
        key=key,
        title=title,
        description="; ".join(f"{isolate(n)}: {t}" for n, t in zip(names, texts)),
        width=round(width, 1),
        height=PAD * 2 + len(bars) * ROW_HEIGHT,
        bars=bars,
        rtl=rtl,
        value_anchor="end" if rtl else "start",
        baseline_x=axis.x(start),
    )


def sector_grid(
    title: str,
    description: str,
    names: Sequence[str],
    sectors: Sequence[SectorLine],
    gap_label: str,
    rtl: bool,
) -> SectorGrid:
    """The coverage grid: a line per sector, a column per territory (`names`, in order), a
    filled square with the number of measures where the territory covers the sector, an
    empty one with 0 where it does not, a dashed one with a dash where it has no data;
    sectors no territory covers carry `gap_label`.

    Names and sector labels too long for their place are cut, whole in their tooltips.
    Right to left, every x is mirrored. Refuses (`ValueError`) a sector whose counts or
    words are not one per territory."""
    if any(len(s.counts) != len(names) or len(s.words) != len(names) for s in sectors):
        raise ValueError("a sector line takes a count and its words per territory")
    headings = [fit(name, COLUMN_CHARS) for name in names]
    column = max(_width(headings) + GAP, CELL + 2 * GAP)
    sector_labels = [fit(sector.label, SECTOR_CHARS) for sector in sectors]
    label_width = _width(sector_labels)
    header = ROW_HEIGHT
    first_column = PAD + label_width + GAP
    gap_start = first_column + len(names) * column + GAP
    width = gap_start + _width([gap_label]) + PAD
    axis = Axis(width, rtl)

    heading_items = [
        Heading(axis.x(first_column + i * column + column / 2), PAD + header / 2, text, name)
        for i, (text, name) in enumerate(zip(headings, names))
    ]
    rows = []
    for index, (sector, label) in enumerate(zip(sectors, sector_labels)):
        top = PAD + header + index * ROW_HEIGHT
        cells = []
        for i, (count, words) in enumerate(zip(sector.counts, sector.words)):
            centre = first_column + i * column + column / 2
            if count is None:
                state, text = "nodata", "—"
            elif count:
                state, text = "covered", str(count)
            else:
                state, text = "uncovered", "0"
            cells.append(
                Cell(
                    x=axis.rect_x(centre - CELL / 2, CELL),
                    y=top + (ROW_HEIGHT - CELL) / 2,
                    centre_x=axis.x(centre),
                    text_y=top + ROW_HEIGHT / 2,
                    text=text,
                    title=f"{isolate(names[i])} — {sector.label}: {words}",
                    state=state,
                )
            )
        rows.append(
            GridRow(
                label=label,
                full_label=sector.label,
                label_x=axis.x(PAD + label_width),
                text_y=top + ROW_HEIGHT / 2,
                cells=cells,
                gap=sector.gap,
                gap_x=axis.x(gap_start),
            )
        )
    return SectorGrid(
        key="sectors",
        title=title,
        description=description,
        width=round(width, 1),
        height=PAD * 2 + header + len(rows) * ROW_HEIGHT,
        headings=heading_items,
        rows=rows,
        rtl=rtl,
        gap_label=gap_label,
    )
