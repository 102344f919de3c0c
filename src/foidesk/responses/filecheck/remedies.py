"""The remedies: a new file without what a finding found."""

import io
import posixpath
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

from foidesk.responses import tables
from foidesk.responses.filecheck.csv_zip import _CsvZip
from foidesk.responses.filecheck.excel import _read_xlsx
from foidesk.responses.filecheck.findings import (
    REMOVE_PROPERTIES,
    VISIBLE_CELLS_AS_CSV,
    FileCheckError,
    _Unreadable,
)
from foidesk.responses.filecheck.formats import _CLAIMS, _PDF_HEADER, _suffix
from foidesk.responses.filecheck.limits import MAX_FILE_BYTES
from foidesk.responses.filecheck.office import _APP_PROPERTIES, _CORE_PROPERTIES
from foidesk.responses.filecheck.opendocument import _ODS_PEOPLE, _read_ods
from foidesk.responses.filecheck.parts import _XML_OPTIONS, _local, _open_zip, _zip_kind
from foidesk.responses.filecheck.pdf import _PDF_HARMLESS, _pdf_reader


def remove_properties(filename: str, data: bytes) -> bytes:
    """The file without the properties that name people (a "properties" or "metadata"
    finding): Excel, Word and OpenDocument spreadsheet files, and PDF documents."""
    data = _remedy_input(data)
    if _PDF_HEADER.search(data[:1024]):
        return _remedying("a PDF document", _pdf_without_people, data)
    noun = _CLAIMS.get(_suffix(filename), "an Office file")
    if not data.startswith(b"PK"):
        raise FileCheckError(_ONLY_PROPERTIES)
    archive = _remedy_zip(noun, data)
    with archive:
        kind = _zip_kind(archive)
        if kind in ("xlsx", "docx"):
            edits = {
                "docProps/core.xml": lambda part: _emptied(part, set(_CORE_PROPERTIES)),
                "docProps/app.xml": lambda part: _emptied(part, set(_APP_PROPERTIES)),
                "docProps/custom.xml": lambda part: _emptied(part, {"property"}, remove=True),
            }
        elif kind == "ods":
            edits = {
                "meta.xml": lambda part: _emptied(part, {*_ODS_PEOPLE, "user-defined"}, remove=True)
            }
        else:
            raise FileCheckError(_ONLY_PROPERTIES)
        return _remedying(noun, _rewritten, archive, edits)


_ONLY_PROPERTIES = (
    "foidesk can remove the properties of Excel, Word, OpenDocument spreadsheet and PDF files only."
)


def visible_cells_as_csv(filename: str, data: bytes) -> bytes:
    """A zip of one CSV file for each visible sheet, holding the values of its visible rows
    and columns only: nothing hidden, no comments, names, lists, links, objects, macros or
    properties."""
    data = _remedy_input(data)
    archive = _remedy_zip("a spreadsheet", data)
    with archive:
        kind = _zip_kind(archive)
        if kind not in ("xlsx", "ods"):
            raise FileCheckError(
                "Only a spreadsheet (Excel or OpenDocument) can be converted to CSV."
            )
        out = _CsvZip()
        if kind == "xlsx":
            _remedying("a spreadsheet", _visible_xlsx, archive, data, out)
        else:
            _remedying("a spreadsheet", _read_ods, archive, False, out)
    return out.finish()


def _remedy_input(data: bytes) -> bytes:
    data = bytes(data)
    if len(data) > MAX_FILE_BYTES:
        raise FileCheckError(
            f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB, too large for "
            "foidesk to change."
        )
    return data


def _remedy_zip(noun: str, data: bytes) -> zipfile.ZipFile:
    if not data.startswith(b"PK"):
        raise FileCheckError(f"The file could not be read as {noun}: it is not one.")
    try:
        return _open_zip(data)
    except _Unreadable as problem:
        raise FileCheckError(f"The file could not be read as {noun}: {problem}.") from problem


