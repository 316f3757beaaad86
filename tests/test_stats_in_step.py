"""Readings per collectivity kept in step with the history: after a change only the
collectivities changed are read again, and nothing is missed — an entry written out of
order, an entry naming no collectivity, a database going back to an earlier state."""

from datetime import timedelta

from sqlalchemy import func, select

from tests.support import BOUARFA, FIGUIG, TANGER, make_organisation, make_validated_measure
from tracker import public_data, stats
from tracker.extensions import db
from tracker.models import AuditEntry, Measure
from tracker.models.base import now_utc
from tracker.stats.in_step import GAP_PATIENCE, in_step


class Probe:
    """A reading of each collectivity's public measures, noting which it was asked for
    (None for every one)."""

    def __init__(self):
        self.asked = []

    def __call__(self, codes):
        self.asked.append(None if codes is None else set(codes))
        query = (
            select(Measure.territory_code, func.count())
            .where(*stats.measure_conditions(stats.Filters()))
            .group_by(Measure.territory_code)
        )
        if codes is not None:
            query = query.where(Measure.territory_code.in_(codes))
        return dict(db.session.execute(query).all())

    def read(self, app):
        with app.app_context():
            return in_step("probe", self, "key")


def entry(app, code, entity="measure", at=None, entry_id=None):
    """A history entry written straight to the table, as another server would."""
    with app.app_context():
        db.session.add(
            AuditEntry(
                id=entry_id,
                entity=entity,
                entity_id=1,
                territory_code=code,
                action="update",
                at=at or now_utc(),
                changes={},
            )
        )
        db.session.commit()


def latest(app):
    with app.app_context():
        return db.session.scalar(select(func.max(AuditEntry.id)))


def test_a_change_reads_again_only_its_collectivity(known):
    probe = Probe()
    before = probe.read(known)
    assert probe.asked == [None]
    assert before[FIGUIG] == 2 and before[TANGER] == 1
    assert probe.read(known) == before and probe.asked == [None]  # nothing changed

    make_validated_measure(known, FIGUIG, "Une de plus")
    make_validated_measure(known, TANGER, "Une autre")
    after = probe.read(known)
    assert probe.asked == [None, {FIGUIG, TANGER}]
    assert after == {**before, FIGUIG: 3, TANGER: 2}
    with known.app_context():
        assert after == Probe()(None)  # what reading everything gives


def test_a_collectivity_left_with_nothing_is_left_out(known):
    probe = Probe()
    assert BOUARFA in probe.read(known)
    with known.app_context():
        from tracker.models import User
        from tracker.records import service

        admin = db.session.scalar(select(User).where(User.email == "admin@example.org"))
        measure = db.session.scalar(select(Measure).where(Measure.territory_code == BOUARFA))
        service.delete(admin, "measure", measure)
        db.session.commit()
    assert BOUARFA not in probe.read(known)
    assert probe.asked == [None, {BOUARFA}]


def test_other_records_and_unplaced_entries(known):
    probe = Probe()
    probe.read(known)
    make_organisation(known, "Association sans mesure")
    entry(known, FIGUIG, entity="programme")
    probe.read(known)
    assert probe.asked == [None]  # no measure changed
    entry(known, None)  # a measure's entry that names no collectivity
    probe.read(known)
    assert probe.asked == [None, None]


def test_an_entry_committed_after_a_later_one_is_waited_for(known):
    probe = Probe()
    probe.read(known)
    missing = latest(known) + 1
    # Entry `missing + 1` commits first, then the transaction holding `missing` does.
    entry(known, FIGUIG, entry_id=missing + 1)
    probe.read(known)
    assert probe.asked == [None, {FIGUIG}]
    probe.read(known)
    assert probe.asked == [None, {FIGUIG}]  # waited for, but nothing new to read
    entry(known, TANGER, entry_id=missing)
    # The data version (the largest id) has not moved; the late entry is read all the same.
    probe.read(known)
    assert probe.asked == [None, {FIGUIG}, {TANGER}]
    probe.read(known)
    assert probe.asked == [None, {FIGUIG}, {TANGER}]


