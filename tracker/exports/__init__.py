"""Exports of the public measures, with a page's filters: CSV, XLSX and GeoJSON under /export/."""

from tracker.exports.views import bp

__all__ = ["bp"]
