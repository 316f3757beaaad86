"""Every metric on known data, at the three levels, with the filters; and the API on it."""

import re

import pytest

from tests.support import BOUARFA, FIGUIG, TANGER
from tracker.extensions import db
from tracker.i18n import metric_text
from tracker.models import Measure, User
from tracker.records import service
from tracker.stats import METRICS, Filters, metric_values, national_summary

POP = {FIGUIG: 10449, BOUARFA: 30068}


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
        beneficiaries = METRICS["beneficiaries"]
        assert metric_text(beneficiaries, figuig) == "40 + <5"
        from tracker.privacy import PublicSum

        assert metric_text(beneficiaries, PublicSum(0, 1)) == "<5"
        assert metric_text(beneficiaries, PublicSum(0, 2)) == "2 × <5"
        assert metric_text(beneficiaries, PublicSum(1200, 3)) == "1,200 + 3 × <5"


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


# HCP 2024 populations of the territories with known measures, and of Morocco.
POPULATIONS = {
    FIGUIG: 10449,
    BOUARFA: 30068,
    TANGER: 1275428,
    "02.251": 144451,
    "01.511": 1494413,
    "02": 2294665,
    "01": 4030222,
    "MA": 36828330,
}
# What the validated known measures add up to in each territory that has some: measures,
# budget planned and spent, sectors addressed, completed measures, and the beneficiaries
# counted in sums and the small counts left out of them (None: no measure gives a count).
TOTALS = {
    "commune": {
        FIGUIG: (2, 15000, 10000, 2, 1, (40, 1)),
        BOUARFA: (1, 20000, 0, 1, 0, None),
        TANGER: (1, 1000, 1000, 1, 1, (10, 0)),
    },
    "province": {
        "02.251": (3, 35000, 10000, 3, 1, (40, 1)),
        "01.511": (1, 1000, 1000, 1, 1, (10, 0)),
    },
    "region": {
        "02": (4, 135000, 40000, 4, 1, (240, 1)),
        "01": (1, 1000, 1000, 1, 1, (10, 0)),
    },
    "country": {"MA": (5, 136000, 41000, 4, 2, (250, 1))},
}


def expected_figures(code, totals):
    """Every metric's value for a territory with `totals`, worked out by hand (no
    programme is recorded: no council has one, no commune inside integrates migration)."""
    measures, planned, spent, sectors, completed, people = totals
    population = POPULATIONS[code]
    level = "country" if code == "MA" else {1: "region", 2: "province"}.get(code.count(".") + 1)
    level = level or "commune"
    # No assessment is published: no territory has a score, none of its communes is assessed.
    scores = {key: None for key, metric in METRICS.items() if metric.unit == "score"}
    return {
        **scores,
        "communes_assessed_share": None if level == "commune" else 0.0,
        "programme_integration": None if level == "country" else "none",
        "communes_integrating_share": None if level == "commune" else 0.0,
        "measures": measures,
        "measures_per_100k": measures * 100_000 / population,
        "budget_planned_per_inhabitant": planned / population,
        "budget_spent_per_inhabitant": spent / population,
        "sectors_covered": sectors,
        "completed_share": 100 * completed / measures,
        "beneficiaries": people,
    }


def comparable(key, value):
    """A beneficiaries sum as the text (counted, left out), so that both parts are
    compared exactly; any other value as it is."""
    if key == "beneficiaries" and value is not None:
        return f"{int(value)}, {value.left_out} left out"
    return value


def as_text(key, expected):
    """An expected value as `comparable` gives it."""
    if key == "beneficiaries" and expected is not None:
        return f"{expected[0]}, {expected[1]} left out"
    return expected


@pytest.mark.parametrize("level", ["commune", "province", "region"])
def test_every_metric_gives_the_known_figures_at_every_level(known, level):
    for key, metric in METRICS.items():
        got = {code: comparable(key, v) for code, v in values(known, key, level).items()}
        if level not in metric.levels:
            assert got == {}, key
            continue
        if metric.categories is not None:  # a value for every territory of the level
            assert len(got) == {"commune": 1503, "province": 83, "region": 12}[level]
            assert set(got.values()) == {"none"}
            continue
        if metric.unit == "score":  # no assessment is published: not assessed, never 0
            assert got == {}, key
            continue
        if metric.by_assessment:  # the share of communes assessed, of every territory
            assert len(got) == {"province": 75, "region": 12}[level]  # those with communes
            assert set(got.values()) == {0.0}
            continue
        expected = {
            code: as_text(key, expected_figures(code, totals)[key])
            for code, totals in TOTALS[level].items()
        }
        assert got == pytest.approx(expected), key


def test_every_metric_gives_the_known_figures_for_the_country(known):
    with known.app_context():
        summary = national_summary()
    got = {key: comparable(key, value) for key, value in summary.items()}
    expected = expected_figures("MA", TOTALS["country"]["MA"])
    assert got == pytest.approx({key: as_text(key, v) for key, v in expected.items()})


@pytest.mark.parametrize("code", [FIGUIG, BOUARFA, "02.251", "01.511", "02"])
def test_every_metric_gives_the_known_figures_for_one_territory(known, code):
    from tracker.models import Territory
    from tracker.stats import territory_summary

    with known.app_context():
        territory = db.session.get(Territory, code)
        summary = territory_summary(territory)
        totals = TOTALS[territory.level][code]
    got = {key: comparable(key, value) for key, value in summary.items()}
    expected = expected_figures(code, totals)
    assert got == pytest.approx({key: as_text(key, v) for key, v in expected.items()})


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


def test_api_unknown_territory_is_404(known, client):
    response = client.get("/api/v1/measures?territory=99.999")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


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
def test_one_territory_summary_agrees_with_the_level_figures(known, code, filters):
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
