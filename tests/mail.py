"""A real SMTP server on loopback for tests: foidesk's outgoing mail, caught and kept."""

import contextlib
import email
import email.policy
import logging

from aiosmtpd.controller import Controller

from tests.processes import free_port


class Inbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self):
        self.messages = []
        # What the server says to the next message: set a 4xx or 5xx to play a server
        # that is busy or that refuses.
        self.answer = "250 Message accepted"

    async def handle_DATA(self, server, session, envelope):
        if self.answer.startswith("250"):
            self.messages.append(
                email.message_from_bytes(envelope.content, policy=email.policy.default)
            )
        return self.answer

    def to(self, address):
        return [message for message in self.messages if message["To"] == address]

    def recipients(self):
        return sorted(message["To"] for message in self.messages)


@contextlib.contextmanager
def smtp_sink(settings):
    """A real SMTP server on a free loopback port, with foidesk's mail sent to it."""
    inbox = Inbox()
    # aiosmtpd logs every SMTP command it receives; the messages themselves are enough.
    smtp_log = logging.getLogger("mail.log")
    level = smtp_log.level
    smtp_log.setLevel(logging.WARNING)
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 10},
        }
    }
    try:
        yield inbox
    finally:
        controller.stop()
        smtp_log.setLevel(level)
