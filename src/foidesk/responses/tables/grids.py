"""Writing, whatever the format: each sheet made ready to write (every text cleaned
and checked), its columns' widths, the numbers and links among its cells."""

import re
from dataclasses import dataclass

from foidesk.responses.tables.answer_table import PUBLISHED, AnswerTable, Cell, TableError
from foidesk.responses.tables.conventions import cell_text, footnote_lines
from foidesk.responses.tables.limits import MAX_CELL_CHARS
from foidesk.responses.tables.names import _clean, _utf16_len, safe_sheet_names

# Column widths in the XLSX and ODS files, in characters.
MIN_WIDTH = 10
MAX_WIDTH = 60


@dataclass
class _Grid:
    """A sheet ready to write: every text cleaned and checked."""

    name: str
    columns: list[str]
    rows: list[str]
    cells: dict[tuple[int, int], tuple[Cell, str]]  # only the cells with text
    footnotes: list[str]


def _grids(answer: AnswerTable) -> list[_Grid]:
    if not answer.sheets:
        raise TableError("The table has no sheets. Add a sheet before exporting it.")
    names = safe_sheet_names([sheet.name for sheet in answer.sheets])
    grids = []
    for sheet, name in zip(answer.sheets, names, strict=True):
        cells = {}
        for (row, column), cell in sorted(sheet.cells.items()):
            if not (0 <= row < len(sheet.rows) and 0 <= column < len(sheet.columns)):
                raise TableError(
                    f"Sheet “{name}” has a cell at row {row + 1}, column {column + 1}, "
                    f"outside its {len(sheet.rows)} rows and {len(sheet.columns)} columns. "
                    "Add the row or column, or remove the cell."
                )
            written = _checked(name, cell_text(cell))
            if written:
                cells[row, column] = (cell, written)
        grids.append(
            _Grid(
                name=name,
                columns=[_checked(name, heading) for heading in sheet.columns],
                rows=[_checked(name, title) for title in sheet.rows],
                cells=cells,
                footnotes=[
                    _checked(name, line) for line in footnote_lines(sheet, answer.footnotes)
                ],
            )
        )
    return grids


def _checked(sheet_name: str, value: str) -> str:
    value = _clean(value)
    if _utf16_len(value) > MAX_CELL_CHARS:
        raise TableError(
            f"A cell on sheet “{sheet_name}” has more than {MAX_CELL_CHARS:,} characters, "
            "more than a spreadsheet cell can hold. Shorten it, or send the text as a "
            "separate document."
        )
    return value


def _widths(grid: _Grid) -> list[int]:
    """A width in characters for the row titles and each column, from their longest line."""
    longest = [0] * (len(grid.columns) + 1)
    for column, heading in enumerate(grid.columns, start=1):
        longest[column] = _longest_line(heading)
    for title in grid.rows:
        longest[0] = max(longest[0], _longest_line(title))
    for (_row, column), (_cell, written) in grid.cells.items():
        longest[column + 1] = max(longest[column + 1], _longest_line(written))
    return [min(MAX_WIDTH, max(MIN_WIDTH, length + 2)) for length in longest]


def _longest_line(value: str) -> int:
    return max(len(line) for line in value.split("\n"))


_HYPERLINK = re.compile(r"https?://[^\s\"<>]+", re.IGNORECASE)
_MAX_HYPERLINK_CHARS = 2000  # Excel's limit is 2,079 characters


def _hyperlink(cell: Cell) -> str:
    """The link to make clickable: only web addresses, nothing that opens a local file."""
    link = cell.link.strip()
    if cell.kind != PUBLISHED or not _HYPERLINK.fullmatch(link):
        return ""
    return link if _utf16_len(link) <= _MAX_HYPERLINK_CHARS else ""


_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")


def _number(value: str) -> int | float | None:
    """The number a value is, if writing it as a number reads back as the same text.

    Spreadsheets keep 15 significant digits; "007", "1.50" and "-0" stay text, so that a
    value always reads back as written.
    """
    if not _NUMBER.fullmatch(value) or sum(c.isdigit() for c in value) > 15:
        return None
    number = float(value) if "." in value else int(value)
    written = f"{number:.16G}"  # as XlsxWriter writes it
    read_back = float(written) if any(c in written for c in ".E") else int(written)
    return number if _number_text(read_back) == value else None


def _number_text(number: int | float) -> str:
    if isinstance(number, float):
        if number.is_integer() and abs(number) < 1e15:
            return str(int(number))
        return repr(number)
    return str(number)
