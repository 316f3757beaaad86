"""The public methodology page of the self-assessment: the indicator set, its rules and
how scores are computed, in the page's language."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from tracker.assessment import indicators
from tracker.i18n import LEVEL_NAMES, LEVEL_PLURALS, current_language
from tracker.models.territory import LEVELS
from tracker.vocab import MEASURE_KINDS

bp = Blueprint("assessment", __name__)


@bp.record_once
def check_the_packaged_sets(state) -> None:
    """Read every packaged version when the app is made, so that a broken data file
    stops the app from starting, naming the file and the problem (`IndicatorSetError`),
    rather than failing the first page that reads it."""
    indicators.indicator_sets()


def requested_set() -> indicators.IndicatorSet:
    """The version named by `?version=`, the latest without one; aborts with 404 for a
    version that is not a whole number or that was never published."""
    asked = request.args.get("version")
    if asked is None or asked == "":
        return indicators.latest_indicator_set()
    if not (asked.isascii() and asked.isdigit() and len(asked) <= 9):
        abort(404)
    try:
        return indicators.indicator_set(int(asked))
    except indicators.UnknownVersion:
        abort(404)


@bp.get("/methodology")
def methodology():
    """The methodology: the dimensions and questions with their four level descriptions,
    which levels may answer "not applicable", how scores are computed and every version
    published. `?version=N` shows an earlier version; an unknown one is a 404.

    Each dimension and question has its key as anchor (`/methodology#Q9`), as have the
    sections `#scores`, `#not-applicable` and `#versions`, for pages that link to them.
    """
    shown = requested_set()
    # Levels from the smallest collectivity up, as a commune's officer reads the table.
    levels = tuple(reversed(LEVELS))
    return render_template(
        "methodology.html",
        shown=shown,
        latest=indicators.latest_indicator_set(),
        versions=tuple(reversed(indicators.indicator_sets())),
        levels=levels,
        level_names=LEVEL_NAMES,
        level_plurals=LEVEL_PLURALS,
        kind_names=MEASURE_KINDS,
        lang=current_language(),
    )
