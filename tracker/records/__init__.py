"""Recording: the officer's home, the forms for programmes, measures and organisations, review."""

from tracker.records.views import bp

__all__ = ["bp"]
