"""Loading Morocco's territories from the census package."""

from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import Territory
from tracker.territories import load_territories


def _count(level):
    return db.session.scalar(select(func.count()).where(Territory.level == level))


def test_whole_country_is_loaded(app):
    with app.app_context():
        assert _count("region") == 12
        assert _count("province") == 83
        assert _count("commune") == 1503


def test_figuig_is_where_hcp_puts_it(app):
    with app.app_context():
        figuig = db.session.get(Territory, "02.251.01.03")
        assert figuig.name_fr == "Figuig"
        assert figuig.name_ar == "فجيج"
        assert figuig.kind == "urban"
        assert figuig.parent_code == "02.251"
        assert figuig.parent.parent_code == "02"
        assert [a.code for a in figuig.ancestors()] == ["02", "02.251"]
        assert figuig.population_2024 == 10449
        assert figuig.population_2014 == 10872


def test_codes_are_strings_with_leading_zeros(app):
    with app.app_context():
        tanger = db.session.get(Territory, "01.511.01.0")
        assert tanger is not None and tanger.region_code == "01"


def test_province_population_2014_sums_its_communes(app):
    with app.app_context():
        figuig = db.session.get(Territory, "02.251")
        total = sum(c.population_2014 or 0 for c in figuig.children)
        assert figuig.population_2014 == total
        assert figuig.children_count() == 13


def test_loading_again_changes_nothing_and_repairs_edits(app):
    with app.app_context():
        figuig = db.session.get(Territory, "02.251.01.03")
        figuig.name_fr = "Mistyped"
        db.session.commit()
        result = load_territories()
        assert sum(result.created.values()) == 0
        assert result.updated == {"region": 0, "province": 0, "commune": 1}
        assert db.session.get(Territory, "02.251.01.03").name_fr == "Figuig"
        assert _count("commune") == 1503


def test_cli_load_is_safe_to_run_again(runner, app):
    result = runner.invoke(args=["territories", "load"])
    assert result.exit_code == 0, result.output
    assert "commune: 0 created, 0 updated, 1503 unchanged" in result.output


def test_init_db_is_safe_to_run_again(runner):
    for _ in range(2):
        result = runner.invoke(args=["init-db"])
        assert result.exit_code == 0, result.output
        assert "Database ready" in result.output
