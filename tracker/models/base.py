"""Helpers shared by the models."""

from __future__ import annotations

from datetime import UTC, datetime


def now_utc() -> datetime:
    """The current time in UTC (a callable default, evaluated at insert)."""
    return datetime.now(UTC)
