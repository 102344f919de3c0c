"""Spreadsheets: what is found in a workbook, whichever format it came in, and the findings
made of it."""

import bisect
import math
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from foidesk.responses import tables
from foidesk.responses.filecheck.findings import (
    VISIBLE_CELLS_AS_CSV,
    Finding,
    _comments,
    _finding,
    _listed,
    _properties_findings,
    _quoted,
)


class _Spans:
    """Row or column numbers, kept as sorted ranges, however many there are."""

    def __init__(self):
        self._ranges: list[list[int]] = []
        self._sorted = True

    def add(self, start: int, end: int | None = None) -> None:
        end = start if end is None else end
        last = self._ranges[-1] if self._ranges else None
        if last and last[0] <= start <= last[1] + 1:
            last[1] = max(last[1], end)
            return
        if last and start < last[0]:
            self._sorted = False
        self._ranges.append([start, end])

    @property
    def ranges(self) -> list[list[int]]:
        if not self._sorted:
            merged: list[list[int]] = []
            for start, end in sorted(self._ranges):
                if merged and start <= merged[-1][1] + 1:
                    merged[-1][1] = max(merged[-1][1], end)
                else:
                    merged.append([start, end])
            self._ranges, self._sorted = merged, True
        return self._ranges

    def __contains__(self, number: int) -> bool:
        ranges = self.ranges
        at = bisect.bisect_right(ranges, [number, math.inf]) - 1
        return at >= 0 and ranges[at][0] <= number <= ranges[at][1]

    def __bool__(self) -> bool:
        return bool(self._ranges)

    def count(self) -> int:
        return sum(end - start + 1 for start, end in self.ranges)

    def text(self, what: str, name: Callable[[int], str] = str) -> str:
        """E.g. "rows 4-9 and 12", "column C"."""
        parts = [
            name(start) if start == end else f"{name(start)}-{name(end)}"
            for start, end in self.ranges
        ]
        if len(parts) > 6:  # where a finding is should fit on a line
            parts = [*parts[:5], f"{len(parts) - 5:,} more"]
        return (what if self.count() == 1 else what + "s") + " " + _listed(parts)


def _column_name(number: int) -> str:
    return tables.column_letter(number - 1)


@dataclass
class _Sheet:
    name: str
    hidden: str = ""  # "", "hidden" or "very hidden"
    hidden_rows: _Spans = field(default_factory=_Spans)
    hidden_columns: _Spans = field(default_factory=_Spans)
    rows_with_data: _Spans = field(default_factory=_Spans)  # hidden rows holding data
    columns_with_data: set[int] = field(default_factory=set)  # the same of columns
    lists: list[tuple[str, str]] = field(default_factory=list)  # (cells, source)
    comments: int = 0


@dataclass
class _Workbook:
    sheets: list[_Sheet] = field(default_factory=list)
    names: list[tuple[str, str]] = field(default_factory=list)  # (name, what it refers to)
    pivot_sources: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    embedded: list[str] = field(default_factory=list)
    macros: bool = False
    properties: list[tuple[str, str]] = field(default_factory=list)  # (what, value)


def _last_part(path: str) -> str:
    """The file name at the end of a path or address, Windows' included."""
    return re.split(r"[\\/]", path.rstrip("\\/"))[-1] or path


def _hidden_lines(count: int, line: str) -> str:
    if count == 1:
        return f"A hidden {line} holds data: it is not shown, but anyone can unhide it and read it."
    return (
        f"{count:,} hidden {line}s hold data: they are not shown, but anyone can unhide them "
        "and read them."
    )


def _workbook_findings(book: _Workbook) -> list[Finding]:
    csv_remedy = VISIBLE_CELLS_AS_CSV
    findings = []
    for sheet in book.sheets:
        on = f"sheet “{sheet.name}”"
        if sheet.hidden == "very hidden":
            findings.append(
                _finding(
                    "hidden_sheet",
                    on,
                    "A “very hidden” sheet: Excel does not even list it to unhide, but anyone "
                    "with the file can reveal it and read everything on it.",
                    csv_remedy,
                )
            )
        elif sheet.hidden:
            findings.append(
                _finding(
                    "hidden_sheet",
                    on,
                    "A hidden sheet: it is not shown, but anyone can unhide it and read "
                    "everything on it.",
                    csv_remedy,
                )
            )
        if sheet.rows_with_data:
            findings.append(
                _finding(
                    "hidden_rows",
                    f"{sheet.rows_with_data.text('row')} of {on}",
                    _hidden_lines(sheet.rows_with_data.count(), "row"),
                    csv_remedy,
                )
            )
        if sheet.columns_with_data:
            columns = _Spans()
            for number in sorted(sheet.columns_with_data):
                columns.add(number)
            findings.append(
                _finding(
                    "hidden_columns",
                    f"{columns.text('column', _column_name)} of {on}",
                    _hidden_lines(columns.count(), "column"),
                    csv_remedy,
                )
            )
        for cells, source in sheet.lists:
            findings.append(
                _finding(
                    "data_validation",
                    f"cells {cells} of {on}" if cells else on,
                    f"A drop-down list offers choices from {source}. The "
                    "choices are in the file even where no cell shows them, and can include "
                    "names or other details.",
                    csv_remedy,
                )
            )
        if sheet.comments:
            findings.append(
                _finding(
                    "comment",
                    on,
                    _comments(sheet.comments, "comment or note", "comments or notes"),
                    csv_remedy,
                )
            )
    for name, refers_to in book.names:
        findings.append(
            _finding(
                "defined_name",
                f"name “{name}”",
                f"The workbook names {refers_to}. Named ranges show what a workbook was "
                "built from and can point at data that is hidden or outside the table.",
                csv_remedy,
            )
        )
    for source in book.pivot_sources:
        findings.append(
            _finding(
                "pivot_cache",
                f"pivot table data from {source}" if source else "a pivot table",
                "A pivot table keeps its own copy of the data it summarises: anyone can "
                "double-click it to list every row behind a total, even when the source "
                "sheet is hidden or deleted.",
                csv_remedy,
            )
        )
    for target in book.links:
        findings.append(
            _finding(
                "external_link",
                f"link to {_quoted(_last_part(target))}",
                f"The workbook links to another file, {_quoted(target, 200)}, and keeps a "
                "copy of the values it uses from it; the path can also show names of people, "
                "servers or folders.",
                csv_remedy,
            )
        )
    for name in book.embedded:
        findings.append(
            _finding(
                "embedded_object",
                f"embedded {_quoted(posixpath.basename(name))}",
                "A file is embedded in this one (another spreadsheet, a document or an "
                "object): it travels with it and anyone can open it, whatever it holds.",
                csv_remedy,
            )
        )
    if book.macros:
        findings.append(
            _finding(
                "macros",
                "the workbook",
                "The workbook has macros: program code that can run when it is opened and "
                "can hold text of its own. A file released to the public should have none.",
                csv_remedy,
            )
        )
    findings += _properties_findings(book.properties)
    return findings
