"""The comparison's rows: every metric, the census and the SNIA sectors for the compared
territories, and how each value is written on the page and in the downloads."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select

from tracker import privacy, stats
from tracker.extensions import db
from tracker.i18n import current_language, format_metric, format_number
from tracker.models import Sector, Territory
from tracker.stats import Filters
from tracker.stats.assessments import details

# How a row's values are written: a metric's unit, a census figure, or a sector's measures.
CENSUS = "census"
SECTOR = "sector"
YEAR = "year"


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
    # A categorical metric's `{key: label}`: its values are keys, shown by their labels.
    categories: Mapping[str, object] | None = None
    # How a territory without a value is written ("no data", "not assessed").
    no_value: object = _l("no data")
    # What a value says besides itself, by code (a score's potential).
    details: Mapping[str, str] | None = None


@dataclass(frozen=True)
class Comparison:
    """The figures of the compared territories, in the order asked."""

    level: str
    territories: list[Territory]
    filters: Filters
    metric_rows: list[Row]
    # The self-assessment's year and scores, overall and by dimension.
    assessment_rows: list[Row]
    census_rows: list[Row]
    sector_rows: list[Row]
    # Codes of the compared territories that have at least one public record.
    recorded: set[str]

    @property
    def rows(self) -> list[Row]:
        """Every row, in the table's order: metrics, assessment, census, sectors."""
        return [*self.metric_rows, *self.assessment_rows, *self.census_rows, *self.sector_rows]

    @property
    def gaps(self) -> list[Row]:
        """The sectors none of the compared territories covers."""
        return [row for row in self.sector_rows if row.gap]

    def metric(self, key: str) -> Row:
        """The row of metric `key`; raises `StopIteration` for a key that is no metric."""
        return next(row for row in (*self.metric_rows, *self.assessment_rows) if row.key == key)


SECTOR_DEFINITION = _l(
    "Validated measures of the territory that address this programme of the National "
    "Strategy for Immigration and Asylum; none: the territory leaves it uncovered."
)


def build_comparison(level: str, territories: Sequence[Territory], filters: Filters) -> Comparison:
    """Every metric of `tracker.stats.METRICS` given for `level`, the census and the
    sectors covered, for `territories` (all of `level`). Raises `ValueError` for an
    unknown level."""
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
            categories=metric.categories,
            no_value=metric.no_value,
        )
        for key, metric in stats.METRICS.items()
        if level in metric.levels and metric.unit != "score"
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
    counts = stats.sector_counts(level, codes, filters)
    sector_rows = []
    for sector in db.session.scalars(select(Sector).order_by(Sector.position)):
        values = {
            code: (counts[code].get(sector.key, 0) if code in with_data else None) for code in codes
        }
        gap = bool(with_data) and not any(values.values())
        sector_rows.append(
            Row(f"sector:{sector.key}", sector.name(lang), SECTOR, values, SECTOR_DEFINITION, gap)
        )
    return Comparison(
        level,
        list(territories),
        filters,
        metric_rows,
        assessment_rows(level, codes, filters),
        census_rows,
        sector_rows,
        with_data,
    )


def assessment_rows(level: str, codes: Sequence[str], filters: Filters) -> list[Row]:
    """The self-assessment's lines for territories `codes` of `level`: the year assessed,
    then every score metric (overall, each dimension with its potential); "not
    assessed" where a territory has no published assessment. None for the country."""
    scores = [m for m in stats.METRICS.values() if m.unit == "score" and level in m.levels]
    if not scores:
        return []
    found = {m.key: details(m.key, level, filters) for m in scores}
    overall = found[scores[0].key]
    rows = [
        Row(
            "assessment_year",
            _l("Year of the self-assessment"),
            YEAR,
            {code: overall[code].year if code in overall else None for code in codes},
            _l("The year chosen, else each collectivity's latest validated self-assessment."),
            no_value=scores[0].no_value,
        )
    ]
    for metric in scores:
        scored = found[metric.key]
        rows.append(
            Row(
                metric.key,
                metric.label,
                metric.unit,
                {code: scored[code].score if code in scored else None for code in codes},
                metric.definition,
                no_value=metric.no_value,
                details={
                    code: potential_text(scored[code].potential)
                    for code in codes
                    if code in scored and scored[code].potential is not None
                },
            )
        )
    return rows


def potential_text(potential: int) -> str:
    """A dimension's potential as the comparison writes it under its score."""
    return ngettext("potential %(num)d question", "potential %(num)d questions", potential)


def cell_text(row: Row, value) -> str:
    """A table cell as the page shows it, in the page's language."""
    if value is None:
        return str(row.no_value)
    if row.unit == YEAR:
        return str(value)
    if row.categories is not None:
        return str(row.categories.get(value, value))
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
_DECIMALS = {SECTOR: 0, CENSUS: 0, YEAR: 0, "count": 0, "percent": 1, "score": 1}


def _decimals(row: Row) -> int:
    return _DECIMALS.get(row.unit, 2)


def number_format(row: Row) -> str:
    """The spreadsheet format of a row's numbers: grouped, with the CSV's decimals."""
    decimals = _decimals(row)
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def export_value(row: Row, value) -> int | float | str | None:
    """A value as every download gives it: the number rounded as the CSV writes it,
    text ("<5", "40 + <5") for a sum that leaves small counts out, a category's label
    in the download's language, None for no data."""
    if value is None:
        return None
    if row.categories is not None:
        return cell_text(row, value)
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
