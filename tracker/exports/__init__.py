"""Exports of what the public pages show, with their filters, under /export/: the public
measures, and the map's figures by territory, as CSV, XLSX and GeoJSON."""

from tracker.exports.views import bp

__all__ = ["bp"]
