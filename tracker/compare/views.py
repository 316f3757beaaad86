"""Two to four territories of one level side by side: every metric, the census, the SNIA
sectors each covers, charts drawn on the server as inline SVG, and the table as CSV,
XLSX and GeoJSON.

Everything the page shows comes from its query string, so a comparison is shared by
sharing its address: `/compare?level=region&codes=02&codes=01&codes=05&year=&sector=&status=`.
With no `codes` at all, the pilot regions (`PILOT_REGIONS`) are compared.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from openpyxl.utils import get_column_letter
from sqlalchemy import distinct, func, select

from tracker import privacy, stats
from tracker.errors import BadParameter, JsonError
from tracker.extensions import db
from tracker.i18n import (
    LEVEL_NAMES,
    LEVEL_PLURALS,
    RTL_LANGUAGES,
    address_in_language,
    current_language,
    format_metric,
    format_number,
)
from tracker.models import Measure, Sector, Territory
from tracker.models.record import measure_sector
from tracker.models.territory import LEVELS, search_key
from tracker.params import filter_args, one_of, parse_filters, sector_choices
from tracker.stats import Filters, measure_conditions
from tracker.vocab import MEASURE_STATUSES
from tracker.writers import (
    CSV_MIMETYPE,
    GEOJSON_MIMETYPE,
    XLSX_MIMETYPE,
    boundaries,
    csv_bytes,
    demo_rows,
    download,
    feature_collection,
    filter_rows,
    new_workbook,
    no_value_row,
    now,
    source_rows,
    text_cell,
    utc_text,
    workbook_bytes,
    write_about,
    xlsx_value,
)

bp = Blueprint("compare", __name__)

MIN_TERRITORIES = 2
MAX_TERRITORIES = 4
# A slot's text longer than this is no code or name: it is reported shortened.
_LONGEST_SHOWN = 40


# ---- what was asked -------------------------------------------------------------------------


@dataclass
class Selection:
    """What the query string asks to compare, and what is wrong with it.

    `slots` is what the form shows back in its territory fields (codes, or the text
    typed when it named no territory); `territories` is filled only when every slot
    names a territory of `level` and there are two to four of them.
    """

    level: str = "region"
    slots: list[str] = field(default_factory=list)
    territories: list[Territory] = field(default_factory=list)
    filters: Filters = field(default_factory=Filters)
    errors: list[str] = field(default_factory=list)
    # True when a slot named its territory by name rather than code: the page then
    # redirects to the address with codes, the one worth sharing.
    named: bool = False

    @property
    def ready(self) -> bool:
        return not self.errors and MIN_TERRITORIES <= len(self.territories) <= MAX_TERRITORIES

    def query_args(self) -> dict:
        """The canonical query string of this selection (codes, never names), for the
        shareable address, the CSV link and the redirect."""
        args: dict = {"level": self.level}
        if self.territories:
            args["codes"] = [t.code for t in self.territories]
        args.update(filter_args(self.filters))
        return args


def _shown(text: str) -> str:
    """A user's text as an error message may quote it: never longer than a line."""
    return text if len(text) <= _LONGEST_SHOWN else text[: _LONGEST_SHOWN - 1] + "…"


def _without_controls(text: str) -> str:
    """`text` with its control characters (never part of a code or a name) made spaces
    when they are white space, U+FFFD otherwise, so they are neither looked up (PostgreSQL
    refuses a NUL outright) nor shown back."""
    return "".join(
        (" " if c.isspace() else "\ufffd") if unicodedata.category(c) == "Cc" else c for c in text
    )


def _asked_codes(args: Mapping) -> list[str] | None:
    """The slots' texts, in order, empty ones dropped (`codes=02,01` counts as two);
    None when the query string has no `codes` at all."""
    if "codes" not in args:
        return None
    values = args.getlist("codes") if hasattr(args, "getlist") else [args["codes"]]
    values = [_without_controls(value) for value in values]
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _searchable(text: str) -> bool:
    """Whether `text` is short enough to be a code or a name at all."""
    return len(text) <= 2 * _LONGEST_SHOWN


def _by_code(text: str) -> Territory | None:
    return db.session.get(Territory, text) if _searchable(text) else None


