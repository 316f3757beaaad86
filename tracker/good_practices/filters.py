"""What the good-practices page is asked for: a sector, a kind of measure, an assessment
question, a region and a territory to be nearest to, each read from the query string
with a message in the page's language for a bad value."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from tracker.assessment.indicators import latest_indicator_set
from tracker.errors import BadParameter
from tracker.extensions import db
from tracker.models import Sector, Territory
from tracker.params import shown
from tracker.vocab import MEASURE_KINDS

# Each parameter's name in a message: the label of its field in the page's form.
LABELS = {
    "sector": _l("Sector"),
    "kind": _l("Kind of measure"),
    "question": _l("Assessment question"),
    "region": _l("Region"),
    "near": _l("Nearest to"),
}


@dataclass(frozen=True)
class PracticeFilters:
    """The good practices asked for: keys of the sectors, the measure kinds and the
    latest indicator set's questions, a region's code, and the territory `near` whose
    good practices are left out and the others ordered by distance from it."""

    sector: str | None = None
    kind: str | None = None
    question: str | None = None
    region: str | None = None
    near: Territory | None = None

    def args(self, near: bool = True) -> dict[str, str]:
        """The query-string form of the filters, for the pager's links (without `near`
        when `near` is false)."""
        values = {
            "sector": self.sector,
            "kind": self.kind,
            "question": self.question,
            "region": self.region,
            "near": self.near.code if near and self.near is not None else None,
        }
        return {key: value for key, value in values.items() if value}


def refused(name: str, value: str, choices: list[str]) -> BadParameter:
    """The refusal of `value` for parameter `name`, naming the values it may take."""
    # The keys are isolated, so an Arabic sentence keeps them, and its full stop, in order.
    message = _(
        "%(label)s: %(value)s is not one of %(choices)s.",
        label=str(LABELS[name]),
        value="\u2068" + shown(value) + "\u2069",
        choices="\u2068" + ", ".join(choices) + "\u2069",
    )
    return BadParameter(name, message)


def sector_keys() -> list[str]:
    """The sectors' keys, in the reference order."""
    return list(db.session.scalars(select(Sector.key).order_by(Sector.position)))


def region_codes() -> list[str]:
    """The regions' HCP codes, in order."""
    return list(
        db.session.scalars(
            select(Territory.code).where(Territory.level == "region").order_by(Territory.code)
        )
    )


def _near(code: str) -> Territory:
    territory = db.session.get(Territory, code)
    if territory is None:
        raise BadParameter(
            "near",
            _(
                "%(label)s: no territory has the code %(value)s.",
                label=str(LABELS["near"]),
                value=shown(code),
            ),
        )
    return territory


def parse_practice_filters(args: Mapping[str, str]) -> tuple[PracticeFilters, list[str]]:
    """The filters `args` ask for, and a message for each bad value (that filter is then
    left out, so the page still lists the good practices the others keep)."""
    choices = {
        "sector": sector_keys,
        "kind": lambda: list(MEASURE_KINDS),
        "question": lambda: [q.key for q in latest_indicator_set().questions],
        "region": region_codes,
    }
    kept: dict = {}
    errors: list[str] = []
    for name, known in choices.items():
        value = (args.get(name) or "").strip()
        if not value:
            continue
        allowed = known()
        if value in allowed:
            kept[name] = value
        else:
            errors.append(refused(name, value, allowed).message)
    code = (args.get("near") or "").strip()
    if code:
        try:
            kept["near"] = _near(code)
        except BadParameter as bad:
            errors.append(bad.message)
    return PracticeFilters(**kept), errors
