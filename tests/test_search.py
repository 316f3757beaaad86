"""Finding a territory: the /search page (what the search box submits to without its
script), the box on the home page, the map and the comparison, and /map?focus=CODE."""

from __future__ import annotations

import html
import json
import re
from urllib.parse import quote

import pytest

from geo.maps import FOCUS_COLOUR

FIGUIG = "02.251.01.03"
TETOUAN = "01.571.01.11"


def search(client, text: str, lang: str, **args):
    query = "&".join(f"{k}={quote(v)}" for k, v in {"q": text, "lang": lang, **args}.items())
    return client.get(f"/search?{query}")


def listed(page: str) -> list[str]:
    """The codes of the territories the page lists, in order."""
    return re.findall(r'<li data-code="([^"]+)">', page)


# ---- the /search page -----------------------------------------------------------------------


@pytest.mark.parametrize("text", ["Tétouan", "tetouan", "TETOUAN"])
def test_a_french_name_is_found_with_or_without_accents(client, text):
    response = search(client, text, "fr")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert TETOUAN in listed(page)
    assert f'href="/territories/{TETOUAN}"' in page
    assert "territoires correspondent à « " in page or "territoire correspond à « " in page
    # The name in French, its Arabic name beside it, the kind and the parent in French.
    item = page[page.index(f'<li data-code="{TETOUAN}"') :].split("</li>")[0]
    assert ">Tétouan</a>" in item and "تطوان" in item and "Commune urbaine" in item


@pytest.mark.parametrize("text", ["فجيج", "فِجِيج"])
def test_an_arabic_name_is_found_with_or_without_short_vowels(client, text):
    response = search(client, text, "ar")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    codes = listed(page)
    assert codes[:2] == ["02.251", FIGUIG]  # the province, then the commune
    assert "وحدتان ترابيتان تطابقان «" in page
    item = page[page.index(f'<li data-code="{FIGUIG}"') :].split("</li>")[0]
    assert '<a href="/territories/02.251.01.03" dir="auto">فجيج</a>' in item
    assert "جماعة حضرية" in item


def test_the_start_of_a_code_lists_the_territories_under_it(client):
    page = search(client, "02.251.01", "en").get_data(as_text=True)
    codes = listed(page)
    assert FIGUIG in codes and "02.251.01.01" in codes
    assert all(code.startswith("02.251.01") for code in codes)
    assert f"{len(codes)} territories match “<bdi>02.251.01</bdi>”." in page


def test_a_name_shared_by_a_province_and_a_commune_lists_both_best_first(client):
    codes = listed(search(client, "Fès", "fr").get_data(as_text=True))
    # The prefecture and the commune named exactly "Fès" before "Fès-Meknès" and the rest.
    assert codes[:2] == ["03.231", "03.231.01.0"]
    assert "03" in codes and "03.231.01.03" in codes


@pytest.mark.parametrize(
    "lang, said",
    [
        ("en", "No territory matches “<bdi>Zzyzx</bdi>”."),
        ("fr", "Aucun territoire ne correspond à « <bdi>Zzyzx</bdi> »."),
        ("ar", "لا توجد أي وحدة ترابية تطابق «<bdi>Zzyzx</bdi>»."),
    ],
)
def test_no_match_says_so_in_the_page_language(client, lang, said):
    response = search(client, "Zzyzx", lang)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert said in html.unescape(page)
    assert listed(page) == []


def test_a_code_goes_straight_to_its_territory(client):
    response = search(client, FIGUIG, "fr")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/territories/{FIGUIG}"
    response = search(client, f"  {FIGUIG} ", "fr", to="map")
    assert response.headers["Location"] == f"/map?focus={FIGUIG}"


def test_from_the_map_the_links_lead_to_the_map(client):
    page = search(client, "Figuig", "fr", to="map").get_data(as_text=True)
    assert f'href="/map?focus={FIGUIG}"' in page
    assert 'name="to" value="map"' in page


def test_a_level_keeps_the_matches_to_it(client):
    codes = listed(search(client, "Figuig", "fr", level="commune").get_data(as_text=True))
    assert codes == [FIGUIG]
    response = search(client, "Figuig", "fr", level="canton")
    assert response.status_code == 400


def test_a_text_too_long_is_refused_by_the_form(client):
    response = search(client, "x" * 101, "fr")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Le texte recherché est trop long (100 caractères au plus)." in page
    assert 'id="search-q"' in page


def test_an_empty_search_shows_the_form_only(client):
    response = client.get("/search?lang=en")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<h1>Find a territory</h1>" in page and listed(page) == []


# ---- the box on the three pages -------------------------------------------------------------


