"""The territory page at a glance: where the territory lies (a locator map), its measures by
year, the day its data was last validated ("data as of"), and its measures with their years
and budget."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update

from tests.support import BOUARFA, FIGUIG, TANGER, dispose, make_programme
from tracker import create_app
from tracker.extensions import db
from tracker.i18n import morocco_time
from tracker.models import AuditEntry, Measure, User
from tracker.public_data import count_measures, measures_query
from tracker.records import service
from tracker.stats import Filters
from tracker.stats.timeline import Timeline, measures_by_year

THIS_YEAR = morocco_time(datetime.now(UTC)).year


@pytest.fixture
def demo(demo_database_url, fake_geography):
    """The app on a copy of the demo database, with the stand-in boundaries."""
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": demo_database_url,
            "GEO_CACHE_DIR": str(fake_geography),
            "MAP_TILES_URL": None,
        }
    )
    yield app
    dispose(app)


@pytest.fixture
def demo_client(demo):
    return demo.test_client()


def page(client, path: str, lang: str) -> str:
    response = client.get(f"{path}{'&' if '?' in path else '?'}lang={lang}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def locator_of(text: str) -> str:
    """The page's locator map, its link included ("" when there is none)."""
    found = re.search(r'<a class="locator-link"[^>]*>.*?</svg></a>', text, re.S)
    return found.group(0) if found else ""


# ---- the locator map ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lang, title",
    [
        ("fr", "Carte de situation : Figuig (Commune urbaine), Figuig (Province)"),
        ("ar", "موقع فجيج (جماعة حضرية) في فجيج (إقليم)"),
        ("en", "Location of Figuig (Urban commune) in Figuig (Province)"),
    ],
)
def test_a_commune_page_shows_where_it_lies_in_its_province(demo_client, lang, title):
    locator = locator_of(page(demo_client, f"/territories/{FIGUIG}", lang))
    assert locator.startswith(f'<a class="locator-link" href="/map?focus={FIGUIG}"><svg ')
    assert f'<title id="locator-title">{title}</title>' in locator
    assert 'role="img" aria-labelledby="locator-title"' in locator
    # Figuig highlighted, over the province's other commune (Bouarfa, in the stand-in).
    assert locator.count('class="locator-target"') == 1
    context = re.search(r'class="locator-context"[^>]* d="([^"]+)"', locator).group(1)
    assert context.count("M") == 1
    assert len(locator.encode("utf-8")) < 20_000
    assert "<script" not in locator


@pytest.mark.parametrize(
    "lang, title",
    [
        ("fr", "Carte de situation : Oriental, Maroc"),
        ("ar", "موقع الشرق في المغرب"),
        ("en", "Location of Oriental in Morocco"),
    ],
)
def test_a_region_page_shows_where_it_lies_among_the_regions(demo_client, lang, title):
    locator = locator_of(page(demo_client, "/territories/02", lang))
    assert f">{title}</title>" in locator
    # The three other regions of the stand-in boundaries, drawn light.
    context = re.search(r'class="locator-context"[^>]* d="([^"]+)"', locator).group(1)
    assert context.count("M") == 3


def test_without_boundaries_the_page_has_no_locator(demo, demo_client, tmp_path):
    demo.config["GEO_CACHE_DIR"] = str(tmp_path / "not-built")
    text = page(demo_client, f"/territories/{FIGUIG}", "fr")
    assert "<svg" not in text
    assert f'href="/map?focus={FIGUIG}&amp;metric=measures">Voir sur la carte</a>' in text
    assert "Mesures par année" in text


def test_a_territory_the_boundaries_leave_out_has_no_locator(demo_client):
    # Tanger is not in the stand-in boundaries.
    text = page(demo_client, f"/territories/{TANGER}", "en")
    assert "<svg" not in text and "Measures by year" in text


# ---- measures by year -----------------------------------------------------------------------

YEAR_ROW = re.compile(
    r'<th scope="row">(\d{4})</th>\s*<td><span class="bar-line"><span class="bar"'
    r' style="--share: ([\d.]+)" aria-hidden="true"></span>'
    r'<a href="/territories/[^"?]+\?year=\1#measures">(\d+)</a></span></td>'
)


def years_chart(text: str) -> dict[int, tuple[int, float]]:
    """The chart's rows: {year: (count, share of the longest bar)}."""
    return {int(y): (int(n), float(share)) for y, share, n in YEAR_ROW.findall(text)}


def listed(text: str) -> int:
    """How many measures the page says it lists."""
    return int(re.search(r'id="measures">[^<]*<span class="muted">\((\d+)\)', text).group(1))


