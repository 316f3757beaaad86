"""What a person confirms to save a measure a rule only warns about: dates outside its
programme's years (`measure_rules.CONFIRM_DATES`), a measure like one already recorded
(`duplicates.CONFIRM_DUPLICATE`). The form has a box for each, shown with its warning;
the import file has one column, `CONFIRM_FIELD`, naming the warnings a row confirms.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from tracker.records import values
from tracker.records.duplicates import CONFIRM_DUPLICATE
from tracker.records.field_kinds import Field
from tracker.records.measure_rules import CONFIRM_DATES

# The keys a file writes (or their labels), and the confirmation each one gives.
CONFIRMED_BY_KEY = {"dates": CONFIRM_DATES, "duplicate": CONFIRM_DUPLICATE}
CONFIRMATION_KINDS = {
    "dates": _l("The dates outside the programme's years are right"),
    "duplicate": _l("This is another measure, not a duplicate"),
}

# The import's column of confirmations: a column of the file, never of a measure.
CONFIRM_FIELD = Field(
    "confirm",
    _l("Confirmations"),
    "choices",
    vocabulary=CONFIRMATION_KINDS,
    public=False,
    exported=False,
    form=False,
    import_heading=lazy_pgettext("import", "Confirmed"),
    import_note=lazy_pgettext(
        "import",
        "Leave it empty, unless the report asks you to confirm a row: dates (the dates "
        "outside the programme's years are right) or duplicate (this is another measure), "
        "separated by |.",
    ),
)


def with_confirmations(raw: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    """`raw` with the confirmations its `confirm` list names set as the form sets them;
    an unknown one goes to `errors` under `confirm`."""
    named = values.choices(raw.get(CONFIRM_FIELD.key), CONFIRMED_BY_KEY, CONFIRM_FIELD.key, errors)
    return {**raw, **{CONFIRMED_BY_KEY[key]: True for key in named}}
