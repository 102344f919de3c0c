"""What a message is read as: a :class:`ParsedMessage` and its attachments (each an
:class:`Attachment`), of one of the kinds: a request, or automatic mail (an auto-reply, a
bounce, an abuse report); and whether it came through WhatDoTheyKnow."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

REQUEST = "request"
AUTO_REPLY = "auto_reply"
BOUNCE = "bounce"
# A mail provider passing on its user's complaint about mail they received (RFC 5965).
ABUSE_REPORT = "abuse_report"
# Written by a program, not a person: never a request by itself, never answered.
AUTOMATIC = {AUTO_REPLY, BOUNCE, ABUSE_REPORT}


@dataclass
class Attachment:
    filename: str
    content_type: str  # as the sender declared it, which may be a lie
    size: int  # decoded size in bytes, kept even when the data is dropped
    data: bytes = field(default=b"", repr=False)
    sniffed_type: str = "unknown"  # from the bytes themselves: see sniff_type()
    dangerous: bool = False
    too_large: bool = False


@dataclass
class ParsedMessage:
    subject: str = ""
    from_name: str = ""
    from_address: str = ""  # lower-cased addr-spec, or "" when none could be read
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    date: datetime | None = None  # aware; the sender's claim, not when it reached us
    message_id: str = ""  # as written, with its <>
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
    text: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    forwarded: list[ParsedMessage] = field(default_factory=list)
    kind: str = REQUEST  # REQUEST, AUTO_REPLY, BOUNCE or ABUSE_REPORT
    problems: list[str] = field(default_factory=list)  # sentences for an officer
    charset_fallbacks: list[str] = field(default_factory=list)  # for diagnostics
    diagnostics: list[str] = field(default_factory=list)  # parser defects, for developers

    @property
    def via_whatdotheyknow(self):
        """WhatDoTheyKnow sends each request from its own address, request-NNN-xxxx@..."""
        local, _, domain = self.from_address.partition("@")
        return domain == "whatdotheyknow.com" and local.startswith("request-")
