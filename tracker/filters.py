"""Reading the filters every public view shares (territory, sector, status, year) from a
query string, with a message in the user's language for each bad value."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Sector, Territory
from tracker.stats import Filters
from tracker.vocab import MEASURE_STATUSES

FIRST_YEAR = 2000


class BadFilter(ValueError):
    """A filter value is not acceptable; `field` names it, the message says why."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def _year(args: Mapping[str, str], name: str) -> int | None:
    """The year in parameter `name`, None when absent; raises `BadFilter` for a bad one."""
    text = (args.get(name) or "").strip()
    if not text:
        return None
    last = date.today().year + 10
    if not text.isascii() or not text.isdigit() or not FIRST_YEAR <= int(text) <= last:
        raise BadFilter(
            name,
            _(
                "%(name)s must be a year from %(first)d to %(last)d.",
                name=name,
                first=FIRST_YEAR,
                last=last,
            ),
        )
    return int(text)


def parse_filters(args: Mapping[str, str]) -> Filters:
    """`Filters` from `sector`, `status`, `year` and `since`; raises `BadFilter` for a
    bad value."""
    sector = (args.get("sector") or "").strip() or None
    status = (args.get("status") or "").strip() or None
    if sector is not None and db.session.get(Sector, sector) is None:
        raise BadFilter("sector", _("Unknown sector: %(value)s.", value=sector))
    if status is not None and status not in MEASURE_STATUSES:
        raise BadFilter(
            "status",
            _("status must be one of: %(choices)s.", choices=", ".join(MEASURE_STATUSES)),
        )
    return Filters(
        year=_year(args, "year"), sector=sector, status=status, since=_year(args, "since")
    )


def parse_territory(args: Mapping[str, str], name: str = "territory") -> Territory | None:
    """The territory named by the `territory` parameter, None when absent; raises `BadFilter`."""
    code = (args.get(name) or "").strip()
    if not code:
        return None
    territory = db.session.get(Territory, code)
    if territory is None:
        raise BadFilter(name, _("No territory has the code %(code)s.", code=code))
    return territory


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
