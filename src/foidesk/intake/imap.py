"""Fetching requests from an IMAP mailbox (over TLS), for authorities whose mail arrives there.

Each message is fetched as its raw bytes, stored and read like any other, and only then
moved to the processed folder: a message is never moved before it is safely stored, so a
failure part-way leaves it in the inbox for the next run. A message already stored (the
run stopped before moving it) is moved without being stored twice.
"""

import hashlib
import imaplib
import logging
import ssl

from django.conf import settings
from imap_tools import MailBox
from imap_tools.errors import ImapToolsError, MailboxLoginError

from foidesk.intake import services
from foidesk.intake.models import InboundMessage

logger = logging.getLogger(__name__)

# A mailbox that accepts the connection and then says nothing must not hang a run forever.
TIMEOUT_SECONDS = 60


class MailboxError(Exception):
    """The mailbox cannot be reached or used; the message says what to check."""


def poll(context=None):
    """Fetch, store, read and file every message in the mailbox folder; how many."""
    config = settings.IMAP
    if not config["host"]:
        raise MailboxError("set FOIDESK_IMAP_HOST (and its user and password) to fetch email")
    try:
        with MailBox(
            config["host"],
            config["port"],
            timeout=TIMEOUT_SECONDS,
            ssl_context=context or ssl.create_default_context(),
        ) as mailbox:
            mailbox.login(config["user"], config["password"], config["folder"])
            return _file_all(mailbox, config["processed_folder"])
    except MailboxLoginError:
        raise MailboxError("the mailbox refused the user and password") from None
    except (ImapToolsError, imaplib.IMAP4.error, OSError) as problem:
        raise MailboxError(
            f"the mailbox at {config['host']} could not be used: {problem}"
        ) from None


def _file_all(mailbox, processed_folder):
    if not mailbox.folder.exists(processed_folder):
        mailbox.folder.create(processed_folder)
    fetched = 0
    for uid in mailbox.uids():
        raw = _raw(mailbox, uid)
        if raw is None:
            logger.warning("Message UID %s could not be fetched; left in the mailbox", uid)
            continue
        if not _already_stored(raw) and not _stored(raw, uid):
            continue
        mailbox.move(uid, processed_folder)
        fetched += 1
    return fetched


def _already_stored(raw):
    digest = hashlib.sha256(raw).hexdigest()
    return InboundMessage.objects.filter(
        channel=InboundMessage.Channel.IMAP, sha256=digest
    ).exists()


def _stored(raw, uid):
    """Store and read one message; one that cannot be stored stays for the next run, and
    the messages after it are still fetched."""
    try:
        services.receive(raw, InboundMessage.Channel.IMAP)
    except Exception:
        logger.exception("Message UID %s could not be stored; left in the mailbox", uid)
        return False
    return True


def _raw(mailbox, uid):
    """The message's bytes exactly as the server holds them, leaving it unread."""
    status, data = mailbox.client.uid("FETCH", uid, "(BODY.PEEK[])")
    if status != "OK":
        return None
    for part in data:
        if isinstance(part, tuple) and len(part) == 2:
            return part[1]
    return None
