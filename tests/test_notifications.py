"""E-mail when a record is submitted (to its region's coordinators), returned with a
comment or validated (to whoever submitted it): in each recipient's language, with the
record's address, sent after the step is saved and never holding it up or failing it."""

from __future__ import annotations

import email
import logging
import re
import socket
import time
from email import policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from tests.support import csrf_token
from tracker.extensions import db
from tracker.models import Measure, User
from tracker.notifications import wait_until_sent
from tracker.records import service

FIGUIG = "02.251.01.03"
OFFICER = "figuig@example.org"
COORDINATOR_AR = "coord.ar@example.org"
COORDINATOR_EN = "coord.en@example.org"
ELSEWHERE = "coord.tanger@example.org"
RETIRED = "coord.retired@example.org"
COMMENT = "Préciser le budget <b>2026</b>\nحدد الميزانية"


class Inbox:
    """What the local mail server received: (envelope recipients, parsed message)."""

    def __init__(self):
        self.received: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        message = email.message_from_bytes(envelope.original_content, policy=policy.default)
        self.received.append((list(envelope.rcpt_tos), message))
        return "250 OK"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for rcpt, m in self.received if address in rcpt]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(app):
    """A mail server on a free loopback port, the app's mail settings pointing at it."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=controller.port,
        MAIL_FROM="tracker@example.org",
        MAIL_TIMEOUT=5,
        PUBLIC_URL="https://tracker.example.ma/",
    )
    yield inbox
    assert wait_until_sent(10)
    controller.stop()


@pytest.fixture
def people(accounts, app):
    """An officer of Figuig, two coordinators of the Oriental (Arabic, English), one of
    Tanger's region and a disabled one of the Oriental."""
    accounts.create(OFFICER, "officer", [FIGUIG])
    for address, region in (
        (COORDINATOR_AR, "02"),
        (COORDINATOR_EN, "02"),
        (ELSEWHERE, "01"),
        (RETIRED, "02"),
    ):
        accounts.create(address, "coordinator", [region])
    with app.app_context():
        for address, language in ((COORDINATOR_AR, "ar"), (COORDINATOR_EN, "en")):
            db.session.scalar(select(User).where(User.email == address)).language = language
        db.session.scalar(select(User).where(User.email == RETIRED)).active = False
        db.session.commit()
    return accounts


def draft(app, title: str = "Cellule d'accueil des migrants") -> int:
    with app.app_context():
        officer = db.session.scalar(select(User).where(User.email == OFFICER))
        measure = service.save_measure(
            officer,
            {"territory_code": FIGUIG, "title": title, "kind": "reception", "status": "ongoing"},
        )
        db.session.commit()
        return measure.id


def step(client, measure_id: int, action: str, version: int, **data):
    return timed_step(client, measure_id, action, version, **data)[0]


def timed_step(client, measure_id: int, action: str, version: int, **data):
    """Take the step through the record page's form: the response and how long the
    step's request took (the page read for its token aside)."""
    view = f"/work/measure/{measure_id}"
    token = csrf_token(client, view)
    started = time.monotonic()
    response = client.post(
        f"{view}/{action}", data={"version": version, "csrf_token": token, **data}
    )
    return response, time.monotonic() - started


def text_of(message, kind: str = "plain") -> str:
    return message.get_body(preferencelist=(kind,)).get_content().replace("\r\n", "\n")


def state_of(app, measure_id: int) -> str:
    with app.app_context():
        return db.session.get(Measure, measure_id).review_state


def test_a_submission_tells_the_regions_coordinators_each_in_their_language(
    app, client, people, smtp
):
    measure_id = draft(app)
    people.login(OFFICER)
    assert step(client, measure_id, "submit", 1).status_code == 302
    assert wait_until_sent(10)
    assert sorted(r for rcpt, _m in smtp.received for r in rcpt) == [COORDINATOR_AR, COORDINATOR_EN]
    address = f"https://tracker.example.ma/work/measure/{measure_id}"

    (arabic,) = smtp.to(COORDINATOR_AR)
    assert arabic["Subject"] == "مقدَّم لمراجعتكم: Cellule d'accueil des migrants"
    assert arabic["From"] == "tracker@example.org"
    html = text_of(arabic, "html")
    assert '<html lang="ar" dir="rtl">' in html
    assert f'href="{address}"' in html
    plain = text_of(arabic)
    assert "قدّم figuig@example.org بطاقة لمراجعتكم." in plain
    assert address in plain

    (english,) = smtp.to(COORDINATOR_EN)
    assert english["Subject"] == "Submitted for your review: Cellule d'accueil des migrants"
    assert '<html lang="en" dir="ltr">' in text_of(english, "html")
    assert "figuig@example.org submitted a record for your review." in text_of(english)


def test_a_return_tells_the_submitter_in_french_with_the_comment_as_their_text(
    app, client, people, smtp
):
    # The officer uses the site in French: their mail is in French.
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr"
    measure_id = draft(app)
    people.login(OFFICER)
    step(client, measure_id, "submit", 1)
    people.logout()
    people.login(COORDINATOR_EN)
    assert step(client, measure_id, "return", 2, comment=COMMENT).status_code == 302
    assert wait_until_sent(10)
    (returned,) = smtp.to(OFFICER)
    assert returned["Subject"] == "Renvoyé pour correction : Cellule d'accueil des migrants"
    plain = text_of(returned)
    assert (
        "coord.en@example.org a renvoyé cette fiche pour correction, avec ce commentaire :" in plain
    )
    assert "> \u2068Préciser le budget <b>2026</b>\u2069\n> \u2068حدد الميزانية\u2069" in plain
    html = text_of(returned, "html")
    # The comment is text: escaped, in its own direction.
    assert '<blockquote dir="auto"' in html
    assert "Préciser le budget &lt;b&gt;2026&lt;/b&gt;" in html and "<b>2026" not in html
    assert f"https://tracker.example.ma/work/measure/{measure_id}" in html
    # The coordinator who returned it is not told of their own step.
    assert smtp.to(COORDINATOR_EN) == [] or all(
        "Renvoy" not in m["Subject"] and "Returned" not in m["Subject"]
        for m in smtp.to(COORDINATOR_EN)
    )


