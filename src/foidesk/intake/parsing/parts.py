"""What a part says of itself (its type and parameters, charset, disposition, transfer
encoding and file name), and its bytes and text, read defensively: the modern policy
parses these headers on access."""

from __future__ import annotations

import re

from foidesk import file_types
from foidesk.intake.parsing.charsets import _decode_text, _surrogates_to_bytes
from foidesk.intake.parsing.headers import _decode_header_value, _raw_header

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
