"""Public pages anyone may read: the home page and a page per territory."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import ngettext
from sqlalchemy import func, select

from tracker import audit, public_data, stats
from tracker.errors import BadParameter
from tracker.extensions import db
from tracker.i18n import (
    KIND_NAMES,
    LEVEL_NAMES,
    LEVEL_PLURALS,
    current_language,
    format_metric,
    morocco_time,
    morocco_today,
)
from tracker.models import Measure, Programme, Sector, Territory
from tracker.params import MAX_PAGE, filter_args, parse_filters, parse_int, sector_choices
from tracker.privacy import is_public, public_count, public_states, threshold
from tracker.public.locator import locator
from tracker.public.self_assessment import assessment_context
from tracker.stats.timeline import Timeline, measures_by_year
from tracker.vocab import (
    INTEGRATION_LEVELS,
    LABELS_BY_FIELD,
    MEASURE_KINDS,
    MEASURE_STATUSES,
    PROGRAMME_KINDS,
    REVIEW_STATES,
)

bp = Blueprint("public", __name__)

# Measures listed on a territory page at a time; a region may hold thousands.
MEASURES_PER_PAGE = 50


@dataclass
class MeasureGroup:
    """Measures of a page under their programme: `programme` when it is public, else
    None with `attached` saying whether they belong to a programme that is not."""

    programme: Programme | None
    attached: bool
    measures: list[Measure] = field(default_factory=list)


def measure_groups(measures: list[Measure]) -> list[MeasureGroup]:
    """`measures` grouped by programme, each keeping the page's order: the public
    programmes (latest first), then those of a programme that is not public (whose
    title is not shown), then those attached to none. Groups only what it is given,
    so a page of a long list groups that page."""
    groups: dict[tuple, MeasureGroup] = {}
    for measure in measures:
        if is_public(measure.programme):
            key = ("programme", measure.programme_id)
            group = groups.setdefault(key, MeasureGroup(measure.programme, True))
        else:
            attached = measure.programme_id is not None
            group = groups.setdefault(("other", attached), MeasureGroup(None, attached))
        group.measures.append(measure)

    def order(group: MeasureGroup) -> tuple:
        if group.programme is not None:
            return (0, -group.programme.first_year, group.programme.id)
        return (1 if group.attached else 2, 0, 0)

    return sorted(groups.values(), key=order)


def get_territory(code: str) -> Territory:
    """The territory with HCP code `code`; aborts with 404 if there is none."""
    territory = db.session.get(Territory, code)
    if territory is None:
        abort(404)
    return territory


@bp.get("/")
def home():
    """The home page: what the tracker is, the pilot territories, the country's regions."""
    pilot_codes = list(current_app.config["PILOT_REGIONS"])
    regions = db.session.scalars(
        select(Territory).where(Territory.level == "region").order_by(Territory.code)
    ).all()
    counts = dict(
        db.session.execute(select(Territory.level, func.count()).group_by(Territory.level)).all()
    )
    pilot = [r for code in pilot_codes for r in regions if r.code == code]
    focal = db.session.get(Territory, current_app.config["PILOT_COMMUNE"])
    return render_template(
        "home.html",
        regions=regions,
        pilot=pilot,
        focal=focal,
        counts=counts,
        lang=current_language(),
    )


def _page_number(args, pages: int, errors: list[str]) -> int:
    """The page of the measure list asked for, from 1 to `pages`; a message in `errors`
    and the nearest page for a value outside."""
    try:
        number = parse_int(args, "page", 1, 0, MAX_PAGE)
    except BadParameter as bad:
        errors.append(bad.message)
        return 1
    if not 1 <= number <= pages:
        errors.append(
            ngettext(
                "There is %(num)d page of measures.", "There are %(num)d pages of measures.", pages
            )
        )
        return min(max(number, 1), pages)
    return number


def data_as_of(code: str) -> date | None:
    """The day (in Morocco) a record within territory `code` was last validated, None
    when none there is validated now (see `audit.last_validated`)."""
    moment = stats.kept("data_as_of", lambda: audit.last_validated(code), code)
    return morocco_time(moment).date() if moment is not None else None


def years_of(code: str) -> Timeline:
    """The public measures within territory `code` running each year, up to this year in
    Morocco (see `stats.timeline`)."""
    this_year = morocco_today().year
    return stats.kept("timeline", lambda: measures_by_year(code, this_year), code, this_year)