def test_a_validation_tells_the_submitter_and_nobody_else(app, client, people, smtp):
    # The officer uses the site in French: their mail is in French.
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr"
    measure_id = draft(app)
    people.login(OFFICER)
    step(client, measure_id, "submit", 1)
    people.logout()
    assert wait_until_sent(10)
    smtp.received.clear()
    people.login(COORDINATOR_AR)
    assert step(client, measure_id, "validate", 2).status_code == 302
    assert wait_until_sent(10)
    assert [rcpt for rcpt, _m in smtp.received] == [[OFFICER]]
    (validated,) = smtp.to(OFFICER)
    assert validated["Subject"] == "Validé : Cellule d'accueil des migrants"
    assert "a validé cette fiche : elle est désormais publique." in text_of(validated)


def test_the_link_follows_the_request_without_a_public_address(app, client, people, smtp):
    app.config["PUBLIC_URL"] = None
    measure_id = draft(app)
    people.login(OFFICER)
    step(client, measure_id, "submit", 1)
    assert wait_until_sent(10)
    (english,) = smtp.to(COORDINATOR_EN)
    assert f"http://localhost/work/measure/{measure_id}" in text_of(english)


def test_nothing_is_sent_when_the_step_is_refused(app, client, people, smtp):
    measure_id = draft(app)
    people.login(OFFICER)
    # A stale version: the step is refused and rolled back, so nobody is told of it.
    step(client, measure_id, "submit", 7)
    assert wait_until_sent(10)
    assert smtp.received == [] and state_of(app, measure_id) == "draft"


def test_without_a_mail_server_nothing_is_sent_and_the_steps_work(app, client, people):
    assert app.config["MAIL_SERVER"] is None
    measure_id = draft(app)
    people.login(OFFICER)
    assert step(client, measure_id, "submit", 1).status_code == 302
    assert state_of(app, measure_id) == "submitted"


def test_the_language_an_account_last_used_is_kept_for_its_mail(app, client, people):
    with app.app_context():
        assert db.session.scalar(select(User.language).where(User.email == OFFICER)) == "fr"
    people.login(OFFICER)
    client.get("/work?lang=ar")
    with app.app_context():
        assert db.session.scalar(select(User.language).where(User.email == OFFICER)) == "ar"
    client.get("/language/en?next=/work")
    client.get("/work")
    with app.app_context():
        assert db.session.scalar(select(User.language).where(User.email == OFFICER)) == "en"


@pytest.fixture
def silent_server(app):
    """A mail server that takes the connection and never says a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=listener.getsockname()[1], MAIL_TIMEOUT=3)
    yield listener
    assert wait_until_sent(20)
    listener.close()


def test_a_mail_server_that_never_answers_holds_up_no_step(
    app, client, people, silent_server, caplog
):
    measure_id = draft(app)
    people.login(OFFICER)
    # Two coordinators to tell, each given up on after 3 s: the step does not wait.
    response, took = timed_step(client, measure_id, "submit", 1)
    assert response.status_code == 302 and took < 1.0
    people.logout()
    people.login(COORDINATOR_AR)
    with caplog.at_level(logging.WARNING, logger="tracker.mail"):
        response, took = timed_step(client, measure_id, "validate", 2)
        assert response.status_code == 302 and took < 1.0
        assert state_of(app, measure_id) == "validated"
        assert wait_until_sent(20)
    failures = [r.getMessage() for r in caplog.records if r.name == "tracker.mail"]
    assert any(OFFICER in line and "timed out" in line for line in failures), failures


def test_a_refused_connection_is_logged_not_raised(app, client, people, caplog):
    app.config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=free_port(),
        MAIL_USERNAME="tracker",
        MAIL_PASSWORD="s3cret-mail-password",
    )
    measure_id = draft(app)
    people.login(OFFICER)
    with caplog.at_level(logging.INFO, logger="tracker.mail"):
        assert step(client, measure_id, "submit", 1).status_code == 302
        assert wait_until_sent(10)
    assert state_of(app, measure_id) == "submitted"
    lines = [r.getMessage() for r in caplog.records if r.name == "tracker.mail"]
    assert len([line for line in lines if "ConnectionRefusedError" in line]) == 2, lines
    assert not any("s3cret" in line for line in caplog.text.splitlines())


def test_the_migration_adds_the_columns_the_model_describes(app):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with app.app_context():
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    names = ("language", "last_seen_at", "previous_visit_at")
    assert [d for d in differences if any(n in repr(d) for n in names)] == []


def test_a_record_page_address_in_the_mail_opens_for_the_recipient(app, client, people, smtp):
    measure_id = draft(app)
    people.login(OFFICER)
    step(client, measure_id, "submit", 1)
    assert wait_until_sent(10)
    people.logout()
    people.login(COORDINATOR_EN)
    (english,) = smtp.to(COORDINATOR_EN)
    path = re.search(r"https://tracker\.example\.ma(/work/measure/\d+)", text_of(english)).group(1)
    assert client.get(path + "?lang=en").status_code == 200