@pytest.mark.parametrize(
    "lang, heading, column",
    [
        ("fr", "Mesures par année", "Mesures menées dans l'année"),
        ("ar", "التدابير حسب السنة", "التدابير الجارية خلال السنة"),
        ("en", "Measures by year", "Measures running that year"),
    ],
)
def test_figuig_measures_by_year(demo_client, lang, heading, column):
    text = page(demo_client, f"/territories/{FIGUIG}", lang)
    assert f'<h2 id="by-year">{heading}</h2>' in text
    assert f'<th scope="col">{column}</th>' in text
    # Seven validated measures: two in 2023, four in 2024 and in 2025; the two still
    # under way (no end date) run on to this year.
    expected = {2023: 2, 2024: 4, 2025: 4} | dict.fromkeys(range(2026, THIS_YEAR + 1), 2)
    chart = years_chart(text)
    assert {year: n for year, (n, _share) in chart.items()} == expected
    assert chart[2024][1] == 1.0 and chart[2023][1] == 0.5


def test_each_years_count_is_what_the_page_lists_for_that_year(demo_client):
    chart = years_chart(page(demo_client, "/territories/02", "en"))
    assert sum(n for n, _share in chart.values()) > len(chart)
    for year, (count, _share) in chart.items():
        assert listed(page(demo_client, f"/territories/02?year={year}", "en")) == count


def test_the_chart_marks_the_year_asked_for(demo_client):
    text = page(demo_client, f"/territories/{FIGUIG}?year=2024", "en")
    assert '<tr class="chosen"><th scope="row">2024</th>' in text
    assert text.count('<tr class="chosen">') == 1


@pytest.mark.parametrize(
    "lang, caption",
    [
        ("fr", "(jusqu'en {year} quand elles n'ont pas de date de fin)."),
        ("ar", "(إلى غاية {year} إن لم يكن لها تاريخ نهاية)."),
        ("en", "(to {year} when they have no end date)."),
    ],
)
def test_the_caption_says_how_measures_without_an_end_are_counted(demo_client, lang, caption):
    text = page(demo_client, f"/territories/{FIGUIG}", lang)
    assert caption.format(year=THIS_YEAR) in text


@pytest.mark.parametrize(
    "lang, said",
    [
        ("fr", "1 mesure sans date de début n'est pas comptée."),
        ("ar", "تدابير بلا تاريخ بداية غير محتسبة: 1."),
        ("en", "1 measure without a start date is left out."),
    ],
)
def test_the_caption_says_how_many_measures_have_no_start_date(
    client, validated_measure, lang, said
):
    validated_measure(BOUARFA, "Sans date", status="planned")
    validated_measure(BOUARFA, "Datée", start_date="2024-05-01", end_date="2024-06-30")
    text = page(client, f"/territories/{BOUARFA}", lang)
    assert said in text
    assert {y: n for y, (n, _s) in years_chart(text).items()} == {
        2024: 1,
        **dict.fromkeys(range(2025, THIS_YEAR + 1), 0),
    }


def test_a_territory_without_measures_has_no_chart(client):
    assert "by-year" not in page(client, f"/territories/{BOUARFA}", "en")


# ---- the counting, on known measures ----------------------------------------------------------


def test_measures_by_year_on_known_measures(known):
    with known.app_context():
        # Figuig: completed in 2023; under way from 2024 with no end; a draft left out.
        assert measures_by_year(FIGUIG, 2026) == Timeline(
            [(2023, 1), (2024, 1), (2025, 1), (2026, 1)], 0
        )
        # The region adds Bouarfa's 2025 measure and the regional council's 2022-2027 one,
        # which takes the years past `until`.
        assert measures_by_year("02", 2026).years == [
            (2022, 1),
            (2023, 2),
            (2024, 2),
            (2025, 3),
            (2026, 2),
            (2027, 2),
        ]
        assert measures_by_year("02", 2026, Filters(sector="health")).years == [
            (2023, 1),
            (2024, 1),
            (2025, 1),
            (2026, 1),
        ]
        assert measures_by_year("02", 2026, Filters(status="planned")).years == [
            (2025, 1),
            (2026, 0),
        ]
        # Years with no measure are shown as zeros, up to `until`.
        assert measures_by_year(TANGER, 2026).years == [(2023, 1), (2024, 0), (2025, 0), (2026, 0)]
        # The year filters are not applied: every year is shown.
        assert measures_by_year("02", 2026, Filters(year=2024, since=2025)) == measures_by_year(
            "02", 2026
        )
        assert measures_by_year(BOUARFA + "9", 2026) == Timeline([], 0)


def test_each_year_counts_what_the_year_filter_keeps(known):
    with known.app_context():
        for year, count in measures_by_year("02", 2026).years:
            assert count == count_measures(measures_query("02", Filters(year=year)))


# ---- data as of -------------------------------------------------------------------------------

# 23:30 in UTC on New Year's Eve is already the first of January in Morocco (UTC+1).
NEW_YEAR = datetime(2025, 12, 31, 23, 30, tzinfo=UTC)


def validated_at(app, entity: str, record_id: int, when: datetime) -> None:
    """Move the validation of a record in its history to `when`."""
    with app.app_context():
        db.session.execute(
            update(AuditEntry)
            .where(
                AuditEntry.entity == entity,
                AuditEntry.entity_id == record_id,
                AuditEntry.action == "validate",
            )
            .values(at=when)
        )
        db.session.commit()


def as_of(text: str) -> str | None:
    found = re.search(r'<p class="as-of">(.*?)</p>', text, re.S)
    return found.group(1) if found else None


@pytest.mark.parametrize(
    "lang, said",
    [
        ("fr", 'Données au <time datetime="2026-01-01">1 janvier 2026</time>'),
        ("ar", 'البيانات إلى غاية <time datetime="2026-01-01">1 يناير 2026</time>'),
        ("en", 'Data as of <time datetime="2026-01-01">January 1, 2026</time>'),
    ],
)
def test_data_as_of_the_latest_validation_in_moroccos_calendar(
    app, client, validated_measure, lang, said
):
    first = validated_measure(FIGUIG, "Accueil", start_date="2024-01-01")
    validated_at(app, "measure", first, datetime(2025, 6, 1, 10, 0, tzinfo=UTC))
    latest = validated_measure(FIGUIG, "Orientation", start_date="2025-01-01")
    validated_at(app, "measure", latest, NEW_YEAR)
    for path in (f"/territories/{FIGUIG}", "/territories/02.251", "/territories/02"):
        assert as_of(page(client, path, lang)).startswith(said)


def test_no_data_as_of_where_nothing_is_validated(app, client, validated_measure):
    validated_measure(FIGUIG, "Accueil")
    assert as_of(page(client, f"/territories/{BOUARFA}", "en")) is None
    assert as_of(page(client, f"/territories/{TANGER}", "en")) is None
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.role == "admin"))
        draft = service.save_measure(
            admin,
            {
                "territory_code": BOUARFA,
                "title": "Brouillon",
                "kind": "service",
                "status": "planned",
            },
        )
        service.transition(admin, "measure", draft, "submit")
        db.session.commit()
    assert as_of(page(client, f"/territories/{BOUARFA}", "en")) is None


def test_a_deleted_record_no_longer_dates_the_data(app, client, validated_measure):
    kept = validated_measure(FIGUIG, "Accueil")
    validated_at(app, "measure", kept, datetime(2025, 6, 1, 10, 0, tzinfo=UTC))
    gone = validated_measure(FIGUIG, "Retirée")
    validated_at(app, "measure", gone, NEW_YEAR)
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.role == "admin"))
        service.delete(admin, "measure", db.session.get(Measure, gone))
        db.session.commit()
    assert 'datetime="2025-06-01"' in as_of(page(client, f"/territories/{FIGUIG}", "en"))


def test_a_programme_validated_later_dates_the_data(app, client, validated_measure):
    measure = validated_measure(FIGUIG, "Accueil")
    validated_at(app, "measure", measure, datetime(2025, 6, 1, 10, 0, tzinfo=UTC))
    programme = make_programme(app)
    validated_at(app, "programme", programme, NEW_YEAR)
    assert 'datetime="2026-01-01"' in as_of(page(client, "/territories/02", "en"))
    # The province's other commune has none of it.
    assert as_of(page(client, f"/territories/{BOUARFA}", "en")) is None


def test_the_demo_data_is_dated(demo, demo_client):
    with demo.app_context():
        latest = db.session.scalar(
            select(AuditEntry.at)
            .where(AuditEntry.action == "validate", AuditEntry.territory_code == FIGUIG)
            .order_by(AuditEntry.at.desc())
        )
    day = morocco_time(latest).date().isoformat()
    assert f'<time datetime="{day}">' in as_of(page(demo_client, f"/territories/{FIGUIG}", "fr"))


# ---- the measures table ------------------------------------------------------------------------


def measure_row(text: str, title: str) -> str:
    """The table row of the measure titled `title` (its start, as HTML escapes it)."""
    return next(row for row in text.split("<tr>") if title in row)


@pytest.mark.parametrize(
    "lang, headings, since, budget",
    [
        (
            "fr",
            ("Années", "Budget prévu (MAD)", "Budget dépensé (MAD)"),
            "depuis 2023",
            "420\u202f000",
        ),
        ("ar", ("السنوات",), "منذ 2023", "420,000"),
        ("en", ("Years", "Budget planned (MAD)", "Budget spent (MAD)"), "since 2023", "420,000"),
    ],
)
def test_the_measures_table_gives_years_and_budget(demo_client, lang, headings, since, budget):
    text = page(demo_client, f"/territories/{FIGUIG}", lang)
    table = text.split('<table class="data measures">')[1].split("</table>")[0]
    for heading in headings:
        assert f">{heading}</th>" in table
    row = measure_row(table, "Cellule d&#39;accueil et d&#39;orientation")
    assert f'<td class="years">{since}</td>' in row
    assert f'<td class="num">{budget}</td>' in row
    # Readable on a phone: the table scrolls in a box of its own, which a keyboard reaches.
    assert (
        '<div class="table-scroll" role="region" aria-labelledby="measures" tabindex="0">' in text
    )


def test_a_measure_over_two_years_shows_both(demo_client):
    table = page(demo_client, "/territories/05", "en")
    row = measure_row(table, "Hébergement temporaire d&#39;urgence")
    assert '<td class="years"><span dir="ltr">2024–2025</span></td>' in row
