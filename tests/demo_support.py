"""Plain helpers the tests of the pilot dataset share: its measures, the number of rows
in the tables it fills, and an application on a given database."""

from __future__ import annotations

from sqlalchemy import func, select

from tracker import create_app
from tracker.demo import REFERENCE_PREFIX
from tracker.extensions import db
from tracker.models import AuditEntry, Measure, Organisation, Programme, Setting, User


def demo_measures() -> list[Measure]:
    """The measures of the pilot dataset, found by their reference."""
    return list(
        db.session.scalars(select(Measure).where(Measure.reference.startswith(REFERENCE_PREFIX)))
    )


def table_counts() -> dict[str, int]:
    """How many rows each table holds, to compare before and after a second load."""
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (User, Organisation, Programme, Measure, AuditEntry, Setting)
    }


def app_on(url: str, tmp_path, **config):
    """An application on the database at `url`, its geography cache under `tmp_path`."""
    return create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "GEO_CACHE_DIR": str(tmp_path / "geography"),
            **config,
        }
    )
