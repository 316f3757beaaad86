"""Reading the raw values a form, an import row or a command gives: text, dates, amounts,
counts, choices and coordinates, each checked and converted the same way everywhere.

Every reader takes the field's key and an `errors` dict; a problem is written there, in
the user's language, under that key, and the reader returns None (or what it could read,
for the cross-field rules to see). No reader raises.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _

from tracker.i18n import format_decimal

# The first and last year a record or a filter may name: a programme's years, a date, the
# map's and the API's `year` and `since`. The tracker follows the programmes of the
# collectivities since the 2000s; 2050 leaves room for the programmes of the next
# mandates (a PAC or a PDR runs six years), while a year beyond it is a typing error.
FIRST_YEAR = 2000
LAST_YEAR = 2050

CENT = Decimal("0.01")
# Six decimals of a degree are about 10 cm, as the coordinates are stored.
MICRODEGREE = Decimal("0.000001")


# How precisely a date may be given: a year, a month of a year, or a day.
PRECISIONS = ("year", "month", "day")
_YEAR = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")

# Characters that turn the text around them right to left or left to right whatever it
# says (embeddings, overrides, isolates): in a title they can make one measure read as
# another, on every page and list it is shown in.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _blank(value: Any) -> bool:
    return value in (None, "")


def _forbidden(read: str, multiline: bool) -> str | None:
    """The first character of `read` no text may hold: a direction control, or a control
    character (C0 and C1), but for line breaks and tabs in a text of several lines."""
    allowed = "\n\t" if multiline else ""
    for character in read:
        if character in BIDI_CONTROLS:
            return character
        if unicodedata.category(character) == "Cc" and character not in allowed:
            return character
    return None


def same_lines(value: str) -> str:
    """`value` with its line endings as stored (a browser sends a text area's lines
    ending in CR LF, a spreadsheet or the API in LF) and without surrounding spaces."""
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def text(value: Any) -> str | None:
    """`value` as text (`same_lines`: LF line endings, no surrounding spaces); None when
    nothing is left."""
    if value is None:
        return None
    return same_lines(str(value)) or None


def bounded(
    value: Any,
    field: str,
    errors: dict,
    limit: int,
    required: bool = False,
    multiline: bool = False,
) -> str | None:
    """Text of at most `limit` characters (returned even when longer, with the error).

    Refuses the invisible characters that reorder the text's direction (U+202A to U+202E,
    U+2066 to U+2069) and control characters (C0 and C1; line breaks and tabs only in a
    `multiline` text), naming the one found.
    """
    read = text(value)
    if read is None:
        if required:
            errors[field] = _("This field is required.")
        return None
    if (character := _forbidden(read, multiline)) is not None:
        code = format(ord(character), "04X")
        errors[field] = _(
            "This text holds an invisible character (U+%(code)s) that changes how text is "
            "shown or reordered. Remove it: retype the text, or paste it as plain text.",
            code=code,
        )
    elif len(read) > limit:
        errors[field] = _("At most %(max)d characters.", max=limit)
    return read


def date(value: Any, field: str, errors: dict) -> dt.date | None:
    """A date from `FIRST_YEAR` to `LAST_YEAR`, from a date or datetime, or text as
    YYYY-MM-DD (returned even when outside those years, with the error)."""
    if _blank(value):
        return None
    if isinstance(value, dt.datetime):
        read = value.date()
    elif isinstance(value, dt.date):
        read = value
    else:
        try:
            read = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            errors[field] = _("Enter a date as YYYY-MM-DD.")
            return None
    if not FIRST_YEAR <= read.year <= LAST_YEAR:
        errors[field] = _(
            "Enter a date from %(first)d to %(last)d.", first=FIRST_YEAR, last=LAST_YEAR
        )
    return read


@dataclass(frozen=True)
class Period:
    """A date as given: a year, a month or a day (`precision`, one of `PRECISIONS`),
    from its `first` day to its `last`. A start is compared by its first day and an
    end by its last, so that "2025" ends on 31 December 2025, not on 1 January."""

    first: dt.date
    last: dt.date
    precision: str

    @property
    def text(self) -> str:
        """The date as it was given: 2025, 2025-03 or 2025-03-14."""
        return given_date(self.first, self.precision)


def given_date(day: dt.date | None, precision: str | None) -> str | None:
    """A stored date written as precisely as it was given (`precision`: year, month or
    day; a day when unknown): 2025, 2025-03 or 2025-03-14; None for no date."""
    if day is None:
        return None
    if precision == "year":
        return f"{day.year:04d}"
    if precision == "month":
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()


def _period_of(value: Any) -> Period | None:
    """`value` read as a year, a month or a day; None when it is none of them."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return Period(value, value, "day")
    written = str(value).strip()
    try:
        if match := _YEAR.match(written):
            year = int(match.group(1))
            return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), "year")
        if match := _MONTH.match(written):
            year, month = int(match.group(1)), int(match.group(2))
            last = calendar.monthrange(year, month)[1]
            return Period(dt.date(year, month, 1), dt.date(year, month, last), "month")
        day = dt.date.fromisoformat(written)
    except ValueError:
        return None
    return Period(day, day, "day")


