"""Public pages: home and territory pages."""

from tracker.public import search  # noqa: F401 - its route is on the public blueprint
from tracker.public.views import bp

__all__ = ["bp"]
