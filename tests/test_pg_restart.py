"""PostgreSQL restarted under load: while the database is down, every request is answered
at once with a 503 in the user's language (a page, or the API's JSON), never a traceback
or a hang; once it is back, requests succeed again without restarting the application.

The database is a throwaway cluster of the test's own (`tests.pg_cluster`), never the
shared server.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

import pytest
from werkzeug.serving import make_server

from tests.pg_cluster import Cluster
from tests.support import FIGUIG, make_validated_measure
from tracker import create_app

PAGE, API = f"/territories/{FIGUIG}?lang=fr", "/api/v1/measures?lang=ar"
# Longest a request may take, outage or not (the connection timeout is 5 s).
PATIENCE = 6.0


@dataclass
class Answer:
    path: str
    sent: float
    took: float
    status: int
    body: str


@pytest.fixture
def cluster():
    made = Cluster.start_new()
    yield made
    made.destroy()


@pytest.fixture
def served(cluster, fake_geography):
    """The app on a database of the cluster, with the territories and one measure,
    served on loopback by a threaded server."""
    from tracker.cli import upgrade_database
    from tracker.territories import load_territories

    app = create_app(
        {
            "TESTING": False,
            "SQLALCHEMY_DATABASE_URI": cluster.create_database("tracker"),
            "GEO_CACHE_DIR": str(fake_geography),
            "MAP_TILES_URL": None,
        }
    )
    with app.app_context():
        upgrade_database()
        load_territories()
    make_validated_measure(app, FIGUIG, "Cellule accueil Figuig")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def _ask(base: str, path: str, started: float) -> Answer:
    sent = time.perf_counter()
    try:
        with urllib.request.urlopen(base + path, timeout=PATIENCE * 2) as response:
            status, body = response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read().decode("utf-8", "replace")
    except OSError as error:  # no answer at all: a hang or a dropped connection
        status, body = 0, repr(error)
    return Answer(path, sent - started, time.perf_counter() - sent, status, body)


def _load(base: str, until: threading.Event, answers: list[Answer], started: float) -> None:
    while not until.is_set():
        for path in (PAGE, API):
            answers.append(_ask(base, path, started))


def test_requests_fail_cleanly_while_postgresql_restarts_then_recover(cluster, served):
    for path in (PAGE, API):  # warm: the first answer builds what later ones reuse
        assert _ask(served, path, 0).status == 200
    started = time.perf_counter()
    answers: list[Answer] = []
    until = threading.Event()
    clients = [
        threading.Thread(target=_load, args=(served, until, answers, started)) for _ in range(4)
    ]
    for client in clients:
        client.start()
    time.sleep(2)
    stopping_at = time.perf_counter() - started
    # "Down" from when the server has stopped (pg_ctl waits for it), until it is asked to
    # start: a request in between cannot reach it, even one a kept page needs a single
    # query for.
    cluster.stop("fast")
    down_at = time.perf_counter() - started
    time.sleep(3)
    starting_at = time.perf_counter() - started
    cluster.start()
    up_at = time.perf_counter() - started
    time.sleep(3)
    until.set()
    for client in clients:
        client.join(timeout=PATIENCE * 3)

    before = [a for a in answers if a.sent + a.took < stopping_at]
    during = [a for a in answers if down_at < a.sent and a.sent + a.took < starting_at]
    after = [a for a in answers if a.sent > up_at + 1]
    print(
        f"\nPostgreSQL restart: {len(answers)} requests, {len(before)} before, "
        f"{len(during)} while down ({sum(a.status == 503 for a in during)} answered 503), "
        f"{len(after)} after; slowest {max(a.took for a in answers):.2f} s"
    )
    assert before and all(a.status == 200 for a in before)
    assert {a.status for a in answers} <= {200, 503}, {a.status for a in answers}
    assert max(a.took for a in answers) < PATIENCE
    assert during and all(a.status == 503 for a in during)
    for outage in (a for a in answers if a.status == 503):
        assert "Traceback" not in outage.body
        if outage.path == PAGE:
            assert "<title>La base de données ne répond pas" in outage.body
            assert 'lang="fr"' in outage.body
        else:
            error = json.loads(outage.body)["error"]
            assert error["code"] == "database_unavailable"
            assert error["message"].startswith("يتعذر على المتتبع الوصول إلى قاعدة بياناته")
    # Back without restarting the application: every request after the restart succeeds.
    assert len(after) >= 8 and all(a.status == 200 for a in after), [
        (a.path, a.status, a.body[:200]) for a in after if a.status != 200
    ]
    assert "Cellule accueil Figuig" in next(a.body for a in after if a.path == PAGE)


@pytest.mark.parametrize(
    ("lang", "title", "message"),
    [
        ("en", "The database is not answering", "The tracker cannot reach its database"),
        ("fr", "La base de données ne répond pas", "Le suivi ne parvient pas à joindre"),
        ("ar", "قاعدة البيانات لا تستجيب", "يتعذر على المتتبع الوصول إلى قاعدة بياناته"),
    ],
)
def test_a_database_that_does_not_answer_gives_a_503_in_the_users_language(
    fake_geography, lang, title, message
):
    from tests.pg_cluster import free_port

    app = create_app(
        {
            "TESTING": False,
            "SQLALCHEMY_DATABASE_URI": f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/x",
            "GEO_CACHE_DIR": str(fake_geography),
        }
    )
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = lang
    started = time.perf_counter()
    page = client.get(f"/territories/{FIGUIG}")
    assert page.status_code == 503 and page.headers["Retry-After"] == "10"
    text = page.get_data(as_text=True)
    assert f"<h1>{title}</h1>" in text and message in text
    assert f'lang="{lang}"' in text and ('dir="rtl"' in text) == (lang == "ar")
    answer = client.get("/api/v1/measures")
    assert answer.status_code == 503
    assert answer.json["error"]["code"] == "database_unavailable"
    assert answer.json["error"]["message"].startswith(message)
    assert time.perf_counter() - started < PATIENCE
