"""Exports of what the public pages show, with their filters, under /export/: the public
measures, and the map's figures by territory, as CSV, XLSX and GeoJSON."""

from tracker.exports import figures  # noqa: F401 - registers the figures routes on bp
from tracker.exports.views import bp

__all__ = ["bp"]
