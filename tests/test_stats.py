"""Every metric on known data, at the three levels, with the filters; and the API on it."""

import re

import pytest

from tracker.accounts import create_user
from tracker.extensions import db
from tracker.models import Measure, User
from tracker.records import service
from tracker.stats import METRICS, Filters, metric_values, national_summary

FIGUIG, BOUARFA, TANGER = "02.251.01.03", "02.251.01.01", "01.511.01.0"
POP = {FIGUIG: 10449, BOUARFA: 30068}

# (collectivity, sectors, status, start, end, planned, spent, beneficiaries, validated)
MEASURES = [
    (FIGUIG, ["health"], "completed", "2023-01-01", "2023-12-31", "10000", "9000", 40, True),
    (FIGUIG, ["health", "housing"], "ongoing", "2024-03-01", None, "5000", "1000", 3, True),
    (BOUARFA, ["employment"], "planned", "2025-01-01", "2025-12-31", "20000", None, None, True),
    (
        "02",
        ["governance_communication"],
        "ongoing",
        "2022-01-01",
        "2027-12-31",
        "100000",
        "30000",
        200,
        True,
    ),
    (TANGER, ["health"], "completed", "2023-05-01", "2023-06-30", "1000", "1000", 10, True),
    (FIGUIG, ["youth_leisure"], "ongoing", "2024-01-01", None, "999999", None, 500, False),  # draft
]


@pytest.fixture
def known(app):
    with app.app_context():
        admin = create_user("admin@example.org", "a long admin password", "admin")
        for code, sectors, status, start, end, planned, spent, people, validated in MEASURES:
            m = service.save_measure(
                admin,
                {
                    "territory_code": code,
                    "title": f"Mesure {code}",
                    "kind": "service",
                    "status": status,
                    "sectors": sectors,
                    "start_date": start,
                    "end_date": end,
                    "budget_planned": planned,
                    "budget_spent": spent,
                    "beneficiaries_total": people,
                },
            )
            if validated:
                service.transition(admin, "measure", m, "submit")
                service.transition(admin, "measure", m, "validate")
        db.session.commit()
    return app


def values(app, key, level, **filters):
    with app.app_context():
        return metric_values(key, level, Filters(**filters))


def test_measures_count_own_council_and_inside(known):
    assert values(known, "measures", "commune") == {FIGUIG: 2, BOUARFA: 1, TANGER: 1}
    assert values(known, "measures", "province") == {"02.251": 3, "01.511": 1}
    # The Oriental's regional council counts towards the region, not a province.
    assert values(known, "measures", "region") == {"02": 4, "01": 1}


def test_no_data_is_not_zero(known):
    by_commune = values(known, "measures", "commune", sector="employment")
    assert by_commune[FIGUIG] == 0  # has records, none in employment
    assert "02.251.03.03" not in by_commune  # Bni Tadjite: nothing recorded at all


def test_measures_per_100k(known):
    got = values(known, "measures_per_100k", "commune")
    assert got[FIGUIG] == pytest.approx(2 * 100_000 / POP[FIGUIG])


def test_budgets_per_inhabitant(known):
    planned = values(known, "budget_planned_per_inhabitant", "commune")
    spent = values(known, "budget_spent_per_inhabitant", "commune")
    assert planned[FIGUIG] == pytest.approx(15000 / POP[FIGUIG])
    assert spent[FIGUIG] == pytest.approx(10000 / POP[FIGUIG])
    assert spent[BOUARFA] == 0


def test_sectors_covered(known):
    assert values(known, "sectors_covered", "commune")[FIGUIG] == 2
    assert values(known, "sectors_covered", "region")["02"] == 4


def test_completed_share_ignores_the_status_filter(known):
    assert values(known, "completed_share", "commune")[FIGUIG] == pytest.approx(50.0)
    assert values(known, "completed_share", "commune", status="ongoing")[FIGUIG] == pytest.approx(
        50.0
    )
    assert values(known, "completed_share", "commune")[BOUARFA] == 0


def test_beneficiaries_leave_small_counts_out_of_every_sum(known):
    # Figuig's measures count 40 and 3 people: the 3 is shown as "<5" in the list of
    # measures, so a sum of 43 would give it away by difference. Sums leave it out and
    # say so, at every level.
    figuig = values(known, "beneficiaries", "commune")[FIGUIG]
    assert figuig == 40 and figuig.left_out == 1
    oriental = values(known, "beneficiaries", "region")["02"]
    assert oriental == 240 and oriental.left_out == 1
    assert values(known, "beneficiaries", "commune")[BOUARFA] is None  # no count given
    with known.test_request_context("/?lang=en"):
        assert METRICS["beneficiaries"].shown(figuig) == "40 + <5"
        from tracker.privacy import PublicSum

        assert METRICS["beneficiaries"].shown(PublicSum(0, 1)) == "<5"
        assert METRICS["beneficiaries"].shown(PublicSum(0, 2)) == "2 × <5"
        assert METRICS["beneficiaries"].shown(PublicSum(1200, 3)) == "1,200 + 3 × <5"