def _remedying(noun: str, remedy: Callable, *args):
    try:
        return remedy(*args)
    except FileCheckError:
        raise
    except _Unreadable as problem:
        raise FileCheckError(f"The file could not be read as {noun}: {problem}.") from problem
    except Exception as error:  # a damaged file can fail anywhere while it is read
        raise FileCheckError(
            f"The file could not be read as {noun}: it is damaged, or not really one."
        ) from error


def _emptied(part: bytes, names: set[str], remove: bool = False) -> bytes:
    """A properties part with the elements of these local names emptied, or removed."""
    root = etree.fromstring(part, etree.XMLParser(**_XML_OPTIONS))
    for element in list(root.iter()):
        if _local(element) in names:
            if remove and element.getparent() is not None:
                element.getparent().remove(element)
            else:
                element.text = None
                element[:] = []
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _rewritten(archive: zipfile.ZipFile, edits: dict[str, Callable[[bytes], bytes]]) -> bytes:
    """The zip again, member by member in the same order (an OpenDocument file's mimetype
    first and stored, as it must be), with the edited parts changed."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as rewritten:
        for member in archive.infolist():
            content = archive.read(member)
            if member.filename in edits:
                content = edits[member.filename](content)
            copy = zipfile.ZipInfo(member.filename, member.date_time)
            copy.compress_type = member.compress_type
            copy.external_attr = member.external_attr
            rewritten.writestr(copy, content)
    return out.getvalue()


def _pdf_without_people(data: bytes) -> bytes:
    from pypdf import PdfWriter

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reader = _pdf_reader(data)
        writer = PdfWriter(clone_from=reader)
        info = reader.metadata or {}
        writer.metadata = {key: value for key, value in info.items() if key in _PDF_HARMLESS}
        xmp = writer.xmp_metadata
        if xmp is not None:
            xmp.dc_creator = None
            xmp.dc_contributor = None
            writer.xmp_metadata = xmp
        out = io.BytesIO()
        writer.write(out)
    return out.getvalue()


def _visible_xlsx(archive: zipfile.ZipFile, data: bytes, out: "_CsvZip") -> None:
    import openpyxl

    book = _read_xlsx(archive, for_findings=False)
    with warnings.catch_warnings():
        # openpyxl warns about parts of a workbook it skips (data validation, styles).
        warnings.simplefilter("ignore")
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True, keep_links=False
        )
        try:
            for sheet in book.sheets:
                worksheet = workbook[sheet.name] if sheet.name in workbook.sheetnames else None
                if sheet.hidden or not hasattr(worksheet, "iter_rows"):
                    continue  # hidden, or a chart sheet
                out.sheet(sheet.name)
                # Trust the cells, not the size the file claims for the sheet.
                worksheet.reset_dimensions()
                for number, values in enumerate(worksheet.iter_rows(values_only=True), 1):
                    if number not in sheet.hidden_rows:
                        out.row(
                            [
                                tables.xlsx_text(value)
                                for column, value in enumerate(values, 1)
                                if column not in sheet.hidden_columns
                            ]
                        )
        finally:
            workbook.close()


@dataclass(frozen=True)
class Remedy:
    """A way to make a new file without what a finding found."""

    key: str
    label: str  # what an officer is offered
    apply: Callable[[str, bytes], bytes]
    suffix: str  # of the new file's name; "" keeps the name

    def file_name(self, filename: str) -> str:
        """The new file's name."""
        if not self.suffix:
            return filename
        return posixpath.splitext(filename)[0] + self.suffix


REMEDIES = {
    REMOVE_PROPERTIES: Remedy(
        REMOVE_PROPERTIES, "Remove the properties that name people", remove_properties, ""
    ),
    VISIBLE_CELLS_AS_CSV: Remedy(
        VISIBLE_CELLS_AS_CSV,
        "Convert to CSV: the visible cells of the visible sheets only",
        visible_cells_as_csv,
        ".zip",
    ),
}
