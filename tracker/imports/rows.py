"""Turning a row's cells into the values `clean_measure` reads.

A value from a list is its key or its label in any of `LANGUAGES`; partners are
organisation names as registered, compared without regard to case; several values in
one cell are separated by `SEPARATOR`; a date may be written day first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.extensions import db
from tracker.imports.columns import (
    COLUMNS_BY_KEY,
    LANGUAGES,
    MEASURE_COLUMNS,
    SEPARATOR,
    VOCABULARIES,
    Column,
    normalise,
)
from tracker.models import Measure, Organisation, Sector, Territory

_DAY_FIRST = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")


def _name_key(name: str) -> str:
    return " ".join(str(name).casefold().split())


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(SEPARATOR) if part.strip()]


def _choice_tables() -> dict[str, dict[str, str]]:
    """For each column that chooses from a list: normalised key or label → key."""
    sectors = db.session.scalars(select(Sector).order_by(Sector.position)).all()
    labelled: dict[str, list[tuple[str, list[str]]]] = {
        "sectors": [(s.key, [s.name(lang) for lang in LANGUAGES]) for s in sectors]
    }
    for column, vocabulary in VOCABULARIES.items():
        labels: dict[str, list[str]] = {key: [] for key in vocabulary}
        for lang in LANGUAGES:
            with force_locale(lang):
                for key, label in vocabulary.items():
                    labels[key].append(str(label))
        labelled[column] = list(labels.items())
    choices: dict[str, dict[str, str]] = {}
    for column, entries in labelled.items():
        found: dict[str, set[str]] = {}
        for key, labels in entries:
            for label in labels:
                found.setdefault(normalise(label), set()).add(key)
        # A label shared by two keys says nothing: it is left out, and the cell refused.
        table = {text: keys.pop() for text, keys in found.items() if len(keys) == 1}
        table.update({normalise(key): key for key, _labels in entries})
        choices[column] = table
    return choices


@dataclass
class Lookups:
    """What the rows are matched against, loaded once per import: the labels of each
    list, the organisations, the measures that have a reference in the file's
    collectivities, and those collectivities."""

    choices: dict[str, dict[str, str]]
    organisations: dict[str, list[int]]
    measures: dict[tuple[str, str], list[Measure]]
    # Held so that each row's look-up of its collectivity finds it in the session: the
    # session keeps only weak references, and would query it again for every row.
    territories: list[Territory]

    @classmethod
    def load(cls, rows: list[dict[str, str]]) -> Lookups:
        """Load what `rows` (as `read_rows` gives them) are matched against."""
        choices = _choice_tables()
        organisations: dict[str, list[int]] = {}
        for organisation in db.session.scalars(
            select(Organisation).where(Organisation.deleted_at.is_(None))
        ):
            for name in {organisation.name_fr, organisation.name_ar} - {None}:
                organisations.setdefault(_name_key(name), []).append(organisation.id)
        codes = sorted({row.get("territory_code", "").strip() for row in rows} - {""})
        territories = db.session.scalars(select(Territory).where(Territory.code.in_(codes))).all()
        measures: dict[tuple[str, str], list[Measure]] = {}
        if any(row.get("reference", "").strip() for row in rows):
            for measure in db.session.scalars(
                select(Measure)
                .where(
                    Measure.territory_code.in_(codes),
                    Measure.reference.is_not(None),
                    Measure.deleted_at.is_(None),
                )
                .options(selectinload(Measure.sectors), selectinload(Measure.partners))
            ):
                measures.setdefault((measure.territory_code, measure.reference), []).append(measure)
        return cls(choices, organisations, measures, list(territories))


def raw_values(cells: dict[str, str], lookups: Lookups, errors: dict[str, str]) -> dict[str, Any]:
    """The cells as `clean_measure` reads them; partners named but not found go to `errors`
    (column key → message). A value not in its list is passed on as typed, for
    `clean_measure` to refuse it by name."""
    raw: dict[str, Any] = {}
    for key, value in cells.items():
        column = COLUMNS_BY_KEY[key]
        choices = lookups.choices.get(key)
        if column.kind == "partners":
            ids, unknown, ambiguous = [], [], []
            for name in _split(value):
                found = lookups.organisations.get(_name_key(name), [])
                if len(found) == 1:
                    ids.append(found[0])
                else:
                    (ambiguous if found else unknown).append(name)
            if unknown:
                errors[key] = _("Unknown organisation: %(names)s.", names=", ".join(unknown))
            elif ambiguous:
                errors[key] = _(
                    "Several organisations have this name: %(names)s.", names=", ".join(ambiguous)
                )
            raw[key] = ids
        elif column.multiple:
            raw[key] = [choices.get(normalise(v), v) for v in _split(value)]
        elif choices is not None:
            raw[key] = choices.get(normalise(value), value) if value.strip() else ""
        elif column.kind == "date" and (match := _DAY_FIRST.match(value)):
            day, month, year = match.groups()
            raw[key] = f"{year}-{int(month):02d}-{int(day):02d}"
        else:
            raw[key] = value
    return raw


def _current_value(measure: Measure, column: Column) -> Any:
    value = getattr(measure, column.key)
    if column.kind == "sectors":
        return [sector.key for sector in value]
    if column.kind == "partners":
        return [organisation.id for organisation in value]
    if column.kind == "choices":
        return list(value or [])
    if column.kind == "date":
        # As given, so that a year or a month stays one.
        return measure.given_date(column.key)
    return value


def current_values(measure: Measure) -> dict[str, Any]:
    """A measure's values as `clean_measure` reads them: what a column left out keeps."""
    return {column.key: _current_value(measure, column) for column in MEASURE_COLUMNS}
