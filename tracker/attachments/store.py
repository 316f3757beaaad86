"""Reading an uploaded document into an `Attachment`, and the documents a record keeps.

A document is accepted for what its bytes are, not for what its name or the browser
says: a PDF (`%PDF-`), a PNG (its eight-byte signature) or a JPEG (`FF D8 FF`), of at
most `MAX_ATTACHMENT_BYTES`. Anything else is refused with a message in the user's
language (`AttachmentRefused`), before anything is written.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, exists
from werkzeug.datastructures import FileStorage

from tracker.extensions import db
from tracker.models import Attachment
from tracker.models.attachment import assessment_answer_attachment, measure_attachment

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
MEGABYTE = 1024 * 1024

# The first bytes of each accepted type, and its media type.
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)

# What a file input offers to choose (the server checks the content all the same).
ACCEPT = ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"

# Longest name kept (the column holds 255; room for an extension added on download).
NAME_MAX = 200

# What the measure form sends: the documents chosen, and the ids of those to remove.
UPLOADS, REMOVALS = "attachments", "remove_attachments"


class AttachmentRefused(ValueError):
    """A document that cannot be attached; `message` says why, in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def sniff(data: bytes) -> str | None:
    """The media type `data` starts like (application/pdf, image/png, image/jpeg), or
    None for any other content."""
    for signature, media_type in SIGNATURES:
        if data.startswith(signature):
            return media_type
    return None


def clean_file_name(name: str | None) -> str:
    """The name a document was given, safe to show and to send back: its last path
    part, without control or direction-changing characters (which could make
    "invoice\u202efdp.exe" read as another name), spaces run together, no leading dot,
    at most `NAME_MAX` characters with its extension kept. Letters of every script
    stay. An empty name becomes "document"."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(c for c in name if not unicodedata.category(c).startswith("C"))
    name = " ".join(name.split()).strip(" .")
    if len(name) > NAME_MAX:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            name = stem[: NAME_MAX - len(extension) - 1].rstrip() + "." + extension
        else:
            name = name[:NAME_MAX]
    return name or _("document")


def read_upload(file_storage, user=None) -> Attachment:
    """A new `Attachment` (not yet in the session) from an uploaded file (a werkzeug
    `FileStorage`), created by `user` when given.

    Raises `AttachmentRefused` for an empty file, a file over `MAX_ATTACHMENT_BYTES`,
    and content that is not a PDF, a PNG or a JPEG, whatever its name or declared type.
    """
    name = clean_file_name(file_storage.filename)
    data = file_storage.stream.read(MAX_ATTACHMENT_BYTES + 1)
    if not data:
        raise AttachmentRefused(_("“%(name)s” is empty: choose the document again.", name=name))
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise AttachmentRefused(
            _(
                "“%(name)s” is larger than %(size)d MB. Scan it at a lower resolution or "
                "split it, then attach it again.",
                name=name,
                size=MAX_ATTACHMENT_BYTES // MEGABYTE,
            )
        )
    media_type = sniff(data)
    if media_type is None:
        raise AttachmentRefused(
            _(
                "“%(name)s” is not a PDF, PNG or JPEG document. Only these are accepted, "
                "whatever the file's name says.",
                name=name,
            )
        )
    return Attachment(
        file_name=name,
        media_type=media_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        created_by_id=getattr(user, "id", None),
    )


def read_uploads(files: Iterable | None, user=None) -> list[Attachment]:
    """`read_upload` of each file chosen (an input left empty sends none, and a text
    sent in place of a file is no document); raises `AttachmentRefused` for the first
    one refused."""
    return [
        read_upload(f, user)
        for f in files or ()
        if isinstance(f, FileStorage) and f and f.filename is not None
    ]


def kept_documents(raw: dict[str, Any], current, errors: dict[str, str]) -> list[Attachment]:
    """The documents a record keeps after a save from `raw`: those of `current` (the
    record being changed, None for a new one) but the ids `raw[REMOVALS]` names, then
    those uploaded in `raw[UPLOADS]`. A refused upload puts its message in `errors`
    under `UPLOADS`; nothing is written."""
    removed = {str(value) for value in raw.get(REMOVALS) or ()}
    kept = [a for a in (current.attachments if current else ()) if str(a.id) not in removed]
    try:
        return kept + read_uploads(raw.get(UPLOADS))
    except AttachmentRefused as refused:
        errors[UPLOADS] = refused.message
        return kept


def store_new(attachments: Iterable[Attachment], user) -> None:
    """Add the documents of `attachments` not stored yet, as created by `user`, and
    give them their ids (the history names documents by id)."""
    new = [a for a in attachments if a.id is None]
    for attachment in new:
        attachment.created_by_id = attachment.created_by_id or getattr(user, "id", None)
    db.session.add_all(new)
    if new:
        db.session.flush()


def delete_unlinked(attachments: Iterable[Attachment]) -> None:
    """Delete those of `attachments` no measure or answer links to any more: a document
    removed from its record is gone, not kept unseen."""
    ids = [a.id for a in attachments if a.id is not None]
    if not ids:
        return
    db.session.flush()
    linked = exists().where(measure_attachment.c.attachment_id == Attachment.id)
    answered = exists().where(assessment_answer_attachment.c.attachment_id == Attachment.id)
    db.session.execute(
        delete(Attachment)
        .where(Attachment.id.in_(ids), ~linked, ~answered)
        .execution_options(synchronize_session="fetch")
    )


def removed_from(record, kept: Iterable[Attachment]) -> list[Attachment]:
    """The documents `record` holds that `kept` leaves out (none for a new record)."""
    if record is None:
        return []
    kept_ids = {id(a) for a in kept}
    return [a for a in record.attachments if id(a) not in kept_ids]
