"""Downloads of what the public pages show, with their filters, under /export/: the public
measures (`measures.*`), the public programmes (`programmes.*`), the published
self-assessments (`assessments.*`) and the map's figures by territory (`figures.*`), each as CSV,
XLSX and GeoJSON. A bad query answers 400 with the API's JSON error; a GeoJSON that
needs the boundaries answers 503 until they are built."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, request

from tracker.exports import assessments, figures, measures, programmes
from tracker.exports.columns import export_columns
from tracker.writers import (
    CSV_MIMETYPE,
    GEOJSON_MIMETYPE,
    XLSX_MIMETYPE,
    download,
    download_name,
    filter_name_parts,
    now,
)

bp = Blueprint("exports", __name__, url_prefix="/export")

# A measures export of no territory holds the whole country: its ISO 3166 code names it.
COUNTRY_IN_NAME = "MA"


def _measures_file(
    selection: measures.Selection, extension: str, moment: datetime | None = None
) -> str:
    """`measures-`, the territory's code (MA for the whole country), the filters, the day."""
    territory = selection.territory.code if selection.territory else COUNTRY_IN_NAME
    parts = [territory, *filter_name_parts(selection.filters)]
    return download_name("measures", parts, extension, moment)


@bp.get("/measures.csv")
def measures_csv():
    """The public measures the filters keep, as CSV (UTF-8 with BOM, comma-separated).

    Refuses (400, JSON) a bad filter or an export larger than `EXPORT_MAX_ROWS`.
    """
    selection = measures.selection_from(request.args)
    body = measures.csv_body(export_columns(), measures.export_items(selection.query))
    return download(body, CSV_MIMETYPE, _measures_file(selection, "csv"))


@bp.get("/measures.xlsx")
def measures_xlsx():
    """The public measures the filters keep, as an XLSX workbook with an About sheet.

    Refuses (400, JSON) a bad filter or an export larger than `EXPORT_MAX_ROWS`.
    """
    selection = measures.selection_from(request.args)
    moment = now()
    items = measures.export_items(selection.query)
    body = measures.xlsx_body(selection, export_columns(), items, moment)
    return download(body, XLSX_MIMETYPE, _measures_file(selection, "xlsx", moment))


@bp.get("/measures.geojson")
def measures_geojson():
    """The public measures the filters keep, as a GeoJSON FeatureCollection (RFC 7946).

    Refuses (400, JSON) a bad filter or an export larger than `EXPORT_MAX_ROWS`.
    """
    selection = measures.selection_from(request.args)
    body = measures.geojson_body(measures.export_items(selection.query), measures.locator())
    return download(body, GEOJSON_MIMETYPE, _measures_file(selection, "geojson"))


def _programmes_file(
    selection: programmes.Selection, extension: str, moment: datetime | None = None
) -> str:
    """`programmes-`, the territory's code (MA for the whole country), the filters, the day."""
    territory = selection.territory.code if selection.territory else COUNTRY_IN_NAME
    parts = [territory, *programmes.name_parts(selection)]
    return download_name("programmes", parts, extension, moment)


@bp.get("/programmes.csv")
def programmes_csv():
    """The public programmes the filters keep, as CSV (UTF-8 with BOM, comma-separated).

    Refuses (400, JSON) a bad filter or an export larger than `EXPORT_MAX_ROWS`.
    """
    selection = programmes.selection_from(request.args)
    items = programmes.export_items(selection.query)
    body = measures.csv_body(programmes.export_columns(), items)
    return download(body, CSV_MIMETYPE, _programmes_file(selection, "csv"))


@bp.get("/programmes.xlsx")
def programmes_xlsx():
    """The public programmes the filters keep, as an XLSX workbook with an About sheet.

    Refuses (400, JSON) a bad filter or an export larger than `EXPORT_MAX_ROWS`.
    """
    selection = programmes.selection_from(request.args)
    moment = now()
    items = programmes.export_items(selection.query)
    body = programmes.xlsx_body(selection, programmes.export_columns(), items, moment)
    return download(body, XLSX_MIMETYPE, _programmes_file(selection, "xlsx", moment))


@bp.get("/programmes.geojson")
def programmes_geojson():
    """The public programmes the filters keep, as a GeoJSON FeatureCollection (RFC 7946),
    each placed at its collectivity. Refuses (400, JSON) a bad filter or an export
    larger than `EXPORT_MAX_ROWS`."""
    selection = programmes.selection_from(request.args)
    items = programmes.export_items(selection.query)
    body = measures.geojson_body(items, measures.locator())
    return download(body, GEOJSON_MIMETYPE, _programmes_file(selection, "geojson"))


@bp.get("/figures.csv")
def figures_csv():
    """The map's figures as CSV (UTF-8 with BOM): a row per territory of the level.

    Refuses (400, JSON) an unknown level, metric or filter.
    """
    chosen = figures.figures_from(request.args)
    return download(figures.csv_body(chosen), CSV_MIMETYPE, figures.filename(chosen, "csv"))


@bp.get("/figures.xlsx")
def figures_xlsx():
    """The map's figures as an XLSX workbook, with an About sheet (definition, filters,
    date, sources). Refuses (400, JSON) an unknown level, metric or filter."""
    chosen = figures.figures_from(request.args)
    return download(figures.xlsx_body(chosen), XLSX_MIMETYPE, figures.filename(chosen, "xlsx"))


@bp.get("/figures.geojson")
def figures_geojson():
    """The map's figures on the simplified boundaries of the level, as an RFC 7946
    FeatureCollection: each territory's properties are the CSV's columns, under their
    keys. Refuses (400) a bad parameter; 503 while the geography is not built."""
    chosen = figures.figures_from(request.args)
    body = figures.geojson_body(chosen)
    return download(body, GEOJSON_MIMETYPE, figures.filename(chosen, "geojson"))


def _assessments_file(selection: assessments.Selection, extension: str, moment=None) -> str:
    """`assessments-`, the territory's code (MA for the whole country), the year, the day."""
    return download_name("assessments", assessments.name_parts(selection), extension, moment)


@bp.get("/assessments.csv")
def assessments_csv():
    """The published self-assessments within `territory` and of `year`, as CSV (UTF-8
    with BOM): a row per assessment with its scores and potentials. Refuses (400, JSON)
    a bad filter or an export larger than `EXPORT_MAX_ROWS`."""
    selection = assessments.selection_from(request.args)
    items = assessments.export_items(selection.query)
    body = measures.csv_body(assessments.export_columns(), items)
    return download(body, CSV_MIMETYPE, _assessments_file(selection, "csv"))


@bp.get("/assessments.xlsx")
def assessments_xlsx():
    """The published self-assessments as an XLSX workbook with an About sheet. Refuses
    (400, JSON) a bad filter or an export larger than `EXPORT_MAX_ROWS`."""
    selection = assessments.selection_from(request.args)
    moment = now()
    items = assessments.export_items(selection.query)
    body = assessments.xlsx_body(selection, assessments.export_columns(), items, moment)
    return download(body, XLSX_MIMETYPE, _assessments_file(selection, "xlsx", moment))


@bp.get("/assessments.geojson")
def assessments_geojson():
    """The published self-assessments as a GeoJSON FeatureCollection (RFC 7946), each
    placed inside its collectivity. Refuses (400, JSON) a bad filter or an export larger
    than `EXPORT_MAX_ROWS`."""
    selection = assessments.selection_from(request.args)
    items = assessments.export_items(selection.query)
    body = measures.geojson_body(items, measures.locator())
    return download(body, GEOJSON_MIMETYPE, _assessments_file(selection, "geojson"))
