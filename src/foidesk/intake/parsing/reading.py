"""Reading the bytes: :func:`parse`, which never raises. A message too large to read
gives its headers only; bytes no email parser accepts give what can be salvaged from
them."""

from __future__ import annotations

import itertools
import re
from email import policy

from foidesk.intake.parsing.attachments import _size_text
from foidesk.intake.parsing.charsets import _clean_body, _clean_line, _decode_text
from foidesk.intake.parsing.headers import _decode_addresses, _decode_header_value, _raw_items
from foidesk.intake.parsing.limits import MANY_PARTS, MAX_ATTACHMENT_BYTES, MAX_MESSAGE_BYTES, MB
from foidesk.intake.parsing.message import _from_message, _parse_bytes, _why
from foidesk.intake.parsing.parsed_message import ParsedMessage


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
