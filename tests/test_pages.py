"""Public pages: home, territory pages, languages, error pages, security headers."""

import re

import pytest

from tests.support import make_organisation


def test_home_lists_pilot_and_regions(client):
    page = client.get("/?lang=fr").get_data(as_text=True)
    assert "Oriental" in page and "Figuig" in page
    assert "Territoires pilotes" in page and "Toutes les régions" in page


@pytest.mark.parametrize(
    "lang, counted",
    [
        # Each language groups thousands its own way: a narrow no-break space in French.
        ("fr", "12 régions, 83 provinces et préfectures, et 1\u202f503 communes."),
        ("en", "12 regions, 83 provinces and prefectures, and 1,503 communes."),
        ("ar", "12 جهة، و83 إقليمًا وعمالة، و1,503 جماعة."),
    ],
)
def test_home_counts_the_territories_in_the_page_language(client, lang, counted):
    page = client.get(f"/?lang={lang}").get_data(as_text=True)
    assert counted in page


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


@pytest.mark.parametrize(
    "lang, title, message",
    [
        ("en", "Page not found", "There is no page at this address. The territory code may be"),
        ("fr", "Page introuvable", "Aucune page ne correspond à cette adresse. Le code du"),
        ("ar", "الصفحة غير موجودة", "لا توجد أي صفحة بهذا العنوان. ربما أُدخل رمز الوحدة"),
    ],
)
def test_unknown_territory_is_a_404_page(client, lang, title, message):
    response = client.get(f"/territories/99.999?lang={lang}")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert f'<html lang="{lang}"' in page
    assert f"<title>{title}" in page and message in page


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


def _validated_measures(validated_measure, code, how_many, sector_of=lambda i: "health"):
    """`how_many` validated measures of `code`, titled "Mesure NNN"."""
    for i in range(how_many):
        validated_measure(code, f"Mesure {i:03d}", sectors=[sector_of(i)], start_date="2024-01-01")


def test_a_long_list_of_measures_comes_in_pages_with_every_sector_counted(
    app, client, validated_measure
):
    # The last measure, alone on page 2, is the only one in housing and the only one
    # with a partner: the page still says housing is covered and names the partner.
    _validated_measures(validated_measure, "02.251.01.03", 54)
    oasis = make_organisation(app, "Association Oasis", country="MA")
    validated_measure(
        "02.251.01.03",
        "Mesure 054",
        sectors=["housing"],
        start_date="2024-01-01",
        partners=[oasis],
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


@pytest.mark.parametrize(
    "lang, page, message",
    [
        ("en", "abc", "Page: abc is not a whole number."),
        ("en", "0", "There is 1 page of measures."),
        ("en", "9", "There is 1 page of measures."),
        ("fr", "abc", "Page : abc n&#39;est pas un nombre entier."),
        ("fr", "9", "Il y a 1 page de mesures."),
        ("ar", "abc", "الصفحة: القيمة abc ليست عددًا صحيحًا."),
        ("ar", "9", "توجد صفحة واحدة من التدابير."),
    ],
)
def test_a_page_beyond_the_list_says_so(client, validated_measure, lang, page, message):
    _validated_measures(validated_measure, "02.251.01.03", 3)
    response = client.get(f"/territories/02.251.01.03?lang={lang}&page={page}")
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Mesure 000" in text and "Mesure 002" in text  # the nearest page is still shown
    assert message in text


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


@pytest.mark.parametrize(
    "lang, sectors",
    [("ar", "الصحة، السكن"), ("fr", "Santé, Logement"), ("en", "Health, Housing")],
)
def test_arabic_lists_use_the_arabic_comma(client, validated_measure, lang, sectors):
    # Chosen housing first: the sectors are listed in the strategy's order, health first.
    validated_measure("02.251.01.03", sectors=["housing", "health"])
    page = client.get(f"/territories/02.251.01.03?lang={lang}").get_data(as_text=True)
    assert f"<td>{sectors}</td>" in page


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
    response = client.get(f"/measures/{measure_id}?lang=en")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "A measure is published only once its coordinator has validated it." in page
    assert "Clinique juridique" not in page and "Permanence hebdomadaire" not in page


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
