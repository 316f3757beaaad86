"""The assessments exports: the published self-assessments within a `territory` and of
a `year`, one row each with its collectivity, year, set version, overall score and each
dimension's score and potential, as CSV, XLSX or GeoJSON.

- Only published assessments (validated, not deleted), read through
  `tracker.assessment.published`; scores computed by `tracker.assessment.scores` and
  given to one decimal, empty where a dimension has no applicable question.
- Written as the measures exports are (`tracker.exports.measures`): translated headings,
  CSV guarded against formulas, XLSX with an About sheet, GeoJSON at the collectivity.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_babel.speaklater import LazyString
from sqlalchemy import Select

from tracker import public_data
from tracker.assessment.indicators import latest_indicator_set
from tracker.assessment.scores import assessment_scores
from tracker.exports.columns import COLLECTIVITY_COLUMNS, Column, check_row_limit, row_limit
from tracker.exports.measures import (
    BATCH,
    column_rows,
    records_workbook,
    summary_rows,
    territory_row,
)
from tracker.extensions import db
from tracker.i18n import LEVEL_NAMES
from tracker.models import Assessment, Territory
from tracker.params import parse_territory, parse_year
from tracker.stats.assessments import published_within, shown


def _dimension_columns(key: str) -> tuple[Column, Column]:
    title = LazyString(lambda: str(latest_indicator_set().dimension(key).title))
    return (
        Column(
            f"score_{key}",
            LazyString(lambda: _("Score %(dimension)s: %(title)s", dimension=key, title=title)),
            _l(
                "0 to 100: 100 × points ÷ (3 × applicable questions); empty when no "
                "question of the dimension applies."
            ),
            "number",
            12,
        ),
        Column(
            f"potential_{key}",
            LazyString(lambda: _("Potential %(dimension)s", dimension=key)),
            _l("The number of applicable questions of the dimension."),
            "number",
            10,
        ),
    )


def export_columns() -> tuple[Column, ...]:
    """The columns of the assessments exports: the dimensions are the latest set's."""
    return (
        Column("id", _l("Assessment number"), kind="number", width=10),
        Column("territory_code", _l("Collectivity code"), _l("HCP code of the collectivity.")),
        *COLLECTIVITY_COLUMNS,
        Column("level", _l("Level"), _l("region, province or commune."), width=10),
        Column("year", _l("Year"), _l("The year assessed."), "number", 8),
        Column(
            "indicator_version",
            _l("Indicator set version"),
            _l("The version of the indicator set the assessment was answered under."),
            "number",
            8,
        ),
        Column(
            "score",
            _l("Overall score"),
            _l("0 to 100: the mean of the dimensions' scores (see /methodology)."),
            "number",
            10,
        ),
        *(
            column
            for d in latest_indicator_set().dimensions
            for column in _dimension_columns(d.key)
        ),
    )


@dataclass(frozen=True)
class Selection:
    """The assessments an export holds: the request's filters and the query they make."""

    territory: Territory | None
    year: int | None
    query: Select


def selection_from(args) -> Selection:
    """The published assessments the query string `args` asks for (`territory`, `year`).

    Raises `BadParameter` for a bad territory or year, and `JsonError` (400) when more
    assessments match than an export may hold.
    """
    territory = parse_territory(args)
    year = parse_year(args)
    query = published_within(territory.code if territory else None, year)
    total = public_data.count_rows(query)
    check_row_limit(
        total,
        ngettext(
            "This export would hold %(num)d assessment, more than the %(max)d an "
            "export may hold. Choose a territory or a year to narrow it.",
            "This export would hold %(num)d assessments, more than the %(max)d an "
            "export may hold. Choose a territory or a year to narrow it.",
            total,
            max=row_limit(),
        ),
    )
    return Selection(territory, year, query)


def assessment_row(assessment: Assessment) -> dict:
    """An assessment as the exports give it: flat, under the columns' keys."""
    scores = assessment_scores(assessment)
    territory = assessment.territory
    row = {
        "id": assessment.id,
        "territory_code": territory.code,
        "territory_name_fr": territory.name_fr,
        "territory_name_ar": territory.name_ar,
        "region_code": territory.region_code,
        "level": territory.level,
        "year": assessment.year,
        "indicator_version": assessment.indicator_version,
        "score": shown(scores.overall),
    }
    for dimension in scores.dimensions:
        row[f"score_{dimension.key}"] = shown(dimension.score)
        row[f"potential_{dimension.key}"] = dimension.potential
    return row


def export_items(query: Select) -> Iterator[dict]:
    """The assessments of `query` as rows, read `BATCH` at a time."""
    offset = 0
    while True:
        batch = list(db.session.scalars(query.limit(BATCH).offset(offset)))
        yield from (assessment_row(a) for a in batch)
        if len(batch) < BATCH:
            return
        offset += BATCH


def name_parts(selection: Selection) -> list[str]:
    """The words a download's name takes from the filters: the territory, the year."""
    territory = selection.territory.code if selection.territory else "MA"
    return [territory, str(selection.year) if selection.year else ""]


def _about_rows(
    selection: Selection, columns: tuple[Column, ...], count: int, now: datetime, lang: str
) -> list[tuple[bool, list]]:
    title = _("Self-assessments of the collectivities")
    rows = summary_rows(title, _("Number of assessments"), count, now)
    rows += [
        (False, []),
        (True, [_("Filters")]),
        territory_row(selection.territory, lang),
        (False, [_("Year"), str(selection.year) if selection.year else _("All")]),
        (
            False,
            [
                _("Not assessed"),
                _(
                    "A collectivity without a validated assessment has no row: it is not "
                    "assessed, which is not a score of 0."
                ),
            ],
        ),
    ]
    meanings = [("level", key, str(label)) for key, label in LEVEL_NAMES.items()]
    return rows + column_rows(columns, meanings)


def xlsx_body(
    selection: Selection, columns: Iterable[Column], items: Iterable[dict], now: datetime
) -> bytes:
    """The XLSX workbook: the assessments on the first sheet (right to left in Arabic),
    then a sheet that says what the export holds, its filters, date and sources."""
    columns = tuple(columns)
    return records_workbook(
        _("Self-assessments"),
        columns,
        items,
        lambda count, lang: _about_rows(selection, columns, count, now, lang),
    )
