"""Saving assessments through the one write path: the checks of every answer, the one
assessment per collectivity and year, the stale save, the history and the review loop."""

from unittest import mock

import pytest
from sqlalchemy import select

from tests.support import BOUARFA, FIGUIG, make_validated_measure
from tracker.assessment import service
from tracker.assessment.indicators import latest_indicator_set
from tracker.extensions import db
from tracker.i18n import morocco_today
from tracker.models import Assessment, AuditEntry, User
from tracker.records import lifecycle
from tracker.records.outcomes import NotAllowed, RecordInvalid, StaleRecord

ORIENTAL = "02"


@pytest.fixture
def people(accounts):
    accounts.create("figuig@example.org", "officer", [FIGUIG])
    accounts.create("region@example.org", "officer", [ORIENTAL])
    accounts.create("coord@example.org", "coordinator", [ORIENTAL])
    accounts.create("coord.tanger@example.org", "coordinator", ["01"])
    accounts.create("admin@example.org", "admin")
    return accounts


def user(email):
    return db.session.scalar(select(User).where(User.email == email))


def full_answers(points=2, **evidence):
    written = evidence or {"evidence_reference": "Délibération n° 12 du 3 mars 2025"}
    return {q.key: {"points": points, **written} for q in latest_indicator_set().questions}


def test_a_draft_is_saved_part_way_with_the_set_version(app, people):
    with app.app_context():
        saved = service.save_assessment(
            user("figuig@example.org"),
            {"territory_code": FIGUIG, "year": 2025, "answers": {"Q1": {"points": "2"}}},
        )
        db.session.commit()
        assert saved.review_state == "draft"
        assert saved.indicator_version == latest_indicator_set().version
        assert saved.answer("Q1").points == 2
        assert saved.answer("Q2") is None


def test_values_are_checked_with_a_message_per_field(app, people):
    with app.app_context(), app.test_request_context("/?lang=fr"):
        with pytest.raises(RecordInvalid) as refused:
            service.clean_assessment(
                {
                    "territory_code": FIGUIG,
                    "year": morocco_today().year + 2,
                    "answers": {
                        "Q1": {"points": 4},
                        "Q2": {"evidence_url": "javascript:alert(1)"},
                        "Q4": {"not_applicable": True},
                        "Q5": {"points": 1, "not_applicable": True},
                        "Q99": {"points": 1},
                    },
                }
            )
        errors = refused.value.errors
        assert (
            errors["year"]
            == f"Saisissez une année comprise entre 2000 et {morocco_today().year + 1}."
        )
        assert errors["Q1_points"] == "Une réponse vaut de 0 à 3 points."
        assert "http://" in errors["Q2_evidence_url"]
        assert errors["Q4_points"] == (
            "Cette collectivité ne peut pas répondre « sans objet » à cette question."
        )
        assert "Q5_points" in errors
        assert "Q99" in errors["answers"]


def test_next_year_is_accepted_and_2000_is_the_first(app, people):
    with app.app_context():
        officer = user("figuig@example.org")
        service.save_assessment(officer, {"territory_code": FIGUIG, "year": 2000})
        service.save_assessment(
            officer, {"territory_code": FIGUIG, "year": morocco_today().year + 1}
        )
        with pytest.raises(RecordInvalid):
            service.save_assessment(officer, {"territory_code": FIGUIG, "year": 1999})


def test_not_applicable_only_where_the_level_allows_it(app, people):
    with app.app_context():
        region = service.save_assessment(
            user("region@example.org"),
            {"territory_code": ORIENTAL, "year": 2025, "answers": {"Q4": {"not_applicable": "1"}}},
        )
        assert region.answer("Q4").not_applicable is True
        with pytest.raises(RecordInvalid) as refused:
            service.save_assessment(
                user("figuig@example.org"),
                {"territory_code": FIGUIG, "year": 2025, "answers": {"Q4": {"not_applicable": 1}}},
            )
        assert set(refused.value.errors) == {"Q4_points"}


def test_only_the_collectivitys_own_validated_measures_are_cited(app, people):
    own = make_validated_measure(app, FIGUIG, "Cellule d'accueil", kind="reception")
    foreign = make_validated_measure(app, BOUARFA, "Cellule de Bouarfa", kind="reception")
    with app.app_context():
        officer = user("figuig@example.org")
        with pytest.raises(RecordInvalid) as refused:
            service.save_assessment(
                officer,
                {
                    "territory_code": FIGUIG,
                    "year": 2025,
                    "answers": {"Q9": {"measure_ids": [foreign]}},
                },
            )
        assert set(refused.value.errors) == {"Q9_measure_ids"}
        saved = service.save_assessment(
            officer,
            {
                "territory_code": FIGUIG,
                "year": 2025,
                "answers": {"Q9": {"points": 3, "measure_ids": [str(own)]}},
            },
        )
        assert [m.id for m in saved.answer("Q9").measures] == [own]


def test_a_second_assessment_for_the_year_is_refused_with_a_link(app, people):
    with app.app_context(), app.test_request_context("/?lang=fr"):
        officer = user("figuig@example.org")
        first = service.save_assessment(officer, {"territory_code": FIGUIG, "year": 2025})
        db.session.commit()
        with pytest.raises(service.DuplicateAssessment) as refused:
            service.save_assessment(officer, {"territory_code": FIGUIG, "year": 2025})
        assert refused.value.existing_id == first.id
        message = str(refused.value.errors["year"])
        assert "Cette collectivité a déjà une évaluation pour 2025" in message
        assert f'href="/work/assessment/{first.id}"' in message


