"""Who is told of a review step, and what they read.

- *submitted*: every active coordinator of the record's region.
- *returned* (with the coordinator's comment) or *validated*: the account that submitted
  the version being reviewed (the latest "submit" in the record's history), when it is
  still active and may still write for the collectivity; otherwise (it was submitted
  from the command line, or that account was disabled or moved) the collectivity's
  active officers. Records have no owner of their own: the history is what tells who
  submitted.

Whoever took the step is never told of it. Each recipient gets one message in their
own language (`User.language`), with a plain-text part and an HTML part (right to left
in Arabic) and the record's address. The messages are made while the step's
transaction is open and sent only once it is committed (`tracker.notifications.outbox`).
"""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from tracker import permissions
from tracker.extensions import db
from tracker.i18n import RTL_LANGUAGES
from tracker.models import AuditEntry, Territory, User
from tracker.models.user import user_territory
from tracker.notifications import outbox
from tracker.notifications.mailer import MailSettings, mail_settings
from tracker.records import registry

STEPS = ("submit", "return", "validate")


def _active(query):
    return db.session.scalars(query.where(User.active.is_(True)).order_by(User.id)).all()


def assigned(codes: list[str], role: str) -> list[User]:
    """The active accounts of `role` assigned one of the territories `codes`."""
    return list(
        _active(
            select(User)
            .join(user_territory, user_territory.c.user_id == User.id)
            .where(User.role == role, user_territory.c.territory_code.in_(codes))
            .distinct()
        )
    )


def submitter(entity: str, record) -> User | None:
    """The account that made the record's latest submission (None: none did, or it
    was made from the command line)."""
    entry = db.session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.entity == entity,
            AuditEntry.entity_id == record.id,
            AuditEntry.action == "submit",
        )
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(1)
    ).first()
    return entry.user if entry is not None else None


def recipients(entity: str, record, action: str, actor) -> list[User]:
    """Who is told that `actor` took `action` on `record` (see the module's rules)."""
    territory = db.session.get(Territory, record.territory_code)
    if action == "submit":
        found = assigned([territory.region_code], "coordinator")
    else:
        by = submitter(entity, record)
        if by is not None and by.active and permissions.can_write(by, record.territory_code):
            found = [by]
        else:
            found = assigned([record.territory_code], "officer")
    return [user for user in found if user.id != getattr(actor, "id", None)]


def record_address(entity: str, record) -> str:
    """The record's page as an absolute address: under `PUBLIC_URL` when it is set, else
    under the address of the current request. Raises `RuntimeError` outside a request."""
    path = url_for("records.record_view", entity=entity, record_id=record.id)
    public = current_app.config.get("PUBLIC_URL")
    if not public:
        return url_for("records.record_view", entity=entity, record_id=record.id, _external=True)
    # `path` starts with the mount point the request came through, which PUBLIC_URL holds.
    root = request.script_root
    if root and path.startswith(root):
        path = path[len(root) :]
    return public.rstrip("/") + path


def subject_of(action: str, title: str) -> str:
    """The subject of a step's message, in the current language."""
    if action == "submit":
        return _("Submitted for your review: %(title)s", title=title)
    if action == "return":
        return _("Returned for correction: %(title)s", title=title)
    return _("Validated: %(title)s", title=title)


def compose(
    settings: MailSettings,
    user: User,
    step: dict,
) -> EmailMessage:
    """The message telling `user` of `step` (what `announce` gathered), in the account's
    language."""
    language = user.language if user.language in current_app.config["LANGUAGES"] else "fr"
    with force_locale(language):
        title = step["record_type"].title_of(step["record"])
        context = {
            **step,
            "title": title,
            "lang": language,
            "direction": "rtl" if language in RTL_LANGUAGES else "ltr",
            "collectivity": step["territory"].name(language),
            "type_label": str(step["record_type"].label),
            "subject": subject_of(step["action"], title),
            # The comment as a quotation, each line isolated (FSI...PDI) so that Arabic
            # and French lines keep their own order in any mail program.
            "quoted": "\n".join(
                f"> \u2068{line}\u2069" for line in (step["comment"] or "").splitlines()
            ),
        }
        text = render_template("email/record_step.txt", **context)
        html = render_template("email/record_step.html", **context)
    message = EmailMessage()
    message["Subject"] = context["subject"]
    message["From"] = settings.sender
    message["To"] = user.email
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2] or None)
    # RFC 3834: no out-of-office answer to a message no one wrote.
    message["Auto-Submitted"] = "auto-generated"
    message["Content-Language"] = language
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def announce(entity: str, record, action: str, actor) -> int:
    """Make the messages telling of `actor`'s step `action` ("submit", "return",
    "validate") on `record`, to be sent once the step's transaction is committed (never
    if it is rolled back); how many. Nothing when `MAIL_SERVER` is unset.

    Called within the request that takes the step (for the record's address), after
    `service.transition` and before the commit.
    """
    settings = mail_settings(current_app.config)
    if settings is None or action not in STEPS:
        return 0
    step = {
        "action": action,
        "record": record,
        "record_type": registry.record_type(entity),
        "territory": db.session.get(Territory, record.territory_code),
        "actor": getattr(actor, "email", None),
        "comment": record.review_comment if action == "return" else None,
        "address": record_address(entity, record),
    }
    messages = [compose(settings, user, step) for user in recipients(entity, record, action, actor)]
    outbox.send_after_commit(db.session(), settings, messages)
    return len(messages)
