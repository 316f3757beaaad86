"""A territory's migration-governance profile: one page made to be printed and read
offline, in the page's language, from the territory's validated data alone.

What IOM's Local Migration Governance Indicators give after months of expert work (the
areas that are well developed and those with potential for further development), made
here from the collectivity's published self-assessment, its programmes and its
measures. The print stylesheet (`@media print` in `tracker.css`) lays it out on A4.
"""

from __future__ import annotations

from flask import render_template, request
from sqlalchemy import select

from tracker import public_data, stats
from tracker.extensions import db
from tracker.i18n import KIND_NAMES, LEVEL_NAMES, current_language, format_metric
from tracker.models import Programme, Sector
from tracker.public.self_assessment import assessment_context
from tracker.public.views import bp, data_as_of, get_territory
from tracker.vocab import INTEGRATION_LEVELS, PROGRAMME_KINDS


@bp.get("/territories/<code>/profile")
def profile(code: str):
    """The migration-governance profile of territory `code`: its census figures, its
    council's programmes and how they integrate migration (and, for a province or a
    region, how the councils inside do), the latest self-assessment's scores by
    dimension against their potential and the previous year, the areas well developed
    (level 3) and those with potential for further development (level 0 or 1, with the
    level-2 and level-3 descriptions as next steps), the SNIA sectors its public
    measures cover and do not, its partners, and the date and version of the data.
    A territory never assessed gets its profile, saying "not assessed". 404 for an
    unknown code."""
    t = get_territory(code)
    lang = current_language()
    programmes = db.session.scalars(
        select(Programme)
        .where(Programme.territory_code == t.code, *stats.public_record_conditions(Programme))
        .order_by(Programme.first_year.desc(), Programme.id)
    ).all()
    return render_template(
        "profile.html",
        t=t,
        lang=lang,
        as_of=data_as_of(t.code),
        data_version=stats.data_version(),
        programmes=programmes,
        programmes_inside=stats.programmes_inside(t.code) if t.children else None,
        sectors=db.session.scalars(select(Sector).order_by(Sector.position)).all(),
        covered=set(stats.sectors_addressed(stats.Filters(), t.code)),
        partners=public_data.partners_within(t.code, stats.Filters(), lang),
        ancestors=t.ancestors(),
        address=request.base_url,
        format_metric=format_metric,
        kind_names=KIND_NAMES,
        level_names=LEVEL_NAMES,
        labels={"programme": PROGRAMME_KINDS, "integration": INTEGRATION_LEVELS},
        **assessment_context(t.code),
    )
