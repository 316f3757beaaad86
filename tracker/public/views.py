"""Public pages anyone may read: the home page and a page per territory."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.i18n import KIND_NAMES, LEVEL_NAMES, LEVEL_PLURALS, current_language
from tracker.models import Territory

bp = Blueprint("public", __name__)


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
        db.session.execute(
            select(Territory.level, func.count()).group_by(Territory.level)
        ).all()
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


@bp.get("/territories/<code>")
def territory(code: str):
    """A territory's page: names, place in the hierarchy, children and census figures.

    404 for an unknown code.
    """
    t = get_territory(code)
    return render_template(
        "territory.html",
        t=t,
        ancestors=t.ancestors(),
        children=t.children,
        lang=current_language(),
        level_names=LEVEL_NAMES,
        level_plurals=LEVEL_PLURALS,
        kind_names=KIND_NAMES,
    )
