"""Turning the raw bytes of an email into a ParsedMessage: no Django, and never an exception.

Most requests arrive by email, and email is hostile input: HTML-only bodies, wrong charsets,
winmail.dat, auto-replies, bounces, huge or harmful attachments. The raw bytes are stored
before this runs, so nothing is lost here. What cannot be understood comes back in
``problems`` as a plain sentence for an officer, never as an exception: an exception would
leave a request unlogged while its statutory clock runs.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import html
import io
import itertools
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser

from foidesk import file_types

MB = 1024 * 1024
MAX_MESSAGE_BYTES = 25 * MB
# The largest message foidesk takes in by any channel (SMTP, the API, a mailbox): twice
# what it reads, so that a message too large to read is still stored for an officer.
MAX_RECEIVED_BYTES = 2 * MAX_MESSAGE_BYTES
MAX_ATTACHMENT_BYTES = 10 * MB
# Forwarded messages inside forwarded messages: a person never nests more than a few; a
# hostile message nests thousands to exhaust the stack.
MAX_FORWARD_DEPTH = 5
MAX_PART_DEPTH = 30
MANY_PARTS = 2000
MAX_PROBLEMS = 30
TOO_MANY_PROBLEMS = "There are more problems with the message than are listed here"

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


# --------------------------------------------------------------------------------------------
# Reading the bytes


def parse(
    raw: bytes,
    *,
    max_bytes: int = MAX_MESSAGE_BYTES,
    max_attachment_bytes: int = MAX_ATTACHMENT_BYTES,
) -> ParsedMessage:
    """The ParsedMessage in ``raw``; never raises, whatever the bytes."""
    limits = _Limits(max_attachment_bytes)
    try:
        return _parse(_as_bytes(raw), max_bytes, limits)
    except Exception as error:
        # Every step guards itself; this is the last line of defence for the promise.
        try:
            return _raw_fallback(_as_bytes(raw), error)
        except Exception:
            return ParsedMessage(problems=[_unreadable(error)])


class _Limits:
    def __init__(self, max_attachment_bytes):
        self.max_attachment_bytes = max_attachment_bytes
        # Attachments without a name are numbered across the whole message, so that two
        # never share a name in the officer's list.
        self.unnamed = itertools.count(1)


def _as_bytes(raw):
    if raw is None:
        return b""
    if isinstance(raw, str):
        return raw.encode("utf-8", "surrogateescape")
    return bytes(raw)


def _parse(raw, max_bytes, limits):
    if not raw.strip():
        return ParsedMessage(problems=["The message could not be read as email: it is empty"])
    if len(raw) > max_bytes:
        return _headers_only(raw, max_bytes, limits)
    diagnostics = []
    message, error = _read(raw, diagnostics)
    if message is None:
        return _raw_fallback(raw, error)
    try:
        result = _from_message(message, limits, forward_depth=0)
    except Exception as error:
        # The modern policy builds header objects lazily, so a malformed header can raise
        # while being read; compat32 hands back plain strings instead.
        diagnostics.append(f"reading with {_policy_name(message)} failed: {_why(error)}")
        try:
            message = _parse_bytes(raw, policy.compat32)
            result = _from_message(message, _Limits(limits.max_attachment_bytes), 0)
        except Exception as second:
            return _raw_fallback(raw, second)
    result.diagnostics[:0] = diagnostics
    if not _looks_like_email(message):
        result.problems.insert(
            0,
            "The message could not be read as email: it has no From, To, Subject or Date line",
        )
    return result


def _parse_bytes(raw, chosen_policy):
    return BytesParser(policy=chosen_policy).parsebytes(raw)


def _policy_name(message):
    return "compat32" if message.policy is policy.compat32 else "the default policy"


def _read(raw, diagnostics):
    """(message tree, None), or (None, the last error) when no policy can parse the bytes."""
    policies = (policy.default, policy.compat32)
    if raw.count(b"\n--") > MANY_PARTS:
        # The modern policy builds header objects for every part, a minute's work for
        # 300,000 tiny parts; compat32 does the same in seconds, and we decode its headers.
        diagnostics.append(f"more than {MANY_PARTS} parts: read with compat32")
        policies = (policy.compat32,)
    error = None
    for chosen_policy in policies:
        try:
            return _parse_bytes(raw, chosen_policy), None
        except Exception as failure:
            error = failure
            diagnostics.append(f"parsing failed: {_why(failure)}")
    return None, error


def _looks_like_email(message):
    names = {name.lower() for name, _ in _raw_items(message)}
    return bool(names & {"from", "to", "subject", "date", "message-id", "content-type"})


def _headers_only(raw, max_bytes, limits):
    """Read just the headers of an oversized message, so the officer sees who sent what."""
    head = _header_block(raw)
    message, _ = _read(head, [])
    result = ParsedMessage() if message is None else _from_message(message, limits, 0)
    result.text = ""
    result.problems.insert(0, f"The message is larger than {_size_text(max_bytes)}")
    return result


def _header_block(raw):
    window = raw[:MB]
    ends = [i for i in (window.find(b"\r\n\r\n"), window.find(b"\n\n")) if i >= 0]
    return window[: min(ends)] + b"\r\n\r\n" if ends else window[: 64 * 1024]


def _raw_fallback(raw, error):
    """What can be salvaged when no email parser accepts the bytes at all."""
    result = ParsedMessage(problems=[_unreadable(error)])
    head, body = _split_head(raw)
    headers = {}
    for line in re.split(rb"\r?\n(?![ \t])", head):
        name, colon, value = line.partition(b":")
        if colon and name.strip():
            headers.setdefault(name.strip().lower().decode("ascii", "replace"), value.strip())
    fallbacks = result.charset_fallbacks
    raw_text = {name: value.decode("utf-8", "surrogateescape") for name, value in headers.items()}
    result.subject = _clean_line(_decode_header_value(raw_text.get("subject", ""), fallbacks))
    senders = _decode_addresses(raw_text.get("from", ""), fallbacks)
    if senders:
        result.from_name, result.from_address = senders[0]
    result.text = _clean_body(_decode_text(body, None, fallbacks, "text"))
    return result


def _split_head(raw):
    for separator in (b"\r\n\r\n", b"\n\n"):
        head, found, body = raw.partition(separator)
        if found:
            return head, body
    return b"", raw


def _unreadable(error):
    return f"The message could not be read as email: {_why(error)}"


def _why(error):
    if isinstance(error, RecursionError):
        return "its parts are nested too deeply"
    reason = str(error).strip() or type(error).__name__
    return reason if len(reason) <= 200 else reason[:197] + "..."


# --------------------------------------------------------------------------------------------
# One message (the top one, or a forwarded one)


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


# --------------------------------------------------------------------------------------------
# Headers


def _raw_items(message):
    # raw_items() is the only way to the value exactly as received, before any policy
    # parses it: needed when parsing is what fails.
    try:
        return list(message.raw_items())
    except Exception:
        return []


def _raw_header(message, name):
    wanted = name.lower()
    for key, value in _raw_items(message):
        if str(key).lower() == wanted:
            return value if isinstance(value, str) else str(value)
    return None


def _header_text(message, name, fallbacks):
    """The decoded, unfolded text of header ``name``, or ""."""
    raw = _raw_header(message, name)
    if raw is None:
        return ""
    if message.policy is not policy.compat32 and raw.isascii():
        try:
            text = str(message[name])
        except Exception:
            text = None
        # The modern policy replaces what it cannot decode; the raw value may do better.
        if text is not None and "\ufffd" not in text and not _SURROGATES.search(text):
            return _clean_line(text)
    return _clean_line(_decode_header_value(raw, fallbacks))


def _decode_header_value(raw, fallbacks):
    """Decode a raw header value: raw 8-bit bytes first, then RFC 2047 encoded words."""
    data = _surrogates_to_bytes(raw)
    text = _decode_text(data, None, fallbacks, "header") if not data.isascii() else raw
    return _decode_encoded_words(_unfold(text), fallbacks)


ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")


def _decode_encoded_words(text, fallbacks):
    # Our own decoder, rather than email.header's, so that an unknown charset or broken
    # base64 in one word falls back for that word alone instead of raising.
    pieces, position, after_word = [], 0, False
    for word in ENCODED_WORD.finditer(text):
        between = text[position : word.start()]
        # Whitespace between two encoded words is not part of the text (RFC 2047 s.6.2).
        if not (after_word and not between.strip()):
            pieces.append(between)
        pieces.append(_decode_word(word, fallbacks))
        position, after_word = word.end(), True
    pieces.append(text[position:])
    return "".join(pieces)


def _decode_word(word, fallbacks):
    charset = word.group(1).split("*")[0]  # RFC 2231 adds *language
    encoded = word.group(3).encode("utf-8", "replace")
    try:
        if word.group(2).upper() == "B":
            data = base64.b64decode(encoded + b"=" * (-len(encoded) % 4))
        else:
            data = binascii.a2b_qp(encoded, header=True)
    except (binascii.Error, ValueError):
        return word.group(0)
    return _decode_text(data, charset, fallbacks, "header")


def _unfold(text):
    return re.sub(r"\r?\n(?=[ \t])", "", text)


def _sender(message, fallbacks):
    senders = _addresses(message, "From", fallbacks)
    name, address = senders[0] if senders else ("", "")
    if address:
        return name, address
    # "From: Jo Bloggs" has no address at all (parsers read "Jo" or "Jo Bloggs" as a
    # broken address); keep what the sender wrote as their name.
    return name or _header_text(message, "From", fallbacks).strip("\"'<> "), ""


def _addresses(message, name, fallbacks):
    """[(display name, lower-cased address or "")] in header ``name``."""
    raw = _raw_header(message, name)
    if raw is None:
        return []
    if message.policy is not policy.compat32:
        try:
            return [
                _address_pair(str(address.display_name), str(address.addr_spec))
                for address in message[name].addresses
            ]
        except Exception:
            # The modern address parser raised: the plain one on the raw value may cope.
            return _decode_addresses(raw, fallbacks)
    return _decode_addresses(raw, fallbacks)


def _decode_addresses(raw, fallbacks):
    try:
        pairs = getaddresses([_unfold(raw)])
    except Exception:
        return []
    return [
        _address_pair(_decode_header_value(name, fallbacks), address)
        for name, address in pairs
        if name or address
    ]


VALID_ADDRESS = re.compile(r"^[^@\s<>\"(),;:\\\[\]]+@[^@\s<>\"(),;:\\\[\]]+$")


def _address_pair(name, address):
    name, address = _clean_line(name), _clean_line(address).strip("<>")
    if not VALID_ADDRESS.match(address):
        # Nobody can reply to an address with no domain ("MAILER-DAEMON").
        return name, ""
    return name, address.lower()


def _date(text):
    if not text:
        return None
    try:
        value = parsedate_to_datetime(text)
    except Exception:
        return None
    # RFC 5322 "-0000" means the zone is unknown; UTC is the honest reading.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


MESSAGE_ID = re.compile(r"<[^<>\s]+>")


def _first_id(text):
    found = MESSAGE_ID.search(text)
    if found:
        return found.group(0)
    words = text.split()
    return words[0] if words else ""


def _ids(text):
    found = MESSAGE_ID.findall(text)
    return found or [word for word in re.split(r"[\s,]+", text) if word]


# --------------------------------------------------------------------------------------------
# The body: walking the parts


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


# --------------------------------------------------------------------------------------------
# Part metadata, read defensively: the modern policy parses these headers on access


CONTENT_TYPE = re.compile(r"^\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+/[!#$%&'*+.^_`|~0-9A-Za-z-]+)")


def _content_type(part):
    try:
        return part.get_content_type().lower()
    except Exception:
        found = CONTENT_TYPE.match(_raw_header(part, "Content-Type") or "")
        return found.group(1).lower() if found else file_types.TEXT.mime_type


def _param(part, name):
    try:
        value = part.get_param(name)
    except Exception:
        value = None
    if isinstance(value, tuple):  # RFC 2231 (charset, language, value)
        value = value[2]
    if value is None:
        found = re.search(
            rf"\b{name}\s*=\s*\"?([^\";\s]+)", _raw_header(part, "Content-Type") or "", re.I
        )
        value = found.group(1) if found else None
    return str(value).strip().lower() if value else None


def _charset(part):
    try:
        charset = part.get_content_charset()
    except Exception:
        charset = None
    return charset or _param(part, "charset")


def _disposition(part):
    try:
        return part.get_content_disposition()
    except Exception:
        return None


def _transfer_encoding(part):
    return (_raw_header(part, "Content-Transfer-Encoding") or "").strip().lower()


def _filename(part):
    try:
        name = part.get_filename()
    except Exception:
        name = None
    if name and "\ufffd" not in name:
        return str(name)
    # Raw 8-bit filenames (common from older clients) come back from the policy with
    # replacement characters; the raw header may decode better.
    for header in ("Content-Disposition", "Content-Type"):
        raw = _raw_header(part, header)
        if raw:
            found = re.search(r"\b(?:file)?name\*?\s*=\s*(\"[^\"]*\"|[^;\s]+)", raw, re.I)
            if found:
                return _decode_header_value(found.group(1).strip('"'), [])
    return name or ""


def _payload_bytes(part):
    try:
        data = part.get_payload(decode=True)
    except Exception:
        data = None
    if data is None:
        try:
            payload = part.get_payload()
        except Exception:
            payload = None
        data = _surrogates_to_bytes(payload) if isinstance(payload, str) else b""
    return data if isinstance(data, bytes) else b""


def _part_text(part, content_type, body):
    return _decode_text(_payload_bytes(part), _charset(part), body.fallbacks, content_type)


# --------------------------------------------------------------------------------------------
# Charsets


# Labels that name no charset at all, or a codec that is not a character set and would
# reinterpret the text (unicode-escape would act on the requester's backslashes).
NOT_CHARSETS = {
    "unknown",
    "unknown-8bit",
    "x-unknown",
    "default",
    "x-user-defined",
    "unicode-escape",
    "raw-unicode-escape",
    "idna",
    "punycode",
    "undefined",
}
CHARSET_ALIASES = {
    "iso-8859-8-i": "iso-8859-8",
    "x-mac-roman": "mac-roman",
    "ks_c_5601-1987": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
}
# Declared Latin-1 with bytes 0x80-0x9F is really Windows-1252 (curly quotes, €): those
# bytes are invisible controls in Latin-1, and every mail client reads them as 1252.
LATIN_1 = {"iso8859-1", "ascii"}
WESTERN_SINGLE_BYTE = {"iso8859-1", "iso8859-15", "cp1252", "ascii"}
C1_BYTES = re.compile(rb"[\x80-\x9f]")


def _windows_1252_table():
    # Five bytes are undefined in Windows-1252; browsers map them to the same code point,
    # and so do we, so that decoding can never fail.
    characters = []
    for byte in range(256):
        try:
            characters.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            characters.append(chr(byte))
    return "".join(characters)


WINDOWS_1252 = _windows_1252_table()


def _decode_windows_1252(data):
    return codecs.charmap_decode(data, "strict", WINDOWS_1252)[0]


def _codec(label):
    """Python's codec for a declared charset label, or None when there is no such charset."""
    label = label.strip().strip("\"'").lower()
    label = CHARSET_ALIASES.get(label, label)
    if not label or label in NOT_CHARSETS:
        return None
    try:
        info = codecs.lookup(label)
    except (LookupError, ValueError):
        return None
    if info.name in NOT_CHARSETS or not getattr(info, "_is_text_encoding", True):
        return None
    return info.name


