"""Bulk import of measures from a CSV or XLSX file, and the template to fill in.

The web upload and `flask --app tracker import measures FILE` both call
`import_measures`, which saves every row through `records.service.save_measure`
(the same rules, permissions and history as the form).

The file:

- CSV in UTF-8, with or without a byte-order mark, cells separated by commas or
  semicolons (whichever the heading row uses); or XLSX, whose first sheet is read.
- Row 1 holds the headings, in any order: the heading of `COLUMNS` in Arabic,
  French or English, or the column's key. Case, accents, spaces and punctuation
  are ignored when headings are compared. A heading that is not a column is refused.
- Several values in one cell (sectors, target groups, funding sources, partners)
  are separated by `|`, never `;`, which may separate the cells of a CSV.
- A value from a list (kind, status, sectors, target groups, funding sources) is
  its key or its label in any of the three languages.
- Partners are organisation names as registered, compared without regard to case.
- Dates are YYYY-MM-DD (or DD/MM/YYYY); in an XLSX, date cells are read as dates.
- A row with a reference updates the measure of the same collectivity that has
  this reference; any other row creates a measure. On an update, a column left
  out of the file leaves that field as it was; a blank cell empties it.
- Blank rows are skipped and keep their number; at most `MAX_ROWS` rows.
- A cell that looks like a formula (`=`, `+`, `-`, `@`) is kept as the text it is:
  nothing is ever evaluated, and an XLSX formula is read as its text.
- All rows are saved, or none: one wrong row and nothing is written.
"""

from __future__ import annotations

import csv
import io
import re
import sys
import unicodedata
import warnings
from collections.abc import Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, BinaryIO

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.extensions import db
from tracker.models import Measure, Organisation, Sector, Territory
from tracker.records.service import (
    NotAllowed,
    RecordInvalid,
    clean_measure,
    save_measure,
)
from tracker.vocab import (
    FUNDING_SOURCES,
    MEASURE_KINDS,
    MEASURE_STATUSES,
    TARGET_GROUPS,
)

MAX_ROWS = 5000
SEPARATOR = "|"
LANGUAGES = ("ar", "fr", "en")


@dataclass(frozen=True)
class Column:
    """One column of the import file: its key (the field of `clean_measure`), its
    headings in English, French and Arabic, and what to enter, in each language."""

    key: str
    en: str
    fr: str
    ar: str
    notes: dict[str, str]
    required: bool = False
    multiple: bool = False

    def heading(self, lang: str) -> str:
        """The heading in `lang` ("ar", "fr" or "en"; English for any other)."""
        return {"ar": self.ar, "fr": self.fr}.get(lang, self.en)

    def note(self, lang: str) -> str:
        """What to enter in this column, in `lang`."""
        return self.notes.get(lang, self.notes["en"])


_CHOICE_NOTE = {
    "en": "One value from the list (Lists sheet): its key or its label.",
    "fr": "Une valeur de la liste (feuille Listes) : sa clé ou son libellé.",
    "ar": "قيمة واحدة من القائمة (ورقة القوائم): رمزها أو تسميتها.",
}
_MULTIPLE_NOTE = {
    "en": "One or more values from the list (Lists sheet), separated by |.",
    "fr": "Une ou plusieurs valeurs de la liste (feuille Listes), séparées par |.",
    "ar": "قيمة أو أكثر من القائمة (ورقة القوائم)، يُفصل بينها بالعلامة |.",
}
_DATE_NOTE = {
    "en": "A date as YYYY-MM-DD (or DD/MM/YYYY).",
    "fr": "Une date au format AAAA-MM-JJ (ou JJ/MM/AAAA).",
    "ar": "تاريخ بصيغة سنة-شهر-يوم YYYY-MM-DD (أو يوم/شهر/سنة DD/MM/YYYY).",
}
_AMOUNT_NOTE = {
    "en": "An amount in dirhams, such as 250000 or 250000.50.",
    "fr": "Un montant en dirhams, par exemple 250000 ou 250000,50.",
    "ar": "مبلغ بالدرهم، مثلا 250000 أو 250000.50.",
}

