"""The scores of an assessment on the issue's worked examples, the rules on "not
applicable" by level, incomplete answers, the checks before submission, and a new
version of the set that leaves an old assessment's score as it was."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from fractions import Fraction

import pytest

from tracker.assessment import indicators
from tracker.assessment.checks import assessment_problems, submission_problems
from tracker.assessment.indicators import latest_indicator_set, read_indicator_set
from tracker.assessment.scores import NOT_APPLICABLE, assessment_scores, rounded, scores
from tracker.models import AssessmentAnswer, Measure

FIGUIG = "02.251.01.03"
QUESTIONS = [f"Q{n}" for n in range(1, 16)]
NA = NOT_APPLICABLE


def _set_with(change):
    """Version 1 with `change` applied to its parsed JSON, as a set of its own."""
    raw = json.loads((indicators.data_folder() / "indicators-1.json").read_text("utf-8"))
    change(raw)
    return read_indicator_set(json.dumps(raw), "changed-for-test.json")


def _allow_na(question: str, level: str):
    def change(raw):
        for q in raw["questions"]:
            if q["key"] == question:
                q["not_applicable"] = [*q.get("not_applicable", []), level]

    return change


def _all(points: int) -> dict:
    return dict.fromkeys(QUESTIONS, points)


# ---- scores ------------------------------------------------------------------------------


def test_a_region_answering_q4_and_q9_not_applicable_has_a_smaller_potential():
    answers = {
        **{"Q1": 3, "Q2": 2, "Q3": 1},
        **{"Q4": NA, "Q5": 2, "Q6": 1, "Q7": 0, "Q8": 3},
        **{"Q9": NA, "Q10": 2},
        **{"Q11": 3, "Q12": 3, "Q13": 1, "Q14": 0, "Q15": 0},
    }
    result = scores(latest_indicator_set(), "region", answers)

    d2, d3 = result.dimension("D2"), result.dimension("D3")
    assert (d2.points, d2.potential, d2.score) == (6, 4, 50)
    assert (d3.points, d3.potential, d3.score) == (2, 1, Fraction(200, 3))
    assert result.dimension("D1").score == Fraction(200, 3)
    assert result.dimension("D6").score == 0
    # (200/3 + 50 + 200/3 + 100 + 100/3 + 0) / 6
    assert result.overall == Fraction(475, 9)
    assert rounded(result.overall) == Decimal("52.8")
    assert result.complete and result.unanswered == ()


def test_a_dimension_all_not_applicable_has_no_score_and_is_left_out_of_the_overall():
    # Version 1 has no such dimension; a set where a commune may skip D5's only question.
    changed = _set_with(_allow_na("Q13", "commune"))
    result = scores(changed, "commune", {**_all(3), "Q13": NA})

    d5 = result.dimension("D5")
    assert (d5.points, d5.potential, d5.score) == (0, 0, None)
    # The mean of the five other dimensions, not 500 / 6 as a 0 for D5 would give.
    assert result.overall == 100
    assert result.complete


def test_every_answer_at_the_top_scores_100_and_every_answer_at_0_scores_0():
    top = scores(latest_indicator_set(), "commune", _all(3))
    bottom = scores(latest_indicator_set(), "commune", _all(0))
    assert [d.score for d in top.dimensions] == [100] * 6 and top.overall == 100
    assert [d.score for d in bottom.dimensions] == [0] * 6 and bottom.overall == 0
    assert [d.potential for d in top.dimensions] == [3, 5, 2, 2, 1, 2]


def test_unanswered_questions_make_it_incomplete_without_counting_as_0():
    result = scores(latest_indicator_set(), "commune", {"Q1": 3, "Q2": None, "Q3": 0, "Q11": 2})

    assert not result.complete
    assert result.unanswered == ("Q2", *[f"Q{n}" for n in range(4, 11)], *QUESTIONS[11:])
    d1 = result.dimension("D1")
    # Q2 counts neither as 0 nor in the maximum: 100 × 3 ÷ (3 × 2).
    assert (d1.points, d1.answered, d1.potential, d1.score) == (3, 2, 3, 50)
    assert result.dimension("D2").score is None
    assert result.dimension("D4").score == Fraction(200, 3)  # Q11 at 2 of 3, Q12 to come
    assert result.overall == (50 + Fraction(200, 3)) / 2


def test_nothing_answered_has_no_score_at_all():
    result = scores(latest_indicator_set(), "province", {})
    assert result.overall is None and not result.complete
    assert all(d.score is None for d in result.dimensions)


@pytest.mark.parametrize("level", ["commune", "province"])
def test_not_applicable_is_refused_for_q4_below_the_region(level):
    with pytest.raises(ValueError, match="Q4 cannot be answered “not applicable” by a " + level):
        scores(latest_indicator_set(), level, {**_all(1), "Q4": NA})


@pytest.mark.parametrize("question", ["Q1", "Q13"])
def test_not_applicable_is_refused_where_no_level_may_use_it(question):
    with pytest.raises(ValueError, match=question):
        scores(latest_indicator_set(), "region", {question: NA})


@pytest.mark.parametrize("points", [4, -1, True, "2", 1.5, 2.0])
def test_points_outside_0_to_3_are_refused(points):
    with pytest.raises(ValueError, match="Q5 is worth 0 to 3 points"):
        scores(latest_indicator_set(), "commune", {"Q5": points})


def test_a_question_the_version_does_not_have_is_refused():
    with pytest.raises(ValueError, match="Q16 is not a question of version 1"):
        scores(latest_indicator_set(), "commune", {**_all(2), "Q16": 2})


@pytest.mark.parametrize(
    ("exact", "shown"),
    [
        (Fraction(200, 3), "66.7"),
        (Fraction(100, 3), "33.3"),
        (Fraction(1333, 20), "66.7"),  # 66.65 exactly: half up
        (Fraction(1331, 20), "66.6"),  # 66.55 exactly: half up
        (Fraction(100), "100.0"),
        (Fraction(0), "0.0"),
    ],
)
def test_a_score_is_rounded_for_display_only_half_up_to_one_decimal(exact, shown):
    assert str(rounded(exact)) == shown
    assert rounded(None) is None


# ---- checks before submission ------------------------------------------------------------


def _answer(key, points=None, na=False, text=None, measures=()):
    answer = AssessmentAnswer(question_key=key, points=points, not_applicable=na)
    answer.evidence_text = text
    answer.measures = list(measures)
    return answer


def _complete(skip=()):
    return [
        _answer(q, 2, text="Délibération n° 12 du 3 mars 2026") for q in QUESTIONS if q not in skip
    ]


def _messages(app, problems, lang):
    with app.test_request_context(f"/?lang={lang}"):
        return {p.question: str(p.message) for p in problems}


def test_a_complete_answer_set_with_evidence_may_be_submitted():
    assert submission_problems(latest_indicator_set(), "commune", FIGUIG, _complete()) == []


def test_partial_answers_are_refused_at_submission_question_by_question(app):
    answers = _complete(skip=QUESTIONS[5:]) + [_answer("Q6")]  # Q6 saved without points
    problems = submission_problems(latest_indicator_set(), "commune", FIGUIG, answers)

    assert [p.question for p in problems] == QUESTIONS[5:]
    assert set(_messages(app, problems, "en").values()) == {"This question is not answered."}
    assert set(_messages(app, problems, "fr").values()) == {"Cette question n'a pas de réponse."}


def test_not_applicable_on_q4_is_refused_for_a_commune_and_accepted_for_a_region(app):
    answers = [a for a in _complete() if a.question_key != "Q4"] + [_answer("Q4", na=True)]

    problems = submission_problems(latest_indicator_set(), "commune", FIGUIG, answers)
    assert _messages(app, problems, "fr") == {
        "Q4": "La réponse « sans objet » n'est pas admise pour cette question "
        "à ce niveau (Commune)."
    }
    assert submission_problems(latest_indicator_set(), "region", "02", answers) == []


def test_an_answer_above_0_without_evidence_is_refused(app):
    answers = _complete(skip=["Q2", "Q3", "Q7"]) + [
        _answer("Q2", 2),
        _answer("Q3", 0),  # nothing to prove at 0
        _answer("Q7", 1, text="   "),
    ]
    problems = submission_problems(latest_indicator_set(), "commune", FIGUIG, answers)

    assert [p.question for p in problems] == ["Q2", "Q7"]
    assert _messages(app, problems, "en")["Q2"] == (
        "An answer above 0 needs evidence: a reference, a link, a short text "
        "or one of the collectivity's measures."
    )


def test_a_validated_measure_of_the_collectivity_is_evidence_and_another_ones_is_not(app):
    own = Measure(title="Cellule d'accueil", territory_code=FIGUIG, review_state="validated")
    other = Measure(title="Clinique juridique", territory_code="02", review_state="validated")
    draft = Measure(title="Brouillon", territory_code=FIGUIG, review_state="draft")
    answers = _complete(skip=["Q9", "Q10", "Q14"]) + [
        _answer("Q9", 3, measures=[own]),
        _answer("Q10", 2, measures=[other]),
        _answer("Q14", 1, measures=[draft]),
    ]
    problems = submission_problems(latest_indicator_set(), "commune", FIGUIG, answers)

    assert _messages(app, problems, "fr") == {
        "Q10": "« Clinique juridique » n'est pas une mesure validée de cette collectivité.",
        "Q14": "« Brouillon » n'est pas une mesure validée de cette collectivité.",
    }


def test_points_outside_0_to_3_and_unknown_questions_are_problems_too(app):
    answers = _complete(skip=["Q1"]) + [_answer("Q1", 5), _answer("Q16", 1, text="x")]
    problems = submission_problems(latest_indicator_set(), "commune", FIGUIG, answers)

    assert _messages(app, problems, "ar") == {
        "Q1": "تتراوح قيمة الجواب بين 0 و3 نقط.",
        "Q16": "هذا السؤال غير وارد في الصيغة 1 من مرجعية المؤشرات.",
    }


def test_a_stored_assessment_is_checked_under_its_own_version_and_level(app):
    from tracker.extensions import db
    from tracker.models import Assessment

    with app.app_context():
        assessment = Assessment(territory_code="02", year=2026, indicator_version=1)
        assessment.answers = _complete(skip=["Q4", "Q9", "Q15"]) + [
            _answer("Q4", na=True),
            _answer("Q9", na=True),
        ]
        db.session.add(assessment)
        db.session.commit()
        problems = assessment_problems(assessment)
    assert _messages(app, problems, "en") == {"Q15": "This question is not answered."}


# ---- a new version leaves old scores alone -----------------------------------------------


@pytest.fixture
def publish_second_version(monkeypatch, tmp_path):
    """A function that publishes, beside version 1, a version 2 that drops Q13 and moves
    Q12 into D5 (in a data folder of the test's); the packaged set is back afterwards."""

    def publish():
        folder = tmp_path / "data"
        folder.mkdir()
        version_1 = folder / "indicators-1.json"
        shutil.copy(indicators.data_folder() / "indicators-1.json", version_1)
        raw = json.loads(version_1.read_text("utf-8"))
        raw.update(version=2, published="2027-06-30")
        raw["questions"] = [q for q in raw["questions"] if q["key"] != "Q13"]
        next(q for q in raw["questions"] if q["key"] == "Q12")["dimension"] = "D5"
        (folder / "indicators-2.json").write_text(json.dumps(raw, ensure_ascii=False), "utf-8")
        monkeypatch.setattr(indicators, "data_folder", lambda: folder)
        indicators.indicator_sets.cache_clear()

    yield publish
    indicators.indicator_sets.cache_clear()


def test_an_assessment_keeps_its_score_when_a_new_version_is_published(app, publish_second_version):
    from tracker.extensions import db
    from tracker.models import Assessment

    answers = {**_all(0), "Q11": 3, "Q12": 0, "Q13": 3}
    with app.app_context():
        assessment = Assessment(territory_code=FIGUIG, year=2026, indicator_version=1)
        assessment.answers = [
            AssessmentAnswer(question_key=k, points=p) for k, p in answers.items()
        ]
        db.session.add(assessment)
        db.session.commit()
        before = assessment_scores(assessment)

        publish_second_version()
        assert latest_indicator_set().version == 2
        db.session.expire_all()
        after = assessment_scores(db.session.get(Assessment, assessment.id))
        # The same answers read under version 2 would score otherwise.
        kept = {key: points for key, points in answers.items() if key != "Q13"}
        under_2 = scores(latest_indicator_set(), "commune", kept)

    assert after == before and after.version == 1
    assert (after.dimension("D4").score, after.dimension("D5").score) == (50, 100)
    assert (under_2.dimension("D4").score, under_2.dimension("D5").score) == (100, 0)
