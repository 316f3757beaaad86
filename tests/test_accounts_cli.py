"""`flask --app tracker users list|disable|reset-password|unlock`, and `users create`'s
`--role` among the roles."""

from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import SignInAttempt, User
from tracker.models.base import now_utc

FIGUIG = "02.251.01.03"


def _user(app, email="figuig@example.org") -> User:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        db.session.expunge(user)
        return user


def _lock(app, email="figuig@example.org") -> None:
    with app.app_context():
        for _ in range(5):
            db.session.add(SignInAttempt(email=email, address="203.0.113.7", at=now_utc()))
        db.session.commit()


def test_users_list_shows_role_territories_status_and_last_sign_in(app, runner, accounts):
    accounts.create("admin@example.org", "admin")
    accounts.create("figuig@example.org", "officer", [FIGUIG])
    accounts.create("oriental@example.org", "coordinator", ["02"])
    accounts.login("figuig@example.org")
    _lock(app, "oriental@example.org")
    result = runner.invoke(args=["users", "list"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "admin@example.org\tadmin\t-\tactive\tnever signed in"
    assert lines[1].startswith(f"figuig@example.org\tofficer\t{FIGUIG}\tactive\tlast sign-in 20")
    assert lines[2] == "oriental@example.org\tcoordinator\t02\tactive, locked\tnever signed in"
    assert lines[3] == "3 accounts."


def test_users_list_counts_one_account_in_the_singular(runner, accounts):
    accounts.create("admin@example.org", "admin")
    assert runner.invoke(args=["users", "list"]).output.splitlines()[-1] == "1 account."


def test_users_disable_ends_the_sessions(app, runner, accounts, client):
    accounts.create("figuig@example.org", "officer", [FIGUIG])
    accounts.login("figuig@example.org")
    result = runner.invoke(args=["users", "disable", "Figuig@Example.org"])
    assert result.exit_code == 0, result.output
    assert "Account figuig@example.org disabled" in result.output
    assert _user(app).active is False
    assert client.get("/work").status_code == 302
    assert "disabled" in runner.invoke(args=["users", "list"]).output


def test_users_reset_password_reads_standard_input(app, runner, accounts):
    accounts.create("figuig@example.org", "officer", [FIGUIG])
    _lock(app)
    before = _user(app)
    result = runner.invoke(
        args=["users", "reset-password", "figuig@example.org"], input="a new long password\n"
    )
    assert result.exit_code == 0, result.output
    after = _user(app)
    assert after.session_token != before.session_token and not after.must_change_password
    assert accounts.login("figuig@example.org", "a new long password").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SignInAttempt)) == 0


def test_users_reset_password_can_be_temporary(app, runner, accounts):
    accounts.create("figuig@example.org", "officer", [FIGUIG])
    result = runner.invoke(
        args=["users", "reset-password", "--temporary", "figuig@example.org"],
        input="a new long password\n",
    )
    assert result.exit_code == 0, result.output
    assert _user(app).must_change_password
    response = accounts.login("figuig@example.org", "a new long password")
    assert response.headers["Location"].endswith("/account/password")


def test_users_reset_password_refuses_a_weak_one(app, runner, accounts):
    accounts.create("figuig@example.org", "officer", [FIGUIG])
    before = _user(app)
    result = runner.invoke(args=["users", "reset-password", "figuig@example.org"], input="short\n")
    assert result.exit_code == 1
    assert "The password must have at least 12 characters." in result.output
    assert _user(app).password_hash == before.password_hash


def test_users_unlock_clears_the_failures(app, runner, accounts):
    accounts.create("figuig@example.org", "officer", [FIGUIG])
    _lock(app)
    assert accounts.login("figuig@example.org").status_code == 302  # from another address
    accounts.logout()
    result = runner.invoke(args=["users", "unlock", "figuig@example.org"])
    assert result.exit_code == 0, result.output
    assert "Account figuig@example.org unlocked (5 failed sign-ins cleared)." in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SignInAttempt)) == 0


def test_commands_refuse_an_unknown_account(runner):
    for command in (["disable"], ["unlock"], ["reset-password"]):
        result = runner.invoke(args=["users", *command, "nobody@example.org"], input="x" * 20)
        assert result.exit_code == 1
        assert "No account has the e-mail address nobody@example.org." in result.output


def test_the_role_is_one_of_the_roles(app, runner):
    result = runner.invoke(
        args=["users", "create", "--email", "x@example.org", "--role", "emperor"],
        input="a long enough password\n",
    )
    assert result.exit_code == 2
    assert "'emperor' is not one of 'officer', 'coordinator', 'admin'" in result.output
    help_text = runner.invoke(args=["users", "create", "--help"]).output
    assert "[officer|coordinator|admin]" in help_text
