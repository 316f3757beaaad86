"""The assessments import: one row per answer, rows grouped by collectivity and year into
one assessment each, saved through `save_assessment`, all of them or none.

A group updates the collectivity's assessment of that year when it has one (the answers
the file gives replace those answers, the others are kept), and creates it otherwise, as
a draft. A submitted or validated assessment that the file changes goes back to draft,
exactly as when the form changes it. A question given twice for one assessment is
refused on both rows. Cited measures are the collectivity's own validated measures,
named by their reference (as the officer recorded it) or their number.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, BinaryIO

from flask_babel import force_locale, lazy_pgettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from tracker import permissions
from tracker.assessment.indicators import indicator_set, latest_indicator_set
from tracker.assessment.service import (
    EVIDENCE_LIMITS,
    answers_of,
    clean_assessment,
    existing_assessment,
    save_assessment,
)
from tracker.extensions import db
from tracker.imports.columns import LANGUAGES, NO, SEPARATOR, YES, Column, normalise
from tracker.imports.run import (
    ImportReport,
    NumberedRows,
    RecordImport,
    RowResult,
    labelled,
    run_import,
)
from tracker.models import Measure, Territory
from tracker.records.outcomes import NotAllowed, RecordInvalid

if TYPE_CHECKING:
    from tracker.accounts import CommandLine
    from tracker.models import User

_YES_NO_NOTE = lazy_pgettext("import", "yes or no (empty: no).")
COLUMNS: tuple[Column, ...] = (
    Column(
        "territory_code",
        "territory",
        lazy_pgettext("import", "Collectivity code"),
        lazy_pgettext(
            "import", "The collectivity's HCP code, such as 02.251.01.03, typed as text."
        ),
        required=True,
    ),
    Column(
        "year",
        "count",
        lazy_pgettext("import", "Year"),
        lazy_pgettext("import", "The year assessed, such as 2025."),
        required=True,
    ),
    Column(
        "question",
        "choice",
        lazy_pgettext("import", "Question"),
        lazy_pgettext("import", "The question's key, Q1 to Q15 (Lists sheet): one row per answer."),
        required=True,
    ),
    Column(
        "points",
        "choice",
        lazy_pgettext("import", "Points"),
        lazy_pgettext(
            "import", "0, 1, 2 or 3, the level reached (Lists sheet); empty if not answered yet."
        ),
    ),
    Column(
        "not_applicable",
        "choice",
        lazy_pgettext("import", "Not applicable"),
        _YES_NO_NOTE,
        vocabulary={"yes": YES, "no": NO},
    ),
    Column(
        "evidence_reference",
        "text",
        lazy_pgettext("import", "Evidence reference"),
        lazy_pgettext("import", "A deliberation's number and date, at most 300 characters."),
    ),
    Column(
        "evidence_url",
        "text",
        lazy_pgettext("import", "Evidence link"),
        lazy_pgettext("import", "A web address starting with http:// or https://."),
    ),
    Column(
        "evidence_text",
        "longtext",
        lazy_pgettext("import", "Evidence text"),
        lazy_pgettext("import", "A short text, at most 2,000 characters, with no personal data."),
    ),
    Column(
        "measures",
        "choices",
        lazy_pgettext("import", "Cited measures"),
        lazy_pgettext(
            "import",
            "The references (or numbers) of the collectivity's validated measures, separated by |.",
        ),
    ),
)
# The service's name for a field of an answer, and the column that holds it.
_FIELD_COLUMNS = {
    "points": "points",
    **{field: field for field in EVIDENCE_LIMITS},
    "measure_ids": "measures",
}


def _yes_no() -> dict[str, bool]:
    """Each word of a yes-or-no cell, normalised, and what it means."""
    words = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}
    for lang in LANGUAGES:
        with force_locale(lang):
            words[normalise(YES)] = True
            words[normalise(NO)] = False
    return words


def _measure_references(codes: set[str]) -> dict[tuple[str, str], list[int]]:
    """(collectivity, reference) → the ids of its live measures with that reference."""
    found: dict[tuple[str, str], list[int]] = {}
    for measure in db.session.execute(
        select(Measure.id, Measure.territory_code, Measure.reference).where(
            Measure.territory_code.in_(sorted(codes)),
            Measure.reference.is_not(None),
            Measure.deleted_at.is_(None),
        )
    ):
        found.setdefault((measure.territory_code, measure.reference), []).append(measure.id)
    return found


def _measure_ids(
    code: str, cell: str, references: dict[tuple[str, str], list[int]], errors: dict
) -> list[str]:
    """The measures a cell cites, by reference or number; unknown and shared references
    go to `errors`. Whether each may be cited is the service's to say."""
    ids: list[str] = []
    unknown: list[str] = []
    for name in (part.strip() for part in cell.split(SEPARATOR)):
        if not name:
            continue
        found = references.get((code, name), [])
        if len(found) > 1:
            errors["measures"] = _(
                "Several measures of this collectivity have the reference %(reference)s.",
                reference=name,
            )
        elif found:
            ids.append(str(found[0]))
        elif name.isascii() and name.isdigit():
            ids.append(name)
        else:
            unknown.append(name)
    if unknown:
        errors["measures"] = _(
            "No measure of this collectivity has the reference %(references)s.",
            references=", ".join(unknown),
        )
    return ids


