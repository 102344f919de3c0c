"""Reading, whatever the format: what an upload is checked for before it is read, and
its rows read as a sheet laid out as foidesk writes one: the column headings in row 1
from B1 on, the row titles in column A from A2 down."""

from collections.abc import Iterable, Iterator

from foidesk.responses.tables.answer_table import EMPTY, Sheet, TableError
from foidesk.responses.tables.conventions import parse_cell_text
from foidesk.responses.tables.limits import MAX_COLUMNS, MAX_FILE_BYTES, MAX_ROWS

_SAVE_AS = "Save the table as an Excel Workbook (.xlsx) or as CSV UTF-8 and upload it again."


def _check_upload(data: bytes) -> None:
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TableError("The upload is not a file. Choose the spreadsheet file again.")
    if not data:
        raise TableError("The file is empty. Choose the spreadsheet file again.")
    if len(data) > MAX_FILE_BYTES:
        raise TableError(
            f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB, too large for an "
            "answer table. Remove anything but the table (pictures, other sheets) and upload "
            "it again."
        )
    head = bytes(data[:8])
    if head.startswith(b"%PDF"):
        raise TableError(f"This is a PDF document, not a spreadsheet. {_SAVE_AS}")
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise TableError(
            "This is an Excel 97-2003 (.xls) file or a password-protected workbook, which "
            "cannot be read. Remove any password, save it as an Excel Workbook (.xlsx) and "
            "upload it again."
        )


def _sheet_from_rows(name: str, rows: Iterator[list[str]], skip_blank: bool) -> Sheet | None:
    """Read the heading row, then rows up to the first completely empty one.

    With ``skip_blank``, a sheet with nothing in it at all gives None.
    """
    where = f"Sheet “{name}”" if skip_blank else "The CSV file"
    header = next(rows, [])
    headings = [value.strip() for value in header[1:]]
    while headings and not headings[-1]:
        headings.pop()
    if not headings:
        if skip_blank and not any(value.strip() for value in header) and _all_blank(rows):
            return None
        raise TableError(
            f"{where} has no column headings. Put the column headings in the first row, "
            "starting in cell B1, and the row titles in the first column, starting in cell A2."
        )
    if len(headings) > MAX_COLUMNS:
        raise TableError(
            f"{where} has {len(headings)} columns; an answer table may have at most "
            f"{MAX_COLUMNS}. Split it into more sheets or files and upload them again."
        )
    for column, heading in enumerate(headings, start=1):
        if not heading:
            raise TableError(
                f"{where} has no heading in cell {column_letter(column)}1. Give every column "
                "a heading, or delete the empty column, and upload it again."
            )
    sheet = Sheet(name=name, columns=headings, rows=[], cells={})
    for number, values in enumerate(rows, start=2):
        if not any(value.strip() for value in values):
            break  # the end of the table; footnotes may follow
        if len(sheet.rows) == MAX_ROWS:
            raise TableError(
                f"{where} has more than {MAX_ROWS} rows; an answer table may have at most "
                f"{MAX_ROWS}. Split it into more sheets or files and upload them again."
            )
        for column, value in enumerate(values[len(headings) + 1 :], start=len(headings) + 1):
            if value.strip():
                raise TableError(
                    f"{where} has something in cell {column_letter(column)}{number}, in a "
                    "column with no heading. Give the column a heading in row 1, or clear the "
                    "cell, and upload it again."
                )
        title = values[0].strip() if values else ""
        if not title:
            raise TableError(
                f"{where} has no row title in cell A{number}. Give every row a title in "
                "column A, or clear the row, and upload it again."
            )
        index = len(sheet.rows)
        sheet.rows.append(title)
        for column, value in enumerate(values[1 : len(headings) + 1]):
            cell = parse_cell_text(value)
            if cell.kind != EMPTY:
                sheet.cells[index, column] = cell
    return sheet


def _all_blank(rows: Iterable[list[str]]) -> bool:
    for count, values in enumerate(rows):
        if any(value.strip() for value in values):
            return False
        if count > MAX_ROWS:
            return True  # nothing near the top: treat as empty rather than read it all
    return True


def column_letter(index: int) -> str:
    """Column 0 is A, 1 is B, 26 is AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters
