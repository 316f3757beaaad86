"""Reading a query string's parameters, one parser each, shared by the map, the public
pages, the comparison, the exports and the API, with a message in the user's language
for each bad value.

Every parser raises `tracker.errors.BadParameter` (400, "bad_parameter"): the API and
the downloads answer it as JSON (the parameter's name under "parameter"), a page catches
it and shows its message by its form. A message names the field as the form labels it,
"Year: 3000 is not a year between 2000 and 2050.", not the parameter of the address.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from tracker.errors import BadParameter
from tracker.extensions import db
from tracker.models import Sector, Territory
from tracker.models.territory import LEVELS
from tracker.records.values import FIRST_YEAR, LAST_YEAR
from tracker.stats import METRICS, Filters
from tracker.vocab import MEASURE_STATUSES

# Lists are paginated up to these: far beyond any list's last page, and small enough
# for every database's OFFSET.
MAX_PAGE = 1_000_000
MAX_PER_PAGE = 500
DEFAULT_PER_PAGE = 50

# Each parameter's name in a message: the label of its field in the forms.
LABELS = {
    "level": _l("Level"),
    "metric": _l("Figure"),
    "page": _l("Page"),
    "per_page": _l("Items per page"),
    "sector": _l("Sector"),
    "status": _l("Status"),
    "year": _l("Year"),
    "since": _l("From year"),
    "territory": _l("Territory"),
    "focus": _l("Territory shown"),
    "parent": _l("Parent territory"),
    "kind": _l("Programme kind"),
    "integration": _l("Integration of migration"),
    "q": _l("Text looked for"),
    "good_practice": _l("Good practices only"),
}
# A value longer than this is cut in a message: it is quoted, not echoed whole.
_SHOWN = 40


def label(name: str) -> str:
    """The label of parameter `name` as a message names it, in the user's language (the
    name itself for a parameter no form shows)."""
    return str(LABELS.get(name, name))


def shown(value: str) -> str:
    """`value` as a message quotes it: cut after a few dozen characters."""
    return value if len(value) <= _SHOWN else value[:_SHOWN] + "…"


def one_of(value: str, choices: Iterable[str], name: str) -> str:
    """`value` if it is one of `choices`; raises `BadParameter` saying which they are."""
    choices = list(choices)
    if value not in choices:
        raise BadParameter(
            name,
            _(
                "%(label)s: %(value)s is not one of %(choices)s.",
                label=label(name),
                value=shown(value),
                choices=", ".join(choices),
            ),
        )
    return value


def _text(args: Mapping[str, str], name: str) -> str:
    return (args.get(name) or "").strip()


def parse_level(args: Mapping[str, str], default: str | None, name: str = "level") -> str | None:
    """The territory level in `name` ("region", "province" or "commune"), `default` when
    absent; raises `BadParameter` for any other."""
    text = _text(args, name)
    return one_of(text, LEVELS, name) if text else default


def parse_metric(args: Mapping[str, str], default: str | None, name: str = "metric") -> str | None:
    """The key of a metric of `tracker.stats.METRICS` in `name`, `default` when absent;
    raises `BadParameter` for an unknown one."""
    text = _text(args, name)
    return one_of(text, METRICS, name) if text else default


def parse_int(
    args: Mapping[str, str], name: str, default: int, minimum: int, maximum: int | None = None
) -> int:
    """The whole number in `name`, `default` when absent; raises `BadParameter` for text
    that is no whole number or a number outside [minimum, maximum]."""
    text = _text(args, name)
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        raise BadParameter(
            name,
            _(
                "%(label)s: %(value)s is not a whole number.",
                label=label(name),
                value=shown(text),
            ),
        ) from None
    if maximum is None and value < minimum:
        raise BadParameter(
            name,
            _(
                "%(label)s: %(value)s is less than %(min)d.",
                label=label(name),
                value=shown(text),
                min=minimum,
            ),
        )
    if maximum is not None and not minimum <= value <= maximum:
        raise BadParameter(
            name,
            _(
                "%(label)s: %(value)s is not between %(min)d and %(max)d.",
                label=label(name),
                value=shown(text),
                min=minimum,
                max=maximum,
            ),
        )
    return value


def parse_page(
    args: Mapping[str, str], default_per_page: int = DEFAULT_PER_PAGE
) -> tuple[int, int]:
    """(page, per_page) of a paginated list: page from 1 to `MAX_PAGE`, per_page from 1 to
    `MAX_PER_PAGE`; raises `BadParameter`."""
    return (
        parse_int(args, "page", 1, 1, MAX_PAGE),
        parse_int(args, "per_page", default_per_page, 1, MAX_PER_PAGE),
    )


def _year(args: Mapping[str, str], name: str) -> int | None:
    """The year in parameter `name`, None when absent; raises `BadParameter` for a bad one."""
    text = _text(args, name)
    if not text:
        return None
    # The years a filter may name are those a record may.
    if not text.isascii() or not text.isdigit() or not FIRST_YEAR <= int(text) <= LAST_YEAR:
        raise BadParameter(
            name,
            _(
                "%(label)s: %(value)s is not a year between %(first)d and %(last)d.",
                label=label(name),
                value=shown(text),
                first=FIRST_YEAR,
                last=LAST_YEAR,
            ),
        )
    return int(text)


def parse_year(args: Mapping[str, str], name: str = "year") -> int | None:
    """The year in `name`, None when absent; raises `BadParameter` for text that is no
    year the tracker knows (from `FIRST_YEAR` to ten years ahead)."""
    return _year(args, name)


def parse_choice(args: Mapping[str, str], name: str, choices: Iterable[str]) -> str | None:
    """The key in `name` if it is one of `choices`, None when absent; raises
    `BadParameter` saying which they are for any other."""
    text = _text(args, name)
    return one_of(text, choices, name) if text else None


def parse_filters(args: Mapping[str, str]) -> Filters:
    """`Filters` from `sector`, `status`, `year` and `since`; raises `BadParameter` for a
    bad value."""
    sector = _text(args, "sector") or None
    status = _text(args, "status") or None
    if sector is not None and db.session.get(Sector, sector) is None:
        one_of(sector, db.session.scalars(select(Sector.key).order_by(Sector.position)), "sector")
    if status is not None:
        one_of(status, MEASURE_STATUSES, "status")
    return Filters(
        year=_year(args, "year"), sector=sector, status=status, since=_year(args, "since")
    )


def parse_good_practice(args: Mapping[str, str]) -> bool:
    """Whether `good_practice=1` keeps only the measures marked as good practices (0 or
    nothing: every measure); raises `BadParameter` for any other value."""
    text = _text(args, "good_practice")
    return bool(text) and one_of(text, ("0", "1"), "good_practice") == "1"


def parse_territory(args: Mapping[str, str], name: str = "territory") -> Territory | None:
    """The territory named by the `territory` parameter, None when absent; raises
    `BadParameter` for an unknown code."""
    code = _text(args, name)
    if not code:
        return None
    territory = db.session.get(Territory, code)
    if territory is None:
        raise BadParameter(
            name,
            _(
                "%(label)s: no territory has the code %(value)s.",
                label=label(name),
                value=shown(code),
            ),
        )
    return territory


def parse_focus(args: Mapping[str, str]) -> Territory | None:
    """The territory the map zooms to and outlines, from `focus` (an HCP code), None when
    absent; raises `BadParameter` for a code no territory has."""
    return parse_territory(args, "focus")


def filter_args(filters: Filters, territory: Territory | None = None) -> dict[str, str]:
    """The query-string form of filters, for links and exports of what a page shows."""
    args = {}
    if territory is not None:
        args["territory"] = territory.code
    if filters.sector:
        args["sector"] = filters.sector
    if filters.status:
        args["status"] = filters.status
    if filters.year:
        args["year"] = str(filters.year)
    if filters.since:
        args["since"] = str(filters.since)
    return args


def sector_choices(lang: str) -> list[tuple[str, str]]:
    """(key, name) of every sector, in the reference order."""
    return [
        (s.key, s.name(lang)) for s in db.session.scalars(select(Sector).order_by(Sector.position))
    ]