def _looks_like_utf8(data):
    if data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _decode_text(data, declared, fallbacks, what):
    """Decode ``data``: the declared charset if it fits, else UTF-8, else Windows-1252."""
    label = (declared or "").strip().strip("\"'").lower()
    codec = _codec(label) if label else None
    if codec in WESTERN_SINGLE_BYTE and _looks_like_utf8(data):
        # Web forms and scripts often label UTF-8 as Latin-1; genuine Latin-1 text almost
        # never happens to be valid UTF-8 (it would need pairs like "Ã©").
        fallbacks.append(f"{what}: declared {label}, but the bytes are UTF-8; read as UTF-8")
        return data.decode("utf-8")
    if codec in LATIN_1 and C1_BYTES.search(data):
        fallbacks.append(f"{what}: declared {label}, with Windows-1252 bytes; read as windows-1252")
        return _decode_windows_1252(data)
    if codec:
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError, ValueError):
            fallbacks.append(f"{what}: not valid {label}")
    elif label:
        fallbacks.append(f"{what}: unknown charset {label!r}")
    elif data.isascii():
        return data.decode("ascii")
    else:
        fallbacks.append(f"{what}: 8-bit text with no charset declared")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        fallbacks.append(f"{what}: not UTF-8 either; read as windows-1252")
        return _decode_windows_1252(data)
    fallbacks.append(f"{what}: read as UTF-8")
    return text


