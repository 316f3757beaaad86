"""Public pages: home, territory, measure and programme pages."""

from tracker.public import (
    programmes,  # noqa: F401 - registers its pages on `bp`
    search,  # noqa: F401 - its route is on the public blueprint
)
from tracker.public.views import bp

__all__ = ["bp"]