def _by_name(text: str, level: str) -> tuple[Territory | None, int]:
    """The territory of `level` whose French or Arabic name is `text` (case, accents and
    Arabic vowels aside), and how many bear that name."""
    key = search_key(text) if _searchable(text) else ""
    if not key:
        return None, 0
    candidates = db.session.scalars(
        select(Territory).where(
            Territory.level == level, Territory.search_text.contains(key, autoescape=True)
        )
    ).all()
    exact = [t for t in candidates if key in (search_key(t.name_fr), search_key(t.name_ar))]
    return (exact[0] if len(exact) == 1 else None), len(exact)


def read_selection(args: Mapping) -> Selection:
    """The comparison the query string asks for, with a message in the user's language
    for each thing wrong: a bad level or filter, fewer than two or more than four
    territories, an unknown code or name, a territory of another level, one chosen twice.

    The level is `level`, else the level of the first territory named by code, else
    "region". With no `codes` parameter at level region, the pilot regions are taken
    (those that exist); at another level nothing is chosen yet, which is no error.
    """
    selection = Selection()
    level_asked = (args.get("level") or "").strip()
    if level_asked:
        try:
            one_of(level_asked, LEVELS, "level")
        except BadParameter as bad:
            selection.errors.append(bad.message)
            level_asked = ""
    try:
        selection.filters = parse_filters(args)
    except BadParameter as bad:
        selection.errors.append(bad.message)

    texts = _asked_codes(args)
    if texts is None:
        selection.level = level_asked or "region"
        if selection.level == "region":
            pilot = [db.session.get(Territory, code) for code in _pilot_codes()]
            selection.territories = [t for t in pilot if t is not None and t.level == "region"]
            selection.slots = [t.code for t in selection.territories]
        return selection

    selection.slots = texts[:MAX_TERRITORIES]
    if len(texts) > MAX_TERRITORIES:
        # Not one lookup more: the count alone is the answer.
        selection.errors.append(
            _("Choose at most %(most)d territories to compare.", most=MAX_TERRITORIES)
        )
        selection.level = level_asked or "region"
        return selection

    by_code = {text: _by_code(text) for text in texts}
    first = next((t for t in by_code.values() if t is not None), None)
    selection.level = level_asked or (first.level if first is not None else "region")
    level_name = LEVEL_NAMES[selection.level]

    if len(texts) < MIN_TERRITORIES:
        selection.errors.append(
            _("Choose at least %(least)d territories to compare.", least=MIN_TERRITORIES)
        )
    found: list[Territory] = []
    for index, text in enumerate(texts):
        territory = by_code[text]
        if territory is None:
            territory, count = _by_name(text, selection.level)
            if count > 1:
                selection.errors.append(
                    _(
                        "Several territories are named %(name)s: enter the HCP code of the "
                        "one you mean.",
                        name=_shown(text),
                    )
                )
                continue
            if territory is None:
                selection.errors.append(_unknown(text, level_name))
                continue
            selection.named = True
            selection.slots[index] = territory.code
        if territory.level != selection.level:
            selection.errors.append(
                _(
                    "%(name)s (%(code)s) is not of the level compared (%(level)s): compare "
                    "territories of one level.",
                    name=territory.name(current_language()),
                    code=territory.code,
                    level=level_name,
                )
            )
            continue
        if any(t.code == territory.code for t in found):
            selection.errors.append(
                _(
                    "%(name)s (%(code)s) is chosen twice.",
                    name=territory.name(current_language()),
                    code=territory.code,
                )
            )
            continue
        found.append(territory)
    selection.territories = found
    return selection


def _unknown(text: str, level_name) -> str:
    """The message for a slot naming no territory: as a code when it looks like one
    (digits and dots), as a name otherwise."""
    if all(c.isdigit() or c == "." for c in text):
        return _("No territory has the code %(code)s.", code=_shown(text))
    return _(
        "No territory of the level compared (%(level)s) is named %(name)s: enter its HCP code.",
        level=level_name,
        name=_shown(text),
    )


def _pilot_codes() -> list[str]:
    return [str(code) for code in current_app.config.get("PILOT_REGIONS", ())]


# ---- the figures ----------------------------------------------------------------------------

# How a row's values are written: a metric's unit, a census figure, or a sector's measures.
CENSUS = "census"
SECTOR = "sector"


