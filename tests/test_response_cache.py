"""Public pages and API answers kept between requests: served again with one query
(the data version), renewed as soon as a record changes, kept apart by language, never
for a signed-in visitor, each with a fresh CSP nonce that its header names."""

import re

import pytest
from sqlalchemy import event

from tests.support import FIGUIG
from tracker.extensions import db
from tracker.response_cache import Kept, ResponseCache, cache_of

TERRITORY = f"/territories/{FIGUIG}"


class Statements:
    """Counts the SQL statements the app's engine runs while it is open."""

    def __init__(self, app):
        self.app = app
        self.count = 0

    def _count(self, *args):
        self.count += 1

    def __enter__(self):
        with self.app.app_context():
            self.engine = db.engine
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._count)


def nonce_of(response) -> str:
    return re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)


@pytest.mark.parametrize(
    "url", [TERRITORY, "/map", "/compare", "/api/v1/measures", "/export/measures.csv"]
)
def test_a_second_anonymous_request_is_answered_with_one_query(app, client, url):
    first = client.get(url)
    assert first.status_code == 200
    with Statements(app) as again:
        second = client.get(url)
    assert second.status_code == 200
    assert again.count == 1  # the data version
    assert cache_of(app).hits == 1
    if "nonce-" not in first.headers["Content-Security-Policy"]:
        assert second.get_data() == first.get_data()


def test_a_record_validated_changes_the_page_at_once(app, client, validated_measure):
    before = client.get(TERRITORY).get_data(as_text=True)
    assert "Maison des saisonniers" not in before
    validated_measure(FIGUIG, "Maison des saisonniers")
    after = client.get(TERRITORY).get_data(as_text=True)
    assert "Maison des saisonniers" in after
    assert cache_of(app).hits == 0


def test_two_languages_are_kept_apart(app, client):
    english = client.get("/map").get_data(as_text=True)
    client.set_cookie("lang", "fr")
    french = client.get("/map").get_data(as_text=True)
    client.delete_cookie("lang")
    arabic = client.get("/map", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert '<html lang="en"' in english
    assert '<html lang="fr"' in french
    assert '<html lang="ar"' in arabic
    assert cache_of(app).hits == 0 and len(cache_of(app)) == 3
    client.set_cookie("lang", "fr")
    assert '<html lang="fr"' in client.get("/map").get_data(as_text=True)
    assert cache_of(app).hits == 1


def test_a_signed_in_user_never_gets_nor_fills_a_kept_page(app, client, accounts):
    client.get("/map")  # kept for anonymous visitors
    accounts.create("officer@example.org", "officer", [FIGUIG])
    accounts.login("officer@example.org")
    stored = cache_of(app).stored
    page = client.get("/map")
    assert "officer@example.org" in page.get_data(as_text=True)
    assert "ETag" not in page.headers
    client.get(TERRITORY)
    assert cache_of(app).hits == 0
    assert cache_of(app).stored == stored


def test_each_kept_page_has_a_fresh_nonce_that_its_header_names(app, client):
    client.get("/map")
    pages = [client.get("/map") for _ in range(2)]
    assert cache_of(app).hits == 2
    nonces = [nonce_of(page) for page in pages]
    assert nonces[0] != nonces[1]
    for page, nonce in zip(pages, nonces, strict=True):
        scripts = re.findall(r"<script([^>]*)>", page.get_data(as_text=True))
        assert scripts and all(
            f'nonce="{nonce}"' in attrs for attrs in scripts if "src=" not in attrs
        )
        assert re.findall(r'nonce="([^"]+)"', page.get_data(as_text=True)) == [nonce] * len(
            re.findall(r'nonce="', page.get_data(as_text=True))
        )


def test_an_answer_that_sets_a_cookie_is_not_kept(app, client):
    # `?lang=` remembers the language in a cookie: that answer belongs to this visitor.
    assert "Set-Cookie" in client.get("/map?lang=fr").headers
    assert len(cache_of(app)) == 0


def test_an_error_is_not_kept(app, client):
    assert client.get("/territories/99.999").status_code == 404
    assert client.get("/api/v1/measures?page=0").status_code == 400
    assert len(cache_of(app)) == 0


def test_a_waiting_message_is_shown_not_replaced_by_a_kept_page(app, client, accounts):
    client.get("/map")
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "Un message qui attend")]
    assert "Un message qui attend" in client.get("/map").get_data(as_text=True)
    assert cache_of(app).hits == 0


def entry(size: int) -> Kept:
    return Kept((b"x" * size,), (), "tag")


def test_the_cache_stays_within_its_byte_budget_least_recent_first():
    cache = ResponseCache(1000)
    for name in "abcd":
        assert cache.put((name,), entry(200))
    cache.get(("a",))
    assert cache.put(("e",), entry(200))
    assert cache.put(("f",), entry(200))
    assert cache.used <= 1000
    assert cache.get(("a",)) is not None
    assert cache.get(("b",)) is None  # the least recently used
    assert cache.get(("c",)) is not None and len(cache) == 5
    assert not cache.put(("big",), entry(300))  # over a quarter of the budget


def test_a_budget_of_zero_turns_the_cache_off(database_url, fake_geography):
    from tests.support import dispose
    from tracker import create_app

    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "GEO_CACHE_DIR": str(fake_geography),
            "MAP_TILES_URL": None,
            "RESPONSE_CACHE_BYTES": 0,
        }
    )
    client = app.test_client()
    assert client.get("/map").status_code == 200
    assert client.get("/map").status_code == 200
    assert cache_of(app) is None
    dispose(app)
