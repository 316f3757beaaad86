"""What a comparison's query string asks for: the level, two to four territories (by code
or by name), the filters, and a message for each thing wrong; and what the form offers.

The query string is all there is, so a comparison is shared by sharing its address:
`/compare?level=region&codes=02&codes=01&codes=05&year=&sector=&status=`. With no `codes`
at all, the pilot regions (`PILOT_REGIONS`) are compared.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from tracker.errors import BadParameter
from tracker.extensions import db
from tracker.i18n import LEVEL_NAMES, current_language
from tracker.models import Territory
from tracker.models.territory import LEVELS, search_key
from tracker.params import filter_args, one_of, parse_filters
from tracker.stats import Filters

MIN_TERRITORIES = 2
MAX_TERRITORIES = 4
# A slot's text longer than this is no code or name: it is reported shortened.
_LONGEST_SHOWN = 40


@dataclass
class Selection:
    """What the query string asks to compare, and what is wrong with it.

    `slots` is what the form shows back in its territory fields (codes, or the text
    typed when it named no territory); `territories` is filled only when every slot
    names a territory of `level` and there are two to four of them.
    """

    level: str = "region"
    slots: list[str] = field(default_factory=list)
    territories: list[Territory] = field(default_factory=list)
    filters: Filters = field(default_factory=Filters)
    errors: list[str] = field(default_factory=list)
    # True when a slot named its territory by name rather than code: the page then
    # redirects to the address with codes, the one worth sharing.
    named: bool = False

    @property
    def ready(self) -> bool:
        """Whether there is a comparison to make: no error, two to four territories."""
        return not self.errors and MIN_TERRITORIES <= len(self.territories) <= MAX_TERRITORIES

    def query_args(self) -> dict:
        """The canonical query string of this selection (codes, never names), for the
        shareable address, the CSV link and the redirect."""
        args: dict = {"level": self.level}
        if self.territories:
            args["codes"] = [t.code for t in self.territories]
        args.update(filter_args(self.filters))
        return args


def _shown(text: str) -> str:
    """A user's text as an error message may quote it: never longer than a line."""
    return text if len(text) <= _LONGEST_SHOWN else text[: _LONGEST_SHOWN - 1] + "…"


def _without_controls(text: str) -> str:
    """`text` with its control characters (never part of a code or a name) made spaces
    when they are white space, U+FFFD otherwise, so they are neither looked up (PostgreSQL
    refuses a NUL outright) nor shown back."""
    return "".join(
        (" " if c.isspace() else "\ufffd") if unicodedata.category(c) == "Cc" else c for c in text
    )


def _asked_codes(args: Mapping) -> list[str] | None:
    """The slots' texts, in order, empty ones dropped (`codes=02,01` counts as two);
    None when the query string has no `codes` at all."""
    if "codes" not in args:
        return None
    values = args.getlist("codes") if hasattr(args, "getlist") else [args["codes"]]
    values = [_without_controls(value) for value in values]
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _searchable(text: str) -> bool:
    """Whether `text` is short enough to be a code or a name at all."""
    return len(text) <= 2 * _LONGEST_SHOWN


def by_code(text: str) -> Territory | None:
    """The territory whose code is `text`; None for none, or for a text too long to be one."""
    return db.session.get(Territory, text) if _searchable(text) else None


def _by_name(text: str, level: str) -> tuple[Territory | None, int]:
    """The territory of `level` whose French or Arabic name is `text` (case, accents and
    Arabic vowels aside), and how many bear that name."""
    key = search_key(text) if _searchable(text) else ""
    if not key:
        return None, 0
    candidates = db.session.scalars(
        select(Territory).where(
            Territory.level == level, Territory.search_text.contains(key, autoescape=True)
        )
    ).all()
    exact = [t for t in candidates if key in (search_key(t.name_fr), search_key(t.name_ar))]
    return (exact[0] if len(exact) == 1 else None), len(exact)


