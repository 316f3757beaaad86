"""Changing one's own password in a real browser, in Arabic on a phone-sized screen:
from the header's link, the current password then the new one twice; the page stays
within the screen and the account signs in with the new password afterwards.
Screenshots in /tmp/shots/accounts/."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.accounts import create_user
from tracker.extensions import db

FIGUIG = "02.251.01.03"
PASSWORD = "a long enough password 2026"
NEW = "a brand new passphrase 2026"
SHOTS = Path("/tmp/shots/accounts")


@pytest.fixture
def officer(live_server):
    with live_server.app.app_context():
        create_user("figuig@example.org", PASSWORD, "officer", [FIGUIG])
        db.session.commit()


def _sign_in(page, password):
    page.goto(f"{page.base_url}/login?lang=ar")
    page.fill("input[name=email]", "figuig@example.org")
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_an_officer_changes_their_password_in_arabic_on_a_phone(page, officer):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 390, "height": 844})
    _sign_in(page, PASSWORD)
    page.wait_for_url("**/work")
    page.click("header .account a[href='/account/password']")
    page.wait_for_url("**/account/password")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("h1").inner_text() == "تغيير كلمة المرور"
    assert _fits(page)
    page.fill("input[name=current_password]", PASSWORD)
    page.fill("input[name=new_password]", NEW)
    page.fill("input[name=confirm_password]", "not the same one 2026")
    page.click("main form button[type=submit]")
    assert "كلمتا المرور الجديدتان غير متطابقتين." in page.locator("main").inner_text()
    page.screenshot(path=str(SHOTS / "password-ar-390-refused.png"), full_page=True)
    page.fill("input[name=current_password]", PASSWORD)
    page.fill("input[name=new_password]", NEW)
    page.fill("input[name=confirm_password]", NEW)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/work")
    assert (
        "تم تغيير كلمة مرورك. تم تسجيل خروج جلساتك الأخرى." in page.locator(".flashes").inner_text()
    )
    assert _fits(page)
    page.screenshot(path=str(SHOTS / "password-ar-390-changed.png"), full_page=False)
    page.click("header .account button[type=submit]")  # sign out
    _sign_in(page, NEW)
    page.wait_for_url("**/work")
    assert not page.watched.page_errors and not page.watched.refused