@dataclass(frozen=True)
class Row:
    """A line of the comparison table. `values` maps each territory's code to what public
    outputs may show (a count of people is a `privacy.PublicSum`); None is no data."""

    key: str
    label: object
    unit: str
    values: dict[str, float | int | str | None]
    definition: object | None = None
    # A sector none of the compared territories covers.
    gap: bool = False


@dataclass(frozen=True)
class Comparison:
    """The figures of the compared territories, in the order asked."""

    level: str
    territories: list[Territory]
    filters: Filters
    metric_rows: list[Row]
    census_rows: list[Row]
    sector_rows: list[Row]
    # Codes of the compared territories that have at least one public record.
    recorded: set[str]

    @property
    def rows(self) -> list[Row]:
        return [*self.metric_rows, *self.census_rows, *self.sector_rows]

    @property
    def gaps(self) -> list[Row]:
        return [row for row in self.sector_rows if row.gap]

    def metric(self, key: str) -> Row:
        return next(row for row in self.metric_rows if row.key == key)


def sector_counts(level: str, codes: Sequence[str], filters: Filters) -> dict[str, dict[str, int]]:
    """`{code: {sector key: public measures}}` for the territories `codes` of `level`, in
    one aggregation grouped by territory and sector; a sector with no measure is absent."""
    unit = stats._unit_of(level)
    labelled = unit.label("unit")
    query = (
        select(labelled, measure_sector.c.sector_key, func.count(distinct(Measure.id)))
        .select_from(Measure)
        .join(Territory, Territory.code == Measure.territory_code)
        .join(measure_sector, measure_sector.c.measure_id == Measure.id)
        .where(*measure_conditions(filters), unit.in_(list(codes)))
        .group_by(labelled, measure_sector.c.sector_key)
    )
    counts: dict[str, dict[str, int]] = {code: {} for code in codes}
    for code, sector_key, measures in db.session.execute(query):
        if code in counts:
            counts[code][sector_key] = int(measures)
    return counts


_SECTOR_DEFINITION = _l(
    "Validated measures of the territory that address this programme of the National "
    "Strategy for Immigration and Asylum; none: the territory leaves it uncovered."
)


def build_comparison(level: str, territories: Sequence[Territory], filters: Filters) -> Comparison:
    """Every metric of `tracker.stats.METRICS`, the census and the sectors covered, for
    `territories` (all of `level`). Raises `ValueError` for an unknown level."""
    codes = [t.code for t in territories]
    lang = current_language()
    # Each territory's figures, as its page has them (public already: a count of people
    # is a `PublicSum`), rather than every territory of the level's.
    summaries = {t.code: stats.territory_summary(t, filters) for t in territories}
    metric_rows = [
        Row(
            key,
            metric.label,
            metric.unit,
            {code: summaries[code][key] for code in codes},
            metric.definition,
        )
        for key, metric in stats.METRICS.items()
    ]
    census_rows = [
        Row(
            "population_2024",
            _l("Population 2024"),
            CENSUS,
            {t.code: t.population_2024 for t in territories},
            _l("HCP, general census of population and housing (RGPH) 2024."),
        ),
        Row(
            "population_2014",
            _l("Population 2014"),
            CENSUS,
            {t.code: t.population_2014 for t in territories},
            _l("HCP, general census of population and housing (RGPH) 2014."),
        ),
    ]
    with_data = {code for code in codes if stats.recorded(level, code)}
    counts = sector_counts(level, codes, filters)
    sector_rows = []
    for sector in db.session.scalars(select(Sector).order_by(Sector.position)):
        values = {
            code: (counts[code].get(sector.key, 0) if code in with_data else None) for code in codes
        }
        gap = bool(with_data) and not any(values.values())
        sector_rows.append(
            Row(f"sector:{sector.key}", sector.name(lang), SECTOR, values, _SECTOR_DEFINITION, gap)
        )
    return Comparison(
        level, list(territories), filters, metric_rows, census_rows, sector_rows, with_data
    )


def cell_text(row: Row, value) -> str:
    """A table cell as the page shows it, in the page's language."""
    if value is None:
        return _("no data")
    if row.unit == SECTOR:
        if not value:
            return _("not covered")
        return "✓ " + ngettext("%(num)d measure", "%(num)d measures", value)
    if row.unit == CENSUS:
        return format_number(value)
    if isinstance(value, privacy.PublicSum):
        value = privacy.public_figure(value)
    return format_metric(row.unit, value)


