"""Excel workbooks: a table written as one (:func:`to_xlsx`), and the sheets read back
from an uploaded one (:func:`sheets_from_xlsx`), each cell value as text."""

import io
import warnings
import zipfile
from datetime import date, datetime, time, timedelta

import xlsxwriter

from foidesk.responses.tables.answer_table import VALUE, AnswerTable, Sheet, TableError
from foidesk.responses.tables.grids import _grids, _hyperlink, _number, _number_text, _widths
from foidesk.responses.tables.limits import MAX_SHEETS, MAX_UNPACKED_BYTES, MAX_ZIP_MEMBERS
from foidesk.responses.tables.names import _clean
from foidesk.responses.tables.uploads import _SAVE_AS, _check_upload, _sheet_from_rows


def to_xlsx(answer: AnswerTable, title: str = "") -> bytes:
    """The table as an Excel workbook: one worksheet per sheet, footnotes below each."""
    grids = _grids(answer)
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    # Nothing about who made the file: no author, company or path; XlsxWriter adds the date.
    workbook.set_properties(
        {
            "title": _clean(title).strip(),
            "subject": "",
            "author": "",
            "manager": "",
            "company": "",
            "category": "",
            "keywords": "",
            "comments": "",
            "status": "",
        }
    )
    top = {"text_wrap": True, "valign": "top"}
    heading = workbook.add_format({**top, "bold": True, "bottom": 1})
    row_title = workbook.add_format({**top, "bold": True})
    plain = workbook.add_format(top)
    link = workbook.add_format({**top, "font_color": "#0563C1", "underline": 1})
    note = workbook.add_format({"italic": True})

    for grid in grids:
        worksheet = workbook.add_worksheet(grid.name)
        for column, width in enumerate(_widths(grid)):
            worksheet.set_column(column, column, width)
        for column, value in enumerate(grid.columns, start=1):
            worksheet.write_string(0, column, value, heading)
        for row, value in enumerate(grid.rows, start=1):
            worksheet.write_string(row, 0, value, row_title)
        for (row, column), (cell, written) in grid.cells.items():
            number = _number(written) if cell.kind == VALUE else None
            if number is not None:
                worksheet.write_number(row + 1, column + 1, number, plain)
            elif url := _hyperlink(cell):
                worksheet.write_url(row + 1, column + 1, url, link, string=written)
            else:
                worksheet.write_string(row + 1, column + 1, written, plain)
        below = len(grid.rows) + 2  # after one blank row
        for offset, line in enumerate(grid.footnotes):
            worksheet.write_string(below + offset, 0, line, note)
        worksheet.freeze_panes(1, 1)
    workbook.close()
    return buffer.getvalue()


def sheets_from_xlsx(data: bytes) -> list[Sheet]:
    """The visible worksheets of an XLSX file, each laid out as :func:`to_xlsx` writes one.

    Row 1 holds the column headings from B1 on, column A the row titles from A2 down; the
    table ends at the first completely empty row, so footnotes below a blank row are left
    out. Only cells that are not empty are kept. Raises :class:`TableError` and nothing
    else for a file it cannot read.
    """
    _check_upload(data)
    data = bytes(data)
    _check_workbook_zip(data)
    try:
        import openpyxl  # only reading needs it

        with warnings.catch_warnings():
            # openpyxl warns about parts of a workbook it skips (data validation, styles).
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(
                io.BytesIO(data), read_only=True, data_only=True, keep_links=False
            )
            try:
                visible = [ws for ws in workbook.worksheets if ws.sheet_state == "visible"]
                if len(visible) > MAX_SHEETS:
                    raise TableError(
                        f"The workbook has {len(visible)} sheets; an answer table may have at "
                        f"most {MAX_SHEETS}. Remove the sheets that are not part of the answer "
                        "and upload it again."
                    )
                sheets = []
                for worksheet in visible:
                    # Trust the cells, not the size the file claims for the sheet.
                    worksheet.reset_dimensions()
                    rows = (
                        [xlsx_text(value) for value in values]
                        for values in worksheet.iter_rows(values_only=True)
                    )
                    sheet = _sheet_from_rows(str(worksheet.title), rows, skip_blank=True)
                    if sheet is not None:
                        sheets.append(sheet)
            finally:
                workbook.close()
    except TableError:
        raise
    except Exception as error:
        raise TableError(
            "The workbook could not be read: it may be damaged, or not really an Excel "
            "workbook. Open it in Excel, save it again as an Excel Workbook (.xlsx) and "
            "upload it again."
        ) from error
    if not sheets:
        raise TableError(
            "The workbook has no table in it: every sheet is empty. Put the column headings "
            "in row 1 from cell B1 and the row titles in column A from cell A2."
        )
    return sheets


def _check_workbook_zip(data: bytes) -> None:
    if not data.startswith(b"PK"):
        raise TableError(f"This file is not an Excel workbook (.xlsx). {_SAVE_AS}")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            names = {member.filename for member in members}
            kind = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise TableError(
            f"This file is not an Excel workbook (.xlsx), or it is damaged. {_SAVE_AS}"
        ) from error
    except Exception as error:  # e.g. a zip compressed by a method Python cannot unpack
        raise TableError(
            f"This file is not an Excel workbook (.xlsx) that can be read. {_SAVE_AS}"
        ) from error
    if b"opendocument.spreadsheet" in kind:
        raise TableError(
            "This is an OpenDocument spreadsheet (.ods). Save it as an Excel Workbook (.xlsx) "
            "or as CSV UTF-8 and upload it again."
        )
    if "xl/workbook.xml" not in names:
        if "word/document.xml" in names:
            raise TableError(f"This is a Word document, not a spreadsheet. {_SAVE_AS}")
        raise TableError(f"This file is a zip file but not an Excel workbook. {_SAVE_AS}")
    if len(members) > MAX_ZIP_MEMBERS or (
        sum(member.file_size for member in members) > MAX_UNPACKED_BYTES
    ):
        raise TableError(
            "The workbook holds too much besides the table to be read. Copy the table into a "
            "new workbook, save it as an Excel Workbook (.xlsx) and upload it again."
        )


def xlsx_text(value: object) -> str:
    """A cell value as text; numbers as written, dates as 2017-04-01."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return _number_text(value)
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)