def _answer(
    cells: dict[str, str], references: dict, words: dict[str, bool], errors: dict
) -> dict[str, Any]:
    """The values a row's cells give its answer, as `save_assessment` takes them (a column
    the file does not have gives none); cells that cannot be read go to `errors`."""
    answer: dict[str, Any] = {field: cells[field] for field in EVIDENCE_LIMITS if field in cells}
    if "points" in cells:
        answer["points"] = cells["points"].strip() or None
    if "not_applicable" in cells:
        flag = cells["not_applicable"].strip()
        not_applicable = words.get(normalise(flag)) if flag else False
        if not_applicable is None:
            errors["not_applicable"] = _("Write yes or no.")
        answer["not_applicable"] = bool(not_applicable)
    elif answer.get("points") is not None:
        answer["not_applicable"] = False
    if "measures" in cells:
        code = cells.get("territory_code", "").strip()
        answer["measure_ids"] = _measure_ids(code, cells["measures"], references, errors)
    return answer


def _group_key(cells: dict[str, str]) -> tuple[str, str]:
    return cells.get("territory_code", "").strip(), cells.get("year", "").strip()


def _row_label(cells: dict[str, str]) -> str:
    return " ".join(
        part for part in (*_group_key(cells), cells.get("question", "").strip()) if part
    )


class _Group:
    """The rows of one collectivity and year: their answers by question, and their errors
    by row number, keyed by column."""

    def __init__(self, code: str, year: str):
        self.code, self.year = code, year
        self.rows: dict[int, dict[str, str]] = {}
        self.errors: dict[int, dict[str, str]] = {}
        self.answers: dict[str, dict[str, Any]] = {}
        self.row_of: dict[str, int] = {}
        year_number = int(year) if year.isascii() and year.isdigit() else None
        self.existing = (
            existing_assessment(code, year_number) if code and year_number is not None else None
        )
        self.stored = answers_of(self.existing) if self.existing is not None else {}
        self.questions = (
            indicator_set(self.existing.indicator_version)
            if self.existing is not None
            else latest_indicator_set()
        )

    def add(self, number: int, cells: dict[str, str], references: dict, words: dict) -> None:
        """Read row `number` into an answer, or note what is wrong with it."""
        self.rows[number] = cells
        errors = self.errors.setdefault(number, {})
        key = cells.get("question", "").strip().upper()
        answer = _answer(cells, references, words, errors)
        if not key:
            errors["question"] = _("This field is required.")
            return
        try:
            key = self.questions.question(key).key
        except KeyError:
            errors["question"] = _(
                "Question %(key)s is not in version %(version)d of the indicator set.",
                key=key,
                version=self.questions.version,
            )
            return
        if key in self.row_of:
            first = self.row_of[key]
            message = _(
                "Question %(key)s is answered twice for this assessment: rows %(first)d "
                "and %(second)d.",
                key=key,
                first=first,
                second=number,
            )
            errors["question"] = message
            self.errors[first]["question"] = message
            return
        self.row_of[key] = number
        self.answers[key] = {**self.stored.get(key, {}), **answer}

    def refuse(self, service_errors: dict[str, str]) -> None:
        """Put the service's errors on the rows they are about: an answer's on its row,
        the assessment's (collectivity, year) on every row."""
        for name, message in service_errors.items():
            question, _sep, field = name.partition("_")
            number = self.row_of.get(question)
            if number is None or field not in _FIELD_COLUMNS:
                for errors in self.errors.values():
                    errors.setdefault(
                        name if name in ("territory_code", "year") else "year", message
                    )
                continue
            column = _FIELD_COLUMNS[field]
            if column == "points" and self.answers[question].get("not_applicable"):
                column = "not_applicable"
            self.errors[number][column] = message

    def data(self) -> dict[str, Any]:
        """The assessment's values as `save_assessment` takes them."""
        return {"territory_code": self.code, "year": self.year, "answers": self.answers}