def test_no_public_figure_gives_a_small_count_away(known, client):
    # Each place a researcher could subtract from: the territory page's figures
    # against its measures, the commune against its province, the API's sums.
    page = client.get(f"/territories/{FIGUIG}?lang=en").get_data(as_text=True)
    assert "40 + &lt;5" in page and not re.search(r"(?<![\d.,])43(?![\d.,])", page)
    province = client.get("/territories/02.251?lang=en").get_data(as_text=True)
    assert "40 + &lt;5" in province and not re.search(r"(?<![\d.,])4[36](?![\d.,])", province)
    body = client.get(f"/api/v1/territories/{FIGUIG}").get_json()["summary"]
    assert body["beneficiaries"] == 40 and body["beneficiaries_small_counts_left_out"] == 1
    region = client.get("/api/v1/stats?level=region&metric=beneficiaries").get_json()
    oriental = next(i for i in region["items"] if i["code"] == "02")
    assert oriental["value"] == 240 and oriental["small_counts_left_out"] == 1
    listed = client.get(f"/api/v1/measures?territory={FIGUIG}").get_json()["items"]
    assert sorted(str(m["beneficiaries"]["total"]) for m in listed) == ["40", "<5"]


def test_the_threshold_is_a_setting_everywhere(known, client):
    known.config["SMALL_COUNT_THRESHOLD"] = 50
    page = client.get(f"/territories/{FIGUIG}?lang=en").get_data(as_text=True)
    assert "2 × &lt;50" in page  # both of Figuig's counts are now small
    body = client.get("/api/v1/stats?level=commune&metric=beneficiaries&per_page=500").get_json()
    assert "50" in body["metric"]["definition"]
    figuig = next(i for i in body["items"] if i["code"] == FIGUIG)
    assert figuig["value"] == 0 and figuig["small_counts_left_out"] == 2


@pytest.mark.parametrize(
    "filters, expected",
    [
        ({"year": 2023}, {FIGUIG: 1, BOUARFA: 0, TANGER: 1}),
        ({"year": 2025}, {FIGUIG: 1, BOUARFA: 1, TANGER: 0}),
        ({"sector": "health"}, {FIGUIG: 2, BOUARFA: 0, TANGER: 1}),
        ({"status": "completed"}, {FIGUIG: 1, BOUARFA: 0, TANGER: 1}),
        ({"sector": "health", "year": 2024}, {FIGUIG: 1, BOUARFA: 0, TANGER: 0}),
        ({"since": 2025}, {FIGUIG: 1, BOUARFA: 1, TANGER: 0}),
        ({"sector": "health", "since": 2023}, {FIGUIG: 2, BOUARFA: 0, TANGER: 1}),
        ({"since": 2024, "year": 2025}, {FIGUIG: 1, BOUARFA: 1, TANGER: 0}),
    ],
)
def test_filters(known, filters, expected):
    assert values(known, "measures", "commune", **filters) == expected


def test_every_metric_works_at_every_level(known):
    for key in METRICS:
        for level in ("region", "province", "commune"):
            assert isinstance(values(known, key, level), dict)


def test_national_summary(known):
    with known.app_context():
        summary = national_summary()
    assert summary["measures"] == 5
    assert summary["beneficiaries"] == 250 and summary["beneficiaries"].left_out == 1


def test_national_figures_follow_a_validation(known):
    # The national figures are kept between requests: validating a record renews them.
    with known.app_context():
        assert national_summary()["measures"] == 5
        admin = db.session.scalar(db.select(User))
        draft = db.session.scalar(db.select(Measure).where(Measure.review_state == "draft"))
        service.transition(admin, "measure", draft, "submit")
        db.session.commit()
        assert national_summary()["measures"] == 5  # submitted is not public
        service.transition(admin, "measure", draft, "validate")
        db.session.commit()
        assert national_summary()["measures"] == 6


def test_submitted_records_count_when_the_setting_says_so(known):
    known.config["PUBLIC_SHOW_SUBMITTED"] = True
    with known.app_context():
        admin = db.session.scalar(db.select(User))
        draft = db.session.scalar(db.select(Measure).where(Measure.review_state == "draft"))
        service.transition(admin, "measure", draft, "submit")
        db.session.commit()
    assert values(known, "measures", "commune")[FIGUIG] == 3


