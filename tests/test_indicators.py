"""The indicator set of the self-assessment: version 1 as published, every text in the
three languages, the rules each file must keep, and a second version beside the first."""

from __future__ import annotations

import copy
import json
import re
import shutil

import pytest

from tracker.assessment import indicators
from tracker.assessment.indicators import (
    IndicatorSetError,
    UnknownVersion,
    indicator_set,
    indicator_sets,
    latest_indicator_set,
    read_indicator_set,
    read_indicator_sets,
)
from tracker.vocab import MEASURE_KINDS

ARABIC_LETTER = re.compile(r"[\u0600-\u06FF]")
LATIN_LETTER = re.compile(r"[A-Za-z\u00C0-\u024F]")
VERSION_1 = indicators.data_folder() / "indicators-1.json"


def _raw() -> dict:
    return json.loads(VERSION_1.read_text(encoding="utf-8"))


def _texts(indicator_set):
    """Every text of a set, with where it is."""
    yield "changes", indicator_set.changes
    for dimension in indicator_set.dimensions:
        yield f"{dimension.key} title", dimension.title
    for question in indicator_set.questions:
        yield f"{question.key} title", question.title
        yield f"{question.key} explanation", question.explanation
        for points, level in enumerate(question.levels):
            yield f"{question.key} level {points}", level


def test_version_1_has_six_dimensions_and_fifteen_questions():
    published = indicator_set(1)
    assert published.version == 1
    assert published.published.isoformat() == "2026-12-07"
    assert [d.key for d in published.dimensions] == ["D1", "D2", "D3", "D4", "D5", "D6"]
    assert [q.key for q in published.questions] == [f"Q{n}" for n in range(1, 16)]
    by_dimension = {
        d.key: [q.key for q in published.questions_of(d.key)] for d in published.dimensions
    }
    assert by_dimension == {
        "D1": ["Q1", "Q2", "Q3"],
        "D2": ["Q4", "Q5", "Q6", "Q7", "Q8"],
        "D3": ["Q9", "Q10"],
        "D4": ["Q11", "Q12"],
        "D5": ["Q13"],
        "D6": ["Q14", "Q15"],
    }
    assert all(len(q.levels) == 4 for q in published.questions)


def test_the_latest_version_is_the_newest_published():
    assert latest_indicator_set() is indicator_sets()[-1]
    assert latest_indicator_set().version == max(s.version for s in indicator_sets())


def test_an_unpublished_version_is_refused():
    with pytest.raises(UnknownVersion):
        indicator_set(99)


def test_not_applicable_only_where_the_question_says_so():
    published = indicator_set(1)
    allowed = {q.key: set(q.not_applicable) for q in published.questions if q.not_applicable}
    assert allowed == {"Q4": {"region"}, "Q9": {"region"}}
    q4 = published.question("Q4")
    assert q4.allows_not_applicable("region")
    assert not q4.allows_not_applicable("province")
    assert not q4.allows_not_applicable("commune")
    for key in ("Q1", "Q2", "Q3"):
        question = published.question(key)
        assert not any(
            question.allows_not_applicable(level) for level in ("commune", "province", "region")
        )


def test_each_evidence_kind_is_a_measure_kind_and_fits_its_question():
    published = indicator_set(1)
    for question in published.questions:
        assert set(question.evidence_kinds) <= set(MEASURE_KINDS), question.key
    expected = {
        "Q3": "study",
        "Q9": "reception",
        "Q10": "legal_clinic",
        "Q11": "partnership",
        "Q12": "consultation",
        "Q13": "training",
        "Q14": "awareness",
    }
    for key, kind in expected.items():
        assert kind in published.question(key).evidence_kinds, key
    assert [q.key for q in published.questions_for_kind("legal_clinic")] == ["Q10"]
    assert published.question("Q9").records_location


def test_every_text_is_in_arabic_french_and_english():
    for where, text in _texts(indicator_set(1)):
        assert text.ar and text.fr and text.en, where
        assert ARABIC_LETTER.search(text.ar), f"{where}: the Arabic text is not in Arabic script"
        assert not LATIN_LETTER.search(text.ar), f"{where}: Latin letters in the Arabic text"
        assert not ARABIC_LETTER.search(text.fr + text.en), where
        assert text.fr != text.en, where


def test_a_text_is_given_in_the_language_asked_for():
    q9 = indicator_set(1).question("Q9")
    assert q9.title.in_language("fr") == "Structure d'accueil et d'orientation"
    assert q9.title.in_language("ar") == "بنية الاستقبال والتوجيه"
    assert q9.title.in_language("en") == "Reception and orientation structure"
    assert q9.level_text(2).in_language("en").startswith("A functioning cell")
    with pytest.raises(ValueError):
        q9.level_text(4)


