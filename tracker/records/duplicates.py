"""Finding a measure recorded twice: the same collectivity, a similar title and dates that
overlap. A new measure that looks like one already recorded is refused until the person
confirms that it is another (`CONFIRM_DUPLICATE`); the form links to the ones found.
"""

from __future__ import annotations

import datetime as dt
from difflib import SequenceMatcher

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Measure
from tracker.models.territory import search_key
from tracker.records import values

# The box a form ticks, and the key a save is given, to save a possible duplicate anyway.
CONFIRM_DUPLICATE = "confirm_duplicate"
# How alike two normalised titles must be, by their characters or by their words.
SIMILAR = 0.8


def normalised_title(title: str) -> str:
    """`title` as titles are compared: no case, accents, Arabic short vowels, punctuation
    or repeated spaces ("Cellule d'accueil" and "cellule d accueil" are the same)."""
    # The Arabic stretching character (tatweel) is a letter to Python, and no letter to a reader.
    folded = search_key(title).replace("\u0640", "")
    return " ".join("".join(ch if ch.isalnum() else " " for ch in folded).split())


def similar_titles(first: str, second: str) -> bool:
    """Whether two titles say the same once normalised: the same numbers, and their
    characters alike by `SIMILAR` (difflib's ratio) or their words shared by as much
    (shared words over all)."""
    a, b = normalised_title(first), normalised_title(second)
    words_a, words_b = set(a.split()), set(b.split())
    # Numbers tell measures apart ("Campagne 2024", "Campagne 2025", "Cohorte 2").
    numbers_a, numbers_b = ({w for w in words if w.isdigit()} for words in (words_a, words_b))
    if not a or not b or numbers_a != numbers_b:
        return False
    overlap = len(words_a & words_b) / len(words_a | words_b)
    return overlap >= SIMILAR or SequenceMatcher(None, a, b).ratio() >= SIMILAR


def _overlap(
    start: dt.date | None,
    end: dt.date | None,
    other_start: dt.date | None,
    other_end: dt.date | None,
) -> bool:
    """Whether two periods share a day; a missing start or end leaves the period open,
    and a measure with no date at all has no dates that could overlap."""
    if (start, end) == (None, None) or (other_start, other_end) == (None, None):
        return False
    return (start or dt.date.min) <= (other_end or dt.date.max) and (
        other_start or dt.date.min
    ) <= (end or dt.date.max)


def possible_duplicates(
    territory_code: str,
    title: str | None,
    start: dt.date | None,
    end: dt.date | None,
    exclude_id: int | None = None,
) -> list[Measure]:
    """The measures of collectivity `territory_code` (deleted ones and `exclude_id` left
    out) whose title is similar to `title` and whose dates overlap `start`..`end` (the
    first day of the start as given, the last of the end), oldest first."""
    if not territory_code or not title:
        return []
    measures = db.session.scalars(
        select(Measure)
        .where(Measure.territory_code == territory_code, Measure.deleted_at.is_(None))
        .order_by(Measure.id)
    )
    return [
        m
        for m in measures
        if m.id != exclude_id
        and similar_titles(title, m.title)
        and _overlap(start, end, m.start_date, m.end_date)
    ]


def duplicates_of(raw: dict) -> list[Measure]:
    """`possible_duplicates` of a new measure's raw values (as a form or a file gives
    them): what the page lists, with links, beside the refusal."""
    ignored: dict = {}
    start = values.period(raw.get("start_date"), "start_date", ignored)
    end = values.period(raw.get("end_date"), "end_date", ignored)
    return possible_duplicates(
        raw.get("territory_code"),
        values.text(raw.get("title")),
        start and start.first,
        end and end.last,
    )
