"""Which assessments the public sees: validated and live only, the latest or a chosen
year's, and a collectivity never assessed has none (it shows as "not assessed")."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.support import BOUARFA, FIGUIG, TANGER, make_assessment
from tracker.assessment import published
from tracker.extensions import db
from tracker.models import Assessment


def test_only_validated_live_assessments_are_published(app):
    make_assessment(app, FIGUIG, 2025)
    make_assessment(app, FIGUIG, 2026, state="submitted")
    make_assessment(app, BOUARFA, 2025, state="returned")
    deleted = make_assessment(app, TANGER, 2025)
    with app.app_context():
        db.session.get(Assessment, deleted).deleted_at = datetime.now(UTC)
        db.session.commit()
        assert [a.year for a in published.history(FIGUIG)] == [2025]
        assert published.latest(BOUARFA) is None
        assert published.by_territory() == {FIGUIG: published.latest(FIGUIG)}
        assert published.years() == [2025]


def test_latest_previous_and_a_chosen_year(app):
    for year, q1 in ((2024, 0), (2025, 1), (2026, 3)):
        make_assessment(app, FIGUIG, year, {"Q1": q1})
    make_assessment(app, BOUARFA, 2025)
    with app.app_context():
        newest = published.latest(FIGUIG)
        assert newest.year == 2026 and newest.answer("Q1").points == 3
        assert published.previous(newest).year == 2025
        assert published.previous(published.latest(FIGUIG, 2024)) is None
        assert published.latest(FIGUIG, 2023) is None
        latest_each = published.by_territory([FIGUIG, BOUARFA, TANGER])
        assert {code: a.year for code, a in latest_each.items()} == {FIGUIG: 2026, BOUARFA: 2025}
        in_2024 = published.by_territory(year=2024)
        assert list(in_2024) == [FIGUIG]
        assert published.by_territory([]) == {}
