"""Accounts: signing in and out, throttling, locking, disabling, administration."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.support import csrf_token
from tracker.accounts import SignInRefused, sign_in
from tracker.extensions import db
from tracker.models import SignInAttempt, User
from tracker.models.base import now_utc


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
    assert "The e-mail address or the password is wrong." in response.get_data(as_text=True)
    assert client.get("/work").status_code == 302


def test_unknown_account_gets_the_same_message(client, accounts):
    response = accounts.login("nobody@example.org", "whatever password")
    assert response.status_code == 401
    assert "The e-mail address or the password is wrong." in response.get_data(as_text=True)


def _failures(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(SignInAttempt))


def _age_failures(app, by: timedelta) -> None:
    """Make every recorded failure older by `by`, as if that time had passed."""
    with app.app_context():
        for attempt in db.session.scalars(select(SignInAttempt)):
            attempt.at = attempt.at - by
        db.session.commit()


GENERIC = "The e-mail address or the password is wrong."


def test_failed_logins_slow_then_lock_the_account_in_the_database(app, client, accounts):
    accounts.create("figuig@example.org", "officer", ["02.251.01.03"])
    for _ in range(3):
        accounts.login("figuig@example.org", "wrong password here")
    assert _failures(app) == 3
    # Even the right password waits while the account is slowed, and is told nothing more.
    response = accounts.login("figuig@example.org")
    assert response.status_code == 401
    assert GENERIC in response.get_data(as_text=True)
    assert "Try again" not in response.get_data(as_text=True)
    _age_failures(app, timedelta(seconds=16))
    accounts.login("figuig@example.org", "wrong password here")
    _age_failures(app, timedelta(seconds=31))
    accounts.login("figuig@example.org", "wrong password here")
    assert _failures(app) == 5
    # The fifth locks for 15 minutes: at 14 minutes the right password is still refused.
    _age_failures(app, timedelta(minutes=14))
    assert accounts.login("figuig@example.org").status_code == 401
    _age_failures(app, timedelta(minutes=1, seconds=1))
    assert accounts.login("figuig@example.org").status_code == 302


def test_success_resets_the_counter(app, accounts):
    accounts.create("figuig@example.org", "officer", ["02.251.01.03"])
    accounts.login("figuig@example.org", "wrong password here")
    assert accounts.login("figuig@example.org").status_code == 302
    assert _failures(app) == 0


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
        (["--role", "officer"], "A local officer needs at least one territory."),
        (["--role", "officer", "--territory", "99.999"], "Unknown territory code: 99.999."),
        (["--role", "coordinator", "--territory", "02.251"], "is assigned regions only."),
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
    assert "The password must have at least 12 characters." in result.output


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


def _add_failures(app, count: int, ago: timedelta) -> None:
    with app.app_context():
        for _ in range(count):
            db.session.add(
                SignInAttempt(email="figuig@example.org", address="127.0.0.1", at=now_utc() - ago)
            )
        db.session.commit()


def test_wrong_guesses_made_in_parallel_are_all_counted(app, accounts, monkeypatch):
    accounts.create("figuig@example.org", "officer", ["02.251.01.03"])
    _add_failures(app, 3, timedelta(minutes=1))
    real = User.check_password

    def another_guess_meanwhile(self, password):
        # While this request checks the hash, another worker counts its own wrong guess.
        result = real(self, password)
        with db.engine.begin() as connection:
            connection.execute(
                SignInAttempt.__table__.insert().values(
                    email="figuig@example.org", address="127.0.0.1", at=now_utc()
                )
            )
        return result

    monkeypatch.setattr(User, "check_password", another_guess_meanwhile)
    with app.test_request_context("/login"), pytest.raises(SignInRefused):
        sign_in("figuig@example.org", "wrong password here", "127.0.0.1")
    monkeypatch.undo()
    # Three earlier failures, the parallel one and this one: the fifth locks for 15 minutes.
    assert _failures(app) == 5
    with app.test_request_context("/login"), pytest.raises(SignInRefused):
        sign_in("figuig@example.org", accounts.PASSWORD, "127.0.0.1")


# ---- account administration: e-mail addresses ------------------------------------------------


def _account_form(client, url, **fields):
    token = csrf_token(client, url)
    data = {"role": "officer", "territories": "02.251.01.03", "active": "y", "csrf_token": token}
    return client.post(url, data={**data, **fields})


def test_an_e_mail_already_in_use_is_refused_on_the_form(app, client, accounts):
    accounts.create("admin@example.org", "admin")
    accounts.create("figuig@example.org", "officer", ["02.251.01.03"])
    bouarfa = accounts.create("bouarfa@example.org", "officer", ["02.251.01.03"])
    accounts.login("admin@example.org")
    edited = _account_form(client, f"/admin/accounts/{bouarfa}", email="Figuig@Example.org")
    assert edited.status_code == 400
    assert "An account already uses this e-mail address." in edited.get_data(as_text=True)
    created = _account_form(
        client, "/admin/accounts/new", email="figuig@example.org", password="a long new password"
    )
    assert created.status_code == 400
    assert "An account already uses this e-mail address." in created.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, bouarfa).email == "bouarfa@example.org"
        assert len(db.session.scalars(select(User)).all()) == 3
    # Its own address, unchanged, is of course accepted.
    assert (
        _account_form(client, f"/admin/accounts/{bouarfa}", email="bouarfa@example.org").status_code
        == 302
    )


@pytest.mark.parametrize(
    "email", ["figuig", "figuig@", "figuig@commune", "fi guig@commune.ma", "@commune.ma"]
)
def test_a_malformed_e_mail_is_refused_on_the_form(app, client, accounts, email):
    accounts.create("admin@example.org", "admin")
    bouarfa = accounts.create("bouarfa@example.org", "officer", ["02.251.01.03"])
    accounts.login("admin@example.org")
    for url, extra in (
        (f"/admin/accounts/{bouarfa}", {}),
        ("/admin/accounts/new", {"password": "a long new password"}),
    ):
        response = _account_form(client, url, email=email, **extra)
        assert response.status_code == 400
        assert "This is not an e-mail address." in response.get_data(as_text=True)
    with app.app_context():
        assert sorted(db.session.scalars(select(User.email))) == [
            "admin@example.org",
            "bouarfa@example.org",
        ]
