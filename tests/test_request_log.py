"""One line per request on `tracker.requests`: what was asked, by whom, how it ended and
how long it took; never a password, a token, a cookie or a query string's values."""

from __future__ import annotations

import logging
import re

import pytest

from tests.support import FIGUIG, LogLines, csrf_token

OFFICER = "figuig.officer@example.org"
LINE = re.compile(
    r"time=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z id=(?P<id>\S+) method=(?P<method>[A-Z]+) "
    r"path=(?P<path>\S+) status=(?P<status>\d{3}) ms=(?P<ms>\d+\.\d) user=(?P<user>\S+) "
    r"addr=(?P<addr>\S+)"
)


class Lines(LogLines):
    """The request log's lines, as written."""

    def only(self) -> re.Match:
        assert len(self.lines) == 1, self.lines
        match = LINE.fullmatch(self.lines[0])
        assert match, self.lines[0]
        return match


@pytest.fixture
def log(app):
    handler = Lines()
    logger = logging.getLogger("tracker.requests")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


def test_a_request_is_one_line_with_every_field(client, log):
    response = client.get("/territories/02")
    line = log.only()
    assert line["method"] == "GET"
    assert line["path"] == "/territories/02"
    assert line["status"] == "200"
    assert line["user"] == "-"
    assert line["addr"] == "127.0.0.1"
    assert float(line["ms"]) > 0
    assert line["id"] == response.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", line["id"])


def test_the_query_string_is_left_out(client, log):
    client.get("/map?level=commune&token=abc123secret&lang=fr")
    assert log.only()["path"] == "/map"
    assert "abc123secret" not in log.lines[0]
    assert "commune" not in log.lines[0]


def test_a_refused_request_is_logged_with_its_status(client, log):
    client.get("/territories/99.999")
    client.post("/login", data={"email": "x@example.org", "password": "p"})
    statuses = [LINE.fullmatch(line)["status"] for line in log.lines]
    assert statuses == ["404", "400"]


def test_a_sane_request_id_from_the_proxy_is_kept_and_sent_back(client, log):
    response = client.get("/healthz", headers={"X-Request-ID": "edge-7f3a9c.01"})
    assert response.headers["X-Request-ID"] == "edge-7f3a9c.01"
    assert log.only()["id"] == "edge-7f3a9c.01"


@pytest.mark.parametrize(
    "sent", ["two words", "x" * 65, "a\tb", "<script>", 'quote"d', "ligne\u00e9"]
)
def test_an_odd_request_id_is_replaced(client, log, sent):
    response = client.get("/healthz", headers={"X-Request-ID": sent})
    made = response.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    assert log.only()["id"] == made


def test_an_odd_path_stays_on_one_line(client, log):
    client.get("/territories/a%0Atime=forged%20b%22")
    assert len(log.lines) == 1
    assert "\n" not in log.lines[0]
    assert 'path="/territories/a\\ntime=forged b\\""' in log.lines[0]


def test_a_signed_in_request_names_the_account_and_no_secret(client, accounts, log):
    user_id = accounts.create(OFFICER, "officer", [FIGUIG])
    token = csrf_token(client, "/login")
    signed = client.post(
        "/login", data={"email": OFFICER, "password": accounts.PASSWORD, "csrf_token": token}
    )
    assert signed.status_code == 302
    cookie = client.get_cookie("session")
    assert cookie is not None
    client.get("/work")
    work_token = csrf_token(client, f"/work/{FIGUIG}/measure/new")
    text = "\n".join(log.lines)
    lines = [LINE.fullmatch(line) for line in log.lines]
    assert [line["path"] for line in lines] == [
        "/login",
        "/login",
        "/work",
        f"/work/{FIGUIG}/measure/new",
    ]
    assert [line["user"] for line in lines] == ["-", str(user_id), str(user_id), str(user_id)]
    for secret in (accounts.PASSWORD, cookie.value, token, work_token, OFFICER):
        assert secret not in text
    for word in accounts.PASSWORD.split():
        assert word not in text


def test_a_wrong_password_is_not_logged_either(client, accounts, log):
    accounts.create(OFFICER, "officer", [FIGUIG])
    accounts.login(OFFICER, "a guess that is wrong")
    text = "\n".join(log.lines)
    assert "a guess that is wrong" not in text
    assert OFFICER not in text
