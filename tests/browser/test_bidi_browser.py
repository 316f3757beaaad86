"""Names and comments mixing Arabic and French keep their order as the browser lays them out.

On the territory page and the officer's home, in Arabic, French and English, at 1280 and
390 px: each partner is laid out as a whole, in the page's order (on an Arabic page the
first partner is right of the second), and a returned title comes before its comment.
Screenshots are saved under the test's tmp_path.
"""

from __future__ import annotations

import pytest

from tests.support import make_organisation, make_validated_measure
from tracker.accounts import create_user
from tracker.extensions import db
from tracker.records import service

FIGUIG = "02.251.01.03"
PASSWORD = "a long enough password 2026"
MIXED_PARTNER = "مجلس جهة الشرق – Conseil de la région de l'Oriental"
FRENCH_PARTNER = "Association Oasis (Figuig)"
TITLE = "مركز الاستقبال (Figuig) – المرحلة 2"
COMMENT = "Préciser « les bénéficiaires » : أضف الأرقام"

# The left edge of the first rendered occurrence of `text` inside `element`.
LEFT_OF_TEXT = """([element, text]) => {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    let current;
    while ((current = walker.nextNode())) {
        const at = current.textContent.indexOf(text);
        if (at >= 0) {
            const range = document.createRange();
            range.setStart(current, at);
            range.setEnd(current, at + text.length);
            return range.getBoundingClientRect().left;
        }
    }
    return null;
}"""

# Where `a` ends and `b` starts, as the browser laid them out (each may wrap).
END_AND_START = """([a, b]) => {
    const end = [...a.getClientRects()].pop(), start = b.getClientRects()[0];
    return [end.left, end.top, start.left, start.top];
}"""


def assert_reads_before(page, a, b, rtl: bool) -> None:
    """`a` comes before `b` as one reads: on the same line, right of it in Arabic and left
    of it otherwise; else on a line above."""
    end_left, end_top, start_left, start_top = page.evaluate(
        END_AND_START, [a.element_handle(), b.element_handle()]
    )
    if abs(end_top - start_top) < 5:
        assert end_left > start_left if rtl else end_left < start_left
    else:
        assert end_top < start_top


@pytest.fixture
def mixed(live_server):
    """Two partners of a validated measure of Figuig, and a measure of the Figuig officer
    returned with a comment mixing French and Arabic."""
    app = live_server.app
    partners = [make_organisation(app, MIXED_PARTNER), make_organisation(app, FRENCH_PARTNER)]
    make_validated_measure(
        app, FIGUIG, TITLE, sectors=["health"], partners=[str(p) for p in partners]
    )
    with app.app_context():
        officer = create_user("figuig@example.org", PASSWORD, "officer", [FIGUIG])
        admin = create_user("admin@example.org", PASSWORD, "admin")
        measure = service.save_measure(
            officer,
            {"territory_code": FIGUIG, "title": TITLE, "kind": "service", "status": "ongoing"},
        )
        service.transition(officer, "measure", measure, "submit")
        service.transition(admin, "measure", measure, "return", comment=COMMENT)
        db.session.commit()


def sign_in(page, email):
    page.goto(f"{page.base_url}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url("**/work")


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_partners_and_a_returned_comment_keep_their_order(page, mixed, tmp_path, lang, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{page.base_url}/territories/{FIGUIG}?lang={lang}")
    assert page.evaluate("document.documentElement.dir") == ("rtl" if lang == "ar" else "ltr")
    page.screenshot(path=str(tmp_path / f"territory-{lang}-{width}.png"), full_page=True)

    mixed_span = page.locator("p > span[dir=auto]", has_text=MIXED_PARTNER)
    french_span = page.locator("p > span[dir=auto]", has_text=FRENCH_PARTNER)
    assert mixed_span.inner_text() == MIXED_PARTNER
    # Inside the mixed name (Arabic first), the Arabic words are right of the French.
    handle = mixed_span.element_handle()
    arabic_left = page.evaluate(LEFT_OF_TEXT, [handle, "مجلس"])
    french_left = page.evaluate(LEFT_OF_TEXT, [handle, "Conseil"])
    box = mixed_span.bounding_box()
    if box["height"] < 30:  # on one line
        assert arabic_left > french_left
    # The partners in the page's order: the first in the DOM comes first as one reads.
    first_is_mixed = page.evaluate(
        "([a, b]) => !!(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING)",
        [handle, french_span.element_handle()],
    )
    first, second = (mixed_span, french_span) if first_is_mixed else (french_span, mixed_span)
    assert_reads_before(page, first, second, lang == "ar")

    page.goto(f"{page.base_url}/?lang={lang}")
    sign_in(page, "figuig@example.org")
    page.goto(f"{page.base_url}/work?lang={lang}")
    page.screenshot(path=str(tmp_path / f"home-{lang}-{width}.png"), full_page=True)
    title = page.locator("li > a[dir=auto]", has_text=TITLE).first
    comment = page.locator("li > q > bdi", has_text="Préciser").first
    assert comment.inner_text().strip() == COMMENT
    assert_reads_before(page, title, comment, lang == "ar")
    # The quotes are the page's, on its sides; only the comment inside takes its own
    # direction.
    assert comment.evaluate("b => b.parentElement.hasAttribute('dir')") is False
    assert not page.watched.page_errors