@bp.get("/territories/<code>")
def territory(code: str):
    """A territory's page: names, place in the hierarchy, when its data was last
    validated, a locator map (while the boundaries are built), its measures by year,
    programmes, its council's self-assessment (or "not assessed"), measures (with
    filters), sectors covered and not, figures against its parent and the country,
    census figures, partners, children. 404 for an unknown code."""
    t = get_territory(code)
    lang = current_language()
    errors = []
    try:
        filters = parse_filters(request.args)
    except BadParameter as bad:
        errors.append(bad.message)
        filters = stats.Filters()
    states = public_states()
    query = public_data.measures_query(t.code, filters)
    figures = {"self": stats.territory_summary(t, filters)}
    # The "measures" metric counts what `query` selects, from the totals kept.
    total = int(figures["self"]["measures"] or 0)
    pages = max(1, -(-total // MEASURES_PER_PAGE))
    page = _page_number(request.args, pages, errors)
    measures = public_data.load_measures(
        query, limit=MEASURES_PER_PAGE, offset=(page - 1) * MEASURES_PER_PAGE
    )
    programmes = db.session.scalars(
        select(Programme)
        .where(
            Programme.territory_code == t.code,
            Programme.deleted_at.is_(None),
            Programme.review_state.in_(states),
        )
        .order_by(Programme.first_year.desc())
    ).all()
    # How the councils inside (a province's or region's communes...) integrate migration.
    inside = stats.programmes_inside(t.code)
    sectors = db.session.scalars(select(Sector).order_by(Sector.position)).all()
    covered = set(stats.sectors_addressed(filters, t.code))
    partners = public_data.partners_within(t.code, filters, lang)
    if t.parent is not None:
        figures["parent"] = stats.territory_summary(t.parent, filters)
    figures["national"] = stats.national_summary(filters)
    return render_template(
        "territory.html",
        t=t,
        as_of=data_as_of(t.code),
        locator=locator(t, lang),
        timeline=years_of(t.code),
        measures=measures,
        measure_groups=measure_groups(measures),
        total=total,
        page=page,
        pages=pages,
        first_shown=(page - 1) * MEASURES_PER_PAGE + 1,
        programmes=programmes,
        programmes_inside=inside,
        sectors=sectors,
        covered=covered,
        partners=partners,
        figures=figures,
        metrics=stats.METRICS,
        filters=filters,
        errors=errors,
        sector_options=sector_choices(lang),
        export_args=filter_args(filters, t),
        page_args=filter_args(filters),
        format_metric=format_metric,
        public_count=public_count,
        labels={
            "status": MEASURE_STATUSES,
            "kind": MEASURE_KINDS,
            "programme": PROGRAMME_KINDS,
            "integration": INTEGRATION_LEVELS,
            "review": REVIEW_STATES,
        },
        ancestors=t.ancestors(),
        children=t.children,
        lang=lang,
        level_names=LEVEL_NAMES,
        level_plurals=LEVEL_PLURALS,
        kind_names=KIND_NAMES,
        **assessment_context(t.code),
    ), (400 if errors else 200)


@bp.get("/measures/<int:measure_id>")
def measure(measure_id: int):
    """A public measure's page: what the API and the exports give of it (never an
    officer, never a person; small beneficiary counts hidden), its collectivity and
    programme. 404 for a measure that is not public (a draft, one under review unless
    the setting shows those, a deleted one)."""
    record = db.session.scalar(
        select(Measure).where(Measure.id == measure_id, *stats.measure_conditions(stats.Filters()))
    )
    if record is None:
        abort(404)
    programme = record.programme if is_public(record.programme) else None
    lang = current_language()
    return render_template(
        "measure.html",
        m=record,
        item=public_data.measure_item(record),
        programme=programme,
        ancestors=[*record.territory.ancestors(), record.territory],
        labels=LABELS_BY_FIELD,
        kinds=MEASURE_KINDS,
        review_states=REVIEW_STATES,
        kind_names=KIND_NAMES,
        threshold=threshold(),
        lang=lang,
    )


@bp.app_context_processor
def demo_context():
    """`demo_data` is true on every page while the illustrative dataset is loaded."""
    from tracker.models.setting import get_setting

    try:
        return {"demo_data": get_setting("demo_data") == "1"}
    except Exception:  # noqa: BLE001 - a page must render even before the schema exists
        db.session.rollback()
        return {"demo_data": False}
