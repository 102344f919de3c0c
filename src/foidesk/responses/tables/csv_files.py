"""CSV files: a table written as a zip of one CSV file per sheet (:func:`to_csv_zip`),
and a sheet read back from an uploaded CSV file (:func:`sheet_from_csv`), its text
decoded as spreadsheets save it (:func:`decode_text`)."""

import csv
import io
import re
import zipfile

from foidesk.responses.tables.answer_table import AnswerTable, Sheet, TableError
from foidesk.responses.tables.csv_guards import _csv_unguard, csv_safe
from foidesk.responses.tables.grids import _grids
from foidesk.responses.tables.names import safe_file_names
from foidesk.responses.tables.uploads import _check_upload, _sheet_from_rows


def to_csv_zip(answer: AnswerTable) -> bytes:
    """A zip of one CSV file per sheet (UTF-8 with a byte-order mark, so Excel reads it)."""
    grids = _grids(answer)
    names = safe_file_names([sheet.name for sheet in answer.sheets])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for grid, name in zip(grids, names, strict=True):
            out = io.StringIO(newline="")
            writer = csv.writer(out, lineterminator="\r\n")
            writer.writerow(csv_safe(value) for value in ["", *grid.columns])
            for index, title in enumerate(grid.rows):
                texts = [
                    grid.cells.get((index, c), (None, ""))[1] for c in range(len(grid.columns))
                ]
                writer.writerow(csv_safe(value) for value in [title, *texts])
            if grid.footnotes:
                writer.writerow([])
                for line in grid.footnotes:
                    writer.writerow([csv_safe(line)])
            archive.writestr(name, ("\ufeff" + out.getvalue()).encode("utf-8"))
    return buffer.getvalue()


def sheet_from_csv(name: str, data: bytes) -> Sheet:
    """A sheet from a CSV file laid out as :func:`to_csv_zip` writes one.

    UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order mark, or
    Windows-1252, which Excel on Windows writes; commas, semicolons or tabs between fields.
    Raises :class:`TableError` and nothing else for a file it cannot read.
    """
    _check_upload(data)
    data = bytes(data)
    if data.startswith(b"PK\x03\x04"):
        raise TableError(
            "This is a zip file, such as an Excel workbook, not a CSV file. Upload an Excel "
            "workbook as .xlsx, or save the sheet as CSV UTF-8 and upload it again."
        )
    content = decode_text(data)
    if BINARY_TEXT.search(content):
        raise TableError(
            "This file is not a CSV file: it holds characters that are not text. "
            "Save the sheet as CSV UTF-8 (comma delimited) and upload it again."
        )
    try:
        reader = csv.reader(
            io.StringIO(content, newline=""), delimiter=_delimiter(content), strict=True
        )
        rows = ([_csv_unguard(value) for value in values] for values in reader)
        sheet = _sheet_from_rows(name, rows, skip_blank=False)
    except csv.Error as error:
        raise TableError(
            "The CSV file could not be read: a cell is too long or the quotes in it do not "
            "match. Save the sheet again as CSV UTF-8 and upload it again."
        ) from error
    assert sheet is not None
    return sheet


# Control characters that text never holds: a file with them is not text.
BINARY_TEXT = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")


def decode_text(data: bytes) -> str:
    """Uploaded text as a string: UTF-8 or UTF-16 by its byte-order mark, else UTF-8, else
    Windows-1252, as spreadsheets save CSV; TableError when it is none of them."""
    try:
        if data.startswith(b"\xef\xbb\xbf"):
            return data[3:].decode("utf-8")
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16")
    except UnicodeDecodeError as error:
        raise TableError(
            "The CSV file says it is Unicode text but is not. Save the sheet as CSV UTF-8 and "
            "upload it again."
        ) from error
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError(
        "The CSV file is in a text encoding that cannot be read (not UTF-8 or Windows-1252). "
        "In Excel choose Save As, then CSV UTF-8 (Comma delimited), and upload it again."
    )


def _delimiter(content: str) -> str:
    """Comma, semicolon (Excel in many European languages) or tab, from the heading row."""
    first_line, quoted = [], False
    for character in content:
        if character == '"':
            quoted = not quoted
        elif character in "\r\n" and not quoted:
            break
        elif not quoted:
            first_line.append(character)
    # The heading row starts with the row titles' empty corner cell, so when it does the
    # first character is the delimiter, whatever the headings after it hold.
    if first_line and first_line[0] in ",;\t":
        return first_line[0]
    return max(",;\t", key=first_line.count)
