"""Finding a territory by name or code: the `/search` page, which the search box of the
home page, the map and the comparison submits to when its script does not run."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import or_, select

from tracker.errors import BadParameter
from tracker.extensions import db
from tracker.i18n import KIND_NAMES, LEVEL_NAMES, current_language
from tracker.models import Territory
from tracker.models.territory import LEVELS, search_key
from tracker.params import parse_level
from tracker.public.views import bp

# Matches listed on the page at most; a name shared by more asks for a longer text.
SHOWN = 50
# Matches read to rank them; a single letter matches most of the country.
RANKED = 2000
LONGEST = 100
# Where a found territory's link leads: its page, or the map zoomed to it.
DESTINATIONS = ("territory", "map")


def rank(territory: Territory, text: str, key: str) -> tuple:
    """How well `territory` answers `text` (folded: `key`), best first: its code, then a
    name equal to the text, then a name that starts with it, then the rest; regions
    before provinces before communes, then by code."""
    names = (search_key(territory.name_fr), search_key(territory.name_ar))
    if territory.code == text:
        closeness = 0
    elif key in names:
        closeness = 1
    elif any(name.startswith(key) for name in names) or territory.code.startswith(text):
        closeness = 2
    else:
        closeness = 3
    return closeness, LEVELS.index(territory.level), territory.code


def find_territories(text: str, level: str | None = None) -> list[Territory]:
    """The territories whose French or Arabic name holds `text` (case, accents, Arabic
    short vowels and alef forms aside) or whose code starts with it, of `level` when
    given, best first (see `rank`); the first `RANKED` matches by code are ranked."""
    key = search_key(text)
    if not key:
        return []
    query = select(Territory).where(
        or_(
            Territory.search_text.contains(key, autoescape=True),
            Territory.code.startswith(text, autoescape=True),
        )
    )
    if level:
        query = query.where(Territory.level == level)
    found = db.session.scalars(query.order_by(Territory.code).limit(RANKED)).all()
    return sorted(found, key=lambda t: rank(t, text, key))


def destination(territory: Territory, to: str) -> str:
    """The address a found territory leads to: the map zoomed to it, or its page."""
    if to == "map":
        return url_for("maps.national_map", focus=territory.code)
    return url_for("public.territory", code=territory.code)


@bp.get("/search")
def search():
    """The territories matching `q` (a French or Arabic name, or the start of a code), as
    links to their pages (`to=map`: to the map zoomed to them), of `level` when given.

    Goes straight to the territory when `q` is its code. Refuses (400, with a message
    by the form) a text over 100 characters and an unknown level.
    """
    text = " ".join((request.args.get("q") or "").split())
    to = request.args.get("to") if request.args.get("to") in DESTINATIONS else "territory"
    errors = []
    try:
        level = parse_level(request.args, None)
    except BadParameter as bad:
        errors.append(bad.message)
        level = None
    if len(text) > LONGEST:
        errors.append(
            _("The text looked for is too long (at most %(max)d characters).", max=LONGEST)
        )
    found = [] if errors or not text else find_territories(text, level)
    if found and found[0].code == text:
        return redirect(destination(found[0], to))
    lang = current_language()
    return render_template(
        "search.html",
        text=text,
        to=to,
        level=level,
        errors=errors,
        found=found[:SHOWN],
        total=len(found),
        shown=SHOWN,
        destination=destination,
        lang=lang,
        level_names=LEVEL_NAMES,
        kind_names=KIND_NAMES,
    ), (400 if errors else 200)


@bp.app_context_processor
def search_context():
    """`territory_kinds()`: the name of every kind of territory in the page's language, by
    key, for the search box's suggestions."""
    return {"territory_kinds": lambda: {key: str(name) for key, name in KIND_NAMES.items()}}
