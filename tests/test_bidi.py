"""Text typed in Arabic and in French keeps its order wherever it is shown.

Each piece of user text (a title, a partner's name, a comment) sits in its own
direction-isolating element (`<bdi>` or `dir="auto"`), and the separators between
pieces stay outside, in the page's direction.
"""

from __future__ import annotations

import re

import pytest
from markupsafe import escape

from tests.support import make_organisation

FIGUIG = "02.251.01.03"
MIXED_PARTNER = "مجلس جهة الشرق – Conseil de la région de l'Oriental"
FRENCH_PARTNER = "Association Oasis (Figuig)"
ARABIC_TITLE = "مركز الاستقبال (Figuig) – المرحلة 2"
COMMENT = "Préciser « les bénéficiaires » : أضف الأرقام"

ISOLATED = r'<(?:bdi|[a-z0-9]+ [^>]*dir="auto")[^>]*>'


def isolated(piece: str) -> str:
    """A pattern for `piece`, escaped as a page shows it, alone in an isolating element."""
    escaped = re.escape(str(escape(piece)))
    return ISOLATED + escaped + r"</(?:bdi|[a-z0-9]+)>"


def assert_isolated(page: str, piece: str) -> None:
    assert re.search(isolated(piece), page), f"{piece!r} is not isolated in the page"


@pytest.fixture
def mixed(app, validated_measure):
    """A validated measure of Figuig with an Arabic title and two partners, one named in
    Arabic and French; returns (measure id, partner ids)."""
    partners = [make_organisation(app, MIXED_PARTNER), make_organisation(app, FRENCH_PARTNER)]
    measure_id = validated_measure(
        FIGUIG, ARABIC_TITLE, sectors=["health"], partners=[str(p) for p in partners]
    )
    return measure_id, partners


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_the_territory_page_isolates_each_partner_with_the_separator_outside(client, mixed, lang):
    page = client.get(f"/territories/{FIGUIG}?lang={lang}").get_data(as_text=True)
    assert_isolated(page, MIXED_PARTNER)
    assert_isolated(page, FRENCH_PARTNER)
    # The " · " between the two is outside both elements.
    assert re.search(r"</span> · <span dir=\"auto\">", page)
    assert_isolated(page, ARABIC_TITLE)


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_the_measure_page_isolates_its_title_and_each_partner(client, mixed, lang):
    measure_id, _ = mixed
    page = client.get(f"/measures/{measure_id}?lang={lang}").get_data(as_text=True)
    assert_isolated(page, ARABIC_TITLE)
    assert_isolated(page, MIXED_PARTNER)
    assert_isolated(page, FRENCH_PARTNER)


def test_the_way_up_to_morocco_isolates_each_territory_name(client, mixed):
    page = client.get(f"/territories/{FIGUIG}?lang=ar").get_data(as_text=True)
    start = page.index('class="breadcrumb"')
    nav = page[start : page.index("</nav>", start)]
    names = re.findall(r'<a href="/territories/[^"]+" dir="auto">([^<]+)</a>', nav)
    assert names, "no territory in the way up is isolated"
    assert "فجيج" in " ".join(names)


def _returned_to_officer(app, accounts, title: str, comment: str) -> None:
    """An officer of Figuig records a measure and submits it; an administrator returns it."""
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.models import User
    from tracker.records import service

    accounts.create("figuig@example.org", "officer", [FIGUIG])
    accounts.create("admin@example.org", "admin")
    with app.app_context():
        officer = db.session.scalar(select(User).where(User.email == "figuig@example.org"))
        admin = db.session.scalar(select(User).where(User.email == "admin@example.org"))
        measure = service.save_measure(
            officer,
            {"territory_code": FIGUIG, "title": title, "kind": "service", "status": "ongoing"},
        )
        service.transition(officer, "measure", measure, "submit")
        service.transition(admin, "measure", measure, "return", comment=comment)
        db.session.commit()


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_the_officers_home_isolates_a_returned_title_and_its_comment(app, client, accounts, lang):
    _returned_to_officer(app, accounts, ARABIC_TITLE, COMMENT)
    accounts.login("figuig@example.org")
    page = client.get(f"/work?lang={lang}").get_data(as_text=True)
    assert_isolated(page, ARABIC_TITLE)
    # The colon between title and comment is outside both; the quotes come from <q>, in
    # the page's direction, around the comment isolated in its own.
    assert re.search(r"</a>: <q><bdi>" + re.escape(COMMENT) + "</bdi></q>", page)


def test_the_review_queue_isolates_each_title(app, client, accounts):
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.models import User
    from tracker.records import service

    accounts.create("figuig@example.org", "officer", [FIGUIG])
    accounts.create("admin@example.org", "admin")
    with app.app_context():
        officer = db.session.scalar(select(User).where(User.email == "figuig@example.org"))
        measure = service.save_measure(
            officer,
            {"territory_code": FIGUIG, "title": ARABIC_TITLE, "kind": "service"}
            | {"status": "ongoing"},
        )
        service.transition(officer, "measure", measure, "submit")
        db.session.commit()
    accounts.login("admin@example.org")
    page = client.get("/review?lang=fr").get_data(as_text=True)
    assert_isolated(page, ARABIC_TITLE)


def test_the_history_isolates_each_partner_of_a_list(app, client, accounts, mixed):
    measure_id, _ = mixed
    accounts.create("admin@example.org", "admin")
    accounts.login("admin@example.org")
    page = client.get(f"/work/measure/{measure_id}?lang=ar").get_data(as_text=True)
    # The two partners joined by the Arabic comma, each in its own <bdi>.
    joined = "<bdi>" + str(escape(MIXED_PARTNER)) + "</bdi>، <bdi>" + FRENCH_PARTNER + "</bdi>"
    assert joined in page


def test_a_history_list_is_escaped_piece_by_piece(app):
    from tracker.audit import display_value

    ids = [make_organisation(app, "<b>A</b>"), make_organisation(app, "B")]
    with app.test_request_context("/?lang=fr"):
        shown = display_value("measure", "partners", ids, "fr")
    assert str(shown) == "<bdi>&lt;b&gt;A&lt;/b&gt;</bdi>, <bdi>B</bdi>"