SURROGATES_PATTERN = "[\ud800-\udfff]"
_SURROGATES = re.compile(SURROGATES_PATTERN)


def _surrogates_to_bytes(text):
    # The parser keeps undecodable bytes as lone surrogates (surrogateescape); turning them
    # back into bytes lets us decode them properly.
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace")


def _repair(text):
    """``text`` without lone surrogates, which no database or template can store."""
    if not _SURROGATES.search(text):
        return text
    data = _surrogates_to_bytes(text)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return _decode_windows_1252(data)


# NUL cannot be stored in a PostgreSQL text column; other control characters are noise.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _clean_line(text):
    text = _repair(str(text))
    text = CONTROL.sub("", text.replace("\r", " ").replace("\n", " ").replace("\x0c", " "))
    return " ".join(text.split())


# Characters that take no space on a page: zero-width spaces and joiners, the byte-order
# mark, soft hyphens, and the blank "letters" some scripts have.
INVISIBLE = {"Cc", "Cf", "Zs", "Zl", "Zp"}
BLANK_LETTERS = {"\u115f", "\u1160", "\u2800", "\u3164", "\uffa0"}


def has_visible_text(text: str) -> bool:
    """Whether ``text`` has anything a reader could see."""
    return any(
        not char.isspace()
        and unicodedata.category(char) not in INVISIBLE
        and char not in BLANK_LETTERS
        for char in text
    )