COLUMNS: tuple[Column, ...] = (
    Column(
        "reference",
        "Reference",
        "Référence",
        "المرجع",
        {
            "en": "The collectivity's own reference. A measure of the same collectivity with this "
            "reference is updated; otherwise a new measure is created.",
            "fr": "La référence propre à la collectivité. La mesure de la même collectivité qui porte "
            "cette référence est mise à jour ; sinon une nouvelle mesure est créée.",
            "ar": "المرجع الخاص بالجماعة الترابية. يُحيَّن التدبير الذي يحمل هذا المرجع لدى الجماعة "
            "نفسها، وإلا يُحدَث تدبير جديد.",
        },
    ),
    Column(
        "territory_code",
        "Collectivity code",
        "Code de la collectivité",
        "رمز الجماعة الترابية",
        {
            "en": "The collectivity's HCP code, such as 02.251.01.03, typed as text.",
            "fr": "Le code HCP de la collectivité, par exemple 02.251.01.03, saisi comme texte.",
            "ar": "رمز الجماعة الترابية حسب المندوبية السامية للتخطيط، مثلا 02.251.01.03، يُكتب كنص.",
        },
        required=True,
    ),
    Column(
        "programme_id",
        "Programme number",
        "Numéro du programme",
        "رقم البرنامج",
        {
            "en": "The number of the collectivity's programme the measure belongs to (optional).",
            "fr": "Le numéro du programme de la collectivité dont relève la mesure (facultatif).",
            "ar": "رقم برنامج الجماعة الترابية الذي يندرج فيه التدبير (اختياري).",
        },
    ),
    Column(
        "title",
        "Title",
        "Intitulé",
        "عنوان التدبير",
        {
            "en": "In Arabic or French, at most 300 characters.",
            "fr": "En arabe ou en français, 300 caractères au plus.",
            "ar": "بالعربية أو بالفرنسية، في حدود 300 حرف.",
        },
        required=True,
    ),
    Column(
        "description",
        "Description",
        "Description",
        "وصف التدبير",
        {
            "en": "Free text, at most 5,000 characters.",
            "fr": "Texte libre, 5 000 caractères au plus.",
            "ar": "نص حر، في حدود 5000 حرف.",
        },
    ),
    Column("kind", "Kind", "Type", "نوع التدبير", _CHOICE_NOTE, required=True),
    Column("sectors", "Sectors", "Secteurs", "القطاعات", _MULTIPLE_NOTE, multiple=True),
    Column(
        "target_groups",
        "Target groups",
        "Groupes cibles",
        "الفئات المستهدفة",
        _MULTIPLE_NOTE,
        multiple=True,
    ),
    Column("status", "Status", "Statut", "وضعية التنفيذ", _CHOICE_NOTE, required=True),
    Column("start_date", "Start date", "Date de début", "تاريخ الانطلاق", _DATE_NOTE),
    Column(
        "end_date",
        "End date",
        "Date de fin",
        "تاريخ الانتهاء",
        {
            "en": _DATE_NOTE["en"] + " Not before the start date.",
            "fr": _DATE_NOTE["fr"] + " Pas avant la date de début.",
            "ar": _DATE_NOTE["ar"] + " لا يسبق تاريخ الانطلاق.",
        },
    ),
    Column(
        "budget_planned",
        "Planned budget (MAD)",
        "Budget prévu (MAD)",
        "الميزانية المرصودة (درهم)",
        _AMOUNT_NOTE,
    ),
    Column(
        "budget_spent",
        "Budget spent (MAD)",
        "Budget dépensé (MAD)",
        "المبالغ المصروفة (درهم)",
        {
            "en": _AMOUNT_NOTE["en"] + " More than planned only with a reason.",
            "fr": _AMOUNT_NOTE["fr"] + " Plus que prévu seulement avec un motif.",
            "ar": _AMOUNT_NOTE["ar"] + " لا يتجاوز الميزانية المرصودة إلا مع ذكر السبب.",
        },
    ),
    Column(
        "overspend_reason",
        "Reason for overspending",
        "Motif du dépassement",
        "سبب تجاوز الميزانية",
        {
            "en": "Required when more was spent than planned.",
            "fr": "Obligatoire quand la dépense dépasse le budget prévu.",
            "ar": "إلزامي إذا تجاوزت المبالغ المصروفة الميزانية المرصودة.",
        },
    ),
    Column(
        "funding_sources",
        "Funding sources",
        "Sources de financement",
        "مصادر التمويل",
        _MULTIPLE_NOTE,
        multiple=True,
    ),
    Column(
        "beneficiaries_total",
        "Beneficiaries (total)",
        "Bénéficiaires (total)",
        "عدد المستفيدين (المجموع)",
        {
            "en": "An aggregate count, a whole number. Never names or personal data.",
            "fr": "Un effectif global, nombre entier. Jamais de noms ni de données personnelles.",
            "ar": "عدد إجمالي بعدد صحيح، دون أي أسماء أو معطيات شخصية.",
        },
    ),
    Column(
        "beneficiaries_women",
        "Beneficiaries (women)",
        "Bénéficiaires (femmes)",
        "عدد المستفيدين (النساء)",
        {
            "en": "A whole number; women and men together not above the total.",
            "fr": "Un nombre entier ; femmes et hommes ensemble pas au-delà du total.",
            "ar": "عدد صحيح؛ لا يتجاوز مجموع النساء والرجال العدد الإجمالي.",
        },
    ),
    Column(
        "beneficiaries_men",
        "Beneficiaries (men)",
        "Bénéficiaires (hommes)",
        "عدد المستفيدين (الرجال)",
        {
            "en": "A whole number; women and men together not above the total.",
            "fr": "Un nombre entier ; femmes et hommes ensemble pas au-delà du total.",
            "ar": "عدد صحيح؛ لا يتجاوز مجموع النساء والرجال العدد الإجمالي.",
        },
    ),
    Column(
        "beneficiaries_minors",
        "Beneficiaries (minors)",
        "Bénéficiaires (mineurs)",
        "عدد المستفيدين (القاصرون)",
        {
            "en": "A whole number, not above the total.",
            "fr": "Un nombre entier, pas au-delà du total.",
            "ar": "عدد صحيح لا يتجاوز العدد الإجمالي.",
        },
    ),
    Column(
        "progress",
        "Progress (%)",
        "Avancement (%)",
        "نسبة الإنجاز (%)",
        {
            "en": "A whole number from 0 to 100.",
            "fr": "Un nombre entier de 0 à 100.",
            "ar": "عدد صحيح من 0 إلى 100.",
        },
    ),
    Column(
        "evidence",
        "Evidence (link or note)",
        "Justificatif (lien ou note)",
        "وثيقة الإثبات (رابط أو ملاحظة)",
        {
            "en": "A link (https://...) or a note saying where the proof is kept.",
            "fr": "Un lien (https://...) ou une note indiquant où la pièce est conservée.",
            "ar": "رابط (https://...) أو ملاحظة تبين مكان حفظ وثيقة الإثبات.",
        },
    ),
    Column(
        "latitude",
        "Latitude",
        "Latitude",
        "خط العرض",
        {
            "en": "Where the measure is a place: decimal degrees, such as 32.1167. "
            "Give latitude and longitude together, or neither.",
            "fr": "Quand la mesure est un lieu : degrés décimaux, par exemple 32.1167. "
            "Latitude et longitude ensemble, ou aucune.",
            "ar": "إذا كان التدبير مكانا: بالدرجات العشرية، مثلا 32.1167. "
            "يُذكر خط العرض وخط الطول معا أو لا يُذكر أي منهما.",
        },
    ),
    Column(
        "longitude",
        "Longitude",
        "Longitude",
        "خط الطول",
        {
            "en": "Decimal degrees, such as -1.2269 (west of Greenwich is negative).",
            "fr": "Degrés décimaux, par exemple -1.2269 (négatif à l'ouest de Greenwich).",
            "ar": "بالدرجات العشرية، مثلا -1.2269 (سالب غرب خط غرينتش).",
        },
    ),
    Column(
        "partners",
        "Partners",
        "Partenaires",
        "الشركاء",
        {
            "en": "Names of partner organisations as registered in the tracker, separated by |.",
            "fr": "Noms des organisations partenaires tels qu'enregistrés dans l'outil, séparés par |.",
            "ar": "أسماء المنظمات الشريكة كما هي مسجلة في المنصة، يُفصل بينها بالعلامة |.",
        },
        multiple=True,
    ),
)

COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}
REQUIRED = tuple(column.key for column in COLUMNS if column.required)

# Lists a cell chooses from, other than sectors (which are data).
_VOCABULARIES = {
    "kind": MEASURE_KINDS,
    "status": MEASURE_STATUSES,
    "target_groups": TARGET_GROUPS,
    "funding_sources": FUNDING_SOURCES,
}

# Marks that change how text is shown, not what it says, and the Arabic stretching
# character: a heading copied from a right-to-left document often carries them.
_INVISIBLE = dict.fromkeys(
    map(
        ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff\u061c\u0640"
    ),
    None,
)


def normalise(text: Any) -> str:
    """`text` reduced for comparing headings and labels: no case, accents, Arabic
    diacritics, spaces or punctuation ("Date de début" and "date de debut" match)."""
    text = unicodedata.normalize("NFKD", str(text).translate(_INVISIBLE))
    return "".join(ch for ch in text.casefold() if ch.isalnum() and not unicodedata.combining(ch))


def _heading_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for column in COLUMNS:
        for heading in (column.key, column.en, column.fr, column.ar):
            index[normalise(heading)] = column.key
    return index


HEADINGS = _heading_index()


class ImportFileError(ValueError):
    """The file as a whole cannot be imported; the message, in the user's language, says why."""


# ---- reading the file -----------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    """An XLSX cell's value as the text a person would type for it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, float):
        # 250000.0 is how a spreadsheet stores 250000: give it back without ".0".
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)


def _csv_table(data: bytes) -> Iterator[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            _('The file is not in UTF-8. Save it as "CSV UTF-8" and try again.')
        ) from error
    if "\x00" in text:
        # No text file has one; no database column accepts one either.
        raise ImportFileError(_("The file could not be read: %(error)s", error="NUL"))
    first_line = text.partition("\n")[0].rstrip("\r")
    # The delimiter that splits the heading row into more cells wins.
    delimiter = max((",", ";"), key=lambda d: len(next(csv.reader([first_line], delimiter=d), [])))
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as error:
        message = _("The file could not be read: %(error)s", error=str(error))
        raise ImportFileError(message) from error


