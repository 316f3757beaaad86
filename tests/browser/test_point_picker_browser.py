"""The measure form's small map, in a real browser, offline: a click places the point and fills
latitude and longitude, typing moves the marker, dragging it moves the numbers, "clear the point"
empties both, and the measure is saved where it was placed; in French and in Arabic (right to
left). Without JavaScript the two numbers are typed and saved as before.

With SCREENSHOTS naming a folder, the form's location part is kept there at 1280 and 390 px."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select

from tracker.accounts import create_user
from tracker.extensions import db
from tracker.models import Measure

FIGUIG = "02.251.01.03"
OFFICER = "figuig.picker@example.org"
PASSWORD = "a long enough password 2026"
SHOTS = os.environ.get("SCREENSHOTS")
# Figuig's commune, with a little room: the box a point placed on its map falls in.
FIGUIG_BOX = (32.05, 32.19, -1.37, -1.12)

TEXTS = {
    "fr": ("Carte – Figuig", "Effacer le point", "Cliquez sur la carte pour placer le point"),
    "ar": ("خريطة فجيج", "مسح النقطة", "انقر على الخريطة لتحديد النقطة"),
}


@pytest.fixture
def officer(live_server):
    with live_server.app.app_context():
        create_user(OFFICER, PASSWORD, "officer", [FIGUIG])
        db.session.commit()


def open_form(page, lang: str):
    page.goto(f"{page.base_url}/login?lang={lang}")
    page.fill("input[name=email]", OFFICER)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url("**/work")
    page.goto(f"{page.base_url}/work/{FIGUIG}/measure/new?lang={lang}")


def fields(page) -> tuple[str, str]:
    return page.input_value("input[name=latitude]"), page.input_value("input[name=longitude]")


def centre(page, selector: str) -> tuple[float, float]:
    """The middle of what `selector` finds, on the screen (scrolled into view)."""
    page.locator(selector).scroll_into_view_if_needed()
    box = page.locator(selector).bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def inside_figuig(latitude: str, longitude: str) -> bool:
    south, north, west, east = FIGUIG_BOX
    return south < float(latitude) < north and west < float(longitude) < east


def type_point(page, latitude: str, longitude: str) -> None:
    page.fill("input[name=latitude]", latitude)
    page.fill("input[name=longitude]", longitude)


def shoot(page, name: str) -> None:
    """The form's location part as the screen shows it, from the latitude field to the end
    of the map (scrolled to the top of the window)."""
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    page.evaluate(
        "document.querySelector('input[name=latitude]').closest('.field').scrollIntoView()"
    )
    top = page.locator(".field:has(input[name=latitude])").bounding_box()
    bottom = page.locator(".point-picker").bounding_box()
    viewport = page.viewport_size
    height = min(bottom["y"] + bottom["height"] + 12, viewport["height"])
    page.screenshot(
        path=str(Path(SHOTS) / f"{name}.png"),
        clip={"x": 0, "y": max(top["y"] - 12, 0), "width": viewport["width"], "height": height},
    )


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_point_is_placed_on_the_small_map_moved_by_typing_and_saved(
    page, live_server, officer, lang
):
    label, clear, hint = TEXTS[lang]
    open_form(page, lang)
    assert page.evaluate("document.documentElement.dir") == ("rtl" if lang == "ar" else "ltr")
    page.wait_for_selector(".point-picker.point-picker-ready")
    assert page.locator(".point-picker-label").inner_text() == label
    assert page.locator(".point-picker-clear").inner_text() == clear
    assert hint in page.locator(".point-picker .help").inner_text()
    assert page.locator(".point-picker-outline").count() == 1  # Figuig's boundary is drawn
    assert page.locator(".point-picker-marker").count() == 0
    assert fields(page) == ("", "")

    # A click in the middle of the map places the point in Figuig and fills both numbers.
    clicked = centre(page, ".point-picker-map")
    page.mouse.click(*clicked)
    latitude, longitude = fields(page)
    assert latitude and longitude and inside_figuig(latitude, longitude), (latitude, longitude)
    marker = centre(page, ".point-picker-marker")
    assert abs(marker[0] - clicked[0]) < 2 and abs(marker[1] - clicked[1]) < 2

    # Typing a point further north and east moves the marker up and to the right, whatever
    # the page's direction; typing the clicked numbers back brings it back under the click.
    type_point(page, f"{float(latitude) + 0.02:.5f}", f"{float(longitude) + 0.02:.5f}")
    moved = centre(page, ".point-picker-marker")
    assert moved[1] < marker[1] - 10 and moved[0] > marker[0] + 10
    type_point(page, latitude, longitude)
    back = centre(page, ".point-picker-marker")
    assert abs(back[0] - clicked[0]) < 2 and abs(back[1] - clicked[1]) < 2
    shoot(page, f"form-{lang}-1280")

    # Dragging the marker south moves the latitude down and keeps the longitude.
    page.mouse.move(*back)
    page.mouse.down()
    page.mouse.move(back[0], back[1] + 15, steps=5)
    page.mouse.move(back[0], back[1] + 30, steps=5)
    page.mouse.up()
    dragged = fields(page)
    assert float(dragged[0]) < float(latitude)
    assert abs(float(dragged[1]) - float(longitude)) < 0.0005

    # "Clear the point" empties both numbers and takes the marker away.
    page.click(".point-picker-clear")
    assert fields(page) == ("", "")
    assert page.locator(".point-picker-marker").count() == 0

    # Placed again, the point is saved where it was placed.
    page.mouse.click(*clicked)
    latitude, longitude = fields(page)
    page.fill("input[name=title]", "Cellule d'accueil — خلية استقبال")
    page.select_option("select[name=kind]", "reception")
    page.select_option("select[name=status]", "ongoing")
    page.click("form.record-form button[type=submit]")
    page.wait_for_url("**/work/measure/*")
    with live_server.app.app_context():
        measure = db.session.scalars(select(Measure)).one()
        assert (float(measure.latitude), float(measure.longitude)) == (
            float(latitude),
            float(longitude),
        )
    assert page.watched.refused == []
    assert page.watched.console_errors == [] and page.watched.page_errors == []


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_on_a_phone_the_map_fits_and_a_point_far_out_is_refused(page, live_server, officer, lang):
    page.set_viewport_size({"width": 390, "height": 844})
    open_form(page, lang)
    page.wait_for_selector(".point-picker.point-picker-ready")
    box = page.locator(".point-picker-map").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.mouse.click(*centre(page, ".point-picker-map"))
    assert inside_figuig(*fields(page))
    shoot(page, f"form-{lang}-390")
    page.fill("input[name=title]", "Guichet — شباك")
    page.select_option("select[name=kind]", "reception")
    page.select_option("select[name=status]", "ongoing")
    type_point(page, "32.1", "-1.0")  # east of Figuig, out in the desert
    page.click("form.record-form button[type=submit]")
    page.wait_for_selector(".point-picker.point-picker-ready")
    error = page.locator(".field:has(input[name=latitude]) .error").inner_text()
    assert (" km " in error) if lang == "fr" else (" كلم " in error)
    assert ("Figuig" in error) if lang == "fr" else ("فجيج" in error)
    # The refused point is shown with the boundary, to see how far out it is.
    assert page.locator(".point-picker-marker").count() == 1
    shoot(page, f"form-{lang}-390-refused")
    with live_server.app.app_context():
        assert db.session.scalars(select(Measure)).all() == []


def test_without_javascript_the_numbers_are_typed_and_saved(browser, live_server, officer):
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    page.base_url = live_server.url
    try:
        open_form(page, "fr")
        assert page.locator(".point-picker").count() == 0
        page.fill("input[name=title]", "Permanence juridique")
        page.select_option("select[name=kind]", "legal_clinic")
        page.select_option("select[name=status]", "ongoing")
        type_point(page, "32.1085", "-1.2275")
        page.click("form.record-form button[type=submit]")
        page.wait_for_url("**/work/measure/*")
    finally:
        context.close()
    with live_server.app.app_context():
        measure = db.session.scalars(select(Measure)).one()
        assert (float(measure.latitude), float(measure.longitude)) == (32.1085, -1.2275)
