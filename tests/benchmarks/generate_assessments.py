"""Generated self-assessments for benchmarks: a validated assessment of every collectivity
(commune, province or prefecture, region) for each of three years, every question
answered, inserted in bulk. The same seed gives the same answers.

Used by `speed_bench.py` after `generate_measures.generate`.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

from generate_measures import validated_record
from sqlalchemy import func, insert, select

ASSESSED_YEARS = (2023, 2024, 2025)


def generate_assessments(app, seed: int, years=ASSESSED_YEARS) -> int:
    """Insert a validated assessment of every collectivity for each of `years`, every
    question answered (0 to 3 points; a region sometimes "not applicable" where the set
    allows it), in two bulk inserts; answers how many assessments were inserted."""
    from tracker.assessment.indicators import latest_indicator_set
    from tracker.extensions import db
    from tracker.models import Assessment, AssessmentAnswer, Territory

    draw = random.Random(seed)
    indicator_set = latest_indicator_set()
    now = datetime.now(UTC)
    with app.app_context(), db.engine.begin() as conn:
        territories = conn.execute(select(Territory.code, Territory.level)).all()
        first = (conn.scalar(select(func.max(Assessment.id))) or 0) + 1
        assessments, answers = [], []
        for number, ((code, level), year) in enumerate(
            ((t, y) for t in territories for y in years), start=first
        ):
            assessments.append(
                {
                    "id": number,
                    "territory_code": code,
                    "year": year,
                    "indicator_version": indicator_set.version,
                    **validated_record(now),
                }
            )
            for question in indicator_set.questions:
                na = question.allows_not_applicable(level) and draw.random() < 0.5
                points = None if na else draw.randint(0, 3)
                answers.append(
                    {
                        "assessment_id": number,
                        "question_key": question.key,
                        "points": points,
                        "not_applicable": na,
                        "evidence_text": "Délibération du conseil" if points else None,
                        "evidence_reference": None,
                        "evidence_url": None,
                    }
                )
        conn.execute(insert(Assessment.__table__), assessments)
        conn.execute(insert(AssessmentAnswer.__table__), answers)
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(
                "SELECT setval(pg_get_serial_sequence('assessment', 'id'), "
                "(SELECT max(id) + 1 FROM assessment), false)"
            )
    return len(assessments)
