"""Comparison of two to four territories of one level: a table, charts, and the table
to download as CSV, XLSX or GeoJSON."""

from tracker.compare.views import bp

__all__ = ["bp"]
