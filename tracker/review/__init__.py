"""Review: the coordinator's queue, submitting, validating and returning records, and
the coordinator's part of the home page."""

from tracker.review.views import bp

__all__ = ["bp"]