# ---- the API on the same data ----------------------------------------------------------------


def test_api_measures_lists_validated_ones_with_filters(known, client):
    body = client.get("/api/v1/measures?territory=02.251").get_json()
    assert body["total"] == 3
    assert {m["territory_code"] for m in body["items"]} == {FIGUIG, BOUARFA}
    health = client.get("/api/v1/measures?territory=02&sector=health&year=2024").get_json()
    assert health["total"] == 1


def test_api_measures_hide_small_counts(known, client):
    items = client.get(f"/api/v1/measures?territory={FIGUIG}").get_json()["items"]
    shown = sorted(str(m["beneficiaries"]["total"]) for m in items)
    assert shown == ["40", "<5"]


def test_api_measures_never_show_officers(known, client):
    assert "example.org" not in client.get("/api/v1/measures").get_data(as_text=True)


@pytest.mark.parametrize(
    "query",
    [
        "territory=99.999",
        "sector=astrology",
        "status=dreaming",
        "year=1850",
        "year=abc",
        "since=abc",
        "since=２０２４",
    ],
)
def test_api_bad_filters_are_400(known, client, query):
    response = client.get(f"/api/v1/measures?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_parameter"


def test_api_stats_every_territory_of_the_level(known, client):
    body = client.get("/api/v1/stats?level=commune&metric=measures&per_page=500&page=1").get_json()
    assert body["total"] == 1503
    assert body["metric"]["key"] == "measures" and body["metric"]["definition"]
    by_code = {i["code"]: i["value"] for i in body["items"]}
    assert by_code[FIGUIG] == 2
    assert by_code["02.251.03.03"] is None  # no data


def test_api_stats_suppress_small_beneficiary_sums(known, client):
    body = client.get("/api/v1/stats?level=commune&metric=beneficiaries&per_page=500").get_json()
    by_code = {i["code"]: (i["value"], i["small_counts_left_out"]) for i in body["items"]}
    assert by_code[FIGUIG] == (40, 1)
    assert by_code[BOUARFA] == (None, 0)  # its only measure gives no count


@pytest.mark.parametrize("query", ["level=planet", "metric=happiness", "sector=astrology"])
def test_api_stats_bad_parameters(known, client, query):
    assert client.get(f"/api/v1/stats?{query}").status_code == 400


def test_api_territory_summary(known, client):
    body = client.get(f"/api/v1/territories/{FIGUIG}").get_json()
    assert body["summary"]["measures"] == 2
    assert body["summary"]["sectors_covered"] == 2


@pytest.mark.parametrize("code", [FIGUIG, "02.251", "02", TANGER])
@pytest.mark.parametrize("filters", [{}, {"sector": "health"}, {"year": 2024}, {"since": 2024}])
def test_one_territory_summary_agrees_with_the_level_figures(known, code, filters):  # noqa: F811
    from tracker.models import Territory
    from tracker.stats import territory_summary

    with known.app_context():
        territory = db.session.get(Territory, code)
        summary = territory_summary(territory, Filters(**filters))
        for key in METRICS:
            expected = metric_values(key, territory.level, Filters(**filters)).get(code)
            assert summary[key] == pytest.approx(expected), key


def test_since_is_a_filter_of_the_pages_and_the_api(known, client):
    body = client.get(f"/api/v1/measures?territory={FIGUIG}&since=2024").get_json()
    assert body["total"] == 1
    page = client.get(f"/territories/{FIGUIG}?since=2024&lang=en").get_data(as_text=True)
    assert 'name="since"' in page and 'value="2024"' in page
    map_page = client.get("/map?metric=measures&since=2024&lang=en").get_data(as_text=True)
    assert "since=2024" in map_page  # the downloads keep it


def test_kept_figures_are_bounded_and_follow_the_data(known):
    from tracker.stats import kept

    computed = []

    def compute(i):
        computed.append(i)
        return {"value": i}

    with known.test_request_context("/"):
        for i in range(5):
            assert kept("probe", lambda i=i: compute(i), i, limit=3) == {"value": i}
        assert kept("probe", lambda: compute(4), 4, limit=3) == {"value": 4}
        caches = known.extensions["tracker_kept_figures"]
        assert len(caches["probe"]) <= 3
    assert computed == [0, 1, 2, 3, 4]  # the last one was kept
    # A change to any record lets them all go.
    with known.app_context():
        admin = db.session.scalar(db.select(User))
        draft = db.session.scalar(db.select(Measure).where(Measure.review_state == "draft"))
        service.transition(admin, "measure", draft, "submit")
        db.session.commit()
    with known.test_request_context("/"):
        kept("probe", lambda: compute(4), 4, limit=3)
    assert computed == [0, 1, 2, 3, 4, 4]
