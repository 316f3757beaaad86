"""The comparison's routes: the page, with its charts, and the table as CSV, XLSX and
GeoJSON. What is asked is read by `selection`, the figures made by `table`, the charts
laid out by `charts`; the downloads are written by `tracker.writers`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from openpyxl.utils import get_column_letter

from tracker import stats
from tracker.compare.charts import Chart, SectorLine, bar_chart, sector_grid
from tracker.compare.score_chart import dimensions_side_by_side, scored_bars, unassessed
from tracker.compare.selection import (
    MAX_TERRITORIES,
    MIN_TERRITORIES,
    by_code,
    read_selection,
    territory_choices,
)
from tracker.compare.table import (
    SECTOR_DEFINITION,
    Comparison,
    build_comparison,
    cell_text,
    csv_text,
    export_value,
    number_format,
    table_lines,
)
from tracker.errors import JsonError
from tracker.i18n import (
    LEVEL_NAMES,
    LEVEL_PLURALS,
    RTL_LANGUAGES,
    address_in_language,
    current_language,
)
from tracker.models import Territory
from tracker.params import filter_args, sector_choices
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

# ---- the charts -----------------------------------------------------------------------------

ChartBuilder = Callable[[Comparison, str], Chart | None]


def metric_bars(key: str) -> ChartBuilder:
    """A builder of the bar chart of metric `key`: a line per compared territory, its
    value as the table writes it; a value that is no number (none, or hidden) draws no
    bar. No chart for a level the metric is not given for."""

    def build(comparison: Comparison, lang: str) -> Chart | None:
        if comparison.level not in stats.METRICS[key].levels:
            return None
        row = comparison.metric(key)
        values = [row.values[t.code] for t in comparison.territories]
        return bar_chart(
            key,
            str(stats.METRICS[key].label),
            [t.name(lang) for t in comparison.territories],
            [v if isinstance(v, int | float) else None for v in values],
            [cell_text(row, v) for v in values],
            lang in RTL_LANGUAGES,
        )

    return build


def sectors_covered(comparison: Comparison, lang: str) -> Chart:
    """The grid of the SNIA sectors each compared territory covers, gaps named in words."""
    codes = [t.code for t in comparison.territories]
    gaps = [str(row.label) for row in comparison.gaps]
    if gaps:
        description = _(
            "Sectors none of these territories covers: %(sectors)s.", sectors=", ".join(gaps)
        )
    else:
        description = _("Every sector is covered by at least one of these territories.")
    return sector_grid(
        _("SNIA sectors covered"),
        description,
        [t.name(lang) for t in comparison.territories],
        [
            SectorLine(
                str(row.label),
                [row.values[code] for code in codes],
                [cell_text(row, row.values[code]) for code in codes],
                row.gap,
            )
            for row in comparison.sector_rows
        ],
        _("gap"),
        lang in RTL_LANGUAGES,
    )


# The charts of the page, in order. Each builder takes the comparison and the page's
# language and returns a chart (or None to leave it out).
CHART_BUILDERS: list[ChartBuilder] = [
    metric_bars("measures_per_100k"),
    metric_bars("budget_planned_per_inhabitant"),
    metric_bars("budget_spent_per_inhabitant"),
    metric_bars("communes_integrating_share"),
    sectors_covered,
]

# The self-assessment's scores: overall, then the dimensions side by side; none is drawn
# when no compared territory has a validated assessment (see `unassessed`).
ASSESSMENT_CHART_BUILDERS: list[ChartBuilder] = [
    scored_bars(metric_bars("assessment_score")),
    dimensions_side_by_side,
]


def uncharted(comparison: Comparison) -> list[str]:
    """The sentences saying which rows no chart draws, and why: a category (how a
    council's programme integrates migration) is no quantity a bar could measure, and
    two to four territories read better in the table than in a count of them."""
    return [
        *(
            _(
                "“%(figure)s” is a category, not a quantity: the table above gives it for "
                "each territory, and no chart draws it.",
                figure=row.label,
            )
            for row in comparison.metric_rows
            if row.categories is not None
        ),
        *unassessed(comparison, current_language()),
    ]


def build_charts(comparison: Comparison, lang: str) -> list[Chart]:
    """Every chart of the comparison, in the page's language and direction."""
    charts = []
    for builder in (*CHART_BUILDERS, *ASSESSMENT_CHART_BUILDERS):
        chart = builder(comparison, lang)
        if chart is not None:
            charts.append(chart)
    return charts


# ---- the routes -----------------------------------------------------------------------------


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
        territory = by_code(code) if code else None
        if territory is not None and territory.level == selection.level:
            slot_names[code] = territory.name(lang)
    return render_template(
        "compare.html",
        selection=selection,
        comparison=comparison,
        charts=charts,
        uncharted=uncharted(comparison) if comparison else [],
        programme_year=stats.programme_year(selection.filters) if comparison else None,
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
            ngettext(
                "Choose at least %(num)d territory to compare.",
                "Choose at least %(num)d territories to compare.",
                MIN_TERRITORIES,
            )
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
            for row in (
                *comparison.metric_rows,
                *comparison.assessment_rows,
                *comparison.census_rows,
            )
        ],
        (False, [_("SNIA sectors"), str(SECTOR_DEFINITION)]),
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
                cell.number_format = number_format(row)
        sheet.append(cells)
    write_about(about, _about(comparison, lang, moment), (32, 90))
    body = workbook_bytes(workbook)
    return download(body, XLSX_MIMETYPE, _filename(comparison, "xlsx"))


def _property(row, value):
    # A category by its key, which a program reads in any language.
    return value if row.categories is not None else export_value(row, value)


def _properties(comparison: Comparison, territory: Territory) -> dict:
    """A compared territory's GeoJSON properties: its code and names, then every row's
    value under the row's key (the CSV's first column): a number, the text of a sum that
    leaves small counts out, a category's key, or None for no data."""
    return {
        "code": territory.code,
        "name_fr": territory.name_fr,
        "name_ar": territory.name_ar,
        **{row.key: _property(row, row.values[territory.code]) for row in comparison.rows},
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
