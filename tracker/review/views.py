"""The review loop: an officer submits a record, a coordinator of its region validates
it (it becomes public) or returns it with a comment; the coordinator's queue.

The rules (who, from which state) are the service's; these views answer 403 or 404
when it refuses and say on the record's page why nothing was done.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tracker import notifications, permissions
from tracker.i18n import current_language
from tracker.records import forms, pages, service
from tracker.review.home import coordinator_home, review_queue

bp = Blueprint("review", __name__)


@bp.app_context_processor
def review_home():
    """`review_home()` in every template: the review part of the signed-in user's home
    page (see `coordinator_home`), so that the home page shows it without the recording
    views depending on this blueprint."""
    return {"review_home": lambda: coordinator_home(current_user)}


def _steps() -> dict[str, tuple[str, str | None]]:
    """step → (what is said once it is done, the page to go to then: None for the record's)."""
    return {
        "submit": (_("Submitted for review."), None),
        "validate": (_("Validated: it is now public."), url_for("review.queue")),
        "return": (_("Returned to the collectivity with your comment."), url_for("review.queue")),
    }


@bp.post("/work/<entity>/<int:record_id>/<action>")
@login_required
def record_step(entity: str, record_id: int, action: str):
    """Submit a record for review, validate it or return it with a comment.

    Aborts 404 for an unknown, deleted or unreviewed record or an unknown step, 400
    without the CSRF token, 403 when the user may not take this step for its collectivity.
    """
    record_type, record = pages.reviewed_record(entity, record_id)
    steps = _steps()
    if action not in steps:
        abort(404)
    done, then = steps[action]
    form = forms.ActionForm() if action == "submit" else forms.ReviewForm()

    def step(version: int) -> None:
        comment = form.comment.data if action != "submit" else None
        service.transition(current_user, entity, record, action, comment, expected_version=version)
        notifications.announce(entity, record, action, current_user)

    return pages.take_step(record_type, record, form, step, done, then)


@bp.get("/review")
@login_required
def queue():
    """The coordinator's queue: what the collectivities of the region submitted (403
    for anyone but coordinators and administrators)."""
    if not permissions.can_see_review_queue(current_user):
        abort(403)
    return render_template(
        "review/queue.html",
        queue=review_queue(current_user),
        lang=current_language(),
        labels=pages.LABELS,
    )