def _xlsx_table(data: bytes) -> Iterator[list[str]]:
    import openpyxl

    unreadable = _("The file could not be read as an XLSX workbook.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # data_only=False: a formula comes back as its text ("=1+1"), never a result.
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # a damaged or foreign file fails in many different ways
        raise ImportFileError(unreadable) from error
    try:
        sheet = workbook.worksheets[0]
        # Some programs write a wrong size into the file; read what is really there.
        sheet.reset_dimensions()
        for row in sheet.iter_rows(values_only=True):
            yield [_cell_text(value) for value in row]
    except ImportFileError:
        raise
    except Exception as error:
        raise ImportFileError(unreadable) from error
    finally:
        workbook.close()


def _is_blank(cells: Iterable[str]) -> bool:
    return not any(cell.strip() for cell in cells)


def _columns_of(headings: list[str]) -> list[str | None]:
    """The key of each heading (None for a blank one); refuses unknown and repeated headings."""
    keys: list[str | None] = []
    unknown: list[str] = []
    for heading in headings:
        if not heading.strip():
            keys.append(None)
            continue
        key = HEADINGS.get(normalise(heading))
        if key is None:
            unknown.append(heading.strip())
        keys.append(key)
    if unknown:
        raise ImportFileError(_("Unknown column: %(columns)s.", columns=", ".join(unknown)))
    repeated = [k for k in dict.fromkeys(keys) if k is not None and keys.count(k) > 1]
    if repeated:
        names = [h.strip() for h, k in zip(headings, keys) if k in repeated]
        raise ImportFileError(
            _("The same column appears twice: %(columns)s.", columns=", ".join(names))
        )
    missing = [COLUMNS_BY_KEY[k].heading(_language()) for k in REQUIRED if k not in keys]
    if missing:
        raise ImportFileError(
            _("Missing required column: %(columns)s.", columns=", ".join(missing))
        )
    return keys


def read_rows(filename: str, stream: BinaryIO) -> list[dict[str, str]]:
    """The data rows of a CSV or XLSX file, each a dict from column key to the cell's text.

    Only the file's columns are keys. Element `i` is the spreadsheet's row `i + 2`
    (row 1 holds the headings): a blank row in the middle is kept, with empty
    values, so that numbers stay those the user sees; trailing blank rows are dropped.

    Raises `ImportFileError` for an extension other than .csv or .xlsx, a file that
    cannot be read (a CSV not in UTF-8, a damaged workbook), an empty file or one
    without data rows, a missing required column, an unknown or repeated heading, a
    value in a column without a heading, or more than `MAX_ROWS` rows.
    """
    suffix = Path(filename or "").suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ImportFileError(
            _(
                "This type of file cannot be imported: %(name)s. Use a .csv or .xlsx file.",
                name=Path(filename or "").name or "?",
            )
        )
    data = stream.read()
    if not data or not data.strip() or data.strip() == b"\xef\xbb\xbf":
        raise ImportFileError(_("The file is empty."))
    table = _csv_table(data) if suffix == ".csv" else _xlsx_table(data)
    rows: list[dict[str, str]] = []
    with closing(table):
        headings = next(table, None)
        if headings is None or _is_blank(headings):
            if headings is not None and any(not _is_blank(r) for r in table):
                raise ImportFileError(_("Row 1 must hold the column headings."))
            raise ImportFileError(_("The file is empty."))
        keys = _columns_of(headings)
        blank_run = 0
        filled = 0
        for number, cells in enumerate(table, start=2):
            if _is_blank(cells):
                # Counted, and kept only if a filled row follows: a workbook often
                # carries thousands of formatted but empty rows at its end.
                blank_run += 1
                continue
            filled += 1
            if filled > MAX_ROWS:
                raise ImportFileError(
                    _(
                        "The file has more than %(max)d rows: split it into several files.",
                        max=MAX_ROWS,
                    )
                )
            extra = cells[len(keys) :]
            unnamed = [c for c, k in zip(cells, keys) if k is None]
            if not _is_blank(extra) or not _is_blank(unnamed):
                raise ImportFileError(
                    _("Row %(row)d has a value in a column without a heading.", row=number)
                )
            rows.extend({k: "" for k in keys if k} for _blank in range(blank_run))
            blank_run = 0
            padded = list(cells) + [""] * (len(keys) - len(cells))
            rows.append({k: v for k, v in zip(keys, padded) if k})
    if not rows:
        raise ImportFileError(_("The file has headings but no measures."))
    return rows


# ---- turning cells into a measure's values ----------------------------------------------------


def _language() -> str:
    """The user's language: the page's, or the one the command line forced."""
    try:
        locale = get_locale()
    except RuntimeError:  # outside a request, with no language forced
        locale = None
    language = locale.language if locale else current_app.config.get("BABEL_DEFAULT_LOCALE", "en")
    return language if language in LANGUAGES else "en"


def _name_key(name: str) -> str:
    return " ".join(str(name).casefold().split())


@dataclass
class _Lookups:
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
    def load(cls, rows: list[dict[str, str]]) -> _Lookups:
        choices: dict[str, dict[str, str]] = {}
        sectors = db.session.scalars(select(Sector).order_by(Sector.position)).all()
        labelled: dict[str, list[tuple[str, list[str]]]] = {
            "sectors": [(s.key, [s.name_en, s.name_fr, s.name_ar]) for s in sectors]
        }
        for column, vocabulary in _VOCABULARIES.items():
            labels: dict[str, list[str]] = {key: [] for key in vocabulary}
            for lang in LANGUAGES:
                with force_locale(lang):
                    for key, label in vocabulary.items():
                        labels[key].append(str(label))
            labelled[column] = list(labels.items())
        for column, entries in labelled.items():
            found: dict[str, set[str]] = {}
            for key, labels in entries:
                for label in labels:
                    found.setdefault(normalise(label), set()).add(key)
            # A label shared by two keys says nothing: it is left out, and the cell refused.
            table = {text: keys.pop() for text, keys in found.items() if len(keys) == 1}
            table.update({normalise(key): key for key, _labels in entries})
            choices[column] = table
        organisations: dict[str, list[int]] = {}
        for organisation in db.session.scalars(
            select(Organisation).where(Organisation.deleted_at.is_(None))
        ):
            organisations.setdefault(_name_key(organisation.name), []).append(organisation.id)
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


_DAY_FIRST = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(SEPARATOR) if part.strip()]


