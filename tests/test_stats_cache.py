"""The one way figures are kept between requests: bounded, renewed by any change to a
record (made by this server or another), never stale for the transaction that wrote,
and never reading the request."""

import ast
from pathlib import Path

import pytest
from sqlalchemy import event

from tests.support import FIGUIG, dispose
from tracker import create_app, stats
from tracker.extensions import db
from tracker.models import Measure, User
from tracker.records import service

STATS = Path(stats.__file__).parent


def draft_measure():
    return db.session.scalar(db.select(Measure).where(Measure.review_state == "draft"))


def admin():
    return db.session.scalar(db.select(User))


class Statements:
    """Counts the SQL statements the app's engine runs while it is open."""

    def __init__(self):
        self.count = 0

    def _count(self, *args):
        self.count += 1

    def __enter__(self):
        event.listen(db.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        event.remove(db.engine, "before_cursor_execute", self._count)


def test_no_module_of_stats_reads_the_request():
    allowed = {"current_app"}
    for path in STATS.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "flask":
                names = {alias.name for alias in node.names}
                assert names <= allowed, f"{path.name} imports {names - allowed} from flask"
            if isinstance(node, ast.Import):
                assert "flask" not in {alias.name for alias in node.names}, path.name


def test_kept_figures_are_bounded_and_follow_the_data(known):
    from tracker.stats import kept

    computed = []

    def compute(i):
        computed.append(i)
        return {"value": i}

    with known.app_context():
        for i in range(5):
            assert kept("probe", lambda i=i: compute(i), i, limit=3) == {"value": i}
        assert kept("probe", lambda: compute(4), 4, limit=3) == {"value": 4}
        caches = known.extensions["tracker_kept_figures"]
        assert len(caches["probe"]) <= 3
    assert computed == [0, 1, 2, 3, 4]  # the last one was kept
    # A change to any record lets them all go.
    with known.app_context():
        service.transition(admin(), "measure", draft_measure(), "submit")
        db.session.commit()
    with known.app_context():
        kept("probe", lambda: compute(4), 4, limit=3)
    assert computed == [0, 1, 2, 3, 4, 4]


def test_the_least_recently_used_figure_goes_first(known):
    from tracker.stats import kept

    computed = []

    def ask(i):
        return kept("probe", lambda: computed.append(i) or i, i, limit=2)

    with known.app_context():
        ask(1), ask(2), ask(1), ask(3)  # 2 is the least recently used
        assert computed == [1, 2, 3]
        ask(1)
        assert computed == [1, 2, 3]
        ask(2)
        assert computed == [1, 2, 3, 2]


def test_kept_values_are_copies(known):
    with known.app_context():
        stats.populations("commune").clear()
        assert stats.populations("commune")[FIGUIG] == 10449
        summary = stats.national_summary()
        summary["measures"] = 0
        assert stats.national_summary()["measures"] == 5


def test_a_page_asks_the_database_once_for_the_version_and_populations(known):
    with known.app_context():
        stats.populations("commune")  # read and kept
    with known.app_context():
        with Statements() as first:
            version = stats.data_version()
            assert stats.populations("commune")[FIGUIG] == 10449
        with Statements() as again:
            for _ in range(3):
                assert stats.data_version() == version
                assert stats.populations("commune")[FIGUIG] == 10449
                assert stats.populations("commune", FIGUIG) == {FIGUIG: 10449}
    assert first.count == 1  # the version; the populations were kept
    assert again.count == 1  # the populations of Figuig alone, kept since


def test_a_write_sees_its_own_figures_and_keeps_none_of_them(known):
    with known.app_context():
        assert stats.national_summary()["measures"] == 5
        before = stats.data_version()
        measure = draft_measure()
        service.transition(admin(), "measure", measure, "submit")
        service.transition(admin(), "measure", measure, "validate")
        # Not committed: this transaction sees its write, in the version too.
        assert stats.data_version() > before
        assert stats.national_summary()["measures"] == 6
        assert stats.metric_values("measures", "commune")[FIGUIG] == 3
        addressed = stats.sectors_addressed(stats.Filters(), FIGUIG)
        assert set(addressed) == {"health", "housing", "youth_leisure"}
        db.session.rollback()
        # Rolled back: the figures seen meanwhile were not kept. On SQLite, the next
        # history entries take the same ids again: as many, public figures unchanged.
        assert stats.data_version() == before
        assert stats.national_summary()["measures"] == 5
        measure = draft_measure()
        service.transition(admin(), "measure", measure, "submit")
        service.transition(admin(), "measure", measure, "return", comment="À revoir")
        db.session.commit()
    with known.app_context():
        assert stats.national_summary()["measures"] == 5
        assert stats.metric_values("measures", "commune")[FIGUIG] == 2


def test_a_statement_that_writes_renews_the_version(known):
    with known.app_context():
        before = stats.data_version()
        db.session.execute(
            db.update(Measure).where(Measure.territory_code == FIGUIG).values(title="Autre")
        )
        assert db.session.info.get("tracker_data_version") is None
        db.session.rollback()
        assert stats.data_version() == before


def test_a_change_made_by_another_server_renews_the_figures(known):
    other = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": known.config["SQLALCHEMY_DATABASE_URI"],
            "GEO_CACHE_DIR": known.config["GEO_CACHE_DIR"],
            "MAP_TILES_URL": None,
        }
    )
    try:
        with known.app_context():
            assert stats.national_summary()["measures"] == 5
        with other.app_context():
            assert stats.national_summary()["measures"] == 5
            measure = draft_measure()
            service.transition(admin(), "measure", measure, "submit")
            service.transition(admin(), "measure", measure, "validate")
            db.session.commit()
        with known.app_context():
            assert stats.national_summary()["measures"] == 6
    finally:
        dispose(other)


@pytest.mark.parametrize("setting, value", [("PUBLIC_SHOW_SUBMITTED", True)])
def test_the_public_settings_are_part_of_the_key(known, setting, value):
    with known.app_context():
        service.transition(admin(), "measure", draft_measure(), "submit")
        db.session.commit()
        assert stats.national_summary()["measures"] == 5
        known.config[setting] = value
        assert stats.national_summary()["measures"] == 6
