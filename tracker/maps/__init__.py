"""The map page."""

from tracker.maps.views import bp

__all__ = ["bp"]