def _raw_values(cells: dict[str, str], lookups: _Lookups, errors: dict[str, str]) -> dict[str, Any]:
    """The cells as `clean_measure` reads them; partners named but not found go to `errors`."""
    raw: dict[str, Any] = {}
    for key, value in cells.items():
        choices = lookups.choices.get(key)
        if key == "partners":
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
        elif COLUMNS_BY_KEY[key].multiple:
            # A value not in the list is passed on as typed, for the service to name it.
            raw[key] = [choices.get(normalise(v), v) for v in _split(value)]
        elif choices is not None:
            raw[key] = choices.get(normalise(value), value) if value.strip() else ""
        elif key in ("start_date", "end_date") and (match := _DAY_FIRST.match(value)):
            day, month, year = match.groups()
            raw[key] = f"{year}-{int(month):02d}-{int(day):02d}"
        else:
            raw[key] = value
    return raw


def _current_values(measure: Measure) -> dict[str, Any]:
    """A measure's values as `clean_measure` reads them: what a column left out keeps."""
    values = {column.key: getattr(measure, column.key) for column in COLUMNS}
    values["sectors"] = [sector.key for sector in measure.sectors]
    values["partners"] = [organisation.id for organisation in measure.partners]
    values["target_groups"] = list(measure.target_groups or [])
    values["funding_sources"] = list(measure.funding_sources or [])
    return values


# ---- the import -------------------------------------------------------------------------------


_DONE = {"created": _l("created"), "updated": _l("updated"), "unchanged": _l("unchanged")}
_PLANNED = {
    "created": _l("would be created"),
    "updated": _l("would be updated"),
    "unchanged": _l("no change"),
}


@dataclass
class RowResult:
    """What became of one row: its number as the spreadsheet shows it, and either the
    action ("created", "updated", "unchanged") or `errors` (column heading → message)."""

    row: int
    reference: str | None = None
    action: str | None = None
    errors: dict[str, str] = field(default_factory=dict)
    measure_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ImportReport:
    """The outcome of an import: one `RowResult` per non-blank row. `written` is true
    only when every row passed and the import was not a dry run."""

    rows: list[RowResult] = field(default_factory=list)
    dry_run: bool = False
    written: bool = False

    @property
    def ok(self) -> bool:
        return all(row.ok for row in self.rows)

    @property
    def created(self) -> int:
        return sum(1 for row in self.rows if row.action == "created")

    @property
    def updated(self) -> int:
        return sum(1 for row in self.rows if row.action == "updated")

    @property
    def unchanged(self) -> int:
        return sum(1 for row in self.rows if row.action == "unchanged")

    @property
    def failed(self) -> list[RowResult]:
        return [row for row in self.rows if not row.ok]

    def lines(self) -> list[str]:
        """The report as lines of text in the user's language: one per row (one per
        error for a wrong row), then a summary."""
        lines = []
        actions = _DONE if self.written else _PLANNED
        for row in self.rows:
            if row.errors:
                lines.extend(
                    _(
                        "Row %(row)d: %(column)s: %(message)s",
                        row=row.row,
                        column=column,
                        message=message,
                    )
                    for column, message in row.errors.items()
                )
            else:
                lines.append(_("Row %(row)d: %(action)s", row=row.row, action=actions[row.action]))
        counts = {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}
        if self.written:
            lines.append(
                _(
                    "Saved: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.",
                    **counts,
                )
            )
        elif not self.ok:
            lines.append(
                _(
                    "Nothing was saved: %(count)d of %(total)d rows have errors.",
                    count=len(self.failed),
                    total=len(self.rows),
                )
            )
        else:
            lines.append(
                _(
                    "Check only, nothing was saved: %(created)d to create, %(updated)d to "
                    "update, %(unchanged)d unchanged.",
                    **counts,
                )
            )
        return lines