def read_selection(args: Mapping) -> Selection:
    """The comparison the query string asks for, with a message in the user's language
    for each thing wrong: a bad level or filter, fewer than two or more than four
    territories, an unknown code or name, a territory of another level, one chosen twice.

    The level is `level`, else the level of the first territory named by code, else
    "region". With no `codes` parameter at level region, the pilot regions are taken
    (those that exist); at another level nothing is chosen yet, which is no error.
    """
    selection = Selection()
    level_asked = (args.get("level") or "").strip()
    if level_asked:
        try:
            one_of(level_asked, LEVELS, "level")
        except BadParameter as bad:
            selection.errors.append(bad.message)
            level_asked = ""
    try:
        selection.filters = parse_filters(args)
    except BadParameter as bad:
        selection.errors.append(bad.message)

    texts = _asked_codes(args)
    if texts is None:
        selection.level = level_asked or "region"
        if selection.level == "region":
            pilot = [db.session.get(Territory, code) for code in _pilot_codes()]
            selection.territories = [t for t in pilot if t is not None and t.level == "region"]
            selection.slots = [t.code for t in selection.territories]
        return selection

    selection.slots = texts[:MAX_TERRITORIES]
    if len(texts) > MAX_TERRITORIES:
        # Not one lookup more: the count alone is the answer.
        selection.errors.append(
            ngettext(
                "Choose at most %(num)d territory to compare.",
                "Choose at most %(num)d territories to compare.",
                MAX_TERRITORIES,
            )
        )
        selection.level = level_asked or "region"
        return selection

    found_by_code = {text: by_code(text) for text in texts}
    first = next((t for t in found_by_code.values() if t is not None), None)
    selection.level = level_asked or (first.level if first is not None else "region")
    level_name = LEVEL_NAMES[selection.level]

    if len(texts) < MIN_TERRITORIES:
        selection.errors.append(
            ngettext(
                "Choose at least %(num)d territory to compare.",
                "Choose at least %(num)d territories to compare.",
                MIN_TERRITORIES,
            )
        )
    found: list[Territory] = []
    for index, text in enumerate(texts):
        territory = found_by_code[text]
        if territory is None:
            territory, count = _by_name(text, selection.level)
            if count > 1:
                selection.errors.append(
                    _(
                        "Several territories are named %(name)s: enter the HCP code of the "
                        "one you mean.",
                        name=_shown(text),
                    )
                )
                continue
            if territory is None:
                selection.errors.append(_unknown(text, level_name))
                continue
            selection.named = True
            selection.slots[index] = territory.code
        if territory.level != selection.level:
            selection.errors.append(
                _(
                    "%(name)s (%(code)s) is not of the level compared (%(level)s): compare "
                    "territories of one level.",
                    name=territory.name(current_language()),
                    code=territory.code,
                    level=level_name,
                )
            )
            continue
        if any(t.code == territory.code for t in found):
            selection.errors.append(
                _(
                    "%(name)s (%(code)s) is chosen twice.",
                    name=territory.name(current_language()),
                    code=territory.code,
                )
            )
            continue
        found.append(territory)
    selection.territories = found
    return selection


def _unknown(text: str, level_name) -> str:
    """The message for a slot naming no territory: as a code when it looks like one
    (digits and dots), as a name otherwise."""
    if all(c.isdigit() or c == "." for c in text):
        return _("No territory has the code %(code)s.", code=_shown(text))
    return _(
        "No territory of the level compared (%(level)s) is named %(name)s: enter its HCP code.",
        level=level_name,
        name=_shown(text),
    )


def _pilot_codes() -> list[str]:
    return [str(code) for code in current_app.config.get("PILOT_REGIONS", ())]


def _sorted_by_name(territories, lang: str) -> list[Territory]:
    return sorted(territories, key=lambda t: search_key(t.name(lang)))


def territory_choices(level: str, lang: str) -> dict:
    """What the form offers for `level`: every region; the provinces grouped by region;
    for communes (1,503 of them) a list of the pilot regions' communes to type from."""
    regions = db.session.scalars(
        select(Territory).where(Territory.level == "region").order_by(Territory.code)
    ).all()
    if level == "region":
        return {"options": [(t.code, t.name(lang)) for t in regions]}
    if level == "province":
        provinces = db.session.scalars(select(Territory).where(Territory.level == "province"))
        grouped: dict[str, list[Territory]] = {}
        for province in provinces:
            grouped.setdefault(province.region_code, []).append(province)
        return {
            "groups": [
                (
                    region.name(lang),
                    [
                        (t.code, t.name(lang))
                        for t in _sorted_by_name(grouped.get(region.code, []), lang)
                    ],
                )
                for region in regions
            ]
        }
    pilot = _pilot_codes()
    provinces = {
        t.code: t
        for t in db.session.scalars(
            select(Territory).where(Territory.level == "province", Territory.region_code.in_(pilot))
        )
    }
    communes = db.session.scalars(
        select(Territory).where(Territory.level == "commune", Territory.region_code.in_(pilot))
    )
    suggestions = [
        (
            t.code,
            f"{t.name(lang)} ({provinces[t.parent_code].name(lang)})"
            if t.parent_code in provinces
            else t.name(lang),
        )
        for t in _sorted_by_name(communes, lang)
    ]
    return {"suggestions": suggestions}
