"""Public pages: home, territory pages, languages, error pages, security headers."""

import re

import pytest


def test_home_lists_pilot_and_regions(client):
    page = client.get("/?lang=fr").get_data(as_text=True)
    assert "Oriental" in page and "Figuig" in page
    assert "1\u202f503" in page or "1 503" in page  # communes, French grouping


def test_territory_page_shows_names_parent_children_population(client):
    page = client.get("/territories/02.251?lang=fr").get_data(as_text=True)
    assert "Figuig" in page and "فجيج" in page
    assert 'href="/territories/02"' in page  # up to the region
    assert 'href="/territories/02.251.01.03"' in page  # down to a commune
    assert "Bouarfa" in page


def test_commune_page(client):
    page = client.get("/territories/02.251.01.03?lang=en").get_data(as_text=True)
    assert "Urban commune" in page
    assert "10,449" in page  # population 2024


def test_unknown_territory_is_a_404_page(client):
    response = client.get("/territories/99.999")
    assert response.status_code == 404
    assert "<html" in response.get_data(as_text=True)


@pytest.mark.parametrize("lang, direction", [("ar", "rtl"), ("fr", "ltr"), ("en", "ltr")])
def test_page_direction_follows_language(client, lang, direction):
    page = client.get(f"/?lang={lang}").get_data(as_text=True)
    assert f'<html lang="{lang}" dir="{direction}">' in page


def test_arabic_page_uses_arabic_names(client):
    page = client.get("/territories/02.251.01.03?lang=ar").get_data(as_text=True)
    assert re.search(r"<h1>\s*فجيج\s*</h1>", page)


def test_language_choice_is_remembered(client):
    response = client.get("/language/ar?next=/territories/02")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/territories/02")
    page = client.get("/").get_data(as_text=True)
    assert 'dir="rtl"' in page


def test_language_switch_refuses_foreign_redirects(client):
    for target in ("https://example.org/", "//example.org/x"):
        response = client.get("/language/fr", query_string={"next": target})
        assert response.headers["Location"] in ("/", "http://localhost/")


def test_unknown_language_is_ignored(client):
    client.get("/language/xx")
    page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'lang="en"' in page


def test_browser_language_is_the_default(client):
    page = client.get("/", headers={"Accept-Language": "ar-MA,ar;q=0.9"}).get_data(as_text=True)
    assert 'lang="ar" dir="rtl"' in page


def test_pages_carry_a_content_security_policy(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "object-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