def _clean_body(text):
    text = _repair(text).replace("\r\n", "\n").replace("\r", "\n")
    text = CONTROL.sub("", text)
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


# --------------------------------------------------------------------------------------------
# HTML to text


def html_to_text(markup: str) -> str:
    """Readable text from an HTML body: paragraphs and line breaks kept, quotes marked."""
    converter = _HtmlText()
    try:
        converter.feed(markup)
        converter.close()
        text = converter.text()
    except Exception:
        # html.parser still rejects a few malformed declarations; stripping tags keeps
        # the words, which is what matters.
        text = _strip_tags(markup)
    return _clean_body(re.sub(r"\n{3,}", "\n\n", text))


def _strip_tags(markup):
    markup = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", markup)
    markup = re.sub(r"(?i)<br\s*/?>|</(p|div|tr|li|h[1-6])\s*>", "\n", markup)
    return html.unescape(re.sub(r"<[^>]*>", " ", markup))


HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# Quote marks and list indents stop growing here: thousands of nested <blockquote>s would
# otherwise make text quadratic in size.
MAX_MARKS = 10


class _HtmlText(HTMLParser):
    SKIPPED = {"script", "style", "title", "template", "noscript", "head"}
    # Elements whose start and end each put a blank line in the text.
    PARAGRAPHS = {"p", "pre", "blockquote", "table", *HEADINGS}
    # Elements that start and end a line.
    BLOCKS = {
        "address", "article", "aside", "caption", "center", "dd", "div", "dl", "dt",
        "fieldset", "figcaption", "figure", "footer", "form", "header", "hr", "li", "main",
        "nav", "section", "tr",
    }  # fmt: skip
    SPACES = re.compile(r"\s+")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self._lines = []  # (blockquote depth, text) of finished lines
        self._line = []
        self._has_text = False  # the current line has more than whitespace and markers
        self._skip = 0
        self._quote = 0
        self._pre = 0
        self._lists = []  # one [kind, items so far] per open list
        self._cells = []  # cells so far in the current row, one per open table
        self._links = []  # (href, text inside the link) per open link

    # A <head> left open would otherwise hide the whole body: <body> closes it.
    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self._skip = 0
            return
        if tag in self.SKIPPED:
            self._skip += 1
            return
        if self._skip:
            return
        if tag == "br":
            self._end_line(keep_empty=True)
        elif tag in ("ul", "ol"):
            self._list_boundary()
            self._lists.append([tag, 0])
        elif tag == "li":
            self._block()
            self._list_item()
        elif tag in self.PARAGRAPHS:
            self._paragraph()
            if tag == "blockquote":
                self._quote += 1
            elif tag == "pre":
                self._pre += 1
            elif tag == "table":
                self._cells.append(0)
        elif tag in ("td", "th"):
            self._cell()
        elif tag in self.BLOCKS:
            self._block()
            if tag == "tr" and self._cells:
                self._cells[-1] = 0
        elif tag == "a":
            self._links.append([dict(attrs).get("href") or "", ""])

    def handle_endtag(self, tag):
        if tag in self.SKIPPED:
            self._skip = max(0, self._skip - 1)
            return
        if self._skip:
            return
        if tag in ("ul", "ol"):
            if self._lists:
                self._lists.pop()
            self._list_boundary()
        elif tag in self.PARAGRAPHS:
            self._paragraph()
            if tag == "blockquote":
                self._quote = max(0, self._quote - 1)
            elif tag == "pre":
                self._pre = max(0, self._pre - 1)
            elif tag == "table" and self._cells:
                self._cells.pop()
        elif tag in self.BLOCKS:
            self._block()
        elif tag == "a" and self._links:
            href, text = self._links.pop()
            # Requesters paste links to what they want; keep the address, once.
            if href.startswith(("http://", "https://")) and href not in text:
                self._write(f" ({href})")

    def handle_data(self, data):
        if self._skip:
            return
        # Only the innermost link's text is kept, and only its start: enough to see whether
        # the text already shows the address, without quadratic work on unclosed links.
        if self._links and len(self._links[-1][1]) < 2000:
            self._links[-1][1] += data
        self._write(data)

    def _write(self, data):
        if self._pre:
            for number, piece in enumerate(data.split("\n")):
                if number:
                    self._end_line(keep_empty=True)
                self._append(piece)
            return
        data = self.SPACES.sub(" ", data)
        if not self._line or self._line[-1].endswith(" "):
            data = data.lstrip()
        self._append(data)

    def _append(self, data):
        if data:
            self._line.append(data)
            self._has_text = self._has_text or not data.isspace()

    def _list_item(self):
        if not self._lists:
            self._line.append("- ")
            return
        kind_and_count = self._lists[-1]
        kind_and_count[1] += 1
        indent = "  " * min(len(self._lists) - 1, MAX_MARKS)
        marker = f"{kind_and_count[1]}. " if kind_and_count[0] == "ol" else "- "
        self._line.append(indent + marker)

    def _cell(self):
        if self._cells:
            if self._cells[-1] and self._has_text:
                self._line.append(" | ")
            self._cells[-1] += 1
        elif self._has_text:
            self._line.append(" ")

    def _end_line(self, keep_empty=False):
        line = "".join(self._line)
        self._line, self._has_text = [], False
        # Leading spaces can only be a nested list's indent: text is stripped as it comes.
        line = line.rstrip()
        if line or keep_empty:
            self._lines.append((self._quote, line))

    def _block(self):
        if self._has_text:
            self._end_line()
        self._line, self._has_text = [], False

    def _list_boundary(self):
        # A list stands apart from the text around it; a list inside a list does not.
        if self._lists:
            self._block()
        else:
            self._paragraph()

    def _paragraph(self):
        self._block()
        if self._lines and self._lines[-1][1]:
            self._lines.append((self._quote, ""))

    def text(self):
        self._block()
        lines, following = [], 0
        for depth, line in reversed(self._lines):
            if line:
                following = depth
            else:
                # A blank line after a quote belongs to the shallower side, so that text
                # after a quotation does not look quoted.
                depth = min(depth, following)
            lines.append(("> " * min(depth, MAX_MARKS) + line).rstrip())
        return "\n".join(reversed(lines))


