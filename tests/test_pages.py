"""Public pages: home, territory pages, languages, error pages, security headers."""

import re

import pytest


def test_home_lists_pilot_and_regions(client):
    page = client.get("/?lang=fr").get_data(as_text=True)
    assert "Oriental" in page and "Figuig" in page
    assert "1\u202f503" in page or "1 503" in page  # communes, French grouping


def test_territory_page_shows_names_parent_children_population(client):
    page = client.get("/territories/02.251?lang=fr").get_data(as_text=True)
    assert "Figuig" in page and "فجيج" in page
    assert 'href="/territories/02"' in page  # up to the region
    assert 'href="/territories/02.251.01.03"' in page  # down to a commune
    assert "Bouarfa" in page


def test_commune_page(client):
    page = client.get("/territories/02.251.01.03?lang=en").get_data(as_text=True)
    assert "Urban commune" in page
    assert "10,449" in page  # population 2024


def test_unknown_territory_is_a_404_page(client):
    response = client.get("/territories/99.999")
    assert response.status_code == 404
    assert "<html" in response.get_data(as_text=True)


@pytest.mark.parametrize("lang, direction", [("ar", "rtl"), ("fr", "ltr"), ("en", "ltr")])
def test_page_direction_follows_language(client, lang, direction):
    page = client.get(f"/?lang={lang}").get_data(as_text=True)
    assert f'<html lang="{lang}" dir="{direction}">' in page


def test_arabic_page_uses_arabic_names(client):
    page = client.get("/territories/02.251.01.03?lang=ar").get_data(as_text=True)
    assert re.search(r"<h1>\s*فجيج\s*</h1>", page)


def test_language_choice_is_remembered(client):
    response = client.get("/language/ar?next=/territories/02")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/territories/02")
    page = client.get("/").get_data(as_text=True)
    assert 'dir="rtl"' in page


def test_switching_from_a_shared_arabic_link_leaves_arabic(client):
    response = client.get("/language/fr", query_string={"next": "/compare?lang=ar&level=region"})
    assert response.headers["Location"].endswith("/compare?level=region")
    assert 'dir="ltr"' in client.get("/compare?level=region").get_data(as_text=True)


def test_a_shared_link_in_arabic_keeps_its_language_for_what_follows(client):
    assert 'dir="rtl"' in client.get("/territories/02?lang=ar").get_data(as_text=True)
    # The page's download, opened without ?lang=, comes in Arabic too.
    csv = client.get("/compare.csv?level=region&codes=02&codes=01").data.decode("utf-8-sig")
    assert "الشرق" in csv.splitlines()[0]


def test_language_switch_refuses_foreign_redirects(client):
    for target in ("https://example.org/", "//example.org/x"):
        response = client.get("/language/fr", query_string={"next": target})
        assert response.headers["Location"] in ("/", "http://localhost/")


def test_unknown_language_is_ignored(client):
    client.get("/language/xx")
    page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'lang="en"' in page


def test_browser_language_is_the_default(client):
    page = client.get("/", headers={"Accept-Language": "ar-MA,ar;q=0.9"}).get_data(as_text=True)
    assert 'lang="ar" dir="rtl"' in page


def test_pages_carry_a_content_security_policy(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "object-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def _validated_measures(app, code, how_many, sector_of=lambda i: "health", partner_on=None):
    """`how_many` validated measures of `code`, titled "Mesure NNN"; the one numbered
    `partner_on` has the partner "Association Oasis"."""
    from tracker.accounts import create_user
    from tracker.extensions import db
    from tracker.records import service

    with app.app_context():
        admin = create_user("pages.admin@example.org", "a long admin password", "admin")
        partner = service.save_organisation(
            admin, {"name": "Association Oasis", "kind": "association", "country": "MA"}
        )
        for i in range(how_many):
            m = service.save_measure(
                admin,
                {
                    "territory_code": code,
                    "title": f"Mesure {i:03d}",
                    "kind": "service",
                    "status": "ongoing",
                    "sectors": [sector_of(i)],
                    "start_date": "2024-01-01",
                    "partners": [partner.id] if i == partner_on else [],
                },
            )
            service.transition(admin, "measure", m, "submit")
            service.transition(admin, "measure", m, "validate")
        db.session.commit()


def test_a_long_list_of_measures_comes_in_pages_with_every_sector_counted(app, client):
    # The last measure, alone on page 2, is the only one in housing and the only one
    # with a partner: the page still says housing is covered and names the partner.
    _validated_measures(
        app, "02.251.01.03", 55, lambda i: "housing" if i == 54 else "health", partner_on=54
    )
    first = client.get("/territories/02.251.01.03?lang=en").get_data(as_text=True)
    assert "(55)" in first and "Page 1 of 2" in first
    assert "Mesure 049" in first and "Mesure 050" not in first
    assert "Housing: covered" in first
    assert "Association Oasis" in first
    second = client.get("/territories/02.251.01.03?lang=en&page=2").get_data(as_text=True)
    assert "Mesure 054" in second and "Mesure 000" not in second
    assert 'rel="prev"' in second and 'rel="next"' not in second
    # Up in the province, the same measures are counted and paged.
    province = client.get("/territories/02.251?lang=en&sector=health").get_data(as_text=True)
    assert "(54)" in province and "Page 1 of 2" in province


@pytest.mark.parametrize("page", ["abc", "0", "9"])
def test_a_page_beyond_the_list_says_so(app, client, page):
    _validated_measures(app, "02.251.01.03", 3)
    response = client.get(f"/territories/02.251.01.03?lang=en&page={page}")
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Mesure 000" in text  # the nearest page is still shown
    assert "page" in text.lower()


def test_a_province_page_says_how_the_councils_inside_integrate_migration(app, client):
    from tracker.accounts import create_user
    from tracker.extensions import db
    from tracker.records import service

    with app.app_context():
        admin = create_user("pages.admin@example.org", "a long admin password", "admin")
        for code, integration in (
            ("02.251.01.03", "dedicated"),
            ("02.251.01.01", "dedicated"),
            ("02.251", "mentioned"),  # the province's own: listed above, not counted here
        ):
            p = service.save_programme(
                admin,
                {
                    "territory_code": code,
                    "kind": "PAC" if code.count(".") == 3 else "PDP",
                    "title": f"Programme {code}",
                    "first_year": "2022",
                    "last_year": "2027",
                    "integration": integration,
                },
            )
            service.transition(admin, "programme", p, "submit")
            service.transition(admin, "programme", p, "validate")
        db.session.commit()
    page = client.get("/territories/02.251?lang=en").get_data(as_text=True)
    assert "Programme 02.251" in page
    inside = page.split("Programmes of the councils inside")[1].split("</table>")[0]
    rows = dict(re.findall(r"<td>([^<]+)</td><td class=\"num\">(\d+)</td>", inside))
    assert rows == {"Absent": "0", "Mentioned": "0", "A dedicated axis or measures": "2"}


def test_arabic_lists_use_the_arabic_comma(app, client):
    _validated_measures(app, "02.251.01.03", 1, sector_of=lambda i: "health")
    from tracker.extensions import db
    from tracker.models import Measure, Sector

    with app.app_context():
        measure = db.session.scalar(db.select(Measure))
        measure.sectors.append(db.session.get(Sector, "housing"))
        db.session.commit()
    page = client.get("/territories/02.251.01.03?lang=ar").get_data(as_text=True)
    assert "الصحة، السكن" in page or "السكن، الصحة" in page
    page = client.get("/territories/02.251.01.03?lang=fr").get_data(as_text=True)
    assert "Santé, Logement" in page or "Logement, Santé" in page


def _one_measure(app, state: str, **fields) -> int:
    """A measure of Figuig brought to review state `state` (or deleted); its id."""
    from tracker.accounts import create_user
    from tracker.extensions import db
    from tracker.records import service

    with app.app_context():
        admin = create_user(f"{state}.admin@example.org", "a long admin password", "admin")
        m = service.save_measure(
            admin,
            {
                "territory_code": "02.251.01.03",
                "title": "Clinique juridique <script>alert(1)</script>",
                "kind": "legal_clinic",
                "status": "ongoing",
                "sectors": ["regulatory_framework"],
                "target_groups": ["asylum_seekers"],
                "start_date": "2024-03-01",
                "budget_planned": "90000",
                "description": "Permanence hebdomadaire ${7*7}\nاستقبال أسبوعي للمهاجرين.",
                **fields,
            },
        )
        if state in ("submitted", "validated", "returned", "deleted"):
            service.transition(admin, "measure", m, "submit")
        if state in ("validated", "deleted"):
            service.transition(admin, "measure", m, "validate")
        if state == "returned":
            service.transition(admin, "measure", m, "return", comment="Préciser")
        if state == "deleted":
            service.delete(admin, "measure", m)
        db.session.commit()
        return m.id


def test_a_public_measure_has_its_own_page_with_small_counts_hidden(app, client):
    measure_id = _one_measure(
        app,
        "validated",
        beneficiaries_total="42",
        beneficiaries_women="3",
        beneficiaries_men="39",
        beneficiaries_minors="0",
        budget_spent="95000",
        overspend_reason="Hausse du loyer du local",
    )
    territory = client.get("/territories/02.251.01.03?lang=en").get_data(as_text=True)
    assert f'href="/measures/{measure_id}"' in territory  # the title links to it
    response = client.get(f"/measures/{measure_id}?lang=en")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Clinique juridique &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert" not in page
    assert "A measure of Figuig." in page
    assert "Legal clinic" in page and "Asylum seekers" in page
    assert "Regulatory and conventional framework" in page
    assert "90,000" in page and "2024-03-01" in page
    assert "95,000" in page and "Hausse du loyer du local" in page  # the overspend explained
    # A description mixing French and Arabic: each paragraph in its own direction.
    assert '<p dir="auto">Permanence hebdomadaire ${7*7}</p>' in page
    assert '<p dir="auto">استقبال أسبوعي للمهاجرين.</p>' in page
    # 3 women is hidden, and so is the 39 men that would give it away; the total stays.
    facts = page.split("Beneficiaries: total")[1].split("Progress")[0]
    assert "42" in facts and "39" not in facts
    # Each hidden part is written left to right, so it reads "<5" in Arabic too.
    assert facts.count('<span dir="ltr">&lt;5</span>') == 2 and "of whom women" in facts
    assert 'href="/territories/02.251"' in page  # up the hierarchy
    # The province of Figuig, then the commune of Figuig, which says so.
    way_up = page.split('<nav class="breadcrumb"')[1].split("</nav>")[0]
    assert way_up.count(">Figuig</a>") == 2 and "(Urban commune)" in way_up
    assert "Oriental</a> <span" not in way_up  # a name not repeated says nothing more
    arabic = client.get(f"/measures/{measure_id}?lang=ar").get_data(as_text=True)
    assert 'dir="rtl"' in arabic and "عيادة قانونية" in arabic


@pytest.mark.parametrize("state", ["draft", "submitted", "returned", "deleted"])
def test_a_measure_that_is_not_public_has_no_public_page(app, client, state):
    measure_id = _one_measure(app, state)
    assert client.get(f"/measures/{measure_id}").status_code == 404


def test_an_unknown_measure_is_a_404_page(client):
    response = client.get("/measures/999999?lang=en")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "published only once its coordinator has validated it" in page
    assert "territory code" not in page


@pytest.mark.parametrize("number", [2**31, 2**63, 10**30])
def test_an_id_larger_than_any_record_is_a_404_not_a_failure(client, accounts, number):
    assert client.get(f"/measures/{number}").status_code == 404
    accounts.create("huge.admin@example.org", "admin")
    accounts.login("huge.admin@example.org")
    for url in (
        f"/work/measure/{number}",
        f"/work/measure/{number}/edit",
        f"/work/programme/{number}",
        f"/work/organisations/{number}/edit",
        f"/admin/accounts/{number}",
    ):
        assert client.get(url).status_code == 404, url