def period(value: Any, field: str, errors: dict) -> Period | None:
    """A date given as a year (2025), a month (2025-03) or a day (2025-03-14, or a date
    or datetime), from `FIRST_YEAR` to `LAST_YEAR` (returned even when outside those
    years, with the error)."""
    if _blank(value):
        return None
    read = _period_of(value)
    if read is None:
        errors[field] = _("Enter a year (2025), a month (2025-03) or a day (2025-03-14).")
        return None
    if not FIRST_YEAR <= read.first.year <= LAST_YEAR:
        errors[field] = _(
            "Enter a date from %(first)d to %(last)d.", first=FIRST_YEAR, last=LAST_YEAR
        )
    return read


def amount(value: Any, field: str, errors: dict, maximum: Decimal) -> Decimal | None:
    """An amount in dirhams from 0 to `maximum`, rounded to the cent.

    Spaces (also the narrow no-break space of formatted numbers) are ignored, and a
    comma is read as the decimal point.
    """
    if _blank(value):
        return None
    try:
        number = Decimal(
            str(value).strip().replace(" ", "").replace("\u202f", "").replace(",", ".")
        )
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        errors[field] = _("Enter an amount in dirhams, such as 250000 or 250000.50.")
        return None
    if number < 0:
        errors[field] = _("An amount cannot be negative.")
        return None
    # Compare once rounded to the cent, as stored: 999999999999.999 rounds up past the
    # limit. (Rounding a number far too large would overflow, hence the first test.)
    if number > maximum or number.quantize(CENT, rounding=ROUND_HALF_UP) > maximum:
        errors[field] = _(
            "This amount is too large: at most %(max)s dirhams.",
            max=format_decimal(maximum, format="#,##0.00"),
        )
        return None
    return number.quantize(CENT, rounding=ROUND_HALF_UP)


def count(value: Any, field: str, errors: dict, maximum: int) -> int | None:
    """A whole number from 0 to `maximum` (returned even when outside, with the error)."""
    if _blank(value):
        return None
    try:
        number = Decimal(str(value).strip())
        if number != number.to_integral_value():
            raise InvalidOperation
        whole = int(number)
    except (InvalidOperation, ValueError):
        errors[field] = _("Enter a whole number.")
        return None
    if whole < 0:
        errors[field] = _("A count cannot be negative.")
    elif whole > maximum:
        errors[field] = _("This number is too large (at most %(max)d).", max=maximum)
    return whole


def year(value: Any, field: str, errors: dict) -> int | None:
    """A year from `FIRST_YEAR` to `LAST_YEAR` (returned even when outside, with the error)."""
    read = count(value, field, errors, maximum=LAST_YEAR)
    if read is not None and not FIRST_YEAR <= read <= LAST_YEAR:
        errors[field] = _(
            "Enter a year from %(first)d to %(last)d.", first=FIRST_YEAR, last=LAST_YEAR
        )
    return read


def choice(
    value: Any, keys: Collection[str], field: str, errors: dict, required: bool = True
) -> str | None:
    """One of `keys`."""
    read = text(value)
    if read is None:
        if required:
            errors[field] = _("This field is required.")
        return None
    if read not in keys:
        errors[field] = _("Choose a value from the list.")
        return None
    return read


def choices(values: Any, keys: Collection[str], field: str, errors: dict) -> list[str]:
    """Some of `keys`, each once, in the order given; the unknown ones are named in the error."""
    items = [read for read in (text(v) for v in (values or [])) if read]
    unknown = [item for item in items if item not in keys]
    if unknown:
        errors[field] = _("Not in the list: %(values)s.", values=", ".join(unknown))
    return list(dict.fromkeys(item for item in items if item in keys))


def coordinate(value: Any, field: str, errors: dict, low: Decimal, high: Decimal) -> Decimal | None:
    """A latitude or longitude within [low, high], to 6 decimals, as stored
    (returned even when outside, with the error)."""
    if _blank(value):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        errors[field] = _("Enter a number with a decimal point, such as 32.1234.")
        return None
    if not (Decimal(low) <= number <= Decimal(high)):
        errors[field] = _("This point is outside Morocco.")
        # Never stored; a number of thirty digits cannot be rounded to six decimals.
        return number
    return number.quantize(MICRODEGREE)