# --------------------------------------------------------------------------------------------
# Attachments


PROGRAMS = {
    "exe", "com", "scr", "msi", "msp", "dll", "cpl", "pif", "jar", "apk", "appx", "msix",
    "gadget",
}  # fmt: skip
SCRIPTS = {"bat", "cmd", "js", "jse", "vbs", "vbe", "ps1", "psm1", "hta", "wsf", "wsh", "reg"}
SHORTCUTS = {"lnk", "scf"}
DISK_IMAGES = {"iso", "img", "vhd", "vhdx"}
MACRO_OFFICE = {"docm", "dotm", "xlsm", "xltm", "xlam", "pptm", "potm", "ppsm", "ppam", "sldm"}
RUNNABLE = PROGRAMS | SCRIPTS | SHORTCUTS

TNEF_TYPES = {"application/ms-tnef", "application/vnd.ms-tnef"}
TNEF_PROBLEM = (
    "The sender's mail program sent part of the message in a Microsoft format "
    "(winmail.dat) that may hide attachments, so an officer should check it"
)
# The suffix an attachment sent without a name is given, by its declared type (else .bin).
DEFAULT_EXTENSIONS = {
    kind.mime_type: f".{kind.suffix}"
    for kind in [
        file_types.PDF,
        file_types.PNG,
        file_types.JPEG,
        file_types.GIF,
        file_types.TEXT,
        file_types.HTML,
        file_types.CSV,
        file_types.CALENDAR,
    ]
}


