"""The API's list of the published self-assessments, with their scores and answers."""

from __future__ import annotations

from flask import Response, request

from tracker import public_data
from tracker.api.views import bp, known_territory, page_answer
from tracker.assessment.scores import assessment_scores
from tracker.extensions import db
from tracker.models import Assessment
from tracker.params import parse_page, parse_year
from tracker.privacy import is_public
from tracker.stats.assessments import published_within, shown


def assessment_item(assessment: Assessment) -> dict:
    """A published assessment as the API gives it: its collectivity, year, set version,
    overall and per-dimension scores (one decimal, null when none) with their
    potentials, whether it is complete, and every answer with its evidence and the
    public measures it cites."""
    scores = assessment_scores(assessment)
    territory = assessment.territory
    return {
        "id": assessment.id,
        "territory": {
            "code": territory.code,
            "name_fr": territory.name_fr,
            "name_ar": territory.name_ar,
            "level": territory.level,
        },
        "year": assessment.year,
        "indicator_version": assessment.indicator_version,
        "score": shown(scores.overall),
        "dimensions": [
            {"key": d.key, "score": shown(d.score), "potential": d.potential}
            for d in scores.dimensions
        ],
        "complete": scores.complete,
        "answers": [
            {
                "question": answer.question_key,
                "points": answer.points,
                "not_applicable": bool(answer.not_applicable),
                "evidence_reference": answer.evidence_reference,
                "evidence_url": answer.evidence_url,
                "evidence_text": answer.evidence_text,
                "measures": [m.id for m in answer.measures if is_public(m)],
            }
            for answer in assessment.answers
        ],
    }


@bp.get("/assessments")
def assessments() -> Response:
    """Published (validated) self-assessments within `territory` (its own council's and
    those of the territories inside it), of `year`, with their scores and answers.
    Refuses (400) a bad year, page or per_page; 404 for an unknown territory."""
    territory = known_territory(request.args)
    year = parse_year(request.args)
    page, per_page = parse_page(request.args)
    query = published_within(territory.code if territory else None, year)
    total = public_data.count_rows(query)
    rows = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page))
    return page_answer([assessment_item(a) for a in rows], page, per_page, total)