def test_a_race_for_the_same_year_gets_the_same_message(app, people):
    with app.app_context():
        officer = user("figuig@example.org")
        first = service.save_assessment(officer, {"territory_code": FIGUIG, "year": 2025})
        db.session.commit()
        # Two saves at the same moment: the second did not see the first before writing.
        with mock.patch.object(service, "_refuse_twin"):
            with pytest.raises(service.DuplicateAssessment) as refused:
                service.save_assessment(officer, {"territory_code": FIGUIG, "year": 2025})
        assert refused.value.existing_id == first.id
        db.session.rollback()
        assert db.session.scalars(select(Assessment)).all() == [first]


def test_permissions_are_those_of_every_record(app, people):
    with app.app_context():
        data = {"territory_code": FIGUIG, "year": 2025}
        for email in ("region@example.org", "coord@example.org"):
            with pytest.raises(NotAllowed):
                service.save_assessment(user(email), data)
        saved = service.save_assessment(user("admin@example.org"), data)
        with pytest.raises(NotAllowed):
            service.save_assessment(user("coord@example.org"), data, saved)


def test_a_stale_save_is_refused(app, people):
    with app.app_context():
        officer = user("figuig@example.org")
        saved = service.save_assessment(officer, {"territory_code": FIGUIG, "year": 2025})
        db.session.commit()
        opened = saved.version
        service.save_assessment(
            officer, {"year": 2025, "answers": {"Q1": {"points": 1}}}, saved, opened
        )
        db.session.commit()
        assert saved.version == opened + 1
        with pytest.raises(StaleRecord) as stale:
            service.save_assessment(
                officer, {"year": 2025, "answers": {"Q1": {"points": 3}}}, saved, opened
            )
        assert "Q1" in stale.value.changes
        assert stale.value.own_at is not None


def test_the_history_keeps_every_answers_old_and_new_value(app, people):
    with app.app_context():
        officer = user("figuig@example.org")
        saved = service.save_assessment(
            officer,
            {
                "territory_code": FIGUIG,
                "year": 2025,
                "answers": {"Q1": {"points": 1, "evidence_text": "PAC"}},
            },
        )
        service.save_assessment(
            officer, {"answers": {"Q1": {"points": 2, "evidence_text": "PAC"}}, "year": 2025}, saved
        )
        db.session.commit()
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "assessment").order_by(AuditEntry.id)
        ).all()
        assert [e.action for e in entries] == ["create", "update"]
        assert entries[0].changes["Q1"] == [None, {"points": 1, "evidence_text": "PAC"}]
        assert entries[1].changes == {
            "Q1": [{"points": 1, "evidence_text": "PAC"}, {"points": 2, "evidence_text": "PAC"}]
        }


def test_submission_lists_every_problem_and_editing_reopens_review(app, people):
    with app.app_context(), app.test_request_context("/?lang=en"):
        officer, coordinator = user("figuig@example.org"), user("coord@example.org")
        answers = full_answers()
        answers["Q2"] = {"points": 2}
        del answers["Q3"]
        saved = service.save_assessment(
            officer, {"territory_code": FIGUIG, "year": 2025, "answers": answers}
        )
        with pytest.raises(RecordInvalid) as refused:
            lifecycle.transition(officer, "assessment", saved, "submit")
        assert set(refused.value.errors) == {"Q2", "Q3"}
        assert "needs evidence" in refused.value.errors["Q2"]
        assert "not answered" in refused.value.errors["Q3"]
        service.save_assessment(officer, {"year": 2025, "answers": full_answers()}, saved)
        lifecycle.transition(officer, "assessment", saved, "submit")
        lifecycle.transition(coordinator, "assessment", saved, "validate")
        assert saved.review_state == "validated"
        service.save_assessment(officer, {"year": 2025, "answers": {"Q1": {"points": 3}}}, saved)
        assert saved.review_state == "draft"
        last = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert last.changes["review_state"] == ["validated", "draft"]


def test_a_coordinator_of_another_region_cannot_review(app, people):
    with app.app_context():
        officer = user("figuig@example.org")
        saved = service.save_assessment(
            officer, {"territory_code": FIGUIG, "year": 2025, "answers": full_answers()}
        )
        lifecycle.transition(officer, "assessment", saved, "submit")
        with pytest.raises(NotAllowed):
            lifecycle.transition(user("coord.tanger@example.org"), "assessment", saved, "validate")


def test_an_update_without_a_year_keeps_the_year(app, people):
    with app.app_context():
        officer = user("figuig@example.org")
        saved = service.save_assessment(officer, {"territory_code": FIGUIG, "year": 2024})
        service.save_assessment(officer, {"answers": {"Q1": {"points": 0}}}, saved)
        assert saved.year == 2024 and saved.answer("Q1").points == 0
        # An answer emptied of everything is removed.
        service.save_assessment(officer, {"answers": {"Q1": {"points": ""}}}, saved)
        assert saved.answer("Q1") is None