def action_labels(report: ImportReport) -> dict:
    """What each row's action is called in the report: done, or only planned (check only)."""
    return _DONE if report.written else _PLANNED


def _labelled(errors: dict[str, str], language: str) -> dict[str, str]:
    """Errors keyed by the column heading in `language`, in the order of the columns."""
    order = {column.key: i for i, column in enumerate(COLUMNS)}
    return {
        (COLUMNS_BY_KEY[key].heading(language) if key in COLUMNS_BY_KEY else key): message
        for key, message in sorted(errors.items(), key=lambda item: order.get(item[0], len(order)))
    }


def _import_row(
    user,
    number: int,
    cells: dict[str, str],
    lookups: _Lookups,
    seen: dict[tuple[str, str], int],
    language: str,
) -> RowResult:
    code = cells.get("territory_code", "").strip()
    reference = cells.get("reference", "").strip() or None
    errors: dict[str, str] = {}
    existing = None
    if reference and code:
        if (code, reference) in seen:
            errors["reference"] = _(
                "This reference is already used in row %(row)d.", row=seen[(code, reference)]
            )
        else:
            seen[(code, reference)] = number
            found = lookups.measures.get((code, reference), [])
            if len(found) > 1:
                errors["reference"] = _(
                    "Several measures of this collectivity have this reference."
                )
            elif found:
                existing = found[0]
    raw = _current_values(existing) if existing is not None else {}
    raw.update(_raw_values(cells, lookups, errors))
    if errors:
        try:
            clean_measure(raw)
        except RecordInvalid as invalid:
            errors = {**invalid.errors, **errors}
        return RowResult(number, reference, errors=_labelled(errors, language))
    version = existing.version if existing is not None else None
    try:
        # The service looks up sectors while it sets the fields; an autoflush there would
        # write the update in two statements and raise the version twice.
        with db.session.no_autoflush:
            measure = save_measure(user, raw, measure=existing)
    except RecordInvalid as invalid:
        return RowResult(number, reference, errors=_labelled(invalid.errors, language))
    except NotAllowed:
        return RowResult(
            number,
            reference,
            errors=_labelled({"territory_code": _("Not allowed for this collectivity.")}, language),
        )
    db.session.flush()
    if existing is None:
        action = "created"
    else:
        action = "updated" if measure.version != version else "unchanged"
    return RowResult(number, reference, action=action, measure_id=measure.id)


def import_measures(user, filename: str, stream: BinaryIO, dry_run: bool = False) -> ImportReport:
    """Import the measures of a CSV or XLSX file as `user`: all rows, or none.

    Each row goes through `save_measure` (rules, permissions, history); a row with
    a reference updates the collectivity's measure that has it. Rows that fail are
    reported with their number and, per column, what is wrong (a row for a
    collectivity `user` may not write for says so). Commits only when every row
    passed and `dry_run` is false; otherwise everything the import did is rolled
    back, and only that (it runs in a savepoint).

    Raises `ImportFileError` when the file as a whole cannot be read (see `read_rows`).
    """
    rows = read_rows(filename, stream)
    lookups = _Lookups.load(rows)
    language = _language()
    report = ImportReport(dry_run=dry_run)
    seen: dict[tuple[str, str], int] = {}
    savepoint = db.session.begin_nested()
    try:
        for index, cells in enumerate(rows):
            if _is_blank(cells.values()):
                continue
            report.rows.append(_import_row(user, index + 2, cells, lookups, seen, language))
    except BaseException:
        savepoint.rollback()
        raise
    if report.ok and not dry_run:
        savepoint.commit()
        db.session.commit()
        report.written = True
    else:
        savepoint.rollback()
        for row in report.rows:
            row.measure_id = None
    return report


# ---- the template -----------------------------------------------------------------------------

