"""The public, read-only JSON API under /api/v1/, and its page for people at /api."""

from tracker.api import (
    assessments,  # noqa: F401 - registers the assessments list
    docs,
    records,  # noqa: F401 - registers the programmes and organisations lists
)
from tracker.api.views import bp

# The page lives outside the API's prefix; registering the API registers it too.
bp.record_once(lambda state: state.app.register_blueprint(docs.bp))

__all__ = ["bp"]
