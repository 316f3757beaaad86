"""Counts in sentences take the Arabic number's form: one, two (the dual), three to ten,
eleven to ninety-nine, a hundred; every plural message of the Arabic catalogue has its
six forms. And a user's text quoted in a sentence is isolated inside its quotes."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import ngettext

ARABIC = Path(__file__).resolve().parents[1] / "tracker/translations/ar/LC_MESSAGES/messages.po"


def test_every_arabic_plural_has_its_six_forms():
    with open(ARABIC, "rb") as f:
        catalogue = read_po(f)
    assert catalogue.num_plurals == 6
    plurals = [m for m in catalogue if m.id and isinstance(m.id, (tuple, list))]
    assert len(plurals) >= 10
    for message in plurals:
        assert len(message.string) == 6 and all(message.string), message.id


@pytest.mark.parametrize(
    "count, measures, pages",
    [
        (1, "تدبير واحد", "توجد صفحة واحدة من التدابير."),
        (2, "تدبيران", "توجد صفحتان من التدابير."),
        (3, "3 تدابير", "توجد 3 صفحات من التدابير."),
        (11, "11 تدبيرًا", "توجد 11 صفحة من التدابير."),
        (100, "100 تدبير", "توجد 100 صفحة من التدابير."),
    ],
)
def test_counts_take_the_arabic_forms(app, count, measures, pages):
    with app.test_request_context("/?lang=ar"):
        assert ngettext("%(num)d measure", "%(num)d measures", count) == measures
        assert (
            ngettext(
                "There is %(num)d page of measures.", "There are %(num)d pages of measures.", count
            )
            == pages
        )


@pytest.mark.parametrize(
    "lang, said",
    [
        ("ar", "اختر وحدتين ترابيتين على الأقل للمقارنة."),
        ("fr", "Choisissez au moins 2 territoires à comparer."),
        ("en", "Choose at least 2 territories to compare."),
    ],
)
def test_the_comparison_asks_for_two_territories_in_the_dual(client, lang, said):
    response = client.get(f"/compare?level=region&codes=02&lang={lang}")
    assert response.status_code == 400
    assert said in response.get_data(as_text=True)


def test_a_long_list_of_measures_says_how_many_in_arabic(client, validated_measure):
    for n in range(51):
        validated_measure("02.251.01.03", f"Mesure {n:03d}")
    page = client.get("/territories/02.251.01.03?lang=ar").get_data(as_text=True)
    # 51 is in the forms of eleven to ninety-nine.
    assert "التدابير من 1 إلى 50 من أصل 51 تدبيرًا." in page


@pytest.mark.parametrize(
    "count, rows",
    [
        (1, "لم يُحفظ أي شيء: سطر واحد من أصل 120 يتضمن أخطاء."),
        (2, "لم يُحفظ أي شيء: سطران من أصل 120 يتضمنان أخطاء."),
        (3, "لم يُحفظ أي شيء: 3 أسطر من أصل 120 تتضمن أخطاء."),
        (11, "لم يُحفظ أي شيء: 11 سطرًا من أصل 120 تتضمن أخطاء."),
        (100, "لم يُحفظ أي شيء: 100 سطر من أصل 120 تتضمن أخطاء."),
    ],
)
def test_an_import_counts_its_wrong_rows_in_arabic(app, count, rows):
    with app.test_request_context("/?lang=ar"):
        said = ngettext(
            "Nothing was saved: %(num)d of %(total)d rows has errors.",
            "Nothing was saved: %(num)d of %(total)d rows have errors.",
            count,
            total=120,
        )
    assert said == rows


def test_an_export_too_large_counts_its_programmes_in_arabic(app, client):
    from tests.support import make_programme

    for _ in range(2):
        make_programme(app, "validated")
    app.config["EXPORT_MAX_ROWS"] = 1
    answer = client.get("/export/programmes.csv?lang=ar").get_json()
    assert answer["error"]["message"].startswith("سيتضمن هذا التصدير برنامجين،")


# ---- a quoted user text keeps the quotes on the page's sides --------------------------


@pytest.mark.parametrize(
    "lang, said",
    [
        ("fr", "1 territoire correspond à « <bdi>فجيج</bdi> »."),
        ("ar", "وحدة ترابية واحدة تطابق «<bdi>فجيج</bdi>»."),
    ],
)
def test_a_text_looked_for_is_isolated_inside_its_quotes(client, lang, said):
    page = client.get(f"/search?q=فجيج&level=province&lang={lang}").get_data(as_text=True)
    assert said in page


def test_a_text_found_nowhere_is_isolated_inside_its_quotes(client):
    page = client.get("/search?q=مدينة+لا+توجد&lang=fr").get_data(as_text=True)
    assert "Aucun territoire ne correspond à « <bdi>مدينة لا توجد</bdi> »." in page
