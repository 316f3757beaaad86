"""The two programme metrics on the demo data: how each council's own programme
integrates migration (a category) and the share of the communes inside whose PAC
does, on the map, in the API, the comparison, the figures exports and the pages."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from sqlalchemy import func, select

from tests.support import FIGUIG, TANGER, make_programme
from tracker.compare import bp as compare_bp
from tracker.extensions import db
from tracker.models import Territory
from tracker.stats import Filters, metric_values, territory_summary

# The demo's communes with a PAC (2023-2028), by HCP code: Figuig's gives migration a
# dedicated axis, Berkane's leaves it out, Khouribga's is only submitted.
BERKANE = "02.113.01.01"
KHOURIBGA_PROVINCE = "05.311"
# Communes of the Oriental whose validated PAC integrates migration: Figuig, Oujda, Nador.
ORIENTAL_INTEGRATING = 3


@pytest.fixture
def database_url(demo_database_url):
    """Each test of this module starts from a fresh copy of the demo database."""
    return demo_database_url


@pytest.fixture(autouse=True)
def compare_registered(app):
    if "compare" not in app.blueprints:
        app.register_blueprint(compare_bp)
    return app


def values(app, key, level, **filters):
    with app.app_context():
        return metric_values(key, level, Filters(**filters))


def communes_in(app, code: str) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count())
            .select_from(Territory)
            .where(Territory.level == "commune", Territory.code.startswith(code + "."))
        )


def commune_named(app, province: str, name: str) -> str:
    with app.app_context():
        return db.session.scalar(
            select(Territory.code).where(
                Territory.parent_code == province, Territory.name_fr == name
            )
        )


# ---- the values -----------------------------------------------------------------------------


def test_each_commune_has_its_pac_category_in_the_year(app):
    got = values(app, "programme_integration", "commune", year=2025)
    assert len(got) == 1503  # every commune, with a programme or not
    assert got[FIGUIG] == "dedicated"
    assert got[TANGER] == "dedicated"
    assert got[commune_named(app, "02.113", "Berkane")] == "absent"
    assert got[commune_named(app, KHOURIBGA_PROVINCE, "Khouribga")] == "none"  # submitted
    assert got["02.251.01.01"] == "none"  # Bouarfa: nothing recorded
    # The PACs run from 2023: in 2022 no commune has one running.
    assert set(values(app, "programme_integration", "commune", year=2022).values()) == {"none"}


def test_regions_read_their_councils_pdr_and_provinces_their_pdp(app):
    got = values(app, "programme_integration", "region", year=2022)
    assert {code: got[code] for code in ("02", "01", "05", "03")} == {
        "02": "dedicated",
        "01": "mentioned",
        "05": "mentioned",
        "03": "none",
    }
    # The demo records one PDP, the province of Figuig's (dedicated); every other province
    # has none, and the commune of Figuig's PAC is no PDP.
    provinces = values(app, "programme_integration", "province", year=2025)
    assert provinces.pop("02.251") == "dedicated"
    assert set(provinces.values()) == {"none"}


def test_the_latest_running_programme_decides_and_deleted_ones_do_not_count(app):
    make_programme(app, first_year="2026", last_year="2031", integration="absent", title="PAC 2")
    make_programme(app, state="deleted", first_year="2027", last_year="2032", title="PAC 3")
    make_programme(app, state="submitted", first_year="2027", last_year="2032", title="PAC 4")
    assert values(app, "programme_integration", "commune", year=2025)[FIGUIG] == "dedicated"
    assert values(app, "programme_integration", "commune", year=2027)[FIGUIG] == "absent"
    assert values(app, "programme_integration", "commune", year=2032)[FIGUIG] == "none"


def test_without_a_year_this_years_programmes_are_read(app, monkeypatch):
    from datetime import date

    import tracker.stats.programmes as programmes

    assert (
        values(app, "programme_integration", "commune")[FIGUIG]
        == values(
            app, "programme_integration", "commune", year=programmes.programme_year(Filters())
        )[FIGUIG]
    )
    monkeypatch.setattr(programmes, "morocco_today", lambda: date(2030, 6, 1))
    assert values(app, "programme_integration", "commune")[FIGUIG] == "none"  # 2023-2028


def test_share_of_communes_counts_every_commune_inside(app):
    oriental = values(app, "communes_integrating_share", "region", year=2025)
    assert oriental["02"] == pytest.approx(100 * ORIENTAL_INTEGRATING / communes_in(app, "02"))
    assert communes_in(app, "02") == 124
    figuig_province = values(app, "communes_integrating_share", "province", year=2025)
    assert figuig_province["02.251"] == pytest.approx(100 / communes_in(app, "02.251"))
    # Khouribga's PAC is submitted, Khénifra's a draft: Béni Mellal's alone counts.
    beni_mellal = values(app, "communes_integrating_share", "region", year=2025)["05"]
    assert beni_mellal == pytest.approx(100 / communes_in(app, "05"))
    assert values(app, "communes_integrating_share", "region", year=2022)["02"] == 0.0
    assert values(app, "communes_integrating_share", "commune", year=2025) == {}


def test_a_territory_summary_gives_both(app):
    with app.app_context():
        oriental = territory_summary(db.session.get(Territory, "02"), Filters(year=2025))
        figuig = territory_summary(db.session.get(Territory, FIGUIG), Filters(year=2025))
    assert oriental["programme_integration"] == "dedicated"
    assert oriental["communes_integrating_share"] == pytest.approx(
        100 * ORIENTAL_INTEGRATING / communes_in(app, "02")
    )
    assert figuig["programme_integration"] == "dedicated"
    assert figuig["communes_integrating_share"] is None  # not given for a commune


def test_a_kept_summary_follows_the_year_when_none_is_chosen(app, monkeypatch):
    # No record changes on 1 January: the territory page's figures still move to the
    # programmes of the new year.
    from datetime import date

    import tracker.stats.programmes as programmes

    with app.app_context():
        figuig = db.session.get(Territory, FIGUIG)
        monkeypatch.setattr(programmes, "morocco_today", lambda: date(2025, 12, 31))
        assert territory_summary(figuig)["programme_integration"] == "dedicated"
        monkeypatch.setattr(programmes, "morocco_today", lambda: date(2030, 1, 1))
        assert territory_summary(figuig)["programme_integration"] == "none"  # 2023-2028


# ---- the API --------------------------------------------------------------------------------


def test_api_stats_give_the_category_key_and_its_label(client):
    body = client.get(
        "/api/v1/stats?level=region&metric=programme_integration&year=2025&lang=fr"
    ).get_json()
    assert body["metric"]["unit"] == "category"
    by_code = {item["code"]: item["value"] for item in body["items"]}
    assert by_code["02"] == {"key": "dedicated", "label": "Un axe ou des mesures dédiés"}
    assert by_code["01"] == {"key": "mentioned", "label": "Mentionnée"}
    assert by_code["03"] == {"key": "none", "label": "Aucun programme enregistré"}


def test_api_stats_give_the_share_as_a_percentage(client):
    body = client.get(
        "/api/v1/stats?level=region&metric=communes_integrating_share&year=2025"
    ).get_json()
    by_code = {item["code"]: item["value"] for item in body["items"]}
    assert by_code["02"] == pytest.approx(100 * ORIENTAL_INTEGRATING / 124)


def test_api_territory_summary_holds_the_category(client):
    body = client.get(f"/api/v1/territories/{FIGUIG}?lang=en").get_json()
    assert body["summary"]["programme_integration"]["key"] == "dedicated"
    assert body["summary"]["communes_integrating_share"] is None


# ---- the map --------------------------------------------------------------------------------


def tooltip_labels(page: str) -> dict[str, str]:
    found = re.search(r"_labels = (\{.*?\});", page)
    assert found, "no choropleth"
    return json.loads(found.group(1))


def legend_entries(page: str) -> list[dict]:
    found = re.search(r"(\[\{\"border\".*?\}\])\.forEach", page, re.S)
    assert found, "no legend"
    return json.loads(found.group(1))


def test_the_map_has_a_categorical_legend_in_french(client):
    response = client.get("/map?metric=programme_integration&level=region&year=2025&lang=fr")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    entries = legend_entries(page)
    labels = [e["label"] for e in entries]
    assert labels[:4] == [
        "Absente",
        "Mentionnée",
        "Un axe ou des mesures dédiés",
        "Aucun programme enregistré",
    ]
    fills = [e["fill"] for e in entries[:4]]
    assert len(set(fills)) == 4  # one colour per category, the last the no-data grey
    assert entries[3]["fill"] == "#cfcfcf" and entries[3]["dashed"]
    assert "Comment le programme de la collectivité intègre la migration" in page
    assert "programmes en cours en 2025" in page
    # The tooltips' labels: the category's name in French.
    labels = tooltip_labels(page)
    assert labels["02"] == "Un axe ou des mesures dédiés"
    assert labels["03"] == "Aucun programme enregistré"


def test_the_map_table_lists_categories_by_their_labels_in_arabic(client):
    page = client.get("/map?metric=programme_integration&level=region&year=2025&lang=ar").get_data(
        as_text=True
    )
    table = page[page.index('id="figures"') :]
    assert '<span dir="auto">محور أو تدابير مخصصة</span>' in table
    assert "لا يوجد برنامج مسجل" in table


def test_the_share_is_not_offered_for_communes(client):
    response = client.get("/map?metric=communes_integrating_share&level=commune&lang=en")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "is not given for this level (Communes)" in page


def test_the_share_colours_regions(client):
    page = client.get(
        "/map?metric=communes_integrating_share&level=region&year=2025&lang=en"
    ).get_data(as_text=True)
    assert tooltip_labels(page)["02"] == "2.4 %"


# ---- the comparison -------------------------------------------------------------------------


def test_the_comparison_shows_the_category_label_and_says_why_it_is_not_charted(client):
    page = client.get(
        "/compare?level=region&codes=02&codes=01&codes=03&year=2025&lang=fr"
    ).get_data(as_text=True)
    row = page[page.index('data-row="programme_integration"') :]
    row = row[: row.index("</tr>")]
    assert [cell.strip() for cell in re.findall(r'data-code="[^"]+"[^>]*>([^<]*)<', row)] == [
        "Un axe ou des mesures dédiés",
        "Mentionnée",
        "Aucun programme enregistré",
    ]
    assert "est une catégorie, pas une quantité" in page
    assert 'id="chart-communes_integrating_share"' in page


def test_the_comparison_says_which_years_programmes_it_reads(client):
    page = client.get("/compare?level=region&codes=02&codes=01&year=2022&lang=ar").get_data(
        as_text=True
    )
    assert "البرامج: الجارية منها في 2022." in page
    row = page[page.index('data-row="programme_integration"') :]
    assert "محور أو تدابير مخصصة" in row[: row.index("</tr>")]  # the Oriental's PDR


def test_the_territory_page_names_the_category_in_arabic(client):
    page = client.get("/territories/02?year=2025&lang=ar").get_data(as_text=True)
    row = page[page.index("كيف يدمج برنامج الجماعة الترابية الهجرة") :]
    assert "محور أو تدابير مخصصة" in row[: row.index("</tr>")]


def test_the_comparison_of_communes_leaves_the_share_out(client):
    page = client.get(
        f"/compare?level=commune&codes={FIGUIG}&codes={TANGER}&year=2025&lang=en"
    ).get_data(as_text=True)
    assert 'data-row="programme_integration"' in page
    assert 'data-row="communes_integrating_share"' not in page
    assert 'id="chart-communes_integrating_share"' not in page


# ---- the figures exports --------------------------------------------------------------------


def test_figures_csv_gives_the_key_and_the_label(client):
    response = client.get(
        "/export/figures.csv?level=region&metric=programme_integration&year=2025&lang=fr"
    )
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    heading = rows[0]
    assert heading[-2:] == [
        "Comment le programme de la collectivité intègre la migration",
        "Tel qu'affiché",
    ]
    by_code = {row[0]: row[-2:] for row in rows[1:]}
    assert by_code["02"] == ["dedicated", "Un axe ou des mesures dédiés"]
    assert by_code["03"] == ["none", "Aucun programme enregistré"]


def test_figures_geojson_gives_the_key_and_the_label(client):
    response = client.get(
        "/export/figures.geojson?level=region&metric=programme_integration&year=2025&lang=en"
    )
    features = {f["properties"]["code"]: f["properties"] for f in response.get_json()["features"]}
    assert features["02"]["value"] == "dedicated"
    assert features["02"]["shown"] == "A dedicated axis or measures"
