"""The columns of an import file: a `Column` says what one holds and how it is headed; the
measures' columns are made from the measure fields that have an import heading, the
assessments' are declared in `tracker.imports.assessments`.

A heading and a note are English texts in the message context "import" (the import's
French heading for "Title" is "Intitulé", the form's label is another word), declared
with the field in `tracker.records.fields`: the translation catalogues give them in
every language. A file filled in with the headings of any of `LANGUAGES`, or with the
columns' keys, is read.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import force_locale, get_locale, lazy_pgettext

from tracker.records.confirmations import CONFIRM_FIELD
from tracker.records.fields import IMPORT_FIELDS, Field

# The languages the template, the report and the headings are offered in.
LANGUAGES = ("ar", "fr", "en")
# Several values in one cell; never ";", which may separate the cells of a CSV.
SEPARATOR = "|"
# The kinds of field whose cell holds several values, separated by `SEPARATOR`.
MULTIPLE_KINDS = ("choices", "sectors", "partners")
# The words of a yes-or-no cell, in every language; the template writes them too.
YES = lazy_pgettext("import", "yes")
NO = lazy_pgettext("import", "no")


@dataclass(frozen=True)
class Column:
    """One column of an import file: its key (the key of the value it fills), its kind (one
    of `tracker.records.fields.KINDS`), whether a file must have it, the import heading and
    note it shows (English texts of the context "import"), and the list it chooses from."""

    key: str
    kind: str
    import_heading: Any
    import_note: Any
    required: bool = False
    vocabulary: Mapping[str, Any] | None = None

    @classmethod
    def of_field(cls, field: Field) -> Column:
        """The column that fills the measure field `field`."""
        return cls(
            field.key,
            field.kind,
            field.import_heading,
            field.import_note,
            field.required,
            field.vocabulary,
        )

    @property
    def multiple(self) -> bool:
        """Whether one cell holds several values, separated by `SEPARATOR`."""
        return self.kind in MULTIPLE_KINDS

    def heading(self, lang: str) -> str:
        """The heading in `lang` (English for a language without a catalogue)."""
        with force_locale(lang):
            return str(self.import_heading)

    def note(self, lang: str) -> str:
        """What to enter in this column, in `lang`."""
        with force_locale(lang):
            return str(self.import_note)


# In the order of the template, which has not changed since the first one; the column
# that confirms a warning comes last, after the measure's fields.
COLUMNS: tuple[Column, ...] = tuple(
    Column.of_field(field) for field in (*IMPORT_FIELDS, CONFIRM_FIELD)
)
# The columns that fill a field of the measure.
MEASURE_COLUMNS: tuple[Column, ...] = COLUMNS[: len(IMPORT_FIELDS)]
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}
REQUIRED = tuple(column.key for column in COLUMNS if column.required)

# Lists a cell chooses from, other than sectors (which are data).
VOCABULARIES = {column.key: column.vocabulary for column in COLUMNS if column.vocabulary}

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


def heading_index(columns: tuple[Column, ...] = COLUMNS) -> dict[str, str]:
    """Each heading a file of `columns` (the measures' by default) may use, normalised, and
    the key of its column: the column's heading in each of `LANGUAGES`, as the catalogues
    give it, and its key.

    Needs an application context (the catalogues are the application's).
    """
    index: dict[str, str] = {}
    for column in columns:
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
