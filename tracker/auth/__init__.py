"""Signing in and out, changing a password, and the accounts administrators manage."""

from tracker.auth import password_views  # noqa: F401  (its views join the blueprint)
from tracker.auth.views import bp

__all__ = ["bp"]
