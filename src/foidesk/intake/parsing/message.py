"""One message (the top one, or a forwarded one), and the walk over its parts: a
forwarded message is a part read as one message in its turn, so the two are one module.
The email parser every reading goes through, and an error put in words for the officer,
are here too."""

from __future__ import annotations

import base64
import binascii
from email.parser import BytesParser

from foidesk import file_types
from foidesk.intake.parsing.attachments import _add_attachment
from foidesk.intake.parsing.automatic import _kind
from foidesk.intake.parsing.charsets import _clean_body, _surrogates_to_bytes
from foidesk.intake.parsing.headers import _addresses, _date, _first_id, _header_text, _ids, _sender
from foidesk.intake.parsing.html_text import html_to_text
from foidesk.intake.parsing.limits import (
    MAX_FORWARD_DEPTH,
    MAX_PART_DEPTH,
    MAX_PROBLEMS,
    TOO_MANY_PROBLEMS,
)
from foidesk.intake.parsing.parsed_message import REQUEST, ParsedMessage
from foidesk.intake.parsing.parts import (
    _content_type,
    _disposition,
    _filename,
    _part_text,
    _transfer_encoding,
)


def _parse_bytes(raw, chosen_policy):
    return BytesParser(policy=chosen_policy).parsebytes(raw)


def _why(error):
    if isinstance(error, RecursionError):
        return "its parts are nested too deeply"
    reason = str(error).strip() or type(error).__name__
    return reason if len(reason) <= 200 else reason[:197] + "..."


def _from_message(message, limits, forward_depth):
    result = ParsedMessage()
    fallbacks = result.charset_fallbacks
    result.subject = _header_text(message, "Subject", fallbacks)
    result.from_name, result.from_address = _sender(message, fallbacks)
    result.to = [address for _, address in _addresses(message, "To", fallbacks) if address]
    result.cc = [address for _, address in _addresses(message, "Cc", fallbacks) if address]
    result.date = _date(_header_text(message, "Date", fallbacks))
    result.message_id = _first_id(_header_text(message, "Message-ID", fallbacks))
    result.in_reply_to = _first_id(_header_text(message, "In-Reply-To", fallbacks))
    result.references = _ids(_header_text(message, "References", fallbacks))

    body = _Body(limits, forward_depth)
    _walk(message, body, level=0)
    # Some mail programs give the body a file name (Apple Mail's inline text, a pasted
    # note); with no other text, it is what the sender wrote.
    texts = body.texts if any(text.strip() for text in body.texts) else body.named_texts
    result.text = "\n\n".join(text for text in texts if text.strip())
    result.attachments = body.attachments
    result.forwarded = body.forwarded
    result.charset_fallbacks.extend(body.fallbacks)
    result.diagnostics.extend(body.diagnostics)
    result.kind = _kind(message, result, body)
    if forward_depth == 0 and result.kind == REQUEST and not result.from_address:
        # Without an address nobody can reply to a request, and its clock still runs.
        result.problems.append("The sender's email address could not be read")
    result.problems.extend(body.problems)
    return result


class _Body:
    """What the walk over a message's parts collects."""

    def __init__(self, limits, forward_depth):
        self.limits = limits
        self.forward_depth = forward_depth
        self.texts = []
        self.named_texts = []  # text/plain parts with a file name, kept as attachments
        self.plain = False  # some text came from text/plain (preferred over HTML)
        self.attachments = []
        self.forwarded = []
        self.problems = []
        self._seen = set()
        self._defects = set()
        self.fallbacks = []
        self.diagnostics = []
        self.delivery_status = False
        self.read_receipt = False
        self.feedback_report = False

    def problem(self, sentence):
        if sentence in self._seen:
            return
        self._seen.add(sentence)
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(sentence)
        elif len(self.problems) == MAX_PROBLEMS:
            # A list of a thousand harmful attachments helps nobody; the count does.
            self.problems.append(TOO_MANY_PROBLEMS)

    def fork(self):
        return _Body(self.limits, self.forward_depth)

    def merge(self, other, *, texts):
        if texts:
            self.texts.extend(other.texts)
            self.plain = self.plain or other.plain
        self.attachments.extend(other.attachments)
        self.named_texts.extend(other.named_texts)
        self.forwarded.extend(other.forwarded)
        for sentence in other.problems:
            self.problem(sentence)
        self.fallbacks.extend(other.fallbacks)
        self.diagnostics.extend(other.diagnostics)
        self.delivery_status = self.delivery_status or other.delivery_status
        self.read_receipt = self.read_receipt or other.read_receipt
        self.feedback_report = self.feedback_report or other.feedback_report

    def note_defects(self, part):
        for defect in getattr(part, "defects", None) or ():
            name = type(defect).__name__
            if name not in self._defects:
                self._defects.add(name)
                self.diagnostics.append(name)