def _add_attachment(part, content_type, body):
    limits = body.limits
    data = _payload_bytes(part)
    filename = safe_filename(_filename(part))
    if not filename:
        extension = DEFAULT_EXTENSIONS.get(content_type, ".bin")
        filename = f"attachment-{next(limits.unnamed)}{extension}"
    sniffed = sniff_type(data, filename)
    harm = _harm(filename, sniffed, data)
    too_large = len(data) > limits.max_attachment_bytes
    body.attachments.append(
        Attachment(
            filename=filename,
            content_type=content_type,
            size=len(data),
            # Only the size of an oversized file is kept: the raw message still holds it.
            data=b"" if too_large else data,
            sniffed_type=sniffed,
            dangerous=harm is not None,
            too_large=too_large,
        )
    )
    if harm:
        body.problem(f"An attachment, {filename}, {harm} and could be harmful")
    if too_large:
        body.problem(
            f"An attachment, {filename}, is larger than {_size_text(limits.max_attachment_bytes)}"
        )
    if content_type in TNEF_TYPES or sniffed == "tnef" or filename.lower() == "winmail.dat":
        body.problem(TNEF_PROBLEM)


# Characters that make a name lie about itself (right-to-left override turns
# "invoice\u202efdp.exe" into "invoiceexe.pdf" on screen) or break a file system.
UNSAFE_IN_FILENAME = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def safe_filename(name: str) -> str:
    """``name`` as a plain file name: no folders, no control or direction characters."""
    name = _repair(str(name or ""))
    name = UNSAFE_IN_FILENAME.sub("", name)
    name = re.split(r"[\\/]", name)[-1].strip()
    if name in (".", ".."):
        return ""
    if len(name) > 200:
        stem, dot, extension = name.rpartition(".")
        name = stem[:190] + dot + extension[:9] if dot and len(extension) < 10 else name[:200]
    return name


