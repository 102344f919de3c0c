"""Turning the raw bytes of an email into a ParsedMessage: no Django, and never an exception.

Most requests arrive by email, and email is hostile input: HTML-only bodies, wrong charsets,
winmail.dat, auto-replies, bounces, huge or harmful attachments. The raw bytes are stored
before this runs, so nothing is lost here. What cannot be understood comes back in
``problems`` as a plain sentence for an officer, never as an exception: an exception would
leave a request unlogged while its statutory clock runs.

Its parts:

- ``reading``: :func:`parse`, the bytes read as a message, or what can be salvaged from them.
- ``parsed_message``: what a message is read as, a :class:`ParsedMessage` and its
  attachments (each an :class:`Attachment`), of one of the kinds (:data:`REQUEST`, or
  :data:`AUTOMATIC` mail).
- ``limits``: how much of a message is read.
- ``message``: one message (the top one, or a forwarded one) and the walk over its parts.
- ``headers``: the headers decoded: the subject, the addresses, the date, the Message-IDs.
- ``parts``: what a part says of itself, and its bytes and text.
- ``charsets``: bytes to text whatever the charset declared, and text cleaned.
- ``html_text``: :func:`html_to_text`, readable text from an HTML body.
- ``attachments``: each attachment named safely, told by its bytes, and checked for harm.
- ``automatic``: auto-replies, bounces and abuse reports told from requests.
- ``finding_the_case``: the references and Message-IDs that say which case a message is on.
"""

from foidesk.intake.parsing.attachments import safe_filename, sniff_type
from foidesk.intake.parsing.charsets import has_visible_text
from foidesk.intake.parsing.finding_the_case import (
    message_ids_in,
    normalise_message_id,
    references_in,
)
from foidesk.intake.parsing.html_text import html_to_text
from foidesk.intake.parsing.limits import (
    MANY_PARTS,
    MAX_ATTACHMENT_BYTES,
    MAX_FORWARD_DEPTH,
    MAX_MESSAGE_BYTES,
    MAX_PART_DEPTH,
    MAX_PROBLEMS,
    MAX_RECEIVED_BYTES,
    MB,
    TOO_MANY_PROBLEMS,
)
from foidesk.intake.parsing.parsed_message import (
    ABUSE_REPORT,
    AUTO_REPLY,
    AUTOMATIC,
    BOUNCE,
    REQUEST,
    Attachment,
    ParsedMessage,
)
from foidesk.intake.parsing.reading import parse

__all__ = [
    "ABUSE_REPORT",
    "AUTOMATIC",
    "AUTO_REPLY",
    "BOUNCE",
    "MANY_PARTS",
    "MAX_ATTACHMENT_BYTES",
    "MAX_FORWARD_DEPTH",
    "MAX_MESSAGE_BYTES",
    "MAX_PART_DEPTH",
    "MAX_PROBLEMS",
    "MAX_RECEIVED_BYTES",
    "MB",
    "REQUEST",
    "TOO_MANY_PROBLEMS",
    "Attachment",
    "ParsedMessage",
    "has_visible_text",
    "html_to_text",
    "message_ids_in",
    "normalise_message_id",
    "parse",
    "references_in",
    "safe_filename",
    "sniff_type",
]