_SHEETS = {
    "en": ("Measures", "Lists", "Columns"),
    "fr": ("Mesures", "Listes", "Colonnes"),
    "ar": ("التدابير", "القوائم", "الأعمدة"),
}
_WORDS = {
    "en": {
        "key": "Key",
        "label": "Label",
        "column": "Column",
        "required": "Required",
        "what": "What to enter",
        "yes": "yes",
        "no": "no",
        "organisations": "Partners (registered names)",
        "separator": "Several values in one cell are separated by |.",
    },
    "fr": {
        "key": "Clé",
        "label": "Libellé",
        "column": "Colonne",
        "required": "Obligatoire",
        "what": "Contenu attendu",
        "yes": "oui",
        "no": "non",
        "organisations": "Partenaires (noms enregistrés)",
        "separator": "Plusieurs valeurs dans une cellule sont séparées par |.",
    },
    "ar": {
        "key": "الرمز",
        "label": "التسمية",
        "column": "العمود",
        "required": "إلزامي",
        "what": "المطلوب إدخاله",
        "yes": "نعم",
        "no": "لا",
        "organisations": "الشركاء (الأسماء المسجلة)",
        "separator": "يُفصل بين القيم المتعددة داخل الخلية الواحدة بالعلامة |.",
    },
}
_EXAMPLE_TEXT = {
    "en": (
        "Reception and orientation desk for migrants",
        (
            "A desk at the commune's offices that receives migrants and directs them to "
            "health, social and administrative services, with local associations."
        ),
        "Opening minutes of the desk, kept at the commune's offices",
    ),
    "fr": (
        "Cellule d'accueil et d'orientation des migrants",
        (
            "Un guichet au siège de la commune qui accueille les migrants et les oriente vers "
            "les services de santé, sociaux et administratifs, avec des associations locales."
        ),
        "Procès-verbal d'ouverture de la cellule, conservé au siège de la commune",
    ),
    "ar": (
        "خلية استقبال وتوجيه المهاجرين",
        (
            "شباك بمقر الجماعة لاستقبال المهاجرين وتوجيههم نحو الخدمات الصحية والاجتماعية "
            "والإدارية، بشراكة مع جمعيات محلية."
        ),
        "محضر افتتاح الخلية، محفوظ بمقر الجماعة",
    ),
}


def _example(lang: str) -> dict[str, Any]:
    """The template's example row: a reception desk in the commune of Figuig."""
    title, description, evidence = _EXAMPLE_TEXT[lang]
    return {
        "reference": "FIG-2025-01",
        "territory_code": "02.251.01.03",
        "programme_id": None,
        "title": title,
        "description": description,
        "kind": "reception",
        "sectors": SEPARATOR.join(["social_humanitarian", "governance_communication"]),
        "target_groups": SEPARATOR.join(["regular_migrants", "irregular_migrants", "refugees"]),
        "status": "ongoing",
        "start_date": date(2025, 1, 15),
        "end_date": date(2026, 12, 31),
        "budget_planned": 250000,
        "budget_spent": 120000,
        "overspend_reason": None,
        "funding_sources": SEPARATOR.join(["own_budget", "international"]),
        "beneficiaries_total": 320,
        "beneficiaries_women": 140,
        "beneficiaries_men": 150,
        "beneficiaries_minors": 45,
        "progress": 50,
        "evidence": evidence,
        "latitude": 32.1167,
        "longitude": -1.2269,
        "partners": None,
    }


def _put(sheet, row: int, column: int, value: Any):
    """Write a cell; a text that starts like a formula stays text (openpyxl would
    otherwise store "=..." as a live formula)."""
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str) and cell.data_type == "f":
        cell.data_type = "s"
    return cell


