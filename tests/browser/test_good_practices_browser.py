"""Good practices in a browser: a coordinator marks a measure from its record page on a
phone, in Arabic, and the public page shows it right to left without sideways scrolling."""

from __future__ import annotations

import pytest

from tests.support import FIGUIG, make_validated_measure
from tracker import create_app

PASSWORD = "a long coordinator password"
NOTE = "شراكة مع جمعية محلية؛ تطلّب الأمر تخصيص موظفَين وتكوينهما."


@pytest.fixture
def live_app(database_url, fake_geography):
    """The app on a copy of the full database, with the stand-in boundaries."""
    return create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "GEO_CACHE_DIR": str(fake_geography),
            "MAP_TILES_URL": None,
        }
    )


def test_a_coordinator_marks_a_measure_on_a_phone_in_arabic(browser, live_server):
    from tracker.accounts import create_user
    from tracker.extensions import db

    app = live_server.app
    with app.app_context():
        create_user("coordinator@example.org", PASSWORD, "coordinator", ["02"])
        db.session.commit()
    measure_id = make_validated_measure(app, FIGUIG, "Cellule d'accueil", kind="reception")

    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ar")
    page = context.new_page()
    page.goto(f"{live_server.url}/login?lang=ar")
    page.fill("input[name=email]", "coordinator@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.goto(f"{live_server.url}/work/measure/{measure_id}?lang=ar")
    page.fill("#good-practice textarea[name=note]", NOTE)
    page.click("#good-practice button[type=submit]")
    assert "تم تصنيفه ممارسةً جيدة" in page.inner_text(".flashes")
    assert "مصنَّف ممارسةً جيدة" in page.inner_text("#good-practice")

    page.goto(f"{live_server.url}/good-practices?lang=ar&near=02.251.01.01")
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.inner_text(".practice h3") == "Cellule d'accueil"
    assert NOTE in page.inner_text(".practice-note")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The note starts on the right, where an Arabic page starts its lines.
    box = page.locator(".practice-note").bounding_box()
    text = page.locator(".practice-note p[dir=auto]").first.bounding_box()
    assert box["x"] + box["width"] - (text["x"] + text["width"]) < 40
    context.close()