# Decimals the downloads give a value, by unit; two for any other unit.
_DECIMALS = {SECTOR: 0, CENSUS: 0, "count": 0, "percent": 1}


def _decimals(row: Row) -> int:
    return _DECIMALS.get(row.unit, 2)


def _number_format(row: Row) -> str:
    """The spreadsheet format of a row's numbers: grouped, with the CSV's decimals."""
    decimals = _decimals(row)
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def export_value(row: Row, value) -> int | float | str | None:
    """A value as every download gives it: the number rounded as the CSV writes it,
    text ("<5", "40 + <5") for a sum that leaves small counts out, None for no data."""
    if value is None:
        return None
    if isinstance(value, privacy.PublicSum):
        value = privacy.public_figure(value, write=lambda n: str(round(n)))
    if isinstance(value, str):
        return value
    decimals = _decimals(row)
    return round(value) if decimals == 0 else round(float(value), decimals)


def csv_text(row: Row, value) -> str:
    """A CSV cell: plain numbers a spreadsheet reads (no thousands separator, a point for
    decimals), "40 + <5" for a sum that leaves small counts out, empty for no data."""
    value = export_value(row, value)
    if value is None:
        return ""
    if isinstance(value, str):
        return value  # `csv_bytes` guards it against formulas
    return f"{value:.{_decimals(row)}f}"


def row_label(row: Row) -> str:
    """A row's label in the downloads, where a sector says it is one."""
    label = str(row.label)
    return _("Sector: %(name)s", name=label) if row.unit == SECTOR else label


def table_lines(
    comparison: Comparison, lang: str, write: Callable[[Row, object], object]
) -> Iterator[list]:
    """The table the CSV and the XLSX hold: the headings (a stable key, the figure, a
    column per territory, the definition), then a line per row, with each territory's
    value as `write(row, value)` gives it."""
    territories = comparison.territories
    yield [
        "key",
        _("Figure"),
        *[f"{t.name(lang)} ({t.code})" for t in territories],
        _("Definition"),
    ]
    for row in comparison.rows:
        yield [
            row.key,
            row_label(row),
            *[write(row, row.values[t.code]) for t in territories],
            str(row.definition or ""),
        ]


# ---- the charts -----------------------------------------------------------------------------

# Geometry in SVG user units (CSS pixels at 100 %). Text widths are estimated from the
# number of characters, generously, so a label never runs into its neighbour.
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


def _fit(text: str, chars: int) -> str:
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
        return round(self.width - position if self.rtl else position, 1)

    def rect_x(self, position: float, length: float) -> float:
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
    x: float
    y: float
    centre_x: float
    text_y: float
    text: str
    title: str
    state: str  # covered, uncovered or nodata


@dataclass(frozen=True)
class GridRow:
    label: str
    full_label: str
    label_x: float
    text_y: float
    cells: list[Cell]
    gap: bool
    gap_x: float


@dataclass(frozen=True)
class Heading:
    x: float
    y: float
    text: str
    full_text: str


@dataclass(frozen=True)
class SectorGrid:
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
ChartBuilder = Callable[[Comparison, str], Chart | None]


