"""Safe names: sheet names Excel and LibreOffice accept, file names every system
accepts, and text cleaned of what a spreadsheet file cannot hold."""

import re
from collections.abc import Sequence

from foidesk.responses.tables.conventions import _squash
from foidesk.responses.tables.limits import MAX_SHEET_NAME_CHARS

_SHEET_NAME_CHARACTERS = str.maketrans(
    {"[": "(", "]": ")", ":": "-", "*": "-", "?": "", "/": "-", "\\": "-"}
)
_ENDS = re.compile(r"^[\s']+|[\s']+$")
_RESERVED_SHEET_NAMES = {"history"}  # Excel keeps it for its change history


def safe_sheet_names(names: Sequence[str]) -> list[str]:
    """Names Excel and LibreOffice accept, in order: at most 31 characters, none of
    ``[]:*?/\\``, not starting or ending with an apostrophe, unique ignoring case.

    Deterministic: the same names always give the same result. A blank name becomes
    "Sheet <n>"; a name already taken gets " (2)", " (3)"... within the 31 characters.
    """
    taken: set[str] = set()
    result = []
    for number, name in enumerate(names, start=1):
        base = _ENDS.sub("", _squash(_clean(name).translate(_SHEET_NAME_CHARACTERS)))
        base = _ENDS.sub("", _fit(base, MAX_SHEET_NAME_CHARS)) or f"Sheet {number}"
        candidate, copy = base, 1
        while _folded(candidate) & (taken | _RESERVED_SHEET_NAMES):
            copy += 1
            suffix = f" ({copy})"
            candidate = _ENDS.sub("", _fit(base, MAX_SHEET_NAME_CHARS - len(suffix))) + suffix
        taken |= _folded(candidate)
        result.append(candidate)
    return result


_FILE_NAME_CHARACTERS = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
_WINDOWS_DEVICES = re.compile(r"(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?", re.IGNORECASE)


def safe_file_names(names: Sequence[str], suffix: str = ".csv") -> list[str]:
    """File names for the sheets, safe on Windows, macOS and Linux, unique ignoring case."""
    taken: set[str] = set()
    result = []
    for number, name in enumerate(safe_sheet_names(names), start=1):
        stem = _FILE_NAME_CHARACTERS.sub("-", name).strip(" .") or f"Sheet {number}"
        if _WINDOWS_DEVICES.fullmatch(stem):
            stem = f"_{stem}"
        candidate, copy = stem, 1
        while _folded(candidate) & taken:
            copy += 1
            candidate = f"{stem} ({copy})"
        taken |= _folded(candidate)
        result.append(candidate + suffix)
    return result


def _folded(name: str) -> set[str]:
    return {name.lower(), name.casefold()}


def _utf16_len(value: str) -> int:
    return len(value.encode("utf-16-le")) // 2


def _fit(value: str, limit: int) -> str:
    """The longest start of ``value`` of at most ``limit`` UTF-16 code units."""
    used = 0
    for index, character in enumerate(value):
        used += 2 if ord(character) > 0xFFFF else 1
        if used > limit:
            return value[:index]
    return value


# Characters a spreadsheet file cannot hold, or that odfpy mangles: control characters but
# tab and newline, non-characters, lone surrogates.
_UNWRITABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


def _clean(value: str) -> str:
    return _UNWRITABLE.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
