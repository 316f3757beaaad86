"""How assessments are stored: one live assessment per collectivity and year, answers
that go with their assessment, what the database itself refuses, and a migration that
builds the tables the models describe."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from tracker.extensions import db
from tracker.models import Assessment, AssessmentAnswer
from tracker.models.assessment import assessment_answer_measure

FIGUIG = "02.251.01.03"
BOUARFA = "02.251.01.01"


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


def _assessment(code=FIGUIG, year=2026, **answers) -> Assessment:
    assessment = Assessment(territory_code=code, year=year, indicator_version=1)
    assessment.answers = [AssessmentAnswer(question_key=k, points=p) for k, p in answers.items()]
    db.session.add(assessment)
    db.session.commit()
    return assessment


def _count(table) -> int:
    return db.session.scalar(select(func.count()).select_from(table))


def test_a_second_live_assessment_for_the_same_year_is_refused(ctx):
    _assessment()
    db.session.add(Assessment(territory_code=FIGUIG, year=2026, indicator_version=1))
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_other_years_and_other_collectivities_are_not_blocked(ctx):
    _assessment()
    _assessment(year=2025)
    _assessment(code=BOUARFA)
    assert _count(Assessment.__table__) == 3


def test_a_deleted_assessment_does_not_block_a_new_one_for_the_same_year(ctx):
    first = _assessment(Q1=2)
    first.deleted_at = datetime.now(UTC)
    db.session.commit()

    second = _assessment(Q1=3)
    assert second.id != first.id
    # Restoring the first while the second lives would make two: the database refuses.
    first.deleted_at = None
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_a_new_assessment_is_a_draft_whose_version_every_update_raises(ctx):
    assessment = _assessment()
    assert (assessment.review_state, assessment.version, assessment.deleted_at) == (
        "draft",
        1,
        None,
    )
    assert assessment.territory.level == "commune"
    assessment.year = 2025
    db.session.commit()
    assert assessment.version == 2


def test_answers_and_their_cited_measures_go_with_their_assessment(ctx, validated_measure):
    from tracker.models import Measure

    measure_id = validated_measure(FIGUIG, "Cellule d'accueil", kind="reception")
    assessment = _assessment(Q1=2, Q9=3)
    assessment.answer("Q9").measures = [db.session.get(Measure, measure_id)]
    db.session.commit()
    assert (_count(AssessmentAnswer.__table__), _count(assessment_answer_measure)) == (2, 1)

    db.session.delete(assessment)
    db.session.commit()
    assert (_count(AssessmentAnswer.__table__), _count(assessment_answer_measure)) == (0, 0)
    assert db.session.get(Measure, measure_id) is not None


def test_the_database_removes_the_answers_of_an_assessment_it_deletes(ctx):
    _assessment(Q1=2, Q2=1)
    db.session.execute(delete(Assessment))
    db.session.commit()
    assert _count(AssessmentAnswer.__table__) == 0


def test_an_answer_taken_off_its_assessment_is_deleted(ctx):
    assessment = _assessment(Q1=2, Q2=1)
    assessment.answers.remove(assessment.answer("Q2"))
    db.session.commit()
    assert [a.question_key for a in db.session.scalars(select(AssessmentAnswer))] == ["Q1"]


def test_a_question_is_answered_once_per_assessment(ctx):
    assessment = _assessment(Q1=2)
    assessment.answers.append(AssessmentAnswer(question_key="Q1", points=3))
    with pytest.raises(IntegrityError):
        db.session.commit()


@pytest.mark.parametrize(
    "answer",
    [
        {"points": 4},
        {"points": -1},
        {"points": 2, "not_applicable": True},
    ],
)
def test_the_database_refuses_points_outside_0_to_3_and_points_with_not_applicable(ctx, answer):
    assessment = _assessment()
    assessment.answers.append(AssessmentAnswer(question_key="Q4", **answer))
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_unanswered_and_not_applicable_are_told_apart(ctx):
    assessment = _assessment()
    assessment.answers += [
        AssessmentAnswer(question_key="Q4", not_applicable=True),
        AssessmentAnswer(question_key="Q5", evidence_text="En cours de rédaction"),
    ]
    db.session.commit()
    db.session.expire_all()
    stored = {a.question_key: (a.points, a.not_applicable) for a in assessment.answers}
    assert stored == {"Q4": (None, True), "Q5": (None, False)}


def test_the_migration_builds_the_assessment_tables_the_models_describe(ctx):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    ours = [d for d in differences if "assessment" in repr(d)]
    assert ours == []
