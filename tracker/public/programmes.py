"""A public page per public programme: what it is, how it integrates migration, and
the public measures it holds."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import select

from tracker import public_data, stats
from tracker.extensions import db
from tracker.i18n import KIND_NAMES, current_language
from tracker.models import Measure, Programme, Sector
from tracker.privacy import public_count
from tracker.public.views import bp
from tracker.vocab import INTEGRATION_LEVELS, MEASURE_STATUSES, PROGRAMME_KINDS, REVIEW_STATES


def _not_published():
    """The 404 page of a programme that is not public, saying why it may not be."""
    message = _(
        "There is no page at this address. A programme is published only once its "
        "coordinator has validated it."
    )
    return render_template("error.html", title=_("Page not found"), message=message), 404


@bp.get("/programmes/<int:programme_id>")
def programme(programme_id: int):
    """A public programme's page: its kind, title, years, adoption, reference and how it
    integrates migration, its collectivity with the way up to Morocco, its public
    measures by status, the SNIA sectors they cover and do not, their partners. 404 for
    a programme that is not public (a draft, a returned or deleted one, one under review
    unless the setting shows those) or that does not exist."""
    record = db.session.scalar(
        select(Programme).where(
            Programme.id == programme_id, *stats.public_record_conditions(Programme)
        )
    )
    if record is None:
        return _not_published()
    query = public_data.measures_query().where(Measure.programme_id == record.id)
    measures = public_data.load_measures(query)
    by_status = {
        status: [m for m in measures if m.status == status]
        for status in MEASURE_STATUSES
        if any(m.status == status for m in measures)
    }
    covered = {s.key for m in measures for s in m.sectors}
    return render_template(
        "programme.html",
        p=record,
        item=public_data.programme_item(record, len(measures)),
        by_status=by_status,
        sectors=db.session.scalars(select(Sector).order_by(Sector.position)).all(),
        covered=covered,
        partners=public_data.partner_names(query, current_language()),
        ancestors=[*record.territory.ancestors(), record.territory],
        labels={
            "kind": PROGRAMME_KINDS,
            "integration": INTEGRATION_LEVELS,
            "status": MEASURE_STATUSES,
            "review": REVIEW_STATES,
        },
        public_count=public_count,
        kind_names=KIND_NAMES,
        lang=current_language(),
    )
