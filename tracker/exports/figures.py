"""Exports of what the map shows: one metric for every territory of a level, with the
map's filters (`level`, `metric`, `sector`, `status`, `year`, `since`), as CSV, XLSX or
GeoJSON.

Values are the public ones (`Metric.public`): a count of people leaves out the small
counts, and says how many, exactly as the map, the pages and the API do. A territory
with no public record has no value, which is not zero. A category (how a council's
programme integrates migration) is given as its key and, "as shown", its label.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from tracker import stats, writers
from tracker.extensions import db
from tracker.i18n import LEVEL_PLURALS, address_in_language, current_language
from tracker.models import Territory
from tracker.params import parse_filters, parse_level, parse_metric
from tracker.privacy import public_figure
from tracker.stats.assessments import details, dimension_of


@dataclass(frozen=True)
class Figures:
    """A metric's public values for every territory of a level, with the filters."""

    level: str
    metric: stats.Metric
    filters: stats.Filters
    territories: list[Territory]
    values: dict[str, float | None]
    # Of a score: each assessed territory's year and potential (see `stats.assessments`).
    scored: dict[str, object]


def figures_from(args) -> Figures:
    """The figures the query string `args` asks for (level commune and metric measures
    unless given). Raises `BadParameter` (400) for a bad value."""
    level = parse_level(args, "commune")
    key = parse_metric(args, "measures")
    filters = parse_filters(args)
    territories = list(
        db.session.scalars(
            select(Territory).where(Territory.level == level).order_by(Territory.code)
        )
    )
    values = stats.metric_values(key, level, filters)
    metric = stats.METRICS[key]
    scored = details(key, level, filters) if metric.unit == "score" else {}
    return Figures(level, metric, filters, territories, values, scored)


def _rows(figures: Figures) -> list[dict]:
    """One row per territory: its names, parent, population and the public value, as a
    number (`value`) and as the map writes it (`shown`); a category as its key and
    its label in the request's language."""
    metric = figures.metric
    counts_people = metric.counts_people
    rows = []
    for t in figures.territories:
        value = figures.values.get(t.code)
        row = {
            "code": t.code,
            "name_fr": t.name_fr,
            "name_ar": t.name_ar,
            "parent_code": t.parent_code,
            "population_2024": t.population_2024,
        }
        if metric.categories is not None:
            # The category's key, which reads the same in every language, and its label.
            row["value"] = value
            row["shown"] = None if value is None else metric.public(value)
        else:
            row["value"] = None if value is None else round(float(value), 6)
        if counts_people:
            row["small_counts_left_out"] = (
                getattr(value, "left_out", 0) if value is not None else None
            )
            shown = public_figure(value, write=lambda n: str(round(n)))
            row["shown"] = shown if isinstance(shown, str) else row["value"]
        if metric.unit == "score":
            row.update(_score_fields(metric, figures.scored.get(t.code)))
        rows.append(row)
    return rows


def _score_fields(metric: stats.Metric, detail) -> dict:
    """A score's columns besides its value: as shown ("not assessed" where there is no
    assessment, never 0), the year assessed and, for a dimension, its potential."""
    if detail is None:
        fields = {"shown": str(metric.no_value), "assessment_year": None}
    else:
        shown = str(metric.no_value) if detail.score is None else detail.score
        fields = {"shown": shown, "assessment_year": detail.year}
    if dimension_of(metric.key):
        fields["potential"] = detail.potential if detail else None
    return fields


def _headings(figures: Figures) -> list[tuple[str, str]]:
    """(key, heading) of the columns, in the request's language."""
    headings = [
        ("code", _("HCP code")),
        ("name_fr", _("Name (French)")),
        ("name_ar", _("Name (Arabic)")),
        ("parent_code", _("Parent code")),
        ("population_2024", _("Population 2024")),
        ("value", str(figures.metric.label)),
    ]
    if figures.metric.categories is not None:
        headings.append(("shown", _("As shown")))
    if figures.metric.unit == "score":
        headings += [("shown", _("As shown")), ("assessment_year", _("Year assessed"))]
        if dimension_of(figures.metric.key):
            headings.append(("potential", _("Potential (applicable questions)")))
    if figures.metric.counts_people:
        headings += [
            ("shown", _("As shown")),
            ("small_counts_left_out", _("Small counts left out")),
        ]
    return headings


def filename(figures: Figures, extension: str) -> str:
    """The download's name: metric, level, the filters and the day, e.g.
    `beneficiaries-commune-health-2024-2026-12-06.csv`."""
    parts = [figures.level, *writers.filter_name_parts(figures.filters)]
    return writers.download_name(figures.metric.key, parts, extension)


def csv_body(figures: Figures) -> bytes:
    """The figures as CSV: the headings in the request's language, a row per territory."""
    headings = _headings(figures)
    rows = (
        [None if row[key] is None else str(row[key]) for key, _h in headings]
        for row in _rows(figures)
    )
    return writers.csv_bytes([[heading for _key, heading in headings], *rows])


def _programme_year_rows(figures: Figures) -> list[tuple[bool, list[str]]]:
    """The year whose running programmes a programme metric reads (this year unless one
    is chosen), for the About sheet."""
    if not figures.metric.by_programme_year:
        return []
    year = stats.programme_year(figures.filters)
    return [(False, [_("Programmes running in"), str(year)])]


def _no_score_row() -> tuple[bool, list[str]]:
    """The About sheet's line saying that a territory without a score is not assessed."""
    return (
        False,
        [
            _("No value"),
            _("The collectivity has no validated self-assessment: it is not assessed, not 0."),
        ],
    )


def _about(figures: Figures, lang: str) -> list[tuple[bool, list[str]]]:
    """The rows of the About sheet as (heading?, cells)."""
    return [
        (True, [str(figures.metric.label)]),
        *writers.demo_rows(),
        (False, [_("Definition"), str(figures.metric.definition)]),
        (False, [_("Territories"), str(LEVEL_PLURALS[figures.level])]),
        (False, [_("Exported on (UTC)"), writers.utc_text(writers.now())]),
        (False, [_("Address of this export"), address_in_language()]),
        *writers.filter_rows(figures.filters, lang),
        *_programme_year_rows(figures),
        _no_score_row() if figures.metric.unit == "score" else writers.no_value_row(),
        *writers.source_rows(),
    ]


def xlsx_body(figures: Figures) -> bytes:
    """The figures as an XLSX workbook, with an About sheet (definition, filters, date,
    sources)."""
    lang = current_language()
    workbook, sheet, about = writers.new_workbook(str(figures.metric.label), lang)
    headings = _headings(figures)
    sheet.freeze_panes = "A2"
    sheet.append([writers.text_cell(sheet, heading, bold=True) for _key, heading in headings])
    for row in _rows(figures):
        sheet.append([writers.xlsx_value(sheet, row[key]) for key, _heading in headings])
    writers.write_about(about, _about(figures, lang), (32, 90))
    return writers.workbook_bytes(workbook)


def geojson_body(figures: Figures) -> bytes:
    """The figures on the simplified boundaries of the level, as an RFC 7946
    FeatureCollection whose properties are the CSV's columns under their keys. Raises
    `JsonError` (503) while the geography is not built."""
    rows = {row["code"]: row for row in _rows(figures)}
    features = []
    for feature in writers.boundaries(figures.level)["features"]:
        code = feature["properties"]["code"]
        properties = {"metric": figures.metric.key, **rows.get(code, {"code": code})}
        features.append(
            {"type": "Feature", "geometry": feature["geometry"], "properties": properties}
        )
    return writers.feature_collection(features)