def _list_entries(lang: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """(column key, [(key, label in `lang`)]) for each column that chooses from a list."""
    sectors = db.session.scalars(select(Sector).order_by(Sector.position)).all()
    entries = []
    with force_locale(lang):
        for key in ("kind", "status"):
            entries.append((key, [(k, str(v)) for k, v in _VOCABULARIES[key].items()]))
        entries.append(("sectors", [(s.key, s.name(lang)) for s in sectors]))
        for key in ("target_groups", "funding_sources"):
            entries.append((key, [(k, str(v)) for k, v in _VOCABULARIES[key].items()]))
    return entries


def _template_xlsx(lang: str) -> bytes:
    import openpyxl
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    words = _WORDS[lang]
    bold = Font(bold=True)
    right_to_left = lang == "ar"
    workbook = openpyxl.Workbook()
    measures = workbook.active
    measures.title, lists_title, columns_title = _SHEETS[lang]
    example = _example(lang)
    for number, column in enumerate(COLUMNS, start=1):
        _put(measures, 1, number, column.heading(lang)).font = bold
        _put(measures, 2, number, example[column.key])
        letter = get_column_letter(number)
        measures.column_dimensions[letter].width = max(14, min(40, len(column.heading(lang)) + 4))
        if column.key in ("reference", "territory_code"):
            # Typed as text, so a spreadsheet keeps the leading zero of "02.251.01.03".
            measures.column_dimensions[letter].number_format = "@"
            measures.cell(row=2, column=number).number_format = "@"
        elif column.key in ("start_date", "end_date"):
            measures.cell(row=2, column=number).number_format = "yyyy-mm-dd"
    measures.freeze_panes = "A2"
    measures.sheet_view.rightToLeft = right_to_left

    lists = workbook.create_sheet(lists_title)
    lists.sheet_view.rightToLeft = right_to_left
    lists.column_dimensions["A"].width = 28
    lists.column_dimensions["B"].width = 50
    row = 1
    ranges: dict[str, tuple[int, int]] = {}
    for key, entries in _list_entries(lang):
        _put(lists, row, 1, COLUMNS_BY_KEY[key].heading(lang)).font = bold
        _put(lists, row + 1, 1, words["key"]).font = bold
        _put(lists, row + 1, 2, words["label"]).font = bold
        first = row + 2
        for offset, (value, label) in enumerate(entries):
            _put(lists, first + offset, 1, value)
            _put(lists, first + offset, 2, label)
        ranges[key] = (first, first + len(entries) - 1)
        row = first + len(entries) + 1
    _put(lists, row, 1, words["organisations"]).font = bold
    names = db.session.scalars(
        select(Organisation.name)
        .where(Organisation.deleted_at.is_(None))
        .order_by(Organisation.name)
    )
    for offset, name in enumerate(names, start=1):
        _put(lists, row + offset, 1, name)

    for key in ("kind", "status"):
        first, last = ranges[key]
        # A drop-down to help; other values stay allowed (labels are accepted too).
        validation = DataValidation(
            type="list",
            formula1=f"{quote_sheetname(lists_title)}!$A${first}:$A${last}",
            allow_blank=True,
            showErrorMessage=False,
        )
        letter = get_column_letter(list(COLUMNS_BY_KEY).index(key) + 1)
        validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
        measures.add_data_validation(validation)

    columns = workbook.create_sheet(columns_title)
    columns.sheet_view.rightToLeft = right_to_left
    for number, heading in enumerate(
        (words["column"], words["key"], words["required"], words["what"]), start=1
    ):
        _put(columns, 1, number, heading).font = bold
    for number, column in enumerate(COLUMNS, start=2):
        _put(columns, number, 1, column.heading(lang))
        _put(columns, number, 2, column.key)
        _put(columns, number, 3, words["yes"] if column.required else words["no"])
        _put(columns, number, 4, column.note(lang)).alignment = Alignment(wrap_text=True)
    _put(columns, len(COLUMNS) + 3, 1, words["separator"])
    for letter, width in zip("ABCD", (30, 22, 12, 80)):
        columns.column_dimensions[letter].width = width

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_template(lang: str, fmt: str) -> bytes:
    """The file to fill in: headings in `lang` ("ar", "fr" or "en") and one example row.

    `fmt` "csv" gives UTF-8 with a byte-order mark (so spreadsheets show Arabic),
    commas between cells; "xlsx" adds a sheet of the allowed values of each list
    (with their labels in `lang`, and the registered partner names) and a sheet
    describing each column. Raises `ValueError` for another language or format.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language: {lang}")
    if fmt == "xlsx":
        return _template_xlsx(lang)
    if fmt != "csv":
        raise ValueError(f"unknown format: {fmt}")
    example = _example(lang)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.heading(lang) for column in COLUMNS])
    writer.writerow([_cell_text(example[column.key]) for column in COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")


# ---- the command line ---------------------------------------------------------------------------

import_cli = AppGroup("import", help="Bulk imports from CSV or XLSX files.")


@import_cli.command("measures")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--user",
    "email",
    default=None,
    help="E-mail address of the account to import as, with its permissions. Without it, "
    "the import acts with an administrator's rights and the history says: command line.",
)
@click.option("--dry-run", is_flag=True, help="Check the file and print the report; save nothing.")
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default=None,
    help="Language of the report (default: the site's default language).",
)
def import_measures_command(file: Path, email: str | None, dry_run: bool, lang: str | None) -> None:
    """Import the measures of FILE (CSV or XLSX): all rows or none, with a report per row.

    With --user, rows are saved as that account, with its permissions. Without it,
    they are saved with an administrator's rights for any collectivity, and the
    history records them as made from the command line (whoever runs commands on
    the server already holds the database). Exit status 1 if the account is
    unknown or disabled, the file cannot be read, or any row is wrong.
    """
    from tracker.accounts import COMMAND_LINE, find_user

    if email is None:
        user = COMMAND_LINE
    else:
        user = find_user(email)
        if user is None:
            click.echo(f"No account with the e-mail address {email}.", err=True)
            sys.exit(1)
        if not user.is_active:
            click.echo(f"The account {email} is disabled.", err=True)
            sys.exit(1)
    with force_locale(lang or current_app.config["BABEL_DEFAULT_LOCALE"]):
        try:
            with file.open("rb") as stream:
                report = import_measures(user, file.name, stream, dry_run=dry_run)
        except ImportFileError as error:
            click.echo(str(error), err=True)
            sys.exit(1)
        for line in report.lines():
            click.echo(line)
    sys.exit(0 if report.ok else 1)
