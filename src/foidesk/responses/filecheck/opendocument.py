"""OpenDocument spreadsheets (ODS), read from their content as it streams; for the CSV
remedy, the text of the visible cells too."""

import re
import zipfile
from dataclasses import dataclass

from foidesk.responses.filecheck.csv_zip import _CsvZip
from foidesk.responses.filecheck.findings import Finding, _quoted
from foidesk.responses.filecheck.parts import _attribute, _local, _release, _stream, _text, _xml
from foidesk.responses.filecheck.workbooks import _Sheet, _Workbook, _workbook_findings

_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_XLINK = "{http://www.w3.org/1999/xlink}"
_MANIFEST = "{urn:oasis:names:tc:opendocument:xmlns:manifest:1.0}"
_ODS_TAGS = (
    "style",
    "table",
    "table-column",
    "table-row",
    "annotation",
    "named-range",
    "named-expression",
    "content-validation",
    "data-pilot-table",
    "table-source",
    "cell-range-source",
    "dde-source",
    "object",
    "object-ole",
    "event-listener",
)
# A spreadsheet's largest size, which a repeated row or cell is held to.
_MAX_ROWS = 1_048_576
_MAX_COLUMNS = 16_384
# LibreOffice keeps the library list even with no macros; a module is a macro.
_ODS_MACRO_PART = re.compile(r"Basic/[^/]+/(?!script-lb\.xml|dialog-lb\.xml)[^/]+|Scripts/.+")
_ODS_PEOPLE = {
    "initial-creator": "author",
    "creator": "last modified by",
    "printed-by": "printed by",
    "description": "comments",
}


def _check_ods(archive: zipfile.ZipFile) -> list[Finding]:
    return _workbook_findings(_read_ods(archive, for_findings=True))


def _read_ods(archive: zipfile.ZipFile, for_findings: bool, out: "_CsvZip | None" = None):
    """The workbook's sheets, their state and hidden rows and columns; with ``for_findings``
    also everything else a finding can be made of; with ``out``, the text of the visible
    cells of the visible sheets written to it, as the CSV remedy does."""
    book = _Workbook()
    hidden_styles: set[str] = set()
    validations: dict[str, str] = {}
    used_validations: dict[int, set[str]] = {}
    media_types = _manifest(archive)
    sheet: _Sheet | None = None
    row = column = 0
    for event, element in _stream(archive, "content.xml", _ODS_TAGS, ("start", "end")):
        name = _local(element)
        if event == "start":
            parent = element.getparent()
            if name == "table" and parent is not None and _local(parent) == "spreadsheet":
                hidden = element.get(f"{_TABLE}style-name") in hidden_styles
                sheet = _Sheet(element.get(f"{_TABLE}name", ""), "hidden" if hidden else "")
                book.sheets.append(sheet)
                row = column = 0
                if out is not None and not hidden:
                    out.sheet(sheet.name)
            continue
        if name == "style":
            if element.get(f"{_STYLE}family") == "table" and any(
                properties.get(f"{_TABLE}display") == "false"
                for properties in element.iter(f"{_STYLE}table-properties")
            ):
                hidden_styles.add(element.get(f"{_STYLE}name", ""))
        elif name == "table-column" and sheet is not None:
            repeated = _repeated(element, "number-columns-repeated", _MAX_COLUMNS - column)
            if element.get(f"{_TABLE}visibility", "visible") != "visible":
                sheet.hidden_columns.add(column + 1, column + repeated)
            column += repeated
        elif name == "table-row" and sheet is not None:
            repeated = _repeated(element, "number-rows-repeated", _MAX_ROWS - row)
            hidden = element.get(f"{_TABLE}visibility", "visible") != "visible"
            if hidden:
                sheet.hidden_rows.add(row + 1, row + repeated)
            cells = _ods_cells(element, sheet, hidden, row, repeated, for_findings)
            used_validations.setdefault(len(book.sheets) - 1, set()).update(cells.validations)
            if out is not None and not sheet.hidden and not hidden:
                out.row(cells.text, repeated)
            row += repeated
            _release(element)
        elif (
            name == "table"
            and sheet is not None
            and element.getparent() is not None
            and (_local(element.getparent()) == "spreadsheet")
        ):
            sheet = None
        elif not for_findings:
            continue
        elif name == "annotation" and sheet is not None:
            sheet.comments += 1
        elif name == "named-range":
            book.names.append(
                (
                    element.get(f"{_TABLE}name", ""),
                    f"the range {_quoted(element.get(f'{_TABLE}cell-range-address', ''), 80)}",
                )
            )
        elif name == "named-expression":
            book.names.append(
                (
                    element.get(f"{_TABLE}name", ""),
                    "a value or formula of its own, which no cell shows",
                )
            )
        elif name == "content-validation":
            condition = element.get(f"{_TABLE}condition", "")
            if "cell-content-is-in-list(" in condition:
                choices = condition.split("cell-content-is-in-list(", 1)[1].rstrip(")")
                validations[element.get(f"{_TABLE}name", "")] = (
                    "a list typed into the rule itself"
                    if choices.startswith('"')
                    else _quoted(choices, 80)
                )
        elif name == "data-pilot-table":
            sources = [
                source.get(f"{_TABLE}cell-range-address", "")
                for source in element.iter(f"{_TABLE}source-cell-range")
            ]
            book.pivot_sources.append(sources[0] if sources else "")
        elif name in ("table-source", "cell-range-source"):
            book.links.append(element.get(f"{_XLINK}href", "") or "another file")
        elif name == "dde-source":
            book.links.append(element.get(f"{_OFFICE}dde-topic", "") or "another program")
        elif name in ("object", "object-ole"):
            target = (element.get(f"{_XLINK}href") or "").removeprefix("./").rstrip("/")
            if name == "object-ole" or not media_types.get(target + "/", "").endswith(".chart"):
                book.embedded.append(target or "an object")
        elif name == "event-listener":
            book.macros = True
    if not for_findings:
        return book
    for index, names in used_validations.items():
        book.sheets[index].lists += [
            ("", validations[n]) for n in sorted(names) if n in validations
        ]
    book.macros = book.macros or any(_ODS_MACRO_PART.fullmatch(n) for n in archive.NameToInfo)
    root = _xml(archive, "meta.xml")
    for element in root.iter() if root is not None else ():
        what = _ODS_PEOPLE.get(_local(element))
        if what and _text(element):
            book.properties.append((what, _text(element)))
        elif _local(element) == "user-defined":
            book.properties.append(
                (
                    f"custom property “{_attribute(element, 'name') or ''}”",
                    _text(element) or "(set)",
                )
            )
    return book


