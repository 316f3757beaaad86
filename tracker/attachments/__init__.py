"""Documents attached as evidence (deliberation scans, agreements): checked, kept in the
database, and served as downloads."""

from tracker.attachments.views import bp

__all__ = ["bp"]
