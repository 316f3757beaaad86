"""Public pages: home, territory, profile, measure and programme pages."""

from tracker.public import (
    profile,  # noqa: F401 - registers the migration-governance profile on `bp`
    programmes,  # noqa: F401 - registers its pages on `bp`
    search,  # noqa: F401 - its route is on the public blueprint
)
from tracker.public.views import bp

__all__ = ["bp"]
