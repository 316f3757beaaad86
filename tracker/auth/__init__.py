"""Signing in and out, and the accounts administrators manage."""

from tracker.auth.views import bp

__all__ = ["bp"]