DELIVERY_STATUS = {"message/delivery-status", "message/global-delivery-status"}
READ_RECEIPT = {"message/disposition-notification", "message/global-disposition-notification"}
# A bounce's copy of our own headers: nothing for an officer to read.
RETURNED_HEADERS = {"text/rfc822-headers", "message/global-headers"}


def _walk(part, body, level):
    if level > MAX_PART_DEPTH:
        body.problem("Part of the message is nested too deeply to read")
        return
    try:
        _walk_part(part, body, level)
    except Exception as error:
        # One unreadable part must not cost the officer the rest of the message.
        body.problem("Part of the message could not be read")
        body.diagnostics.append(f"part skipped: {_why(error)}")


def _walk_part(part, body, level):
    body.note_defects(part)
    content_type = _content_type(part)
    if content_type == file_types.EMAIL.mime_type:
        _forwarded(part, body)
        return
    if content_type in DELIVERY_STATUS:
        body.delivery_status = True
        return
    if content_type in READ_RECEIPT:
        body.read_receipt = True
        return
    if content_type == "message/feedback-report":
        body.feedback_report = True
        return
    if content_type in RETURNED_HEADERS:
        return
    children = _children(part)
    if children is not None:
        if content_type == "multipart/alternative":
            _walk_alternatives(children, body, level)
        else:
            for child in children:
                _walk(child, body, level + 1)
        return
    if content_type.startswith("multipart/"):
        # Without a usable boundary the parser cannot split the parts: show what arrived
        # rather than nothing.
        body.problem(
            "The message's parts could not be separated, so its text is shown as it arrived"
        )
        body.texts.append(_clean_body(_part_text(part, content_type, body)))
        return
    if _is_body_text(part, content_type):
        text = _part_text(part, content_type, body)
        if content_type == file_types.HTML.mime_type:
            body.texts.append(html_to_text(text))
        else:
            body.texts.append(_clean_body(text))
            body.plain = True
        return
    _add_attachment(part, content_type, body)
    attached = body.attachments[-1]
    if content_type == file_types.TEXT.mime_type and not (attached.dangerous or attached.too_large):
        body.named_texts.append(_clean_body(_part_text(part, content_type, body)))


def _walk_alternatives(children, body, level):
    """Take the text of one alternative (plain text preferred), the attachments of all."""
    options = []
    for child in children:
        option = body.fork()
        _walk(child, option, level + 1)
        options.append(option)

    def has_text(option):
        return any(text.strip() for text in option.texts)

    # Some senders put "view this message in HTML" in the plain part: an empty plain
    # alternative loses to the HTML one.
    chosen = next((o for o in options if o.plain and has_text(o)), None)
    chosen = chosen or next((o for o in options if has_text(o)), None)
    for option in options:
        body.merge(option, texts=option is chosen)


def _children(part):
    try:
        if part.is_multipart():
            payload = part.get_payload()
            if isinstance(payload, list):
                return [child for child in payload if hasattr(child, "get_payload")]
    except Exception:
        return None
    return None


def _is_body_text(part, content_type):
    if content_type not in (file_types.TEXT.mime_type, file_types.HTML.mime_type):
        return False
    return _disposition(part) != "attachment" and not _filename(part)


def _forwarded(part, body):
    if body.forward_depth >= MAX_FORWARD_DEPTH:
        body.problem("A forwarded message is nested too deeply to read")
        return
    try:
        inner = _inner_message(part)
    except Exception as error:
        body.diagnostics.append(f"forwarded message unreadable: {_why(error)}")
        inner = None
    if inner is None:
        body.problem("A forwarded message could not be read")
        return
    parsed = _from_message(inner, body.limits, body.forward_depth + 1)
    body.forwarded.append(parsed)
    for sentence in parsed.problems:
        body.problem(f"In a forwarded message, {sentence[:1].lower()}{sentence[1:]}")


def _inner_message(part):
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else None
    encoding = _transfer_encoding(part)
    if encoding in ("base64", "quoted-printable"):
        # Outlook encodes attached messages although RFC 2046 forbids it; the parser then
        # reads the encoded text as a message with no headers. Decode it and parse again.
        encoded = inner.get_payload() if inner is not None else payload
        if isinstance(encoded, str):
            data = _surrogates_to_bytes(encoded)
            try:
                if encoding == "base64":
                    data = base64.b64decode(data + b"=" * (-len(data) % 4))
                else:
                    data = binascii.a2b_qp(data)
            except (binascii.Error, ValueError):
                return inner
            return _parse_bytes(data, part.policy)
    if inner is None and isinstance(payload, str) and payload.strip():
        return _parse_bytes(_surrogates_to_bytes(payload), part.policy)
    return inner
