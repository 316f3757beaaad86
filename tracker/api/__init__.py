"""The public, read-only JSON API under /api/v1/."""

from tracker.api import records  # noqa: F401 - registers the programmes and organisations lists
from tracker.api.views import bp

__all__ = ["bp"]
