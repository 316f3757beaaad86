"""Administration of records: deleted records and restoring them."""

from tracker.admin.views import bp

__all__ = ["bp"]
