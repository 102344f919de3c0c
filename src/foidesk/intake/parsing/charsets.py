"""Charsets: bytes read as the charset declared when it fits, else as UTF-8, else as
Windows-1252, so that decoding never fails; text cleaned of what no database or page can
hold; and :func:`has_visible_text`, whether a reader would see anything."""

from __future__ import annotations

import codecs
import re
import unicodedata

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
