"""Downloading an attached document."""

from __future__ import annotations

from flask import Blueprint, abort

bp = Blueprint("attachments", __name__)


@bp.route("/attachments/<int:attachment_id>")
def download(attachment_id: int):
    """The attached document `attachment_id`, as a download."""
    abort(404)
