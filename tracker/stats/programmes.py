"""How the collectivities' own programmes integrate migration: each territory's own
programme running in a year (a commune's PAC, a provincial council's PDP, a regional
council's PDR), and the share of the communes inside a territory whose PAC integrates it.

Only the year applies to programmes: they have no sector or status. With no year
chosen, the year is the current one, as a reader opening the map expects.
"""

from __future__ import annotations

from sqlalchemy import select

from tracker.extensions import db
from tracker.i18n import morocco_today
from tracker.models import Programme, Territory
from tracker.stats.query import Filters, public_record_conditions, share_of_communes

# The programme a collectivity of each level adopts for itself.
OWN_KIND = {"commune": "PAC", "province": "PDP", "region": "PDR"}

# The category of a territory whose own collectivity has no public programme running.
NO_PROGRAMME = "none"

# The integrations that count as integrating migration.
INTEGRATING = ("mentioned", "dedicated")


def programme_year(filters: Filters) -> int:
    """The year the programme metrics are read for: the filters' year, else this year."""
    return filters.year or morocco_today().year


def own_programmes(level: str, filters: Filters, inside: str | None = None) -> dict[str, str]:
    """`{code: integration}` for every territory of `level` (territory `inside` alone
    when given): the integration (absent, mentioned, dedicated) of its own
    collectivity's public programme of the level's kind running in the year (see
    `programme_year`), the one with the latest first year when several run,
    `NO_PROGRAMME` when none does. Empty for a level that has no such programme
    (the country)."""
    kind = OWN_KIND.get(level)
    if kind is None:
        return {}
    year = programme_year(filters)
    territories = select(Territory.code).where(Territory.level == level)
    programmes = (
        select(Programme.territory_code, Programme.integration)
        .join(Territory, Territory.code == Programme.territory_code)
        .where(
            Programme.kind == kind,
            Territory.level == level,
            Programme.first_year <= year,
            Programme.last_year >= year,
            *public_record_conditions(Programme),
        )
        # The latest programme is read last and wins.
        .order_by(Programme.first_year, Programme.id)
    )
    if inside:
        territories = territories.where(Territory.code == inside)
        programmes = programmes.where(Programme.territory_code == inside)
    answer = dict.fromkeys(db.session.scalars(territories), NO_PROGRAMME)
    answer.update(dict(db.session.execute(programmes).all()))
    return answer


def communes_integrating(
    level: str, filters: Filters, inside: str | None = None
) -> dict[str, float]:
    """`{code: percentage}` for the territories of `level` (territory `inside` alone when
    given; the one code `NATIONAL` for the country): the communes inside whose PAC
    running in the year integrates migration (mentioned or dedicated, see
    `own_programmes`), as a percentage of every commune inside, with a programme or
    not. Empty for the commune level, which has no commune inside."""
    if level == "commune":
        return {}
    integration = own_programmes("commune", filters)
    return share_of_communes(level, inside, lambda code: integration.get(code) in INTEGRATING)
