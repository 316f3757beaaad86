"""Comparison of two to four territories of one level: a table, charts and a CSV."""

from tracker.compare.views import bp

__all__ = ["bp"]
