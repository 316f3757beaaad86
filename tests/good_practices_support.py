"""What the tests of good practices share: the note a coordinator writes, the accounts
that mark, and a measure marked through the service as one of them would."""

from __future__ import annotations

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Measure, User

NOTE = "Une permanence hebdomadaire tenue avec l'association locale ; il a fallu un local."
COORDINATOR = "coordinator@example.org"  # of the Oriental, Figuig's region
ADMIN = "admin@example.org"


def user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def mark_good_practice(app, measure_id: int, note: str = NOTE, by: str = COORDINATOR) -> None:
    """Mark a measure through the service, as `by`."""
    from tracker.good_practices import marks

    with app.app_context():
        marks.mark(user(by), db.session.get(Measure, measure_id), note)
        db.session.commit()
