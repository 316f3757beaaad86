"""Anyone signed in changes their own password; an administrator resets one (a temporary
password, shown once, changed at the next sign-in) and unlocks an account."""

import re

import pytest
from sqlalchemy import func, select

from tests.support import csrf_token
from tracker.extensions import db
from tracker.models import SignInAttempt, User
from tracker.models.base import now_utc

FIGUIG = "02.251.01.03"
NEW = "a brand new passphrase"


def _change(client, current, new, again=None, lang="en"):
    token = csrf_token(client, "/account/password")
    return client.post(
        f"/account/password?lang={lang}",
        data={
            "current_password": current,
            "new_password": new,
            "confirm_password": new if again is None else again,
            "csrf_token": token,
        },
    )


def _user(app, email="figuig@example.org") -> User:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        db.session.expunge(user)
        return user


def test_the_header_links_to_the_password_page_once_signed_in(client, accounts):
    accounts.create("figuig@example.org", "officer", [FIGUIG])
    assert 'href="/account/password"' not in client.get("/?lang=fr").get_data(as_text=True)
    accounts.login("figuig@example.org")
    page = client.get("/work?lang=fr").get_data(as_text=True)
    assert re.search(r'<a href="/account/password">Mot de passe</a>', page)
    assert client.get("/account/password?lang=ar").status_code == 200


def test_a_password_change_keeps_this_session_and_ends_the_others(app, client, accounts):
    accounts.create("figuig@example.org", "officer", [FIGUIG])
    other = app.test_client()
    token = csrf_token(other, "/login")
    other.post(
        "/login",
        data={"email": "figuig@example.org", "password": accounts.PASSWORD, "csrf_token": token},
    )
    assert other.get("/work").status_code == 200
    accounts.login("figuig@example.org")
    response = _change(client, accounts.PASSWORD, NEW, lang="fr")
    assert response.status_code == 302
    page = client.get("/work?lang=fr").get_data(as_text=True)
    assert "Votre mot de passe est changé. Vos autres sessions sont fermées." in page
    assert other.get("/work").status_code == 302  # sent to the sign-in page
    accounts.logout()
    assert accounts.login("figuig@example.org").status_code == 401
    assert accounts.login("figuig@example.org", NEW).status_code == 302


