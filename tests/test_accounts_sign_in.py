"""Sign-in refusals say nothing about the account; failures are counted by account and
client address, so guesses from one address do not lock an officer out from their own."""

from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from tests.support import csrf_token
from tracker.extensions import db
from tracker.models import SignInAttempt, User
from tracker.models.base import now_utc
from tracker.throttling import client_key

FIGUIG = "02.251.01.03"
ATTACKER = "203.0.113.7"
OFFICE = "198.51.100.20"


def _login(client, email, password, address, lang="en"):
    """Sign in through the form from client `address`, asking for `lang`."""
    environ = {"REMOTE_ADDR": address, "HTTP_ACCEPT_LANGUAGE": lang}
    token = csrf_token(client, "/login")
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        environ_base=environ,
    )


def _guesses(client, email, address, times=5, lang="en"):
    """`times` wrong guesses, each after the pause the previous ones earned (the recorded
    failures are made 31 seconds older before each), so the last ones are counted too."""
    for _ in range(times):
        _age(client.application, timedelta(seconds=31))
        assert _login(client, email, "a wrong guess here", address, lang).status_code == 401


def _age(app, by: timedelta) -> None:
    """Make every recorded failure older by `by`, as if that time had passed."""
    with app.app_context():
        for attempt in db.session.scalars(select(SignInAttempt)):
            attempt.at = attempt.at - by
        db.session.commit()


def _flash(response) -> str:
    """The refusal shown on the sign-in page."""
    page = response.get_data(as_text=True)
    start = page.index('class="flash flash-error"')
    return unescape(page[page.index(">", start) + 1 : page.index("</p>", start)])


def test_an_officer_locked_from_one_address_signs_in_from_another(client, accounts):
    accounts.create("figuig@example.org", "officer", [FIGUIG])
    _guesses(client, "figuig@example.org", ATTACKER)
    # Locked for 15 minutes for the guesser's address, even with the right password...
    _age(client.application, timedelta(minutes=14))
    assert _login(client, "figuig@example.org", accounts.PASSWORD, ATTACKER).status_code == 401
    # ...but not for the officer at their own.
    response = _login(client, "figuig@example.org", accounts.PASSWORD, OFFICE)
    assert response.status_code == 302
    assert client.get("/work").status_code == 200


@pytest.mark.parametrize(
    "lang, message",
    [
        ("fr", "L'adresse e-mail ou le mot de passe est incorrect."),
        ("ar", "البريد الإلكتروني أو كلمة المرور غير صحيحين."),
    ],
)
def test_unknown_wrong_and_locked_accounts_get_the_same_words(app, client, accounts, lang, message):
    accounts.create("figuig@example.org", "officer", [FIGUIG])
    unknown = _login(client, "nobody@example.org", "whatever password", OFFICE, lang)
    wrong = _login(client, "figuig@example.org", "a wrong guess here", OFFICE, lang)
    _guesses(client, "figuig@example.org", ATTACKER, lang=lang)
    locked = _login(client, "figuig@example.org", accounts.PASSWORD, ATTACKER, lang)
    assert [r.status_code for r in (unknown, wrong, locked)] == [401, 401, 401]
    assert _flash(unknown) == _flash(wrong) == _flash(locked) == message


def test_an_unknown_account_locks_like_a_known_one(client, accounts):
    """The lock itself does not tell which e-mail addresses have an account."""
    accounts.create("figuig@example.org", "officer", [FIGUIG])
    for email in ("figuig@example.org", "nobody@example.org"):
        _guesses(client, email, ATTACKER)
    with client.application.app_context():
        counts = db.session.execute(
            select(SignInAttempt.email, func.count()).group_by(SignInAttempt.email)
        ).all()
    assert sorted(counts) == [("figuig@example.org", 5), ("nobody@example.org", 5)]


def test_an_unknown_account_costs_a_password_check_as_a_known_one(client, accounts, monkeypatch):
    accounts.create("figuig@example.org", "officer", [FIGUIG])
    checked = []
    real = User.check_password
    monkeypatch.setattr(
        User, "check_password", lambda self, password: checked.append(1) or real(self, password)
    )
    _login(client, "nobody@example.org", "a wrong guess here", OFFICE)
    _login(client, "figuig@example.org", "a wrong guess here", OFFICE)
    assert len(checked) == 2


def test_an_address_failing_on_many_accounts_is_throttled_as_a_whole(app, client, accounts):
    accounts.create("figuig@example.org", "officer", [FIGUIG])
    # Two failures on each of ten accounts: none is even slowed, but the address made 20.
    for number in range(10):
        for _ in range(2):
            _login(client, f"guess{number}@example.org", "a wrong guess here", ATTACKER)
    response = _login(client, "figuig@example.org", accounts.PASSWORD, ATTACKER)
    assert response.status_code == 401
    assert "The e-mail address or the password is wrong." in response.get_data(as_text=True)
    # Elsewhere the same account signs in.
    assert _login(client, "figuig@example.org", accounts.PASSWORD, OFFICE).status_code == 302
    # After 15 minutes the address may try again.
    _age(app, timedelta(minutes=15, seconds=1))
    client.post("/logout", data={"csrf_token": csrf_token(client, "/work")})
    assert _login(client, "figuig@example.org", accounts.PASSWORD, ATTACKER).status_code == 302


def test_failures_older_than_a_day_are_pruned(app, client, accounts):
    with app.app_context():
        db.session.add(
            SignInAttempt(
                email="old@example.org", address=ATTACKER, at=now_utc() - timedelta(days=2)
            )
        )
        db.session.commit()
    _login(client, "nobody@example.org", "a wrong guess here", OFFICE)
    with app.app_context():
        assert db.session.scalars(select(SignInAttempt.email)).all() == ["nobody@example.org"]


@pytest.mark.parametrize(
    "address, key",
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        (None, "unknown"),
    ],
)
def test_an_ipv6_line_is_counted_as_its_network(address, key):
    assert client_key(address) == key


def test_the_model_and_the_migrations_agree_on_sign_in_attempts(app):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with app.app_context(), db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert [
        d for d in differences if "sign_in_attempt" in repr(d) or "must_change" in repr(d)
    ] == []
