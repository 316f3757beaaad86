"""The public good-practices page, and the coordinator's buttons that mark a validated
measure as a good practice and take the mark away (on the measure's record page).

The rules (who, from which state, which note) are `marks`'; these views answer 403 or
404 when it refuses and say on the record's page why nothing was done.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select

from tracker import permissions
from tracker.assessment.indicators import latest_indicator_set
from tracker.errors import BadParameter
from tracker.extensions import db
from tracker.good_practices import listing, marks
from tracker.good_practices.filters import parse_practice_filters
from tracker.good_practices.forms import GoodPracticeForm
from tracker.i18n import KIND_NAMES, LEVEL_NAMES, current_language
from tracker.models import Measure, Territory
from tracker.params import MAX_PAGE, parse_int, sector_choices
from tracker.records import forms, pages
from tracker.vocab import MEASURE_KINDS

bp = Blueprint("good_practices", __name__)


def _page_number(args, count: int, errors: list[str]) -> int:
    """The page asked for, from 1 to `count`: the first one, with a message in
    `errors`, for a value that is no page; the last one, with a message, beyond it."""
    try:
        asked = parse_int(args, "page", 1, 1, MAX_PAGE)
    except BadParameter as bad:
        errors.append(bad.message)
        asked = 1
    if asked > count:
        errors.append(
            ngettext(
                "There is %(num)d page of good practices.",
                "There are %(num)d pages of good practices.",
                count,
            )
        )
    return min(asked, count)


@bp.get("/good-practices")
def index():
    """The good practices: validated measures their region's coordinator marked, with
    the note on what made them work, filtered by `sector`, `kind` (of measure),
    `question` (an assessment question: the measures of the kinds that serve as its
    evidence) and `region`; with `near` (a territory's code), the other collectivities'
    only, same level first, nearest first. A bad value is refused beside the form
    (400) and the list shows what the other filters keep."""
    lang = current_language()
    filters, errors = parse_practice_filters(request.args)
    everything = listing.ordered(filters)
    pages_count = max(1, -(-len(everything) // listing.PER_PAGE))
    page = _page_number(request.args, pages_count, errors)
    regions = db.session.scalars(
        select(Territory).where(Territory.level == "region").order_by(Territory.code)
    ).all()
    return render_template(
        "good_practices.html",
        practices=listing.page_of(everything, page),
        total=len(everything),
        page=page,
        pages=pages_count,
        first_shown=(page - 1) * listing.PER_PAGE + 1,
        filters=filters,
        errors=errors,
        sector_options=sector_choices(lang),
        kinds=MEASURE_KINDS,
        questions=latest_indicator_set().questions,
        regions=regions,
        level_names=LEVEL_NAMES,
        kind_names=KIND_NAMES,
        lang=lang,
    ), (400 if errors else 200)


def _step(measure_id: int, form, step, done: str):
    """Take `step(version)` on measure `measure_id` from the button `form` (see
    `pages.take_step`: 404 unknown or deleted, 400 without the CSRF token, 403 refused)."""
    record_type, measure = pages.reviewed_record("measure", measure_id)
    return pages.take_step(record_type, measure, form, lambda version: step(measure, version), done)


@bp.post("/work/measure/<int:measure_id>/good-practice")
@login_required
def mark(measure_id: int):
    """Mark a validated measure as a good practice, with the note (or change the note).

    Aborts 404 for an unknown or deleted measure, 400 without the CSRF token, 403 for
    anyone but an administrator or a coordinator of the measure's region (nothing is
    written); a measure no longer validated, changed meanwhile, or a missing note is
    said on the record's page.
    """
    form = GoodPracticeForm()
    return _step(
        measure_id,
        form,
        lambda measure, version: marks.mark(
            current_user, measure, form.note.data, expected_version=version
        ),
        _("Marked as a good practice: it is on the good-practices page."),
    )


@bp.post("/work/measure/<int:measure_id>/good-practice/remove")
@login_required
def unmark(measure_id: int):
    """Take the good-practice mark off a measure; its history keeps the note.

    Aborts as `mark` does; a measure that is not marked is said on the record's page.
    """
    return _step(
        measure_id,
        forms.ActionForm(),
        lambda measure, version: marks.unmark(current_user, measure, expected_version=version),
        _("No longer a good practice."),
    )


def good_practice_panel(record) -> dict | None:
    """What the record page shows of a measure's good-practice mark: the note, whether
    the public sees it, and the forms for who may mark or unmark it; None for a record
    that is no measure, a deleted one, or one neither marked nor markable by the user."""
    if not isinstance(record, Measure) or record.deleted_at is not None:
        return None
    may = permissions.can_mark_good_practice(current_user, record.territory_code)
    marked = record.good_practice_at is not None
    may_mark = may and record.review_state == "validated"
    if not (marked or may_mark):
        return None
    return {
        "marked": marked,
        "shown": record.good_practice_shown,
        "may_mark": may_mark,
        "may_unmark": may and marked,
        "form": GoodPracticeForm(version=record.version, note=record.good_practice_note),
        "action_form": forms.ActionForm(version=record.version),
    }


@bp.app_context_processor
def record_page_panel():
    """`good_practice_panel(record)` in every template, so that the record page shows
    the mark without the recording views depending on this blueprint."""
    return {"good_practice_panel": good_practice_panel}