@pytest.mark.parametrize(
    "current, new, again, lang, message",
    [
        ("not my password at all", NEW, None, "fr", "Ce n&#39;est pas votre mot de passe actuel."),
        ("not my password at all", NEW, None, "ar", "هذه ليست كلمة مرورك الحالية."),
        (None, "too short", None, "fr", "Le mot de passe doit comporter au moins 12 caractères."),
        (None, NEW, "a different one", "ar", "كلمتا المرور الجديدتان غير متطابقتين."),
        (None, None, None, "fr", "Le nouveau mot de passe doit être différent de l&#39;actuel."),
    ],
)
def test_a_refused_change_writes_nothing(app, client, accounts, current, new, again, lang, message):
    accounts.create("figuig@example.org", "officer", [FIGUIG])
    accounts.login("figuig@example.org")
    before = _user(app)
    response = _change(
        client, current or accounts.PASSWORD, new or accounts.PASSWORD, again, lang=lang
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    after = _user(app)
    assert (after.password_hash, after.session_token) == (
        before.password_hash,
        before.session_token,
    )
    assert client.get("/work").status_code == 200


def test_the_password_page_needs_a_session_and_its_csrf_token(client, accounts):
    assert client.get("/account/password").status_code == 302
    accounts.create("figuig@example.org", "officer", [FIGUIG])
    accounts.login("figuig@example.org")
    response = client.post(
        "/account/password",
        data={"current_password": accounts.PASSWORD, "new_password": NEW, "confirm_password": NEW},
    )
    assert response.status_code == 400


# ---- an administrator resets and unlocks ------------------------------------------------------


def _admin_post(client, user_id, action):
    token = csrf_token(client, f"/admin/accounts/{user_id}")
    return client.post(f"/admin/accounts/{user_id}/{action}?lang=fr", data={"csrf_token": token})


def test_a_reset_password_is_shown_once_and_must_be_changed(app, client, accounts):
    accounts.create("admin@example.org", "admin")
    figuig = accounts.create("figuig@example.org", "officer", [FIGUIG])
    old = _user(app)
    accounts.login("admin@example.org")
    response = _admin_post(client, figuig, "reset-password")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    assert "Il n'est affiché que cette fois" in page
    temporary = re.search(r'<code dir="ltr">([a-z2-9-]{19})</code>', page).group(1)
    assert temporary not in client.get(f"/admin/accounts/{figuig}").get_data(as_text=True)
    reset = _user(app)
    assert reset.must_change_password and reset.session_token != old.session_token
    accounts.logout()
    assert accounts.login("figuig@example.org").status_code == 401  # the old one is gone
    response = accounts.login("figuig@example.org", temporary)
    assert response.headers["Location"].endswith("/account/password")
    # Every other page leads back to the password page until a new one is chosen.
    assert client.get("/work").headers["Location"].endswith("/account/password")
    page = client.get("/account/password?lang=ar").get_data(as_text=True)
    assert "أعاد مسؤول تعيين كلمة مرورك: اختر كلمة مرور خاصة بك للمتابعة." in page
    assert _change(client, temporary, NEW).status_code == 302
    assert client.get("/work").status_code == 200
    assert not _user(app).must_change_password


def test_an_administrator_unlocks_an_account(app, client, accounts):
    accounts.create("admin@example.org", "admin")
    figuig = accounts.create("figuig@example.org", "officer", [FIGUIG])
    with app.app_context():
        for _ in range(5):
            db.session.add(
                SignInAttempt(email="figuig@example.org", address="203.0.113.7", at=now_utc())
            )
        db.session.commit()
    accounts.login("admin@example.org")
    assert ", verrouillé" in client.get("/admin/accounts?lang=fr").get_data(as_text=True)
    page = client.get(f"/admin/accounts/{figuig}?lang=fr").get_data(as_text=True)
    assert "Des connexions échouées verrouillent ce compte en ce moment" in page
    response = _admin_post(client, figuig, "unlock")
    assert response.status_code == 302
    page = client.get(response.headers["Location"] + "?lang=fr").get_data(as_text=True)
    assert "Compte déverrouillé : il peut de nouveau se connecter depuis toute adresse." in page
    assert "Ce compte n'est verrouillé depuis aucune adresse." in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SignInAttempt)) == 0


@pytest.mark.parametrize("role, territories", [("officer", [FIGUIG]), ("coordinator", ["02"])])
@pytest.mark.parametrize("action", ["reset-password", "unlock"])
def test_only_administrators_reset_and_unlock(app, client, accounts, role, territories, action):
    target = accounts.create("target@example.org", "officer", [FIGUIG])
    accounts.create("someone@example.org", role, territories)
    with app.app_context():
        db.session.add(
            SignInAttempt(email="target@example.org", address="203.0.113.7", at=now_utc())
        )
        db.session.commit()
    before = _user(app, "target@example.org")
    accounts.login("someone@example.org")
    token = csrf_token(client, "/work")
    response = client.post(f"/admin/accounts/{target}/{action}", data={"csrf_token": token})
    assert response.status_code == 403
    after = _user(app, "target@example.org")
    assert (after.password_hash, after.session_token, after.must_change_password) == (
        before.password_hash,
        before.session_token,
        False,
    )
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SignInAttempt)) == 1


@pytest.mark.parametrize("action", ["reset-password", "unlock"])
def test_reset_and_unlock_need_the_csrf_token(app, client, accounts, action):
    accounts.create("admin@example.org", "admin")
    target = accounts.create("figuig@example.org", "officer", [FIGUIG])
    before = _user(app)
    accounts.login("admin@example.org")
    assert client.post(f"/admin/accounts/{target}/{action}").status_code == 400
    assert _user(app).session_token == before.session_token


def test_an_administrator_changes_their_own_password_on_the_password_page(app, client, accounts):
    admin = accounts.create("admin@example.org", "admin")
    accounts.login("admin@example.org")
    before = _user(app, "admin@example.org")
    response = _admin_post(client, admin, "reset-password")
    assert response.status_code == 302
    assert _user(app, "admin@example.org").password_hash == before.password_hash
