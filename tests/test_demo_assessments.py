"""The demo's self-assessments: two validated years for the pilot's collectivities, one
under review, one returned, and the demo's real facts cited as evidence."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.support import dispose
from tracker import create_app
from tracker.assessment.checks import assessment_problems
from tracker.assessment.scores import assessment_scores
from tracker.demo import (
    ACCOUNTS,
    ASSESSMENTS,
    COLLECTIVITIES,
    DEMO_PASSWORD,
    MEASURES,
    load_demo,
    resolve_collectivity,
)
from tracker.extensions import db
from tracker.models import Assessment, AssessmentAnswer, AuditEntry, Measure, Setting, User

FIGUIG = "02.251.01.03"
FIGUIG_PROVINCE = "02.251"
ARABIC = ("\u0600", "\u06ff")


@pytest.fixture
def loaded(tmp_path, demo_database_url):
    """An app on a fresh copy of the demo database, inside an app context."""
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": demo_database_url,
            "GEO_CACHE_DIR": str(tmp_path / "geography"),
        }
    )
    with app.app_context():
        yield app
        db.session.remove()
    dispose(app)


def _codes() -> dict[str, str]:
    return {slug: resolve_collectivity(c).code for slug, c in COLLECTIVITIES.items()}


def _assessments(code: str | None = None) -> list[Assessment]:
    query = select(Assessment).order_by(Assessment.territory_code, Assessment.year)
    if code is not None:
        query = query.where(Assessment.territory_code == code)
    return list(db.session.scalars(query))


def _of(code: str, year: int) -> Assessment:
    return next(a for a in _assessments(code) if a.year == year)


def _is_arabic(text: str) -> bool:
    return any(ARABIC[0] <= ch <= ARABIC[1] for ch in text)


def test_the_province_of_figuig_is_a_collectivity_with_its_officer(loaded):
    province = COLLECTIVITIES["figuig.province"]
    assert province.level == "province" and province.programme_kind == "PDP"
    assert resolve_collectivity(province).code == FIGUIG_PROVINCE
    officer = db.session.scalar(
        select(User).where(User.email == "figuig.province.officer@example.org")
    )
    assert officer.role == "officer" and officer.check_password(DEMO_PASSWORD)
    assert [t.code for t in officer.territories] == [FIGUIG_PROVINCE]


def test_the_pilot_collectivities_have_validated_assessments_for_two_years(loaded):
    codes = _codes()
    # Khénifra's programme is still a draft: so is its assessment.
    pilot = [slug for slug in COLLECTIVITIES if slug != "khenifra"]
    assert {"oriental.region", "tanger-tetouan.region", "beni-mellal.region"} <= set(pilot)
    assert "figuig.province" in pilot
    for slug in pilot:
        validated = [a for a in _assessments(codes[slug]) if a.review_state == "validated"]
        assert len({a.year for a in validated}) >= 2, slug
        assert {2025, 2026} & {a.year for a in validated}, slug
    khenifra = _assessments(codes["khenifra"])
    assert [a.review_state for a in khenifra] == ["draft"]
    assert len(_assessments()) == len(ASSESSMENTS)


def test_one_assessment_is_under_review_and_one_returned_with_its_comment(loaded):
    codes = _codes()
    submitted = _of(codes["khouribga"], 2026)
    assert submitted.review_state == "submitted"
    returned = _of(codes["nador"], 2026)
    assert returned.review_state == "returned"
    assert "question 15" in returned.review_comment
    spec = next(s for s in ASSESSMENTS if s.collectivity == "nador" and s.year == 2026)
    assert returned.review_comment == spec.comment
    entries = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.entity == "assessment", AuditEntry.entity_id == returned.id
        )
    )
    by_action = {e.action: e.user for e in entries}
    assert by_action["create"].email == "nador.officer@example.org"
    assert by_action["return"].email == "oriental.coordinator@example.org"


def test_figuig_cites_its_own_measures_as_evidence(loaded):
    def cited(assessment: Assessment, key: str) -> set[str]:
        return {m.reference for m in assessment.answer(key).measures}

    for year in (2025, 2026):
        figuig = _of(FIGUIG, year)
        assert cited(figuig, "Q2") == {"DEMO-figuig-02"}
        assert cited(figuig, "Q9") == {"DEMO-figuig-01"}
        assert cited(figuig, "Q12") == {"DEMO-figuig-03"}
        assert cited(figuig, "Q13") == {"DEMO-figuig-07"}
        assert figuig.answer("Q9").points >= 2
        assert "Délibération n°" in figuig.answer("Q1").evidence_reference
    # Other collectivities' reception cells, legal clinic and trainings serve too.
    codes = _codes()
    tanger = _of(codes["tanger"], 2026)
    assert cited(tanger, "Q9") == {"DEMO-tanger-01"}
    assert cited(_of(codes["oujda"], 2026), "Q10") == {"DEMO-oujda-01"}


def test_every_validated_demo_assessment_is_complete_and_evidenced(loaded):
    validated = [a for a in _assessments() if a.review_state == "validated"]
    assert len(validated) >= 20
    for assessment in validated:
        assert assessment_problems(assessment) == [], assessment.territory_code
        scores = assessment_scores(assessment)
        assert scores.complete, assessment.territory_code
    kinds = {m.reference: m.kind for m in db.session.scalars(select(Measure))}
    for assessment in _assessments():
        for answer in assessment.answers:
            for measure in answer.measures:
                assert measure.territory_code == assessment.territory_code
                assert kinds[measure.reference]


def test_regions_answer_the_questions_they_may_set_aside_as_not_applicable(loaded):
    for code in ("01", "02", "05"):
        for assessment in _assessments(code):
            assert assessment.answer("Q4").not_applicable
            assert assessment.answer("Q9").not_applicable
    for assessment in _assessments(FIGUIG_PROVINCE):
        assert not any(a.not_applicable for a in assessment.answers)


def test_evidence_is_written_in_the_collectivity_s_language(loaded):
    codes = _codes()
    for slug, collectivity in COLLECTIVITIES.items():
        for assessment in _assessments(codes[slug]):
            for answer in assessment.answers:
                if not answer.points:
                    continue
                assert answer.evidence_reference, (slug, answer.question_key)
                assert _is_arabic(answer.evidence_reference) == collectivity.arabic_title
                assert "@" not in (answer.evidence_text or "")


def test_scores_change_between_the_years(loaded):
    ups = downs = 0
    for code in {a.territory_code for a in _assessments()}:
        by_year = {a.year: a for a in _assessments(code) if a.review_state == "validated"}
        if not {2025, 2026} <= set(by_year):
            continue
        before = assessment_scores(by_year[2025])
        after = assessment_scores(by_year[2026])
        for dimension in after.dimensions:
            old, new = before.dimension(dimension.key).score, dimension.score
            if old is not None and new is not None:
                ups += new > old
                downs += new < old
    assert ups >= 3 and downs >= 1


def test_the_data_file_names_real_collectivities_and_measures():
    references = {spec.reference for spec in MEASURES}
    officers = {a.collectivity for a in ACCOUNTS if a.role == "officer"}
    seen = set()
    for spec in ASSESSMENTS:
        assert spec.collectivity in officers
        assert (spec.collectivity, spec.year) not in seen
        seen.add((spec.collectivity, spec.year))
        assert (spec.comment is not None) == (spec.review == "returned")
        for answer in spec.answers.values():
            assert set(answer.get("measures", ())) <= references


def _counts() -> dict[str, int]:
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Assessment, AssessmentAnswer, AuditEntry, Setting)
    }


def test_loading_again_adds_no_assessment(loaded):
    before = _counts()
    assert load_demo(progress=lambda line: None).already_loaded
    assert _counts() == before
    db.session.delete(db.session.get(Setting, "demo_data"))
    db.session.commit()
    lines: list[str] = []
    result = load_demo(progress=lines.append)
    assert result.assessments_created == 0
    assert "Assessments: 0 created." in lines
    assert _counts() == before


def test_the_summary_counts_assessments_by_review_state(app):
    with app.app_context():
        result = load_demo(progress=lambda line: None)
    line = result.assessments_line()
    assert line.startswith(f"Assessments: {len(ASSESSMENTS)} created (")
    assert "1 returned" in line and "1 submitted" in line and "validated" in line
    assert line in result.lines()
