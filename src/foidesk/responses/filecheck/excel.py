"""Excel workbooks (XLSX, XLSM), read from their parts."""

import posixpath
import re
import zipfile

from foidesk.responses.filecheck.findings import Finding, _quoted
from foidesk.responses.filecheck.office import _EMBEDDED_PART, _MACRO_PART, _office_properties
from foidesk.responses.filecheck.parts import (
    _attribute,
    _count,
    _local,
    _relationships,
    _release,
    _stream,
    _text,
    _xml,
)
from foidesk.responses.filecheck.workbooks import _Sheet, _Workbook, _workbook_findings

# Names Excel and LibreOffice keep for their own settings: print areas and titles
# ("_xlnm.Print_Area"), the range an autofilter covers ("_xlnm._FilterDatabase",
# LibreOffice's "__Anonymous_Sheet_DB__0"). They point at ranges of the sheets they belong
# to and hold nothing of their own, and whatever they point at is checked where it is.
_OWN_NAMES = re.compile(r"_xlnm\.|__Anonymous_Sheet_DB__", re.IGNORECASE)


def _check_xlsx(archive: zipfile.ZipFile) -> list[Finding]:
    return _workbook_findings(_read_xlsx(archive, for_findings=True))


def _read_xlsx(archive: zipfile.ZipFile, for_findings: bool) -> _Workbook:
    """The workbook's sheets, their state and hidden rows and columns; with ``for_findings``
    also everything else a finding can be made of."""
    part = "xl/workbook.xml"
    root = _xml(archive, part)
    relationships = _relationships(archive, part)
    book = _Workbook()
    for element in root.iter("{*}sheet"):
        state = element.get("state", "visible")
        sheet = _Sheet(
            name=element.get("name", ""),
            hidden={"hidden": "hidden", "veryHidden": "very hidden"}.get(state, ""),
        )
        book.sheets.append(sheet)
        relationship = relationships.get(_attribute(element, "id") or "")
        if relationship and not relationship.external:
            _read_xlsx_sheet(archive, relationship.target, sheet, for_findings)
    if not for_findings:
        return book
    for element in root.iter("{*}definedName"):
        name = element.get("name", "")
        if not _OWN_NAMES.match(name):
            book.names.append((name, _refers_to(_text(element))))
    names = sorted(archive.NameToInfo)
    for name in names:
        if re.fullmatch(r"xl/pivotCache/pivotCacheDefinition[^/]*\.xml", name):
            book.pivot_sources.append(_pivot_source(archive, name))
        elif re.fullmatch(r"xl/externalLinks/externalLink[^/]*\.xml", name):
            targets = [r.target for r in _relationships(archive, name).values() if r.external]
            book.links.append(targets[0] if targets else posixpath.basename(name))
        elif _EMBEDDED_PART.fullmatch(name):
            book.embedded.append(name)
        elif _MACRO_PART.fullmatch(name):
            book.macros = True
    book.properties = _office_properties(archive)
    return book


def _refers_to(formula: str) -> str:
    if "!" in formula:
        return f"the range {_quoted(formula.lstrip('='), 80)}"
    return "a value or formula of its own, which no cell shows"


def _pivot_source(archive: zipfile.ZipFile, part: str) -> str:
    # The definition begins with its source; the rest, which can be large, is not read.
    for _event, source in _stream(archive, part, ("worksheetSource",)):
        if source.get("name"):
            return _quoted(source.get("name"))
        sheet, cells = source.get("sheet", ""), source.get("ref", "")
        return f"{cells} of sheet “{sheet}”" if sheet else cells
    return ""


def _read_xlsx_sheet(archive, part: str, sheet: _Sheet, for_findings: bool) -> None:
    row = 0
    for _event, element in _stream(archive, part, ("col", "row", "dataValidation")):
        name = _local(element)
        if name == "col":
            if _hidden(element, "width"):
                sheet.hidden_columns.add(int(element.get("min", "1")), int(element.get("max", "1")))
        elif name == "row":
            row = int(element.get("r") or row + 1)
            hidden = _hidden(element, "ht")
            if hidden:
                sheet.hidden_rows.add(row)
            if for_findings and (hidden or sheet.hidden_columns):
                column = 0
                for cell in element:
                    reference = cell.get("r")
                    column = _column_number(reference) if reference else column + 1
                    if not hidden and column not in sheet.hidden_columns:
                        continue
                    # A value, a formula or rich text: a cell with only a style has none.
                    if not any(child.text or len(child) for child in cell):
                        continue
                    if hidden:
                        sheet.rows_with_data.add(row)
                        break
                    sheet.columns_with_data.add(column)
            _release(element)
        elif name == "dataValidation" and for_findings and element.get("type") == "list":
            sheet.lists.append(_validation(element))
    if for_findings:
        for relationship in _relationships(archive, part).values():
            if relationship.kind == "threadedComment":
                sheet.comments = _count(archive, relationship.target, "threadedComment")
                break
        else:
            for relationship in _relationships(archive, part).values():
                if relationship.kind == "comments":
                    sheet.comments += _count(archive, relationship.target, "comment")


def _hidden(element, size: str) -> bool:
    if element.get("hidden") in ("1", "true"):
        return True
    try:
        return float(element.get(size, "1")) == 0
    except ValueError:
        return False


def _column_number(reference: str) -> int:
    """The number of a cell's column: 1 for "A7", 28 for "AB7"."""
    number = 0
    for character in _COLUMN_LETTERS.match(reference).group().upper():
        number = number * 26 + ord(character) - 64
    return number


_COLUMN_LETTERS = re.compile(r"[A-Za-z]*")


def _validation(element) -> tuple[str, str]:
    """(the cells, where the choices come from) of a list validation, Excel 2007's or 2010's."""
    cells = element.get("sqref") or next(
        (_text(child) for child in element if _local(child) == "sqref"), ""
    )
    formula = next((_text(child) for child in element if _local(child) == "formula1"), "")
    if formula.startswith('"'):
        source = "a list typed into the rule itself"
    else:
        source = _quoted(formula.lstrip("="), 80) if formula else "a list"
    cells = ", ".join(cells.split())
    return (cells if len(cells) <= 40 else cells[:39] + "…"), source