def _write(folder, name, raw) -> None:
    (folder / name).write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")


def _broken(change) -> dict:
    raw = copy.deepcopy(_raw())
    change(raw)
    return raw


@pytest.mark.parametrize(
    "change, problem",
    [
        (lambda r: r["questions"][3]["title"].pop("ar"), "question Q4 title lacks ar"),
        (
            lambda r: r["questions"][0]["levels"][2].update(fr=" "),
            "question Q1 level 2 has no fr text",
        ),
        (lambda r: r["questions"][4].update(key="Q4"), "questions: key Q4 appears twice"),
        (lambda r: r["dimensions"][1].update(key="D1"), "dimensions: key D1 appears twice"),
        (lambda r: r["questions"][6]["levels"].pop(), "question Q7 must describe the four levels"),
        (
            lambda r: r["questions"][8].update(not_applicable=["regions"]),
            "question Q9 not_applicable: regions is not a level",
        ),
        (
            lambda r: r["questions"][9].update(evidence_kinds=["clinic"]),
            "question Q10 evidence_kinds: clinic is not a kind",
        ),
        (lambda r: r["questions"][0].update(dimension="D9"), "question Q1: dimension 'D9'"),
        (lambda r: r["questions"][0].update(not_aplicable=[]), "unknown field(s) not_aplicable"),
        (lambda r: r.update(published="7 December 2026"), "published must be a date"),
        (lambda r: r.update(version="1"), "version must be a whole number"),
        (
            lambda r: r.update(questions=[q for q in r["questions"] if q["dimension"] != "D5"]),
            "dimension D5 has no question",
        ),
    ],
)
def test_a_broken_file_is_refused_naming_the_file_and_the_problem(tmp_path, change, problem):
    _write(tmp_path, "indicators-1.json", _broken(change))
    with pytest.raises(IndicatorSetError) as refused:
        read_indicator_sets(tmp_path)
    assert str(tmp_path / "indicators-1.json") in str(refused.value)
    assert problem in str(refused.value)


def test_a_file_that_is_not_json_is_refused():
    with pytest.raises(IndicatorSetError, match=r"^indicators-2\.json: not valid JSON"):
        read_indicator_set('{"version": 2,', "indicators-2.json")


def test_a_file_whose_version_is_not_its_names_is_refused(tmp_path):
    _write(tmp_path, "indicators-2.json", _raw())
    with pytest.raises(IndicatorSetError, match="holds version 1, not the one its name says"):
        read_indicator_sets(tmp_path)


def test_a_folder_without_a_version_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("not a set", encoding="utf-8")
    with pytest.raises(IndicatorSetError, match="no indicators-<version>.json file"):
        read_indicator_sets(tmp_path)


def test_a_second_version_is_read_beside_the_first(tmp_path):
    """A new version is a new file: the first keeps its content, the second is the latest."""
    shutil.copy(VERSION_1, tmp_path / "indicators-1.json")
    second = _raw()
    second.update(version=2, published="2027-06-30")
    second["changes"] = {
        "ar": "إضافة سؤال حول السكن.",
        "fr": "Ajout d'une question sur le logement.",
        "en": "A question on housing added.",
    }
    housing = copy.deepcopy(second["questions"][4])
    housing.update(key="Q16", not_applicable=["region"], evidence_kinds=["service"])
    second["questions"].append(housing)
    _write(tmp_path, "indicators-2.json", second)

    first, latest = read_indicator_sets(tmp_path)
    assert (first.version, len(first.questions)) == (1, 15)
    assert (latest.version, len(latest.questions)) == (2, 16)
    assert latest.published.isoformat() == "2027-06-30"
    assert latest.question("Q16").allows_not_applicable("region")
    with pytest.raises(KeyError):
        first.question("Q16")


def test_the_app_does_not_start_with_a_broken_packaged_file(monkeypatch, tmp_path):
    from tracker import create_app

    _write(tmp_path, "indicators-1.json", _broken(lambda r: r["questions"][1]["title"].pop("fr")))
    monkeypatch.setattr(indicators, "data_folder", lambda: tmp_path)
    indicator_sets.cache_clear()
    try:
        with pytest.raises(IndicatorSetError, match="question Q2 title lacks fr"):
            create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    finally:
        indicator_sets.cache_clear()
