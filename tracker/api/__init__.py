"""The public, read-only JSON API under /api/v1/."""

from tracker.api.views import bp

__all__ = ["bp"]