def _manifest(archive: zipfile.ZipFile) -> dict[str, str]:
    root = _xml(archive, "META-INF/manifest.xml")
    return {
        entry.get(f"{_MANIFEST}full-path", ""): entry.get(f"{_MANIFEST}media-type", "")
        for entry in (root.iter(f"{_MANIFEST}file-entry") if root is not None else ())
    }


def _repeated(element, attribute: str, most: int) -> int:
    try:
        return max(1, min(int(element.get(f"{_TABLE}{attribute}", "1")), max(most, 1)))
    except ValueError:
        return 1


@dataclass
class _OdsRow:
    text: list[str]  # the visible cells' text, without the empty ones at the end
    validations: set[str]


def _ods_cells(
    row_element, sheet: _Sheet, hidden: bool, row: int, rows: int, for_findings: bool
) -> _OdsRow:
    text: list[str] = []
    validations: set[str] = set()
    blanks = 0  # visible empty cells not yet written, in case a cell with text follows
    column = 0
    for cell in row_element:
        if _local(cell) not in ("table-cell", "covered-table-cell") or column >= _MAX_COLUMNS:
            continue
        repeated = _repeated(cell, "number-columns-repeated", _MAX_COLUMNS - column)
        first, last = column + 1, column + repeated
        column = last
        if validation := cell.get(f"{_TABLE}content-validation-name"):
            validations.add(validation)
        has_data = cell.get(f"{_OFFICE}value-type") is not None or any(
            _local(child) in ("p", "h", "list") and _text(child) for child in cell
        )
        if for_findings:
            if has_data and hidden:
                sheet.rows_with_data.add(row + 1, row + rows)
            elif has_data:
                sheet.columns_with_data.update(
                    number
                    for start, end in sheet.hidden_columns.ranges
                    for number in range(max(start, first), min(end, last) + 1)
                )
            continue
        shown = repeated - sum(
            max(0, min(end, last) - max(start, first) + 1)
            for start, end in sheet.hidden_columns.ranges
        )
        value = _odf_text(cell) if has_data else ""
        if not value:
            blanks += shown
            continue
        text.extend([""] * blanks)
        text.extend([value] * shown)
        blanks = 0
    return _OdsRow(text, validations)


def _odf_text(cell) -> str:
    """A cell's text as shown: its paragraphs, one a line, without its comments."""
    lines = []
    for child in cell:
        if _local(child) in ("p", "h"):
            lines.append(_odf_paragraph(child))
    return "\n".join(lines)


def _odf_paragraph(element) -> str:
    parts = [element.text or ""]
    for child in element:
        name = _local(child)
        if name == "s":
            parts.append(" " * _repeated_spaces(child))
        elif name == "tab":
            parts.append("\t")
        elif name == "line-break":
            parts.append("\n")
        elif name != "annotation":
            parts.append(_odf_paragraph(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _repeated_spaces(element) -> int:
    try:
        return max(1, min(int(element.get(f"{_TEXT}c", "1")), 1000))
    except ValueError:
        return 1
