"""Sending e-mail without making anyone wait: the SMTP settings, and one worker thread
per process that sends what the requests leave in its queue.

A request never talks to the mail server. It puts a finished message in the outbox and
goes on; the worker sends it with the configured timeout and logs, on the `tracker.mail`
logger, every message it sent and every one it could not (the server refused, did not
answer, was unreachable), never the password.
"""

from __future__ import annotations

import logging
import os
import queue
import smtplib
import ssl
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

log = logging.getLogger("tracker.mail")

# Messages waiting beyond this are dropped (and logged): a mail server down for a day
# must not fill the memory of every process.
OUTBOX_SIZE = 1000


@dataclass(frozen=True)
class MailSettings:
    """How to reach the mail server, as the configuration gives it (`MAIL_*`)."""

    server: str
    port: int = 25
    username: str | None = None
    # Kept out of the representation, so no log line or traceback can show it.
    password: str | None = field(default=None, repr=False)
    use_tls: bool = False
    sender: str = "tracker@localhost"
    timeout: float = 10.0


def mail_settings(config: Mapping[str, Any]) -> MailSettings | None:
    """The mail settings of an app's `config`, or None when `MAIL_SERVER` is unset
    (notifications are then off)."""
    server = config.get("MAIL_SERVER")
    if not server:
        return None
    return MailSettings(
        server=server,
        port=int(config.get("MAIL_PORT") or 25),
        username=config.get("MAIL_USERNAME") or None,
        password=config.get("MAIL_PASSWORD") or None,
        use_tls=bool(config.get("MAIL_USE_TLS")),
        sender=config.get("MAIL_FROM") or config.get("MAIL_USERNAME") or "tracker@localhost",
        timeout=float(config.get("MAIL_TIMEOUT") or 10),
    )


def deliver(settings: MailSettings, message: EmailMessage) -> None:
    """Send `message` now, through the server `settings` name, waiting at most
    `settings.timeout` seconds for each answer. Raises what `smtplib` and the socket
    raise (`OSError`, `smtplib.SMTPException`)."""
    with smtplib.SMTP(settings.server, settings.port, timeout=settings.timeout) as smtp:
        if settings.use_tls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.username:
            smtp.login(settings.username, settings.password or "")
        smtp.send_message(message)


def send_logged(settings: MailSettings, message: EmailMessage) -> bool:
    """`deliver` that never raises: whether the message was sent, logged either way."""
    recipient, subject = message["To"], message["Subject"]
    try:
        deliver(settings, message)
    except Exception as error:  # noqa: BLE001 (whatever goes wrong, the mail only is lost)
        log.warning(
            "mail to %s (%s) not sent through %s:%s: %s: %s",
            recipient,
            subject,
            settings.server,
            settings.port,
            type(error).__name__,
            error,
        )
        return False
    log.info("mail to %s (%s) sent", recipient, subject)
    return True


class Outbox:
    """The messages this process has yet to send, and the one thread that sends them."""

    def __init__(self, size: int = OUTBOX_SIZE):
        self.size = size
        self.reset()

    def reset(self) -> None:
        """Start empty, with no worker: in a process just forked (a gunicorn worker),
        the parent's thread does not exist and its locks may be held."""
        self.jobs: queue.Queue = queue.Queue(self.size)
        self.lock = threading.Lock()
        self.worker: threading.Thread | None = None

    def put(self, settings: MailSettings, message: EmailMessage) -> None:
        """Leave `message` to be sent; never waits. A full outbox drops it, logged."""
        self.start()
        try:
            self.jobs.put_nowait((settings, message))
        except queue.Full:
            log.error(
                "mail to %s (%s) dropped: the outbox is full", message["To"], message["Subject"]
            )

    def start(self) -> None:
        """Start the worker thread unless it runs."""
        with self.lock:
            if self.worker is None or not self.worker.is_alive():
                self.worker = threading.Thread(target=self.work, name="tracker-mail", daemon=True)
                self.worker.start()

    def work(self) -> None:
        """Send the messages one after the other, for ever (the worker's loop)."""
        while True:
            settings, message = self.jobs.get()
            try:
                send_logged(settings, message)
            finally:
                self.jobs.task_done()

    def wait(self, timeout: float) -> bool:
        """Wait until every message left so far was sent or given up on, at most
        `timeout` seconds; whether it was."""
        deadline = time.monotonic() + timeout
        with self.jobs.all_tasks_done:
            while self.jobs.unfinished_tasks:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self.jobs.all_tasks_done.wait(remaining)
        return True


OUTBOX = Outbox()
os.register_at_fork(after_in_child=OUTBOX.reset)


def wait_until_sent(timeout: float = 30.0) -> bool:
    """Wait until this process has sent (or given up on) every message left so far, at
    most `timeout` seconds; whether it has. For tests and for an orderly shutdown."""
    return OUTBOX.wait(timeout)