def _save(user: User | CommandLine, group: _Group) -> dict[int, str]:
    """Save `group` when no row has an error (each row's action), or note every problem."""
    if group.code and db.session.get(Territory, group.code) is None:
        group.refuse({"territory_code": _("Unknown collectivity code: %(code)s.", code=group.code)})
        return {}
    if group.code and not permissions.can_write(user, group.code):
        group.refuse({"territory_code": _("Not allowed for this collectivity.")})
        return {}
    try:
        clean_assessment(group.data(), group.existing)
    except RecordInvalid as invalid:
        group.refuse(invalid.errors)
    if any(group.errors.values()):
        return {}
    before = group.stored if group.existing is not None else None
    version = group.existing.version if group.existing is not None else None
    try:
        saved = save_assessment(user, group.data(), group.existing, expected_version=version)
    except NotAllowed:
        group.refuse({"territory_code": _("Not allowed for this collectivity.")})
        return {}
    except RecordInvalid as invalid:
        group.refuse(invalid.errors)
        return {}
    db.session.flush()
    if before is None:
        return dict.fromkeys(group.rows, "created")
    after = answers_of(saved)
    return {
        number: "updated" if before.get(key) != after.get(key) else "unchanged"
        for key, number in group.row_of.items()
    }


def import_assessment_rows(
    user: User | CommandLine, rows: NumberedRows, language: str
) -> list[RowResult]:
    """The assessments import's row step (see `RecordImport`): rows grouped by collectivity
    and year, each group saved as one assessment or every problem of its rows reported."""
    codes = {cells.get("territory_code", "").strip() for _number, cells in rows} - {""}
    references = _measure_references(codes)
    words = _yes_no()
    groups: dict[tuple[str, str], _Group] = {}
    for number, cells in rows:
        key = _group_key(cells)
        if key not in groups:
            groups[key] = _Group(*key)
        groups[key].add(number, cells, references, words)
    actions: dict[int, str] = {}
    for group in groups.values():
        actions.update(_save(user, group))
    errors = {n: e for group in groups.values() for n, e in group.errors.items()}
    return [
        RowResult(
            number,
            _row_label(cells),
            action=None if errors[number] else actions.get(number, "unchanged"),
            errors=labelled(errors[number], COLUMNS, language),
        )
        for number, cells in rows
    ]


ASSESSMENTS = RecordImport(
    "assessments", COLUMNS, _l("The file has headings but no answers."), import_assessment_rows
)


def import_assessments(
    user: User | CommandLine, filename: str, stream: BinaryIO, dry_run: bool = False
) -> ImportReport:
    """Import the answers of a CSV or XLSX file as `user`: all rows, or none.

    Rows are grouped by collectivity and year; each group goes through `save_assessment`
    (rules, permissions, history, a submitted or validated assessment back to draft when
    it changes). Refused by row and column: a row the indicator set or the collectivity's
    level does not allow, a question twice for one assessment (on both rows), a measure
    that is not the collectivity's own validated one, a collectivity `user` may not write
    for. Commits only when every row passed and `dry_run` is false.

    Raises `ImportFileError` when the file as a whole cannot be read (see `read_rows`).
    """
    return run_import(user, ASSESSMENTS, filename, stream, dry_run)
