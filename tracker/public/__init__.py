"""Public pages: home and territory pages."""

from tracker.public.views import bp

__all__ = ["bp"]
