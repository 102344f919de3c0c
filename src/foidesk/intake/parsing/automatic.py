"""Automatic mail told from requests: auto-replies (and read receipts), bounces and
abuse reports, by the report a message is, its headers, its sender and its subject.
Only a request should start a statutory clock."""

from __future__ import annotations

import re

from foidesk.intake.parsing.headers import _raw_header
from foidesk.intake.parsing.parsed_message import ABUSE_REPORT, AUTO_REPLY, BOUNCE, REQUEST
from foidesk.intake.parsing.parts import _content_type, _param

AUTO_REPLY_SUBJECT = re.compile(
    r"^\s*(?:"
    r"out of (?:the )?office(?=\s*(?:$|[:\-–(]|auto|reply|until|re\b))"
    r"|automatic reply\b|auto[- ]?reply\b|auto[- ]?response\b|abwesenheitsnotiz\b"
    r"|r[ée]ponse automatique\b|respuesta autom[áa]tica\b|risposta automatica\b"
    r"|automatisch antwoord\b|autosvar\b"
    r")",
    re.IGNORECASE,
)
BOUNCE_SUBJECT = re.compile(
    r"^\s*(?:undeliverable\b|undelivered mail\b|delivery status notification\b"
    r"|mail delivery failed\b|returned mail\b|delivery failure\b|failure notice\b)",
    re.IGNORECASE,
)
DAEMONS = {"mailer-daemon", "postmaster"}


def _kind(message, result, body):
    """ABUSE_REPORT, BOUNCE, AUTO_REPLY or REQUEST: only a request should start a
    statutory clock."""
    report = (
        _param(message, "report-type") if _content_type(message) == "multipart/report" else None
    )
    if report == "feedback-report" or body.feedback_report:
        return ABUSE_REPORT
    # A bounce often also says Auto-Submitted, so it is looked for first.
    if report == "delivery-status" or body.delivery_status or _from_daemon(message, result):
        return BOUNCE
    if BOUNCE_SUBJECT.match(result.subject):
        return BOUNCE
    if report == "disposition-notification" or body.read_receipt:
        return AUTO_REPLY  # a read receipt
    if _says_automatic(message, result) or AUTO_REPLY_SUBJECT.match(result.subject):
        return AUTO_REPLY
    return REQUEST


def _from_daemon(message, result):
    if result.from_address.partition("@")[0] in DAEMONS:
        return True
    sender = (_raw_header(message, "From") or "").lower()
    return "mailer-daemon" in sender


def _header_word(message, name):
    value = _raw_header(message, name)
    if value is None:
        return None
    value = re.sub(r"\([^)]*\)", "", value)  # RFC 5322 comments
    return value.split(";")[0].strip().lower()


def _says_automatic(message, result):
    """The headers RFC 3834, Exchange and common autoresponders put on automatic mail."""
    auto_submitted = _header_word(message, "Auto-Submitted")
    if auto_submitted and auto_submitted != "no":
        return True
    for name in ("X-Autoreply", "X-Autorespond"):
        value = _header_word(message, name)
        if value is not None and value not in ("no", "false", "0"):
            return True
    if _header_word(message, "Precedence") in ("auto_reply", "bulk", "junk"):
        return True
    # Exchange marks its own automatic answers with this; on a reply it means one.
    is_reply = bool(result.in_reply_to or result.references)
    return is_reply and _raw_header(message, "X-Auto-Response-Suppress") is not None
