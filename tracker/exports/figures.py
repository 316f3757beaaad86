"""Exports of what the map shows: one metric for every territory of a level, with the
map's filters (`level`, `metric`, `sector`, `status`, `year`), as CSV, XLSX or GeoJSON.

Values are the public ones (`Metric.public`): a count of people leaves out the small
counts, and says how many, exactly as the map, the pages and the API do. A territory
with no public record has no value, which is not zero.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from flask import request
from flask_babel import gettext as _
from sqlalchemy import select

from tracker import stats
from tracker.exports.views import (
    XLSX_MIMETYPE,
    ExportError,
    _download,
    _now,
    _text_cell,
    _utc_text,
    boundaries,
    bp,
    csv_safe,
    demo_rows,
    feature_collection,
    filter_rows,
    new_workbook,
    no_value_row,
    source_rows,
    workbook_bytes,
    write_about,
    xlsx_value,
)
from tracker.extensions import db
from tracker.filters import parse_filters
from tracker.i18n import LEVEL_PLURALS, address_in_language, current_language
from tracker.models import Territory
from tracker.models.territory import LEVELS
from tracker.privacy import public_figure


@dataclass(frozen=True)
class Figures:
    """A metric's public values for every territory of a level, with the filters."""

    level: str
    metric: stats.Metric
    filters: stats.Filters
    territories: list[Territory]
    values: dict[str, float | None]


def figures_from(args) -> Figures:
    """The figures the query string `args` asks for (level commune and metric measures
    unless given). Raises `BadFilter` or `ExportError` (400) for a bad value."""
    level = args.get("level") or "commune"
    if level not in LEVELS:
        raise ExportError(
            400,
            "bad_parameter",
            _("level must be one of: %(choices)s.", choices=", ".join(LEVELS)),
        )
    key = args.get("metric") or "measures"
    if key not in stats.METRICS:
        raise ExportError(
            400,
            "bad_parameter",
            _("metric must be one of: %(choices)s.", choices=", ".join(stats.METRICS)),
        )
    filters = parse_filters(args)
    territories = list(
        db.session.scalars(
            select(Territory).where(Territory.level == level).order_by(Territory.code)
        )
    )
    values = stats.metric_values(key, level, filters)
    return Figures(level, stats.METRICS[key], filters, territories, values)


def _rows(figures: Figures) -> list[dict]:
    """One row per territory: its names, parent, population and the public value, as a
    number (`value`) and as the map writes it (`shown`)."""
    counts_people = figures.metric.counts_people
    rows = []
    for t in figures.territories:
        value = figures.values.get(t.code)
        row = {
            "code": t.code,
            "name_fr": t.name_fr,
            "name_ar": t.name_ar,
            "parent_code": t.parent_code,
            "population_2024": t.population_2024,
            "value": None if value is None else round(float(value), 6),
        }
        if counts_people:
            row["small_counts_left_out"] = (
                getattr(value, "left_out", 0) if value is not None else None
            )
            shown = public_figure(value, write=lambda n: str(round(n)))
            row["shown"] = shown if isinstance(shown, str) else row["value"]
        rows.append(row)
    return rows


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
    if figures.metric.counts_people:
        headings += [
            ("shown", _("As shown")),
            ("small_counts_left_out", _("Small counts left out")),
        ]
    return headings


def _filename(figures: Figures, extension: str) -> str:
    return f"{figures.metric.key}-{figures.level}-{_now().date().isoformat()}.{extension}"


@bp.get("/figures.csv")
def figures_csv():
    """The map's figures as CSV (UTF-8 with BOM): a row per territory of the level.

    Refuses (400, JSON) an unknown level, metric or filter.
    """
    figures = figures_from(request.args)
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    headings = _headings(figures)
    writer.writerow([csv_safe(heading) for _key, heading in headings])
    for row in _rows(figures):
        writer.writerow(
            ["" if row[key] is None else csv_safe(str(row[key])) for key, _h in headings]
        )
    return _download(
        out.getvalue().encode("utf-8-sig"), "text/csv", "csv", _now(), _filename(figures, "csv")
    )


def _about(figures: Figures, lang: str) -> list[tuple[bool, list[str]]]:
    """The rows of the About sheet as (heading?, cells)."""
    return [
        (True, [str(figures.metric.label)]),
        *demo_rows(),
        (False, [_("Definition"), str(figures.metric.definition)]),
        (False, [_("Territories"), str(LEVEL_PLURALS[figures.level])]),
        (False, [_("Exported on (UTC)"), _utc_text(_now())]),
        (False, [_("Address of this export"), address_in_language()]),
        *filter_rows(figures.filters, lang),
        no_value_row(),
        *source_rows(),
    ]


@bp.get("/figures.xlsx")
def figures_xlsx():
    """The map's figures as an XLSX workbook, with an About sheet (definition, filters,
    date, sources). Refuses (400, JSON) an unknown level, metric or filter."""
    figures = figures_from(request.args)
    lang = current_language()
    workbook, sheet, about = new_workbook(str(figures.metric.label), lang)
    headings = _headings(figures)
    sheet.freeze_panes = "A2"
    sheet.append([_text_cell(sheet, heading, bold=True) for _key, heading in headings])
    for row in _rows(figures):
        sheet.append([xlsx_value(sheet, row[key]) for key, _heading in headings])
    write_about(about, _about(figures, lang), (32, 90))
    return _download(
        workbook_bytes(workbook), XLSX_MIMETYPE, "xlsx", _now(), _filename(figures, "xlsx")
    )


@bp.get("/figures.geojson")
def figures_geojson():
    """The map's figures on the simplified boundaries of the level, as an RFC 7946
    FeatureCollection: each territory's properties are the CSV's columns, under their
    keys. Refuses (400) a bad parameter; 503 while the geography is not built."""
    figures = figures_from(request.args)
    rows = {row["code"]: row for row in _rows(figures)}
    features = []
    for feature in boundaries(figures.level)["features"]:
        code = feature["properties"]["code"]
        properties = {"metric": figures.metric.key, **rows.get(code, {"code": code})}
        features.append(
            {"type": "Feature", "geometry": feature["geometry"], "properties": properties}
        )
    body = feature_collection(features)
    return _download(body, "application/geo+json", "geojson", _now(), _filename(figures, "geojson"))
