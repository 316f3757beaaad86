"""The counts the pages show besides the metrics, on the known measures: measures by
territory and sector (the comparison), programmes of the councils inside a territory
(the territory page), a collectivity's measures by status and sector (its officers'
home), and which territories have records of which types."""

import pytest

from tests.support import BOUARFA, FIGUIG, TANGER
from tracker import stats
from tracker.extensions import db
from tracker.models import Measure, Programme, User
from tracker.records import service

BNI_TADJITE = "02.251.03.03"  # a commune of Figuig province with nothing recorded


def admin():
    return db.session.scalar(db.select(User).where(User.email == "admin@example.org"))


def add_programme(code, integration, validated=True):
    programme = service.save_programme(
        admin(),
        {
            "territory_code": code,
            "kind": "PAC",
            "title": f"Programme {code}",
            "first_year": "2023",
            "last_year": "2028",
            "integration": integration,
        },
    )
    if validated:
        service.transition(admin(), "programme", programme, "submit")
        service.transition(admin(), "programme", programme, "validate")
    return programme


@pytest.fixture
def programmes(known):
    """The known measures, and programmes: validated ones in Figuig, Bouarfa, Bni
    Tadjite and Figuig province's own council, a draft and a deleted one in Bouarfa."""
    with known.app_context():
        add_programme(FIGUIG, "dedicated")
        add_programme(BOUARFA, "mentioned")
        add_programme(BNI_TADJITE, "dedicated")
        add_programme("02.251", "dedicated")
        add_programme(BOUARFA, "absent", validated=False)
        deleted = add_programme(BOUARFA, "absent")
        service.delete(admin(), "programme", deleted)
        db.session.commit()
    return known


@pytest.mark.parametrize(
    "level, codes, filters, expected",
    [
        (
            "commune",
            [FIGUIG, BOUARFA, BNI_TADJITE],
            {},
            {FIGUIG: {"health": 2, "housing": 1}, BOUARFA: {"employment": 1}, BNI_TADJITE: {}},
        ),
        (
            "region",
            ["02", "01"],
            {},
            {
                "02": {"health": 2, "housing": 1, "employment": 1, "governance_communication": 1},
                "01": {"health": 1},
            },
        ),
        (
            "province",
            ["02.251"],
            {"year": 2025},
            {"02.251": {"health": 1, "housing": 1, "employment": 1}},
        ),
        # Measures addressing health, counted under each sector they address.
        (
            "commune",
            [FIGUIG, TANGER],
            {"sector": "health"},
            {FIGUIG: {"health": 2, "housing": 1}, TANGER: {"health": 1}},
        ),
        ("commune", [FIGUIG], {"status": "planned"}, {FIGUIG: {}}),
    ],
)
def test_sector_counts(known, level, codes, filters, expected):
    with known.app_context():
        assert stats.sector_counts(level, codes, stats.Filters(**filters)) == expected


def test_sector_counts_refuse_an_unknown_level(known):
    with known.app_context(), pytest.raises(ValueError):
        stats.sector_counts("planet", [FIGUIG], stats.Filters())


def test_programmes_inside(programmes):
    with programmes.app_context():
        # Figuig province: its communes' public programmes, not its own council's.
        assert stats.programmes_inside("02.251") == {"dedicated": 2, "mentioned": 1}
        # The Oriental region: the province's council counts too.
        assert stats.programmes_inside("02") == {"dedicated": 3, "mentioned": 1}
        assert stats.programmes_inside(FIGUIG) == {}  # a commune has nothing inside
        assert stats.programmes_inside("01") == {}


def test_programmes_inside_follow_the_public_setting(programmes):
    programmes.config["PUBLIC_SHOW_SUBMITTED"] = True
    with programmes.app_context():
        draft = db.session.scalar(db.select(Programme).where(Programme.review_state == "draft"))
        service.transition(admin(), "programme", draft, "submit")
        db.session.commit()
        assert stats.programmes_inside("02.251") == {"dedicated": 2, "mentioned": 1, "absent": 1}


def test_the_territory_page_counts_the_programmes_inside(programmes, client):
    page = client.get("/territories/02.251?lang=en").get_data(as_text=True)
    with programmes.app_context():
        counted = stats.programmes_inside("02.251")
    assert counted == {"dedicated": 2, "mentioned": 1}
    for label, count in [("A dedicated axis or measures", 2), ("Mentioned", 1), ("Absent", 0)]:
        assert f'<tr><td>{label}</td><td class="num">{count}</td></tr>' in page


def test_a_collectivitys_own_measures_by_status_and_sector(known):
    with known.app_context():
        # Every review state counts (Figuig's draft too), and only its own council's.
        assert stats.measures_by_status(FIGUIG) == {"completed": 1, "ongoing": 2}
        assert stats.measures_by_sector(FIGUIG) == {"health": 2, "housing": 1, "youth_leisure": 1}
        assert stats.measures_by_status("02.251") == {}
        assert stats.measures_by_status("02") == {"ongoing": 1}
        assert stats.measures_by_sector(BNI_TADJITE) == {}
        # Deleted measures do not.
        draft = db.session.scalar(db.select(Measure).where(Measure.review_state == "draft"))
        service.delete(admin(), "measure", draft)
        db.session.commit()
        assert stats.measures_by_status(FIGUIG) == {"completed": 1, "ongoing": 1}
        assert stats.measures_by_sector(FIGUIG) == {"health": 2, "housing": 1}


def test_a_collectivitys_counts_agree_with_its_measures(known):
    # What the officer's home counted by reading every measure and its sectors.
    with known.app_context():
        for code in (FIGUIG, BOUARFA, TANGER, "02"):
            measures = db.session.scalars(
                db.select(Measure).where(
                    Measure.territory_code == code, Measure.deleted_at.is_(None)
                )
            ).all()
            by_status, by_sector = {}, {}
            for m in measures:
                by_status[m.status] = by_status.get(m.status, 0) + 1
                for s in m.sectors:
                    by_sector[s.key] = by_sector.get(s.key, 0) + 1
            assert stats.measures_by_status(code) == by_status
            assert stats.measures_by_sector(code) == by_sector


def test_recorded_counts_the_record_types_it_is_given(programmes):
    with programmes.app_context():
        both = (Measure, Programme)
        assert stats.recorded("commune", None, both) == {FIGUIG, BOUARFA, TANGER, BNI_TADJITE}
        assert stats.recorded("commune", None, (Measure,)) == {FIGUIG, BOUARFA, TANGER}
        assert stats.recorded("commune", None, (Programme,)) == {FIGUIG, BOUARFA, BNI_TADJITE}
        assert stats.recorded("province", None, (Programme,)) == {"02.251"}
        assert stats.recorded("region", None, (Programme,)) == {"02"}
        assert stats.recorded("commune", BNI_TADJITE, (Measure,)) == set()
        assert stats.recorded("commune", BNI_TADJITE, both) == {BNI_TADJITE}
        assert stats.recorded("province", "01.511", (Programme,)) == set()
        assert stats.recorded("country", None, (Programme,)) == {stats.NATIONAL}
        assert stats.recorded("commune", None, ()) == set()
        # By default, the reviewed record types the figures count.
        assert stats.recorded("commune") == stats.recorded("commune", None, both)


def test_a_commune_with_programmes_only_has_data(programmes):
    # Bni Tadjite has a programme and no measure: zero measures, not "no data".
    with programmes.app_context():
        assert stats.metric_values("measures", "commune")[BNI_TADJITE] == 0
        assert stats.metric_values("completed_share", "commune")[BNI_TADJITE] is None
