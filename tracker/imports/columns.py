"""The columns of the import file: their keys, headings and notes, and how headings are matched.

A heading and a note are English texts in the message context "import" (the import's
French heading for "Title" is "Intitulé", the form's label is another word): the
translation catalogues give them in every language. A file filled in with the headings
of any of `LANGUAGES`, or with the columns' keys, is read.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import force_locale, get_locale, lazy_pgettext
from flask_babel.speaklater import LazyString

from tracker.vocab import FUNDING_SOURCES, MEASURE_KINDS, MEASURE_STATUSES, TARGET_GROUPS

# The languages the template, the report and the headings are offered in.
LANGUAGES = ("ar", "fr", "en")
# Several values in one cell; never ";", which may separate the cells of a CSV.
SEPARATOR = "|"


@dataclass(frozen=True)
class Column:
    """One column of the import file: its key (the field of `clean_measure`), its heading
    and what to enter in it (texts translated when shown), whether a file must have it,
    and whether one cell holds several values."""

    key: str
    heading_text: LazyString
    note_text: LazyString
    required: bool = False
    multiple: bool = False

    def heading(self, lang: str) -> str:
        """The heading in `lang` (English for a language without a catalogue)."""
        with force_locale(lang):
            return str(self.heading_text)

    def note(self, lang: str) -> str:
        """What to enter in this column, in `lang`."""
        with force_locale(lang):
            return str(self.note_text)


_CHOICE_NOTE = lazy_pgettext(
    "import", "One value from the list (Lists sheet): its key or its label."
)
_MULTIPLE_NOTE = lazy_pgettext(
    "import", "One or more values from the list (Lists sheet), separated by |."
)
_SHARE_NOTE = lazy_pgettext("import", "A whole number; women and men together not above the total.")

COLUMNS: tuple[Column, ...] = (
    Column(
        "reference",
        lazy_pgettext("import", "Reference"),
        lazy_pgettext(
            "import",
            "The collectivity's own reference. A measure of the same collectivity with this "
            "reference is updated; otherwise a new measure is created.",
        ),
    ),
    Column(
        "territory_code",
        lazy_pgettext("import", "Collectivity code"),
        lazy_pgettext(
            "import", "The collectivity's HCP code, such as 02.251.01.03, typed as text."
        ),
        required=True,
    ),
    Column(
        "programme_id",
        lazy_pgettext("import", "Programme number"),
        lazy_pgettext(
            "import",
            "The number of the collectivity's programme the measure belongs to (optional).",
        ),
    ),
    Column(
        "title",
        lazy_pgettext("import", "Title"),
        lazy_pgettext("import", "In Arabic or French, at most 300 characters."),
        required=True,
    ),
    Column(
        "description",
        lazy_pgettext("import", "Description"),
        lazy_pgettext("import", "Free text, at most 5,000 characters."),
    ),
    Column("kind", lazy_pgettext("import", "Kind"), _CHOICE_NOTE, required=True),
    Column("sectors", lazy_pgettext("import", "Sectors"), _MULTIPLE_NOTE, multiple=True),
    Column(
        "target_groups", lazy_pgettext("import", "Target groups"), _MULTIPLE_NOTE, multiple=True
    ),
    Column("status", lazy_pgettext("import", "Status"), _CHOICE_NOTE, required=True),
    Column(
        "start_date",
        lazy_pgettext("import", "Start date"),
        lazy_pgettext("import", "A date as YYYY-MM-DD (or DD/MM/YYYY)."),
    ),
    Column(
        "end_date",
        lazy_pgettext("import", "End date"),
        lazy_pgettext("import", "A date as YYYY-MM-DD (or DD/MM/YYYY). Not before the start date."),
    ),
    Column(
        "budget_planned",
        lazy_pgettext("import", "Planned budget (MAD)"),
        lazy_pgettext("import", "An amount in dirhams, such as 250000 or 250000.50."),
    ),
    Column(
        "budget_spent",
        lazy_pgettext("import", "Budget spent (MAD)"),
        lazy_pgettext(
            "import",
            "An amount in dirhams, such as 250000 or 250000.50. "
            "More than planned only with a reason.",
        ),
    ),
    Column(
        "overspend_reason",
        lazy_pgettext("import", "Reason for overspending"),
        lazy_pgettext("import", "Required when more was spent than planned."),
    ),
    Column(
        "funding_sources", lazy_pgettext("import", "Funding sources"), _MULTIPLE_NOTE, multiple=True
    ),
    Column(
        "beneficiaries_total",
        lazy_pgettext("import", "Beneficiaries (total)"),
        lazy_pgettext(
            "import", "An aggregate count, a whole number. Never names or personal data."
        ),
    ),
    Column("beneficiaries_women", lazy_pgettext("import", "Beneficiaries (women)"), _SHARE_NOTE),
    Column("beneficiaries_men", lazy_pgettext("import", "Beneficiaries (men)"), _SHARE_NOTE),
    Column(
        "beneficiaries_minors",
        lazy_pgettext("import", "Beneficiaries (minors)"),
        lazy_pgettext("import", "A whole number, not above the total."),
    ),
    Column(
        "progress",
        lazy_pgettext("import", "Progress (%)"),
        lazy_pgettext("import", "A whole number from 0 to 100."),
    ),
    Column(
        "evidence",
        lazy_pgettext("import", "Evidence (link or note)"),
        lazy_pgettext("import", "A link (https://...) or a note saying where the proof is kept."),
    ),
    Column(
        "latitude",
        lazy_pgettext("import", "Latitude"),
        lazy_pgettext(
            "import",
            "Where the measure is a place: decimal degrees, such as 32.1167. "
            "Give latitude and longitude together, or neither.",
        ),
    ),
    Column(
        "longitude",
        lazy_pgettext("import", "Longitude"),
        lazy_pgettext(
            "import", "Decimal degrees, such as -1.2269 (west of Greenwich is negative)."
        ),
    ),
    Column(
        "partners",
        lazy_pgettext("import", "Partners"),
        lazy_pgettext(
            "import", "Names of partner organisations as registered in the tracker, separated by |."
        ),
        multiple=True,
    ),
)

COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}
REQUIRED = tuple(column.key for column in COLUMNS if column.required)

# Lists a cell chooses from, other than sectors (which are data).
VOCABULARIES = {
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


def heading_index() -> dict[str, str]:
    """Each heading a file may use, normalised, and the key of its column: the column's
    heading in each of `LANGUAGES`, as the catalogues give it, and its key.

    Needs an application context (the catalogues are the application's).
    """
    index: dict[str, str] = {}
    for column in COLUMNS:
        index[normalise(column.key)] = column.key
        for lang in LANGUAGES:
            index[normalise(column.heading(lang))] = column.key
    return index


def user_language() -> str:
    """The user's language, one of `LANGUAGES`: the page's, or the one the command line
    forced; English for any other."""
    try:
        locale = get_locale()
    except RuntimeError:  # outside a request, with no language forced
        locale = None
    language = locale.language if locale else current_app.config.get("BABEL_DEFAULT_LOCALE", "en")
    return language if language in LANGUAGES else "en"
