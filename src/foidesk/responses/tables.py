"""Answer tables: an answer in the shape the requester asked for, as a spreadsheet.

A requester may ask for "one worksheet for Adults and one for Childrens ... the following
row titles and a column for each system". An :class:`AnswerTable` is that shape: sheets of
row titles x column headings, each cell a value, withheld (citing its exemption), published
elsewhere (with its link), not held, or empty. This module writes a table as XLSX, ODS or a
zip of CSV files, and reads sheets back from an uploaded XLSX or CSV file, so that a service
area can fill in a template in Excel.

Every cell is written as text a person can read, and read back by the same conventions
(case-insensitively, tolerant of spaces):

    Withheld (section 43(2))    withheld, citing "section 43(2)"; "Withheld: section 43(2)"
                                and "Withheld under section 43(2)" are read the same way
    Withheld                    withheld, no exemption cited
    Published: https://...      published elsewhere, at that link
    Not held                    not held
    (blank)                     empty
    anything else               a value

A withheld cell's ``value`` is never written anywhere. Below each sheet, after a blank row,
comes one footnote line per exemption cited on it: "section 43(2): <the footnote>".

Pure Python with no Django import, so the Django app builds tables from its models and hands
them over. A bad upload raises only :class:`TableError`, whose message says what is wrong
and what to do.
"""

import csv
import io
import re
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import xlsxwriter
from odf import config, dc, style, table, teletype, text
from odf.opendocument import OpenDocumentSpreadsheet

VALUE = "value"
WITHHELD = "withheld"
PUBLISHED = "published"
NOT_HELD = "not_held"
EMPTY = "empty"
KINDS = (VALUE, WITHHELD, PUBLISHED, NOT_HELD, EMPTY)

# Limits on what an upload may hold.
MAX_ROWS = 200  # below the heading row
MAX_COLUMNS = 100  # right of the row titles
MAX_SHEETS = 50
MAX_FILE_BYTES = 5 * 1024 * 1024
# An XLSX file is a zip: what it may unpack to, so a small file cannot expand without bound.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_ZIP_MEMBERS = 1000
# A spreadsheet cell holds at most this many characters (UTF-16 code units), as Excel.
MAX_CELL_CHARS = 32_767
MAX_SHEET_NAME_CHARS = 31

# Column widths in the XLSX and ODS files, in characters.
MIN_WIDTH = 10
MAX_WIDTH = 60


