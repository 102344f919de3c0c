"""CSV guards: a field a spreadsheet would run as a formula is written with an
apostrophe in front (:func:`csv_safe`), and read with it taken off again."""

import re

# A field a spreadsheet would run as a formula when it opens a CSV file (OWASP's CSV
# injection: a start of =, +, -, @, a tab or a carriage return) gets an apostrophe in
# front; reading takes one off again. Numbers ("-5", "+44") are left alone.
_FORMULA_START = re.compile(r"'*[=+\-@\t\r]")
_NUMBER_LIKE = re.compile(r"[+-]?(?:[0-9][0-9,]*(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?%?")
_GUARDED = re.compile(r"'+[=+\-@\t\r]")


def csv_safe(value: str) -> str:
    """``value`` as a CSV field no spreadsheet will run as a formula."""
    if _FORMULA_START.match(value) and not _NUMBER_LIKE.fullmatch(value):
        return "'" + value
    return value


def _csv_unguard(value: str) -> str:
    return value[1:] if _GUARDED.match(value) else value
