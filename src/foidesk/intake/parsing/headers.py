"""Headers, read as received: their text decoded whatever the charset (raw 8-bit bytes,
RFC 2047 encoded words), the sender and other addresses, the date, the Message-IDs."""

from __future__ import annotations

import base64
import binascii
import re
from datetime import UTC
from email import policy
from email.utils import getaddresses, parsedate_to_datetime

from foidesk.intake.parsing.charsets import (
    _SURROGATES,
    _clean_line,
    _decode_text,
    _surrogates_to_bytes,
)


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
