"""The yearly self-assessment: the versioned indicator set and its methodology page."""

from tracker.assessment.views import bp

__all__ = ["bp"]
