"""Sheets written as CSV files into a zip as they are read: what the CSV remedy makes."""

import csv
import io
import zipfile

from foidesk.responses import tables
from foidesk.responses.filecheck.findings import FileCheckError
from foidesk.responses.filecheck.limits import MAX_UNPACKED_BYTES


class _CsvZip:
    """Sheets written as CSV files into a zip as they are read, as
    :func:`foidesk.responses.tables.to_csv_zip` writes them: UTF-8 with a byte-order mark (so
    Excel reads it), CRLF, and a field Excel would run as a formula guarded.

    Empty cells at the end of a row are dropped, and empty rows kept back until a row with
    something in it follows, so that the thousands of empty rows a spreadsheet may hold
    below its table cost nothing; what is written is kept within what foidesk would unpack.
    """

    def __init__(self):
        self._buffer = io.BytesIO()
        self._archive = zipfile.ZipFile(self._buffer, "w", compression=zipfile.ZIP_DEFLATED)
        self._names: list[str] = []
        self._file = None
        self._blank = 0
        self._left = MAX_UNPACKED_BYTES

    def sheet(self, name: str) -> None:
        self._close_file()
        self._names.append(name)
        # Each name depends only on the names before it.
        member = self._archive.open(tables.safe_file_names(self._names)[-1], "w")
        self._file = io.TextIOWrapper(member, encoding="utf-8", newline="")
        self._file.write("\ufeff")
        self._writer = csv.writer(self._file, lineterminator="\r\n")
        self._blank = 0

    def row(self, values: list[str], times: int = 1) -> None:
        while values and not values[-1]:
            values = values[:-1]
        if not values:
            self._blank += times
            return
        self._left -= 2 * self._blank + times * sum(len(value) + 3 for value in values)
        if self._left < 0:
            raise FileCheckError(
                "The spreadsheet is too large to convert to CSV. Save the sheets you mean to "
                "release as CSV yourself."
            )
        for _ in range(self._blank):
            self._writer.writerow([])
        guarded = [tables.csv_safe(value) for value in values]
        for _ in range(times):
            self._writer.writerow(guarded)
        self._blank = 0

    def _close_file(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def finish(self) -> bytes:
        self._close_file()
        self._archive.close()
        if not self._names:
            raise FileCheckError("The spreadsheet has no visible sheet to convert to CSV.")
        return self._buffer.getvalue()
