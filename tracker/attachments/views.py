"""Downloading an attached document."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from flask import Blueprint, Response, abort, request
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user

from tracker.attachments.access import may_download
from tracker.extensions import db
from tracker.models import Attachment

bp = Blueprint("attachments", __name__)

# What the ASCII name of an old browser may hold; the rest becomes "_".
_UNSAFE = re.compile(r"[^A-Za-z0-9 ._()-]+")


def content_disposition(attachment: Attachment) -> str:
    """`attachment` with its download name: as UTF-8 for today's browsers (RFC 5987's
    `filename*`), and an ASCII name for the others (`document-ID.pdf` when the name
    has no Latin letter or digit)."""
    name = attachment.download_name
    # The download name always ends with its type's extension (`Attachment.download_name`).
    stem, extension = name.rsplit(".", 1)
    simple = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    # A name whose first part had no Latin letter or digit says nothing in ASCII.
    if re.search(r"[A-Za-z0-9]", simple.split(".")[0]):
        simple = _UNSAFE.sub("_", simple).strip(" ._")
    else:
        simple = f"document-{attachment.id}"
    simple = f"{simple}.{extension}"
    return f"attachment; filename=\"{simple}\"; filename*=UTF-8''{quote(name, safe='')}"


@bp.route("/attachments/<int:attachment_id>")
def download(attachment_id: int):
    """The attached document `attachment_id`, as a download of the type its content
    showed, never opened as a page (`nosniff`, a sandbox).

    Aborts 404 for an unknown document, one that belongs to no record, and one the
    visitor may not read (`access.may_download`): nobody learns it exists.
    """
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or not may_download(current_user, attachment):
        abort(404)
    response = Response(attachment.data, mimetype=attachment.media_type)
    response.headers["Content-Disposition"] = content_disposition(attachment)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    # Whether it may be read changes with its record's review: ask again each time.
    response.headers["Cache-Control"] = "private, no-cache"
    response.set_etag(attachment.sha256)
    return response.make_conditional(request)


@bp.app_template_filter("file_size")
def file_size(size: int) -> str:
    """A document's size as people read it: "840 KB", "2.4 MB" (in the page's language)."""
    if size < 1024 * 1024:
        return _("%(size)s KB", size=format_decimal(max(1, round(size / 1024))))
    return _("%(size)s MB", size=format_decimal(round(size / (1024 * 1024), 1), format="#,##0.0"))