def _extension(filename):
    # Windows ignores trailing dots and spaces: "setup.exe. " runs as setup.exe.
    name = filename.rstrip(". ").lower()
    return name.rpartition(".")[2] if "." in name else ""


PNG = b"\x89PNG\r\n\x1a\n"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
TNEF = b"\x78\x9f\x3e\x22"  # 0x223E9F78, little-endian
ZIP = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
VBA_PROJECT = "_VBA_PROJECT".encode("utf-16-le")


def sniff_type(data: bytes, filename: str = "") -> str:
    """What ``data`` really is, from its first bytes rather than its name or declared type.

    One of: exe, pdf, png, jpeg, gif, tiff, tnef, ole (Word/Excel 97-2003, Outlook .msg,
    .msi), docx, xlsx, pptx, odt, ods, odp, zip, rtf, script, text, empty, unknown.
    """
    if not data:
        return "empty"
    if _is_executable(data):
        return "exe"
    if b"%PDF-" in data[:1024]:  # readers accept junk before the header, so must we
        return "pdf"
    for signature, kind in (
        (PNG, "png"),
        (b"\xff\xd8\xff", "jpeg"),
        (b"GIF87a", "gif"),
        (b"GIF89a", "gif"),
        (b"II*\x00", "tiff"),
        (b"MM\x00*", "tiff"),
        (TNEF, "tnef"),
        (OLE, "ole"),
        (b"{\\rtf", "rtf"),
        (b"#!", "script"),
    ):
        if data.startswith(signature):
            return kind
    if data.startswith(ZIP):
        return _zip_kind(data)
    # Scripts are plain text: only the name tells Windows to run them.
    if _extension(filename) in SCRIPTS:
        return "script"
    return "text" if _looks_like_text(data) else "unknown"