def metric_bars(key: str) -> ChartBuilder:
    """A builder of the horizontal bar chart of metric `key`: one line per territory, the
    name beside its bar, bars proportional to the largest value, values as text."""

    def build(comparison: Comparison, lang: str) -> BarChart:
        metric = stats.METRICS[key]
        row = comparison.metric(key)
        names = [t.name(lang) for t in comparison.territories]
        values = [row.values[t.code] for t in comparison.territories]
        texts = [cell_text(row, v) for v in values]
        numbers = [v for v in values if isinstance(v, int | float)]
        largest = max(numbers, default=0) or 0
        labels = [_fit(name, LABEL_CHARS) for name in names]
        label_width = _width(labels)
        width = PAD + label_width + GAP + BAR_LENGTH + GAP + _width(texts) + PAD
        axis = Axis(width, lang in RTL_LANGUAGES)
        bars = []
        for index, (name, label, value, text) in enumerate(
            zip(names, labels, values, texts, strict=True)
        ):
            top = PAD + index * ROW_HEIGHT
            length = (
                BAR_LENGTH * value / largest
                if isinstance(value, int | float) and largest > 0 and value > 0
                else 0.0
            )
            start = PAD + label_width + GAP
            bars.append(
                Bar(
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
            )
        description = "; ".join(f"{n}: {t}" for n, t in zip(names, texts, strict=True))
        return BarChart(
            key=key,
            title=str(metric.label),
            description=description,
            width=round(width, 1),
            height=PAD * 2 + len(bars) * ROW_HEIGHT,
            bars=bars,
            rtl=axis.rtl,
            value_anchor="end" if axis.rtl else "start",
            baseline_x=axis.x(PAD + label_width + GAP),
        )

    return build


def sector_grid(comparison: Comparison, lang: str) -> SectorGrid:
    """The coverage grid: a line per SNIA sector, a column per territory, a filled square
    with the number of measures where the territory covers the sector, an empty one with
    0 where it does not, a dashed one with a dash where it has no data; sectors no
    territory covers are marked "gap" in words."""
    territories = comparison.territories
    names = [t.name(lang) for t in territories]
    headings = [_fit(name, COLUMN_CHARS) for name in names]
    column = max(_width(headings) + GAP, CELL + 2 * GAP)
    sector_labels = [_fit(str(row.label), SECTOR_CHARS) for row in comparison.sector_rows]
    label_width = _width(sector_labels)
    gap_label = _("gap")
    header = ROW_HEIGHT
    first_column = PAD + label_width + GAP
    gap_start = first_column + len(territories) * column + GAP
    width = gap_start + _width([gap_label]) + PAD
    axis = Axis(width, lang in RTL_LANGUAGES)

    heading_items = [
        Heading(axis.x(first_column + i * column + column / 2), PAD + header / 2, text, name)
        for i, (text, name) in enumerate(zip(headings, names, strict=True))
    ]
    rows = []
    for index, (row, label) in enumerate(zip(comparison.sector_rows, sector_labels, strict=True)):
        top = PAD + header + index * ROW_HEIGHT
        cells = []
        for i, territory in enumerate(territories):
            value = row.values[territory.code]
            centre = first_column + i * column + column / 2
            if value is None:
                state, text = "nodata", "—"
            elif value:
                state, text = "covered", str(value)
            else:
                state, text = "uncovered", "0"
            cells.append(
                Cell(
                    x=axis.rect_x(centre - CELL / 2, CELL),
                    y=top + (ROW_HEIGHT - CELL) / 2,
                    centre_x=axis.x(centre),
                    text_y=top + ROW_HEIGHT / 2,
                    text=text,
                    title=f"{names[i]} — {row.label}: {cell_text(row, value)}",
                    state=state,
                )
            )
        rows.append(
            GridRow(
                label=label,
                full_label=str(row.label),
                label_x=axis.x(PAD + label_width),
                text_y=top + ROW_HEIGHT / 2,
                cells=cells,
                gap=row.gap,
                gap_x=axis.x(gap_start),
            )
        )
    gaps = [str(row.label) for row in comparison.gaps]
    if gaps:
        description = _(
            "Sectors none of these territories covers: %(sectors)s.", sectors=", ".join(gaps)
        )
    else:
        description = _("Every sector is covered by at least one of these territories.")
    return SectorGrid(
        key="sectors",
        title=_("SNIA sectors covered"),
        description=description,
        width=round(width, 1),
        height=PAD * 2 + header + len(rows) * ROW_HEIGHT,
        headings=heading_items,
        rows=rows,
        rtl=axis.rtl,
        gap_label=gap_label,
    )


# The charts of the page, in order. Each builder takes the comparison and the page's
# language and returns a chart (or None to leave it out).
CHART_BUILDERS: list[ChartBuilder] = [
    metric_bars("measures_per_100k"),
    metric_bars("budget_planned_per_inhabitant"),
    metric_bars("budget_spent_per_inhabitant"),
    sector_grid,
]

# Assessment scores by dimension (governance, services by sector, reception,
# partnerships, capacity, participation, data; 0-100) go here once validated
# assessments are recorded: one builder per chart, reading the compared territories'
# scores. Until then the list is empty and no score is shown or made up.
ASSESSMENT_CHART_BUILDERS: list[ChartBuilder] = []


def build_charts(comparison: Comparison, lang: str) -> list[Chart]:
    """Every chart of the comparison, in the page's language and direction."""
    charts = []
    for builder in (*CHART_BUILDERS, *ASSESSMENT_CHART_BUILDERS):
        chart = builder(comparison, lang)
        if chart is not None:
            charts.append(chart)
    return charts


# ---- the form's choices ---------------------------------------------------------------------


def _sorted_by_name(territories, lang: str) -> list[Territory]:
    return sorted(territories, key=lambda t: search_key(t.name(lang)))


def territory_choices(level: str, lang: str) -> dict:
    """What the form offers for `level`: every region; the provinces grouped by region;
    for communes (1,503 of them) a list of the pilot regions' communes to type from."""
    regions = db.session.scalars(
        select(Territory).where(Territory.level == "region").order_by(Territory.code)
    ).all()
    if level == "region":
        return {"options": [(t.code, t.name(lang)) for t in regions]}
    if level == "province":
        provinces = db.session.scalars(select(Territory).where(Territory.level == "province"))
        grouped: dict[str, list[Territory]] = {}
        for province in provinces:
            grouped.setdefault(province.region_code, []).append(province)
        return {
            "groups": [
                (
                    region.name(lang),
                    [
                        (t.code, t.name(lang))
                        for t in _sorted_by_name(grouped.get(region.code, []), lang)
                    ],
                )
                for region in regions
            ]
        }
    pilot = _pilot_codes()
    provinces = {
        t.code: t
        for t in db.session.scalars(
            select(Territory).where(Territory.level == "province", Territory.region_code.in_(pilot))
        )
    }
    communes = db.session.scalars(
        select(Territory).where(Territory.level == "commune", Territory.region_code.in_(pilot))
    )
    suggestions = [
        (
            t.code,
            f"{t.name(lang)} ({provinces[t.parent_code].name(lang)})"
            if t.parent_code in provinces
            else t.name(lang),
        )
        for t in _sorted_by_name(communes, lang)
    ]
    return {"suggestions": suggestions}


# ---- the views ------------------------------------------------------------------------------


@bp.get("/compare")
def compare():
    """The comparison page: a form (level, two to four territories, year, sector, status),
    then the table, the charts, the definitions and the links to share and download.

    Answers 400, with the form and a message per problem, for a bad level or filter,
    fewer than two or more than four territories, an unknown code, a territory of
    another level or one chosen twice. A territory typed by its name redirects to the
    same comparison addressed by codes.
    """
    selection = read_selection(request.args)
    if selection.named and selection.ready:
        return redirect(url_for("compare.compare", **selection.query_args()))
    lang = current_language()
    comparison = charts = None
    if selection.ready:
        comparison = build_comparison(selection.level, selection.territories, selection.filters)
        charts = build_charts(comparison, lang)
    slots = selection.slots + [""] * (MAX_TERRITORIES - len(selection.slots))
    slot_names = {}
    for code in slots:
        territory = _by_code(code) if code else None
        if territory is not None and territory.level == selection.level:
            slot_names[code] = territory.name(lang)
    return render_template(
        "compare.html",
        selection=selection,
        comparison=comparison,
        charts=charts,
        slots=slots,
        slot_names=slot_names,
        choices=territory_choices(selection.level, lang),
        levels=LEVEL_PLURALS,
        level_names=LEVEL_NAMES,
        sector_options=sector_choices(lang),
        statuses=MEASURE_STATUSES,
        filter_query=filter_args(selection.filters),
        query_args=selection.query_args(),
        share_url=url_for("compare.compare", _external=True, **selection.query_args())
        if selection.ready
        else None,
        cell_text=cell_text,
        lang=lang,
        min_territories=MIN_TERRITORIES,
        max_territories=MAX_TERRITORIES,
    ), (400 if selection.errors else 200)


def requested_comparison() -> Comparison:
    """The comparison a download's query string (the page's) asks for. Raises
    `JsonError` (400, every message in one) when it asks for none that can be made."""
    selection = read_selection(request.args)
    if not selection.ready:
        errors = selection.errors or [
            _("Choose at least %(least)d territories to compare.", least=MIN_TERRITORIES)
        ]
        raise JsonError(400, "bad_request", " ".join(errors))
    return build_comparison(selection.level, selection.territories, selection.filters)


def _filename(comparison: Comparison, extension: str) -> str:
    codes = "-".join(t.code for t in comparison.territories)
    return f"comparison-{comparison.level}-{codes}.{extension}"


@bp.get("/compare.csv")
def compare_csv():
    """The comparison table as CSV (UTF-8 with a byte-order mark, so spreadsheets keep
    Arabic): a stable key, the figure, a column per territory, the definition. Hidden
    counts are "<5", no data is an empty cell, text that looks like a formula starts
    with '. Takes the page's query string; a bad one answers 400 with a JSON error."""
    comparison = requested_comparison()
    body = csv_bytes(table_lines(comparison, current_language(), csv_text))
    return download(body, CSV_MIMETYPE, _filename(comparison, "csv"))


def _about(comparison: Comparison, lang: str, now: datetime) -> list[tuple[bool, list]]:
    """The rows of the XLSX's About sheet as (heading?, cells): what is compared, when and
    at which address, the filters, what each figure means, the sources."""
    return [
        (True, [_("Figures of the compared territories")]),
        *demo_rows(),
        (False, [_("Level compared"), str(LEVEL_NAMES[comparison.level])]),
        (False, [_("Exported on (UTC)"), utc_text(now)]),
        (False, [_("Address of this export"), address_in_language()]),
        (False, []),
        (True, [_("Territories")]),
        *[(False, [t.code, t.name(lang)]) for t in comparison.territories],
        (False, []),
        (True, [_("Filters")]),
        *filter_rows(comparison.filters, lang),
        (False, []),
        (True, [_("Figure"), _("Definition")]),
        *[
            (False, [str(row.label), str(row.definition)])
            for row in (*comparison.metric_rows, *comparison.census_rows)
        ],
        (False, [_("SNIA sectors"), str(_SECTOR_DEFINITION)]),
        no_value_row(),
        (False, []),
        (True, [_("Sources and terms")]),
        *source_rows(),
    ]


@bp.get("/compare.xlsx")
def compare_xlsx():
    """The comparison table as an XLSX workbook: the CSV's lines, with numbers as numbers,
    hidden counts as text ("<5", "40 + <5"), no data as an empty cell and every text kept
    as text; right to left in Arabic; then an About sheet (territories, filters,
    definitions, date, address, sources). Takes the page's query string; a bad one
    answers 400 with a JSON error."""
    comparison = requested_comparison()
    lang = current_language()
    moment = now()
    workbook, sheet, about = new_workbook(_("Comparison"), lang)
    widths = [24, 40, *[24] * len(comparison.territories), 80]
    for number, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    sheet.freeze_panes = "C2"
    lines = table_lines(comparison, lang, export_value)
    sheet.append([text_cell(sheet, heading, bold=True) for heading in next(lines)])
    for row, line in zip(comparison.rows, lines, strict=True):
        cells = [xlsx_value(sheet, value) for value in line]
        for cell, value in zip(cells, line, strict=True):
            if isinstance(value, int | float):  # shown with the CSV's decimals
                cell.number_format = _number_format(row)
        sheet.append(cells)
    write_about(about, _about(comparison, lang, moment), (32, 90))
    body = workbook_bytes(workbook)
    return download(body, XLSX_MIMETYPE, _filename(comparison, "xlsx"))


def _properties(comparison: Comparison, territory: Territory) -> dict:
    """A compared territory's GeoJSON properties: its code and names, then every row's
    value under the row's key (the CSV's first column): a number, the text of a sum that
    leaves small counts out, or None for no data."""
    return {
        "code": territory.code,
        "name_fr": territory.name_fr,
        "name_ar": territory.name_ar,
        **{row.key: export_value(row, row.values[territory.code]) for row in comparison.rows},
    }


@bp.get("/compare.geojson")
def compare_geojson():
    """The compared territories on their simplified boundaries, in the order compared, as
    an RFC 7946 FeatureCollection whose properties are the table's values under their
    keys. Takes the page's query string; a bad one answers 400 with a JSON error, and
    503 while the geography is not built. A territory the boundaries lack has no
    geometry (null)."""
    comparison = requested_comparison()
    shapes = {
        feature["properties"]["code"]: feature["geometry"]
        for feature in boundaries(comparison.level)["features"]
    }
    features = [
        {
            "type": "Feature",
            "geometry": shapes.get(t.code),
            "properties": _properties(comparison, t),
        }
        for t in comparison.territories
    ]
    body = feature_collection(features)
    return download(body, GEOJSON_MIMETYPE, _filename(comparison, "geojson"))