class TableError(Exception):
    """A table cannot be read (or written); the message says what is wrong and what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Cell:
    """One answer: ``kind`` is one of :data:`KINDS`.

    ``exemption`` is how a withheld cell's exemption is cited ("section 43(2)"); ``link`` is
    where a published cell's information is. ``value`` is the text of a value cell; on a
    withheld cell it may hold what was withheld, and is never exported.
    """

    kind: str
    value: str = ""
    exemption: str = ""
    link: str = ""

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"Cell kind must be one of {', '.join(KINDS)}, not {self.kind!r}")


EMPTY_CELL = Cell(EMPTY)


@dataclass
class Sheet:
    """Row titles x column headings; ``cells`` by (row index, column index), missing = empty.

    Sheets read from a file hold only the cells that are not empty.
    """

    name: str
    columns: list[str]
    rows: list[str]
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)

    def cell(self, row: int, column: int) -> Cell:
        return self.cells.get((row, column), EMPTY_CELL)


@dataclass
class AnswerTable:
    """Sheets, and footnotes: exemption citation -> the sentence explaining it."""

    sheets: list[Sheet]
    footnotes: dict[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------
# Cell text conventions


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


# ---------------------------------------------------------------------------------------
# Safe names


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


# ---------------------------------------------------------------------------------------
# Writing


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


def to_ods(answer: AnswerTable, title: str = "") -> bytes:
    """The table as an OpenDocument spreadsheet, with the same content as :func:`to_xlsx`."""
    grids = _grids(answer)
    document = OpenDocumentSpreadsheet()
    if title := _clean(title).strip():
        document.meta.addElement(dc.Title(text=title))

    def cell_style(name: str, **text_properties) -> style.Style:
        made = style.Style(name=name, family="table-cell")
        made.addElement(style.TableCellProperties(wrapoption="wrap", verticalalign="top"))
        if text_properties:
            made.addElement(style.TextProperties(**text_properties))
        document.automaticstyles.addElement(made)
        return made

    bold = {"fontweight": "bold", "fontweightasian": "bold", "fontweightcomplex": "bold"}
    heading = cell_style("heading", **bold)
    row_title = cell_style("row-title", **bold)
    plain = cell_style("plain")
    note = style.Style(name="note", family="table-cell")
    note.addElement(style.TextProperties(fontstyle="italic"))
    document.automaticstyles.addElement(note)
    column_styles: dict[int, style.Style] = {}

    def column_style(width: int) -> style.Style:
        if width not in column_styles:
            made = style.Style(name=f"width-{width}", family="table-column")
            made.addElement(style.TableColumnProperties(columnwidth=f"{width * 0.2 + 0.2:.1f}cm"))
            document.automaticstyles.addElement(made)
            column_styles[width] = made
        return column_styles[width]

    def add_cell(row, written="", look=plain, number=None, url="") -> None:
        if not written:
            row.addElement(table.TableCell())
            return
        if number is not None:
            made = table.TableCell(valuetype="float", value=written, stylename=look)
        else:
            made = table.TableCell(valuetype="string", stylename=look)
        paragraph = text.P()
        if url:
            anchor = text.A(type="simple", href=url)
            teletype.addTextToElement(anchor, written)
            paragraph.addElement(anchor)
        else:
            teletype.addTextToElement(paragraph, written)
        made.addElement(paragraph)
        row.addElement(made)

    for grid in grids:
        sheet = table.Table(name=grid.name)
        for width in _widths(grid):
            sheet.addElement(table.TableColumn(stylename=column_style(width)))
        row = table.TableRow()
        add_cell(row)
        for value in grid.columns:
            add_cell(row, value, heading)
        sheet.addElement(row)
        for index, value in enumerate(grid.rows):
            row = table.TableRow()
            add_cell(row, value, row_title)
            for column in range(len(grid.columns)):
                cell, written = grid.cells.get((index, column), (EMPTY_CELL, ""))
                number = _number(written) if cell.kind == VALUE else None
                add_cell(row, written, number=number, url=_hyperlink(cell))
            sheet.addElement(row)
        if grid.footnotes:
            sheet.addElement(table.TableRow())
            for line in grid.footnotes:
                row = table.TableRow()
                add_cell(row, line, note)
                sheet.addElement(row)
        document.spreadsheet.addElement(sheet)

    document.settings.addElement(_ods_frozen_panes([grid.name for grid in grids]))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _ods_frozen_panes(names: list[str]) -> config.ConfigItemSet:
    """LibreOffice's view settings freezing the heading row and row-title column."""
    settings = config.ConfigItemSet(name="ooo:view-settings")
    views = config.ConfigItemMapIndexed(name="Views")
    view = config.ConfigItemMapEntry()
    view.addElement(config.ConfigItem(name="ViewId", type="string", text="view1"))
    tables = config.ConfigItemMapNamed(name="Tables")
    for name in names:
        entry = config.ConfigItemMapEntry(name=name)
        for item, kind, value in (
            ("HorizontalSplitMode", "short", "2"),
            ("VerticalSplitMode", "short", "2"),
            ("HorizontalSplitPosition", "int", "1"),
            ("VerticalSplitPosition", "int", "1"),
            ("ActiveSplitRange", "short", "2"),
            ("PositionLeft", "int", "0"),
            ("PositionRight", "int", "1"),
            ("PositionTop", "int", "0"),
            ("PositionBottom", "int", "1"),
        ):
            entry.addElement(config.ConfigItem(name=item, type=kind, text=value))
        tables.addElement(entry)
    view.addElement(tables)
    if names:
        view.addElement(config.ConfigItem(name="ActiveTable", type="string", text=names[0]))
    views.addElement(view)
    settings.addElement(views)
    return settings


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


# ---------------------------------------------------------------------------------------
# Reading

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
    except Exception as error:  # e.g. NotImplementedError for an unknown compression
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
