"""Accounts: signing in and out, throttling, locking, disabling, administration."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token
from tracker.extensions import db
from tracker.models import User


def test_no_default_account(app):
    with app.app_context():
        assert db.session.scalars(select(User)).all() == []


def test_password_is_hashed_with_argon2id(app, accounts):
    accounts.create("figuig@example.org", "officer", ["02.251.01.03"])
    with app.app_context():
        user = db.session.scalar(select(User))
        assert user.password_hash.startswith("$argon2id$")
        assert "m=65536" in user.password_hash
        assert accounts.PASSWORD not in user.password_hash


def test_login_then_logout_ends_the_session_on_the_server(app, client, accounts):
    accounts.create("figuig@example.org", "officer", ["02.251.01.03"])
    response = accounts.login("Figuig@Example.org ")
    assert response.status_code == 302
    assert client.get("/work").status_code == 200
    copied = client.get_cookie("session").value
    accounts.logout()
    assert client.get("/work").status_code == 302  # sent to the sign-in page
    # A copy of the old cookie no longer opens anything.
    client.set_cookie("session", copied)
    assert client.get("/work").status_code == 302


def test_wrong_password_is_refused_with_a_message(client, accounts):
    accounts.create("figuig@example.org", "officer", ["02.251.01.03"])
    response = accounts.login("figuig@example.org", "wrong password here")
    assert response.status_code == 401
    assert "wrong" in response.get_data(as_text=True)
    assert client.get("/work").status_code == 302


def test_unknown_account_gets_the_same_message(client, accounts):
    response = accounts.login("nobody@example.org", "whatever password")
    assert response.status_code == 401
    assert "The e-mail address or the password is wrong." in response.get_data(as_text=True)


def test_failed_logins_slow_then_lock_the_account_in_the_database(app, client, accounts):
    accounts.create("figuig@example.org", "officer", ["02.251.01.03"])
    for _ in range(3):
        accounts.login("figuig@example.org", "wrong password here")
    with app.app_context():
        user = db.session.scalar(select(User))
        assert user.failed_logins == 3 and user.locked_until is not None
    # Even the right password waits while the account is slowed.
    response = accounts.login("figuig@example.org")
    assert response.status_code == 401
    assert "Try again" in response.get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(select(User))
        user.locked_until = datetime.now(UTC) - timedelta(seconds=1)
        user.failed_logins = 4
        db.session.commit()
    accounts.login("figuig@example.org", "wrong password here")
    with app.app_context():
        user = db.session.scalar(select(User))
        locked = user.locked_until.replace(tzinfo=UTC)
        assert locked - datetime.now(UTC) > timedelta(minutes=14)


def test_success_resets_the_counter(app, accounts):
    accounts.create("figuig@example.org", "officer", ["02.251.01.03"])
    accounts.login("figuig@example.org", "wrong password here")
    assert accounts.login("figuig@example.org").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(User)).failed_logins == 0


def test_login_form_needs_its_csrf_token(client, accounts):
    accounts.create("figuig@example.org", "officer", ["02.251.01.03"])
    response = client.post(
        "/login", data={"email": "figuig@example.org", "password": accounts.PASSWORD}
    )
    assert response.status_code == 400


def test_cli_creates_an_account_reading_the_password(app, runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "coord@example.org",
            "--role",
            "coordinator",
            "--territory",
            "02",
        ],
        input="a long enough password\na long enough password\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User))
        assert user.role == "coordinator" and [t.code for t in user.territories] == ["02"]
        assert user.check_password("a long enough password")


@pytest.mark.parametrize(
    "args, message",
    [
        (["--role", "officer"], "needs at least one territory"),
        (["--role", "officer", "--territory", "99.999"], "Unknown territory code"),
        (["--role", "coordinator", "--territory", "02.251"], "regions only"),
        (["--role", "emperor", "--territory", "02"], "emperor"),
    ],
)
def test_cli_refuses_bad_accounts(app, runner, args, message):
    result = runner.invoke(
        args=["users", "create", "--email", "x@example.org", *args],
        input="a long enough password\na long enough password\n",
    )
    assert result.exit_code != 0
    assert message in result.output
    with app.app_context():
        assert db.session.scalars(select(User)).all() == []


def test_cli_refuses_a_short_password(app, runner):
    result = runner.invoke(
        args=["users", "create", "--email", "x@example.org", "--role", "admin"],
        input="short\nshort\n",
    )
    assert result.exit_code != 0
    assert "12 characters" in result.output


def test_admin_creates_and_disables_an_account(app, client, accounts):
    accounts.create("admin@example.org", "admin")
    accounts.login("admin@example.org")
    token = csrf_token(client, "/admin/accounts/new")
    response = client.post(
        "/admin/accounts/new",
        data={
            "email": "nador@example.org",
            "role": "officer",
            "territories": "02.381.01.05",
            "password": "another long password",
            "active": "y",
            "csrf_token": token,
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        nador = db.session.scalar(select(User).where(User.email == "nador@example.org"))
        nador_id, old_token = nador.id, nador.session_token
    # Disabling ends the account's sessions.
    token = csrf_token(client, f"/admin/accounts/{nador_id}")
    client.post(
        f"/admin/accounts/{nador_id}",
        data={
            "email": "nador@example.org",
            "role": "officer",
            "territories": "02.381.01.05",
            "csrf_token": token,
        },
    )
    with app.app_context():
        nador = db.session.get(User, nador_id)
        assert nador.active is False and nador.session_token != old_token


def test_officers_cannot_reach_account_administration(client, accounts):
    accounts.create("figuig@example.org", "officer", ["02.251.01.03"])
    accounts.login("figuig@example.org")
    assert client.get("/admin/accounts").status_code == 403
    assert client.get("/admin/accounts/new").status_code == 403