def _is_executable(data):
    # "MZ" alone could begin a text file; a real DOS/Windows header is binary.
    if data.startswith(b"MZ") and b"\x00" in data[:512]:
        return True
    return data.startswith(b"\x7fELF")


def _looks_like_text(data):
    sample = data[:4096]
    if b"\x00" in sample:
        return False
    controls = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 12, 13))
    return controls * 20 < len(sample)


def _zip_names(data):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.namelist()
    except Exception:
        return None


def _zip_kind(data):
    names = _zip_names(data)
    if names is None:
        return "zip"
    if "[Content_Types].xml" in names:
        for folder, kind in (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx")):
            if any(name.startswith(folder) for name in names):
                return kind
    if "mimetype" in names:
        declared = _odf_mimetype(data)
        for suffix, kind in (("text", "odt"), ("spreadsheet", "ods"), ("presentation", "odp")):
            if declared.endswith(f"opendocument.{suffix}"):
                return kind
    return "zip"


def _odf_mimetype(data):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo("mimetype")
            # Read nothing big: the mimetype entry of a real ODF file is a few dozen bytes.
            if info.file_size < 200:
                return archive.read(info).decode("ascii", "replace")
    except Exception:
        return ""
    return ""


def _harm(filename, sniffed, data):
    """Why the attachment could be harmful, completing "An attachment, X, ...", or None."""
    extension = _extension(filename)
    if sniffed == "exe" and extension not in PROGRAMS:
        return "is a program disguised as another kind of file"
    if extension in PROGRAMS or sniffed == "exe":
        return "is a program"
    if extension in SCRIPTS:
        return "is a script that can run programs"
    if extension in SHORTCUTS:
        return "is a shortcut that can run a program"
    if extension in DISK_IMAGES:
        return "is a disk image that can hide programs"
    if extension in MACRO_OFFICE or _has_macros(sniffed, data):
        return "is an Office document with macros"
    if sniffed == "zip":
        for name in _zip_names(data) or ():
            if _extension(name) in RUNNABLE:
                return f"contains a program ({safe_filename(name)})"
    return None


def _has_macros(sniffed, data):
    if sniffed in ("docx", "xlsx", "pptx"):
        return any(name.lower().endswith("vbaproject.bin") for name in _zip_names(data) or ())
    # Word and Excel 97-2003 files keep macros in a storage named _VBA_PROJECT.
    return sniffed == "ole" and VBA_PROJECT in data


def _size_text(size):
    if size >= MB:
        return f"{size // MB} MB" if size % MB == 0 else f"{size / MB:.1f} MB"
    if size >= 1024:
        return f"{size // 1024} KB"
    return f"{size} bytes"


# --------------------------------------------------------------------------------------------
# Auto-replies and bounces


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


# --------------------------------------------------------------------------------------------
# Finding the case a message belongs to


def references_in(message: ParsedMessage, pattern: re.Pattern) -> list[str]:
    """References ``pattern`` (casework.references.pattern) finds: subject first, then the
    text, then forwarded messages."""
    found, seen = [], set()
    group = "reference" if "reference" in pattern.groupindex else 0
    for text in _searchable(message):
        for match in pattern.finditer(text):
            reference = match.group(group)
            if reference not in seen:
                seen.add(reference)
                found.append(reference)
    return found


def _searchable(message):
    yield message.subject
    yield message.text
    for inner in message.forwarded:
        yield from _searchable(inner)


def normalise_message_id(value: str) -> str:
    """A Message-ID as compared for threading: no <>, no spaces, lower case."""
    return value.strip().strip("<>").strip().lower()


def message_ids_in(message: ParsedMessage) -> list[str]:
    """The Message-IDs a reply points back to: In-Reply-To first, then References."""
    found = []
    for value in [message.in_reply_to, *message.references]:
        normalised = normalise_message_id(value or "")
        if normalised and normalised not in found:
            found.append(normalised)
    return found