def test_a_first_reading_waits_for_an_entry_not_yet_committed(known):
    missing = latest(known) + 1
    entry(known, FIGUIG, entry_id=missing + 1)
    probe = Probe()
    probe.read(known)  # the first reading: everything, but for the entry still missing
    entry(known, TANGER, entry_id=missing)
    probe.read(known)
    assert probe.asked == [None, {TANGER}]


def test_a_gap_long_enough_is_taken_for_a_rollback(known):
    probe = Probe()
    probe.read(known)
    skipped = latest(known) + 1
    entry(known, FIGUIG, entry_id=skipped + 1, at=now_utc() - GAP_PATIENCE - timedelta(minutes=1))
    probe.read(known)
    assert probe.asked == [None, {FIGUIG}]
    with known.app_context():
        (reading,) = known.extensions["tracker_readings_in_step"]["probe"].values()
        assert reading.floor == skipped + 1 and not reading.beyond


def test_a_database_gone_back_is_read_again(known):
    probe = Probe()
    probe.read(known)
    with known.app_context():
        (reading,) = known.extensions["tracker_readings_in_step"]["probe"].values()
        reading.version += 100  # as if the history had been longer before a restore
    probe.read(known)
    assert probe.asked == [None, None]


def test_territory_pages_follow_a_new_partner_and_year(known):
    partner = make_organisation(known, "Réseau Figuig Solidarité")
    with known.app_context():
        assert "Réseau Figuig Solidarité" not in public_data.partners_within(
            "02", stats.Filters(), "fr"
        )
    make_validated_measure(
        known, FIGUIG, "Avec un partenaire", partners=[partner], start_date="2019-05-01"
    )
    page = known.test_client().get("/territories/02?lang=fr").get_data(as_text=True)
    assert "Réseau Figuig Solidarité" in page
    assert "2019" in page
    with known.app_context():
        assert public_data.partners_within(TANGER[:2], stats.Filters(), "fr") == []


def test_a_record_moved_reads_both_collectivities(known):
    probe = Probe()
    probe.read(known)
    with known.app_context():
        db.session.add(
            AuditEntry(
                entity="measure",
                entity_id=1,
                territory_code=TANGER,
                action="update",
                changes={"territory_code": [FIGUIG, TANGER]},
            )
        )
        db.session.commit()
    probe.read(known)
    assert probe.asked == [None, {FIGUIG, TANGER}]


def test_figures_and_sector_counts_follow_a_change(known):
    """The totals every sum adds up and the comparison's sector counts are read whole
    once, then follow each change by reading its collectivity alone."""
    client = known.test_client()

    def measures_of(code):
        body = client.get("/api/v1/stats?level=province&metric=measures&per_page=500").json
        return next(item["value"] for item in body["items"] if item["code"] == code)

    def counts():
        with known.app_context():
            return stats.sector_counts("region", ["02", TANGER[:2]], stats.Filters())

    before, sectors_before = measures_of("02.251"), counts()
    statements = []
    with known.app_context():
        from sqlalchemy import event

        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    make_validated_measure(known, FIGUIG, "Une de plus", sectors=["health", "housing"])
    statements.clear()
    assert measures_of("02.251") == before + 1
    after = counts()
    assert after["02"] == {
        **sectors_before["02"],
        "health": sectors_before["02"].get("health", 0) + 1,
        "housing": sectors_before["02"].get("housing", 0) + 1,
    }
    assert after[TANGER[:2]] == sectors_before[TANGER[:2]]
    grouped = [s for s in statements if "GROUP BY measure.territory_code" in s]
    # Each reading went back to the collectivity changed alone, never to every measure.
    assert grouped and all("measure.territory_code IN" in s for s in grouped)
