"""The cell text conventions: a cell written as text a person can read
(:func:`cell_text`) and read back by the same conventions (:func:`parse_cell_text`);
and the footnote lines below a sheet, one per exemption cited on it."""

import re

from foidesk.responses.tables.answer_table import (
    EMPTY_CELL,
    NOT_HELD,
    PUBLISHED,
    VALUE,
    WITHHELD,
    Cell,
    Sheet,
)


def cell_text(cell: Cell) -> str:
    """The text a cell is written as; :func:`parse_cell_text` reads it back."""
    if cell.kind == VALUE:
        return cell.value
    if cell.kind == WITHHELD:
        exemption = _squash(cell.exemption)
        return f"Withheld ({exemption})" if exemption else "Withheld"
    if cell.kind == PUBLISHED:
        link = cell.link.strip()
        return f"Published: {link}" if link else "Published"
    if cell.kind == NOT_HELD:
        return "Not held"
    return ""


_WITHHELD = re.compile(
    r"withheld(?:\s*\((?P<paren>.*)\)|\s*:(?P<colon>.*)|\s+under\s+(?P<under>.*))?",
    re.IGNORECASE | re.DOTALL,
)
_PUBLISHED = re.compile(
    r"published(?:\s*:(?P<colon>.*)|\s+at\s+(?P<at>.*))?", re.IGNORECASE | re.DOTALL
)
_NOT_HELD = re.compile(r"not\s+held\.?", re.IGNORECASE)


def parse_cell_text(value: str) -> Cell:
    """Read a cell's text by the conventions of :func:`cell_text`."""
    value = value.strip()
    if not value:
        return EMPTY_CELL
    if match := _WITHHELD.fullmatch(value):
        cited = match["paren"] or match["colon"] or match["under"] or ""
        return Cell(WITHHELD, exemption=_squash(cited))
    if match := _PUBLISHED.fullmatch(value):
        return Cell(PUBLISHED, link=(match["colon"] or match["at"] or "").strip())
    if _NOT_HELD.fullmatch(value):
        return Cell(NOT_HELD)
    return Cell(VALUE, value=value)


def _squash(value: str) -> str:
    return " ".join(value.split())


def footnote_lines(sheet: Sheet, footnotes: dict[str, str]) -> list[str]:
    """One line per exemption cited on the sheet, in the order they first appear."""
    by_key = {_squash(k).casefold(): v for k, v in footnotes.items()}
    cited: dict[str, str] = {}
    for key in sorted(sheet.cells):
        cell = sheet.cells[key]
        exemption = _squash(cell.exemption)
        if cell.kind == WITHHELD and exemption:
            cited.setdefault(exemption.casefold(), exemption)
    lines = []
    for key, exemption in cited.items():
        sentence = _squash(by_key.get(key, ""))
        if not sentence:
            sentence = f"Withheld under {exemption}; the covering letter explains why."
        lines.append(f"{exemption}: {sentence}")
    return lines
