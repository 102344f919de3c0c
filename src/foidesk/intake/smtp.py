"""An SMTP listener that takes mail for foidesk: each message stored, then read.

The authority's mail server (or a relay) hands incoming requests to it. A message is
accepted (250) once its bytes are stored and it has been read; if storing fails the sender
is told to try again later (451), so a message is never accepted and then lost.
"""

import asyncio
import logging

from aiosmtpd.controller import Controller
from django.db import connections

from foidesk.intake import parsing, services
from foidesk.intake.models import InboundMessage

logger = logging.getLogger(__name__)


class Handler:
    async def handle_DATA(self, server, session, envelope):
        try:
            await asyncio.to_thread(
                _receive,
                envelope.original_content or envelope.content,
                envelope.mail_from or "",
                list(envelope.rcpt_tos),
            )
        except Exception:
            logger.exception("A message could not be stored")
            return "451 Requested action aborted: local error in processing"
        return "250 Message accepted for delivery"


def _receive(raw, mail_from, rcpt_tos):
    # asyncio's worker threads outlive no request and are never told when they end, so a
    # kept-alive connection of theirs would be left open; each message closes its own.
    try:
        services.receive(raw, InboundMessage.Channel.SMTP, mail_from, rcpt_tos)
    finally:
        connections.close_all()


def listener(host, port):
    """An SMTP server for foidesk on ``host``:``port``, not yet started."""
    # Larger messages are refused by the server itself (552); those up to it are stored, and
    # any over the reading limit wait as intake problems rather than being turned away unseen.
    return Controller(
        Handler(), hostname=host, port=port, data_size_limit=parsing.MAX_RECEIVED_BYTES
    )
