"""Answer tables: an answer in the shape the requester asked for, as a spreadsheet.

A requester may ask for "one worksheet for Adults and one for Childrens ... the following
row titles and a column for each system". An :class:`AnswerTable` is that shape: sheets of
row titles x column headings, each cell a value, withheld (citing its exemption), published
elsewhere (with its link), not held, or empty. This package writes a table as XLSX, ODS or a
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

Its parts:

- ``answer_table``: the table itself, an :class:`AnswerTable` of each :class:`Sheet` and
  :class:`Cell`; and :class:`TableError`.
- ``conventions``: a cell as text (:func:`cell_text`) and read back (:func:`parse_cell_text`);
  the footnote lines.
- ``names``: safe sheet and file names.
- ``limits``: what an upload may hold, and what a cell and a sheet's name may hold.
- ``grids``: a sheet made ready to write, whatever the format.
- ``xlsx``, ``ods`` and ``csv_files``: each format, written (:func:`to_xlsx`, :func:`to_ods`,
  :func:`to_csv_zip`) and, for XLSX and CSV, read back (:func:`sheets_from_xlsx`,
  :func:`sheet_from_csv`).
- ``csv_guards``: formulas kept out of CSV fields (:func:`csv_safe`).
- ``uploads``: what an upload is checked for, and its rows read as a sheet.
"""

from foidesk.responses.tables.answer_table import (
    EMPTY,
    EMPTY_CELL,
    KINDS,
    NOT_HELD,
    PUBLISHED,
    VALUE,
    WITHHELD,
    AnswerTable,
    Cell,
    Sheet,
    TableError,
)
from foidesk.responses.tables.conventions import cell_text, footnote_lines, parse_cell_text
from foidesk.responses.tables.csv_files import BINARY_TEXT, decode_text, sheet_from_csv, to_csv_zip
from foidesk.responses.tables.csv_guards import csv_safe
from foidesk.responses.tables.limits import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    MAX_SHEET_NAME_CHARS,
    MAX_SHEETS,
    MAX_UNPACKED_BYTES,
    MAX_ZIP_MEMBERS,
)
from foidesk.responses.tables.names import safe_file_names, safe_sheet_names
from foidesk.responses.tables.ods import to_ods
from foidesk.responses.tables.uploads import column_letter
from foidesk.responses.tables.xlsx import sheets_from_xlsx, to_xlsx, xlsx_text

__all__ = [
    "BINARY_TEXT",
    "EMPTY",
    "EMPTY_CELL",
    "KINDS",
    "MAX_CELL_CHARS",
    "MAX_COLUMNS",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "MAX_SHEETS",
    "MAX_SHEET_NAME_CHARS",
    "MAX_UNPACKED_BYTES",
    "MAX_ZIP_MEMBERS",
    "NOT_HELD",
    "PUBLISHED",
    "VALUE",
    "WITHHELD",
    "AnswerTable",
    "Cell",
    "Sheet",
    "TableError",
    "cell_text",
    "column_letter",
    "csv_safe",
    "decode_text",
    "footnote_lines",
    "parse_cell_text",
    "safe_file_names",
    "safe_sheet_names",
    "sheet_from_csv",
    "sheets_from_xlsx",
    "to_csv_zip",
    "to_ods",
    "to_xlsx",
    "xlsx_text",
]