@pytest.mark.parametrize(
    "path, lang, label, goes",
    [
        ("/", "fr", "Trouver un territoire", 'data-go="/territories/__CODE__"'),
        ("/map", "ar", "البحث عن وحدة ترابية", 'data-go="/map?focus=__CODE__"'),
        ("/compare", "en", "Find a territory", 'data-slots=".compare-form [name=codes]"'),
    ],
)
def test_the_search_box_is_on_the_home_page_the_map_and_the_comparison(
    client, path, lang, label, goes
):
    page = client.get(f"{path}?lang={lang}").get_data(as_text=True)
    form = page[page.index('class="search-box"') :].split("</form>")[0]
    assert f'<label for="search-q">{label}</label>' in form
    assert goes in form
    assert 'action="/search"' in page and 'data-api="/api/v1/territories"' in form
    assert 'role="combobox"' in form and 'aria-controls="search-suggestions"' in form
    assert re.search(r'<script src="/static/search\.[0-9a-f]{10}\.js" defer></script>', page)
    kinds = json.loads(html.unescape(re.search(r'data-kinds="([^"]*)"', form).group(1)))
    assert set(kinds) >= {"region", "province", "urban", "rural"}


def test_the_comparison_box_suggests_territories_of_the_compared_level(client):
    page = client.get("/compare?level=province&lang=fr").get_data(as_text=True)
    form = page[page.index('class="search-box"') :].split("</form>")[0]
    assert 'data-level="province"' in form


def test_the_map_box_keeps_the_figure_and_filters(client):
    page = client.get("/map?metric=measures&year=2024&lang=fr").get_data(as_text=True)
    go = html.unescape(re.search(r'data-go="([^"]*)"', page).group(1))
    assert go.startswith("/map?") and "focus=__CODE__" in go
    assert "metric=measures" in go and "year=2024" in go and "level=" not in go


def test_the_script_is_served_and_writes_no_markup(client):
    response = client.get("/static/search.js")
    assert response.status_code == 200
    code = response.get_data(as_text=True)
    assert "innerHTML" not in code and "insertAdjacentHTML" not in code
    # Served minified: spaces between arguments are gone.
    assert "per_page=10" in code and 'setAttribute("dir","auto")' in re.sub(r"\s", "", code)


# ---- /map?focus= ----------------------------------------------------------------------------


def focus_calls(page: str) -> list[dict]:
    return [
        json.loads(m) for m in re.findall(r"trackerFocusOutline\(map_\w+, (\{[^}]*\})\);", page)
    ]


def selected_level(page: str) -> str:
    select = page[page.index('<select id="level"') :].split("</select>")[0]
    return re.search(r'<option value="(\w+)" selected>', select).group(1)


def test_focus_zooms_to_the_territory_and_outlines_it(client):
    response = client.get(f"/map?focus={FIGUIG}&lang=fr")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    (call,) = focus_calls(page)
    assert call["code"] == FIGUIG and call["url"] == "/api/v1/boundaries/commune.geojson"
    # The stand-in boundary of Figuig is the square (-1.3, 32.0) to (-1.1, 32.2).
    assert re.search(r"fitBounds\(\s*\[\[32\.0, -1\.3\], \[32\.2, -1\.1\]\]", page)
    assert selected_level(page) == "commune"
    legend = json.loads(re.search(r"(\[\{\"border\".*?\}\])\.forEach", page).group(1))
    assert legend[-1] == {
        "border": FOCUS_COLOUR,
        "dashed": False,
        "dot": False,
        "fill": "transparent",
        "label": "Figuig (territoire recherché)",
    }
    assert (
        'class="map-focus">Affiché : <a href="/territories/02.251.01.03" dir="auto">Figuig</a>'
        in page
    )
    # The filters' form keeps the focus when the figure changes.
    assert f'<input type="hidden" name="focus" value="{FIGUIG}">' in page


def test_focus_takes_the_territory_level_unless_one_is_given(client):
    page = client.get("/map?focus=02.251&lang=en").get_data(as_text=True)
    assert selected_level(page) == "province"
    assert focus_calls(page)[0]["url"] == "/api/v1/boundaries/province.geojson"
    page = client.get("/map?focus=02.251&level=region&lang=en").get_data(as_text=True)
    assert selected_level(page) == "region"
    # The province is outlined all the same, from the province layer's boundaries.
    assert focus_calls(page)[0]["url"] == "/api/v1/boundaries/province.geojson"
    assert re.search(r"fitBounds\(\s*\[\[32\.0, -2\.0\], \[33\.0, -1\.0\]\]", page)


@pytest.mark.parametrize(
    "lang, said",
    [
        ("en", "Territory shown: no territory has the code 99.99."),
        ("fr", "Territoire affiché : aucun territoire ne porte le code 99.99."),
    ],
)
def test_an_unknown_focus_is_refused_beside_the_form(client, lang, said):
    response = client.get(f"/map?focus=99.99&lang={lang}")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f'<p class="flash flash-error" role="alert">{said}</p>' in page
    assert focus_calls(page) == []
    assert selected_level(page) == "commune"


def test_see_on_the_map_links_focus_on_their_territory(client, validated_measure):
    page = client.get(f"/territories/{FIGUIG}?lang=fr").get_data(as_text=True)
    assert f'href="/map?focus={FIGUIG}&amp;metric=measures">Voir sur la carte</a>' in page
    measure_id = validated_measure(FIGUIG, "Accueil")
    page = client.get(f"/measures/{measure_id}?lang=fr").get_data(as_text=True)
    assert f'href="/map?focus={FIGUIG}">Voir sur la carte</a>' in page
