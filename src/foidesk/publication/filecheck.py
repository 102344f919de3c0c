"""The check of a file before it is released: content its reader does not see on the page
but anyone with the file can find.

The ICO's advisory note on disclosure (2023) follows breaches in which a released file held
more than it showed: a police force's staff list on a hidden sheet, a council's pivot table
carrying its source data, named ranges left in a workbook. So before a file is released
(published in the disclosure log, uploaded as an answer, attached to a response) foidesk
reads the file itself, and :func:`check` gives each thing found as a :class:`Finding`:

- Excel (XLSX, XLSM) and OpenDocument (ODS) spreadsheets: hidden and very hidden sheets,
  hidden rows and columns that hold data, pivot tables and their caches, links to other
  files, named ranges, comments and notes, drop-down lists, embedded files, macros, and the
  properties naming who made the file.
- Word (DOCX): tracked changes, comments, hidden text, embedded files, macros, properties.
- PDF: text under a box or picture drawn over it (a redaction that hid the text without
  removing it), annotations, attached files, and metadata naming a person.
- CSV and plain text show everything they hold, so they are clean unless unreadable.
- A zip of such files (the answer tables as CSV) is checked file by file.
- Anything else gets one finding saying foidesk cannot check it, so that nothing unchecked
  is waved through.

The format is told by the content (the parts inside a zip, the PDF header); the name only
says what a file that is neither was meant to be. Office files are read part by part from
the zip with lxml, streaming, without resolving entities, within the limits below, so that a
zip bomb is refused and memory stays bounded. openpyxl does not expose embeddings, threaded
comments or macros sheets, and shows hidden rows and columns only with the whole workbook in
memory; odfpy holds the whole document in memory too, reads only the parts its manifest
lists, and prints a part it cannot parse to standard output. openpyxl is used where it is
the right tool: for the values of the visible cells, in the CSV remedy.

Each finding blocks release until the officer removes what was found or overrides it with a
reason. :data:`REMEDIES` make a new file without it: ``remove_properties`` and
``visible_cells_as_csv``; a finding names the remedy that removes it, if there is one.

Pure Python with no Django import, so that ``foidesk check-file`` starts at once. ``check``
never raises: a file it cannot read is a finding. A remedy raises only
:class:`FileCheckError`.
"""

import bisect
import csv
import io
import math
import posixpath
import re
import warnings
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree

from foidesk import file_types
from foidesk.responses import tables

KINDS = (
    "hidden_sheet",
    "hidden_rows",
    "hidden_columns",
    "pivot_cache",
    "external_link",
    "defined_name",
    "comment",
    "data_validation",
    "embedded_object",
    "properties",
    "macros",
    "tracked_changes",
    "hidden_text",
    "text_under_box",
    "pdf_attachment",
    "annotation",
    "metadata",
    "unreadable",
    "unknown_format",
)

# What foidesk will read. A released file may be larger than an answer table (a scanned
# report, a year of spending), so the size is what the reverse proxy accepts for an upload.
# The parts of an Office file are read streaming, so a zip may unpack to more than an
# answer table may (a 7 MB workbook of 150,000 rows unpacks to 60 MB) while memory stays
# small; beyond the limit it is refused unread, as a zip bomb. The parts read whole (the
# workbook's list of sheets, properties, styles) are held to a few megabytes.
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNPACKED_BYTES = 500 * 1024 * 1024
MAX_ZIP_MEMBERS = tables.MAX_ZIP_MEMBERS
MAX_WHOLE_PART_BYTES = 10 * 1024 * 1024

REMOVE_PROPERTIES = "remove_properties"
VISIBLE_CELLS_AS_CSV = "visible_cells_as_csv"


@dataclass(frozen=True)
class Finding:
    """Something in a file its reader would not see.

    ``kind`` is one of :data:`KINDS`; ``where`` says where it is ("sheet “Staff”", "page 2");
    ``detail`` says, for an officer, what was found and why it matters; ``remedy`` is the
    key in :data:`REMEDIES` of the remedy that removes it, or None when the officer must
    remove it in the program that made the file.
    """

    kind: str
    where: str
    detail: str
    remedy: str | None = None

    def __str__(self):
        return f"{self.where}: {self.detail}"


class FileCheckError(Exception):
    """A remedy cannot be applied; the message says why and what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class _Unreadable(Exception):
    """Why a file cannot be read, said as the end of "The file could not be read as X: ..."."""


def check(filename: str, data: bytes) -> list[Finding]:
    """What ``data`` (a file called ``filename``) holds that its reader would not see.

    An empty list means nothing hidden was found. Never raises.
    """
    try:
        return _check(filename, bytes(data), in_archive=False)
    except Exception:  # a reader's failure on a damaged file must come out as a finding
        return [_unreadable(_noun(filename), "it is damaged, or not what its name says")]


# ---------------------------------------------------------------------------------------
# Telling the format


_PDF_HEADER = re.compile(rb"%PDF-[0-9]")
# Excel 97-2003 and Word 97-2003 files, and password-protected Office files, which are
# kept in this container with the encrypted file inside.
_COMPOUND_FILE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_CLAIMS = {
    ".xlsx": "a spreadsheet",
    ".xlsm": "a spreadsheet",
    ".xltx": "a spreadsheet",
    ".xltm": "a spreadsheet",
    ".ods": "a spreadsheet",
    ".ots": "a spreadsheet",
    ".docx": "a Word document",
    ".docm": "a Word document",
    ".dotx": "a Word document",
    ".pdf": "a PDF document",
    ".zip": "a zip file",
}
_TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}
_ODS_TYPES = {file_types.ODS.mime_type, file_types.OTS.mime_type}


def _suffix(filename: str) -> str:
    return posixpath.splitext(filename.replace("\\", "/").lower())[1]


def _noun(filename: str) -> str:
    suffix = _suffix(filename)
    return "text" if suffix in _TEXT_SUFFIXES else _CLAIMS.get(suffix, "a file foidesk knows")


def _check(filename: str, data: bytes, in_archive: bool) -> list[Finding]:
    if len(data) > MAX_FILE_BYTES:
        return [
            _finding(
                "unreadable",
                "the file",
                f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB, too large "
                "for foidesk to check: release it only if you have checked it yourself.",
            )
        ]
    if _PDF_HEADER.search(data[:1024]):
        return _reading("a PDF document", _check_pdf, data)
    if data.startswith(b"PK"):
        return _check_zip(filename, data, in_archive)
    if data.startswith(_COMPOUND_FILE):
        if _ENCRYPTED_PACKAGE in data:
            return [
                _unreadable(
                    _noun(filename),
                    "it is protected with a password. Remove the password, save it again "
                    "and check it again",
                )
            ]
        return [
            _unknown(
                "This is an Excel 97-2003 (.xls) or Word 97-2003 (.doc) file, "
                "not a format foidesk can check: save it as .xlsx or .docx and check it "
                "again, or release it only if you have checked it yourself."
            )
        ]
    suffix = _suffix(filename)
    if suffix in _CLAIMS:
        return [_unreadable(_CLAIMS[suffix], "it is not a file of that kind, or it is damaged")]
    text = _text_of(data)
    if suffix in _TEXT_SUFFIXES:
        if text is None:
            return [_unreadable("text", "it holds characters that are not text")]
        return []
    # Markup (a web page, XML, RTF) can hide what it holds from its reader.
    if text is not None and not text.lstrip().startswith(("<", "{\\rtf")):
        return []
    return [_unknown()]


def _text_of(data: bytes) -> str | None:
    try:
        text = tables.decode_text(data)
    except tables.TableError:
        return None
    return None if tables.BINARY_TEXT.search(text) else text


def _reading(noun: str, reader: Callable[..., list[Finding]], *args) -> list[Finding]:
    try:
        return reader(*args)
    except _Unreadable as problem:
        return [_unreadable(noun, str(problem))]
    except Exception:  # a damaged file can fail anywhere in a reader: that is a finding
        return [_unreadable(noun, "it is damaged, or not really one")]


def _finding(kind: str, where: str, detail: str, remedy: str | None = None) -> Finding:
    assert kind in KINDS
    return Finding(kind, where, detail, remedy)


def _unreadable(noun: str, why: str) -> Finding:
    return _finding(
        "unreadable",
        "the file",
        f"The file could not be read as {noun}: {why}. foidesk could not check it for "
        "hidden content; release it only if you have checked it yourself.",
    )


def _unknown(sentence: str = "") -> Finding:
    return _finding(
        "unknown_format",
        "the file",
        sentence
        or "This is not a format foidesk can check (it checks Excel, OpenDocument "
        "spreadsheet, Word, PDF, CSV and plain text files): release it only if you have "
        "checked it yourself.",
    )


# ---------------------------------------------------------------------------------------
# Zip files: Office documents, and archives of other files


def _open_zip(data: bytes) -> zipfile.ZipFile:
    """The zip, refused when it holds more than foidesk will unpack.

    The sizes the zip declares can be trusted: zipfile stops reading a member at its
    declared size and fails its checksum if there was more.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise _Unreadable("it is damaged (the zip inside it cannot be opened)") from error
    if len(members) > MAX_ZIP_MEMBERS or (
        sum(member.file_size for member in members) > MAX_UNPACKED_BYTES
    ):
        raise _Unreadable(
            f"it unpacks to more than {MAX_UNPACKED_BYTES // (1024 * 1024)} MB or "
            f"{MAX_ZIP_MEMBERS:,} parts, more than foidesk will unpack (a file made to fill "
            "the memory of whoever opens it looks like this)"
        )
    if any(member.flag_bits & 0x1 for member in members):
        raise _Unreadable("it is protected with a password")
    return archive


def _zip_kind(archive: zipfile.ZipFile) -> str:
    names = set(archive.NameToInfo)
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "word/document.xml" in names:
        return "docx"
    if "mimetype" in names:
        mimetype = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
        return "ods" if mimetype in _ODS_TYPES else "opendocument"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "ppt/presentation.xml" in names:
        return "pptx"
    return "zip"


def _check_zip(filename: str, data: bytes, in_archive: bool) -> list[Finding]:
    noun = _CLAIMS.get(_suffix(filename), "a zip file")
    try:
        archive = _open_zip(data)
        kind = _zip_kind(archive)
    except _Unreadable as problem:
        return [_unreadable(noun, str(problem))]
    except Exception:
        return [_unreadable(noun, "it is damaged (the zip inside it cannot be opened)")]
    with archive:
        if kind == "xlsx":
            return _reading("a spreadsheet", _check_xlsx, archive)
        if kind == "ods":
            return _reading("a spreadsheet", _check_ods, archive)
        if kind == "docx":
            return _reading("a Word document", _check_docx, archive)
        if kind == "zip" and not in_archive:
            return _reading("a zip file", _check_archive, archive)
    what = {
        "opendocument": "This is an OpenDocument file other than a spreadsheet",
        "xlsb": "This is an Excel binary workbook (.xlsb)",
        "pptx": "This is a PowerPoint presentation",
        "zip": "This is a zip file inside a zip file",
    }[kind]
    return [
        _unknown(
            f"{what}, not a format foidesk can check: release it only if you have "
            "checked it yourself."
        )
    ]


def _check_archive(archive: zipfile.ZipFile) -> list[Finding]:
    """Each file in a zip of files, checked as if on its own."""
    findings = []
    for member in archive.infolist():
        if member.is_dir():
            continue
        for found in _check(member.filename, archive.read(member), in_archive=True):
            findings.append(
                Finding(
                    found.kind,
                    f"“{member.filename}” in the zip: {found.where}",
                    found.detail,
                    # A remedy makes a new file of the one inside, not of the zip.
                    None,
                )
            )
    return findings


# XML parts are read without entities, DTDs or the network, within libxml2's own limits.
_XML_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}


def _xml(archive: zipfile.ZipFile, part: str):
    """A small part (properties, relationships, the workbook) parsed whole, or None."""
    if part not in archive.NameToInfo:
        return None
    if archive.getinfo(part).file_size > MAX_WHOLE_PART_BYTES:
        raise _Unreadable(f"its part {part} is too large to read")
    return etree.fromstring(archive.read(part), etree.XMLParser(**_XML_OPTIONS))


def _stream(archive: zipfile.ZipFile, part: str, tags: tuple[str, ...], events=("end",)):
    """(event, element) for each element of ``tags`` (local names) in ``part``, streaming.

    A caller done with a large element passes it to :func:`_release`.
    """
    if part not in archive.NameToInfo:
        return
    with archive.open(part) as source:
        yield from etree.iterparse(
            source, events=events, tag=[f"{{*}}{tag}" for tag in tags], **_XML_OPTIONS
        )


def _release(element) -> None:
    """Free an element read by :func:`_stream`, and those before it, once used."""
    element.clear(keep_tail=True)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def _local(element) -> str:
    """An element's name without its namespace; "" for what is not an element (an entity
    left unresolved)."""
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _text(element) -> str:
    return "".join(element.itertext()).strip()


def _attribute(element, name: str) -> str | None:
    """An attribute by its local name, whatever its namespace (r:id, strict OOXML's too)."""
    for key, value in element.attrib.items():
        if key.rpartition("}")[2] == name:
            return value
    return None


@dataclass(frozen=True)
class _Relationship:
    kind: str  # the last part of its type: "worksheet", "comments", ...
    target: str  # a part in the zip, or where an external one points
    external: bool


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, _Relationship]:
    folder, name = posixpath.split(part)
    root = _xml(archive, posixpath.join(folder, "_rels", f"{name}.rels"))
    found = {}
    for relationship in root.iter("{*}Relationship") if root is not None else ():
        target = relationship.get("Target", "")
        external = relationship.get("TargetMode") == "External"
        if not external:
            target = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join(folder, target))
            )
        found[relationship.get("Id", "")] = _Relationship(
            relationship.get("Type", "").rpartition("/")[2], target, external
        )
    return found


def _quoted(value: str, limit: int = 60) -> str:
    value = " ".join(value.split())
    return f"“{value if len(value) <= limit else value[: limit - 1] + '…'}”"


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _plural(count: int, one: str) -> str:
    return f"{count:,} {one if count == 1 else one + 's'}"


def _comments(count: int, one: str, many: str) -> str:
    if count == 1:
        return (
            f"A {one}, with the name of the person who wrote it: it travels with the file "
            "and anyone can read it."
        )
    return (
        f"{count:,} {many}, each with the name of the person who wrote it: they travel "
        "with the file and anyone can read them."
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


# ---------------------------------------------------------------------------------------
# Spreadsheets: what is found in a workbook, whichever format it came in


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


def _properties_findings(properties: list[tuple[str, str]]) -> list[Finding]:
    if not properties:
        return []
    said = _listed([f"{what} {_quoted(value)}" for what, value in properties])
    return [
        _finding(
            "properties",
            "the document properties",
            f"The file's properties say who made it or worked on it: {said}. Anyone can read "
            "them (File > Info, or the file's properties).",
            REMOVE_PROPERTIES,
        )
    ]


# ---------------------------------------------------------------------------------------
# Excel workbooks (XLSX, XLSM), read from their parts


# Names Excel and LibreOffice keep for their own settings: print areas and titles
# ("_xlnm.Print_Area"), the range an autofilter covers ("_xlnm._FilterDatabase",
# LibreOffice's "__Anonymous_Sheet_DB__0"). They point at ranges of the sheets they belong
# to and hold nothing of their own, and whatever they point at is checked where it is.
_OWN_NAMES = re.compile(r"_xlnm\.|__Anonymous_Sheet_DB__", re.IGNORECASE)
_EMBEDDED_PART = re.compile(r"(xl|word)/(embeddings/[^/]+|activeX/[^/]+\.bin)")
_MACRO_PART = re.compile(r"(xl|word)/vbaProject\.bin|xl/macrosheets/[^/]+")


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


def _count(archive: zipfile.ZipFile, part: str, tag: str) -> int:
    count = 0
    for _event, element in _stream(archive, part, (tag,)):
        count += 1
        _release(element)
    return count


# Who made a file, worked on it or commented on it; the title and dates say nothing of a
# person, and the application is the program.
_CORE_PROPERTIES = {
    "creator": "author",
    "lastModifiedBy": "last modified by",
    "description": "comments",
}
_APP_PROPERTIES = {"Company": "company", "Manager": "manager"}


def _office_properties(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    found = []
    for part, wanted in (
        ("docProps/core.xml", _CORE_PROPERTIES),
        ("docProps/app.xml", _APP_PROPERTIES),
    ):
        root = _xml(archive, part)
        for element in root.iter() if root is not None else ():
            if _local(element) in wanted and _text(element):
                found.append((wanted[_local(element)], _text(element)))
    custom = _xml(archive, "docProps/custom.xml")
    for element in custom.iter("{*}property") if custom is not None else ():
        found.append((f"custom property “{element.get('name', '')}”", _text(element) or "(set)"))
    return found


# ---------------------------------------------------------------------------------------
# OpenDocument spreadsheets (ODS)


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


# ---------------------------------------------------------------------------------------
# Word documents (DOCX)


_WORD_PARTS = {
    "document": "the document",
    "header": "a header",
    "footer": "a footer",
    "footnotes": "the footnotes",
    "endnotes": "the endnotes",
}
_WORD_PART = re.compile(r"word/(document|header|footer|footnotes|endnotes)[0-9]*\.xml")
_CHANGES = ("ins", "del", "moveFrom", "moveTo")
_OFF = {"0", "false", "off"}


def _check_docx(archive: zipfile.ZipFile) -> list[Finding]:
    hidden_styles = _hidden_styles(archive)
    changes: Counter[str] = Counter()
    hidden: Counter[str] = Counter()
    for part in sorted(n for n in archive.NameToInfo if _WORD_PART.fullmatch(n)):
        where = _WORD_PARTS[_WORD_PART.fullmatch(part).group(1)]
        for _event, element in _stream(archive, part, (*_CHANGES, "r", "p")):
            name = _local(element)
            if name in _CHANGES:
                changes[where] += 1
            elif name == "r":
                words = "".join(_text(t) for t in element if _local(t) == "t")
                if words and _vanished(element, hidden_styles):
                    hidden[where] += len(words)
            elif name == "p":
                _release(element)
    findings = [
        _finding(
            "tracked_changes",
            where,
            f"{_plural(count, 'tracked change')} not yet accepted or rejected: deleted words "
            "are still in the file, anyone can show them (Review > All Markup in Word), and "
            "each change carries the name of the person who made it.",
        )
        for where, count in changes.items()
    ]
    comments = _count(archive, "word/comments.xml", "comment")
    if comments:
        findings.append(
            _finding(
                "comment",
                "the document",
                _comments(comments, "comment", "comments"),
            )
        )
    findings += [
        _finding(
            "hidden_text",
            where,
            f"{_plural(count, 'character')} of text formatted as hidden: Word neither shows "
            "nor prints it, but it is in the file and anyone can show it (Home > Show/Hide).",
        )
        for where, count in hidden.items()
    ]
    findings += [
        _finding(
            "embedded_object",
            f"embedded {_quoted(posixpath.basename(name))}",
            "A file is embedded in the document (a chart's spreadsheet, another document or "
            "an object): it travels with it and anyone can open it, whatever it holds.",
        )
        for name in sorted(archive.NameToInfo)
        if _EMBEDDED_PART.fullmatch(name)
    ]
    if any(_MACRO_PART.fullmatch(name) for name in archive.NameToInfo):
        findings.append(
            _finding(
                "macros",
                "the document",
                "The document has macros: program code that can run when it is opened and "
                "can hold text of its own. A file released to the public should have none.",
            )
        )
    return findings + _properties_findings(_office_properties(archive))


def _hidden_styles(archive: zipfile.ZipFile) -> set[str]:
    styles = _xml(archive, "word/styles.xml")
    found = set()
    for style in styles.iter("{*}style") if styles is not None else ():
        for properties in style:
            if _local(properties) == "rPr" and _vanish_set(properties):
                found.add(_attribute(style, "styleId") or "")
    return found


def _vanish_set(run_properties) -> bool:
    return any(
        _local(child) == "vanish" and (_attribute(child, "val") or "1").lower() not in _OFF
        for child in run_properties
    )


def _vanished(run, hidden_styles: set[str]) -> bool:
    """Whether a run is hidden: by its own formatting, its style or its paragraph's."""
    for properties in run:
        if _local(properties) != "rPr":
            continue
        if _vanish_set(properties):
            return True
        if any(_local(c) == "rStyle" and _attribute(c, "val") in hidden_styles for c in properties):
            return True
    paragraph = next(run.iterancestors("{*}p"), None)
    for properties in paragraph if paragraph is not None else ():
        if _local(properties) == "pPr" and any(
            _local(c) == "pStyle" and _attribute(c, "val") in hidden_styles for c in properties
        ):
            return True
    return False


# ---------------------------------------------------------------------------------------
# PDF documents


# Entries of the document information dictionary that name no one: the title and subject
# are what the reader sees on the page, Producer is the program that wrote the PDF.
# Author names a person; Creator should name the program that made the original, and is
# checked by _names_a_program.
_PDF_HARMLESS = {
    "/Title",
    "/Subject",
    "/Keywords",
    "/Producer",
    "/CreationDate",
    "/ModDate",
    "/Trapped",
}
# Words that programs put in Creator (printers and scanners give a model number). A Creator
# with none of them and no number is taken to be a person's name: a wrong guess gives a
# finding that remove_properties clears, rather than a name released.
_PROGRAM_WORDS = re.compile(
    r"\b(word|excel|powerpoint|office|microsoft|acrobat|adobe|distiller|indesign|pdf\w*|"
    r"writer|calc|impress|libreoffice|openoffice|weasyprint|chrom\w*|skia|quartz|macos|"
    r"windows|print\w*|scan\w*|tex|latex|ghostscript|foxit|nitro|nuance|kofax|reportlab|"
    r"reports?|google)\b",
    re.IGNORECASE,
)
# Annotations a reader does not see as part of the page. A link is allowed: its words are
# on the page, and where it goes is what the author meant the reader to follow. A popup
# is the window of another annotation, counted with it.
_ALLOWED_ANNOTATIONS = {"/Link", "/Popup"}
_ANNOTATION_NAMES = {
    "/Text": "sticky note",
    "/FreeText": "text box",
    "/Highlight": "highlight",
    "/Underline": "underline",
    "/StrikeOut": "strike-through",
    "/Squiggly": "squiggle",
    "/Ink": "drawing",
    "/Stamp": "stamp",
    "/Square": "box",
    "/Circle": "circle",
    "/Line": "line",
    "/Polygon": "shape",
    "/PolyLine": "shape",
    "/Caret": "insertion mark",
    "/Widget": "form field",
    "/Sound": "sound",
    "/Movie": "film",
    "/Screen": "media",
}


def _check_pdf(data: bytes) -> list[Finding]:
    with warnings.catch_warnings():
        # pypdf warns about every flaw it works round in a damaged file.
        warnings.simplefilter("ignore")
        reader = _pdf_reader(data)
        findings = []
        for number, page in enumerate(reader.pages, start=1):
            findings += _page_annotations(page, number)
            findings += _text_under_boxes(page, number)
        findings += [
            _finding(
                "pdf_attachment",
                f"attached file {_quoted(name)}",
                "A file is attached to the PDF: readers can open it from the attachments "
                "panel, whatever it holds.",
            )
            for name in reader.attachments
        ]
        people = _pdf_people(reader)
    if people:
        said = _listed([f"{what} {_quoted(value)}" for what, value in people])
        findings.append(
            _finding(
                "metadata",
                "the document properties",
                f"The PDF's properties say who made it: {said}. Anyone can read them "
                "(File > Properties in a PDF reader).",
                REMOVE_PROPERTIES,
            )
        )
    return findings


def _pdf_reader(data: bytes):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")
        except Exception as error:  # an encryption pypdf cannot undo without a library
            raise _Unreadable("it is encrypted in a way foidesk cannot open") from error
        if not opened:
            raise _Unreadable("it is protected with a password")
    return reader


def _page_annotations(page, number: int) -> list[Finding]:
    kinds: Counter[str] = Counter()
    attachments = redactions = 0
    annotations = page.get("/Annots")  # maybe a reference to the list
    for annotation in annotations.get_object() if annotations is not None else ():
        subtype = str(annotation.get_object().get("/Subtype", ""))
        if subtype == "/FileAttachment":
            attachments += 1
        elif subtype == "/Redact":
            redactions += 1
        elif subtype not in _ALLOWED_ANNOTATIONS:
            kinds[_ANNOTATION_NAMES.get(subtype, "annotation")] += 1
    where = f"page {number}"
    findings = []
    if redactions:
        findings.append(
            _finding(
                "annotation",
                where,
                f"{_plural(redactions, 'redaction')} marked but never applied: the text "
                "under each mark is still in the file. Apply the redactions in the PDF "
                "editor and save before release.",
            )
        )
    if kinds:
        said = _listed([_plural(count, kind) for kind, count in sorted(kinds.items())])
        findings.append(
            _finding(
                "annotation",
                where,
                f"Annotations on this page ({said}): readers see them in a comments panel "
                "or over the page, and they often carry a reviewer's remarks and name.",
            )
        )
    if attachments:
        findings.append(
            _finding(
                "pdf_attachment",
                where,
                f"{_plural(attachments, 'file')} attached to a note on this page: readers "
                "can open them, whatever they hold.",
            )
        )
    return findings


def _pdf_people(reader) -> list[tuple[str, str]]:
    info = reader.metadata or {}
    found = []
    for key in list(info):
        value = info[key]
        value = str(value).strip() if isinstance(value, str) else ""
        if not value or key in _PDF_HARMLESS:
            continue
        if key == "/Creator" and _names_a_program(value):
            continue
        found.append(({"/Author": "author", "/Creator": "creator"}.get(key, key[1:]), value))
    xmp = reader.xmp_metadata
    if xmp is not None:
        for what, values in (("author", xmp.dc_creator), ("contributor", xmp.dc_contributor)):
            for value in values or ():
                if value.strip() and (what, value.strip()) not in found:
                    found.append((what, value.strip()))
    return found


def _names_a_program(value: str) -> bool:
    return bool(re.search(r"[0-9]", value) or _PROGRAM_WORDS.search(value))


def _text_under_boxes(page, number: int) -> list[Finding]:
    painting = _Painting(page)
    try:
        page.extract_text(
            visitor_operand_before=painting.before,
            visitor_operand_after=painting.after,
            visitor_text=painting.text,
        )
    except Exception:  # a damaged page: its text cannot be checked, which is a finding
        return [
            _finding(
                "unreadable",
                f"page {number}",
                "The text of this page could not be read, so foidesk could not check "
                "whether any of it is hidden under a box or picture.",
            )
        ]
    if not painting.covered:
        return []
    return [
        _finding(
            "text_under_box",
            f"page {number}",
            f"About {_plural(painting.covered, 'character')} of text lie under a box or "
            "picture drawn over them: they cannot be seen, but they are still in the file "
            "and can be copied, searched or read aloud. This is how a redaction fails: "
            "redact with a tool that removes the text, then check the file again.",
        )
    ]


_Box = tuple[float, float, float, float]  # x0, y0, x1, y1 on the page
_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_FILLS = {b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*"}
_ENDS = _FILLS | {b"S", b"s", b"n"}


def _multiply(m, n) -> tuple[float, ...]:
    """The PDF matrix m then n, each (a, b, c, d, e, f)."""
    return (
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    )


def _point(m, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def _bounds(points) -> _Box:
    points = list(points)
    xs, ys = [x for x, _ in points], [y for _, y in points]
    return min(xs), min(ys), max(xs), max(ys)


def _overlap(a: _Box, b: _Box) -> float:
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return width * height if width > 0 and height > 0 else 0.0


def _area(box: _Box) -> float:
    return (box[2] - box[0]) * (box[3] - box[1])


@dataclass
class _State:
    opaque: bool = True  # fills are drawn without transparency
    clip: _Box | None = None


@dataclass
class _Context:
    """The page, or a form drawn on it: its own resources and its place on the page."""

    resources: object
    matrix: tuple[float, ...] = _IDENTITY


class _Painting:
    """Text drawn on a page, and the opaque boxes and pictures later drawn over it.

    pypdf's text extraction walks the content stream and calls :meth:`before` and
    :meth:`after` for each operator and :meth:`text` for each run of text, with the current
    transformation and text matrices. Text is measured as half an em a character, which is
    near enough to tell text a box covers from text it only touches: a run of text counts as
    hidden when a filled rectangle, or a picture without transparency, drawn after it covers
    at least half of it. Inside a form (a drawing reused on the page) pypdf starts the
    transformation afresh, so the form's place on the page is kept here.
    """

    def __init__(self, page):
        self.contexts = [_Context(page.get("/Resources"))]
        self.state = _State()
        self.saved: list[_State] = []
        self.path: list[list[tuple[float, float]]] = []
        self.clipping = False
        self.texts: list[tuple[_Box, int]] = []
        self.covered = 0

    def text(self, text, cm, tm, _font, font_size) -> None:
        characters = len(text.strip())
        if not characters or not font_size:
            return
        matrix = _multiply(_multiply(tm, cm), self.contexts[-1].matrix)
        size = float(font_size)
        box = _bounds(
            _point(matrix, x, y)
            for x in (0.0, 0.5 * size * characters)
            for y in (-0.2 * size, 0.8 * size)
        )
        if _area(box) > 0:
            self.texts.append((box, characters))

    def before(self, operator, operands, cm, _tm) -> None:
        try:
            self._operate(operator, operands, cm)
        except (TypeError, ValueError, KeyError, AttributeError):
            # An operator with operands that make no sense draws nothing, as in a reader.
            self.path, self.clipping = [], False

    def _operate(self, operator, operands, cm) -> None:
        matrix = _multiply(cm, self.contexts[-1].matrix)
        if operator == b"q":
            self.saved.append(_State(self.state.opaque, self.state.clip))
        elif operator == b"Q":
            self.state = self.saved.pop() if self.saved else _State()
        elif operator == b"gs" and operands:
            self._graphics_state(operands[0])
        elif operator == b"re" and len(operands) == 4:
            x, y, width, height = (float(value) for value in operands)
            corners = [(x, y), (x + width, y), (x + width, y + height), (x, y + height)]
            self.path.append([_point(matrix, *corner) for corner in corners])
        elif operator == b"m" and len(operands) == 2:
            self.path.append([_point(matrix, float(operands[0]), float(operands[1]))])
        elif operator in (b"l", b"c", b"v", b"y") and self.path and len(operands) % 2 == 0:
            values = [float(value) for value in operands]
            self.path[-1] += [_point(matrix, *values[i : i + 2]) for i in range(0, len(values), 2)]
        elif operator in (b"W", b"W*"):
            self.clipping = True
        elif operator in _ENDS:
            self._paint(operator in _FILLS)
        elif operator == b"Do" and operands:
            self._draw_object(operands[0], cm)
        elif operator == b"INLINE IMAGE":
            self._cover(_bounds(_point(matrix, x, y) for x in (0, 1) for y in (0, 1)))

    def after(self, operator, _operands, _cm, _tm) -> None:
        if operator == b"Do" and len(self.contexts) > 1:
            self.contexts.pop()

    def _resource(self, category: str, name):
        resources = self.contexts[-1].resources
        resources = resources.get_object() if resources is not None else None
        group = resources.get(category) if resources is not None else None
        group = group.get_object() if group is not None else None
        found = group.get(name) if group is not None else None
        return found.get_object() if found is not None else None

    def _graphics_state(self, name) -> None:
        state = self._resource("/ExtGState", name)
        if state is None:
            return
        if "/ca" in state:
            self.state.opaque = float(state["/ca"]) >= 1
        if str(state.get("/SMask", "/None")) != "/None":
            self.state.opaque = False

    def _paint(self, filled: bool) -> None:
        points = [point for subpath in self.path for point in subpath]
        if self.clipping and points:
            clip = _bounds(points)
            if self.state.clip is not None:
                clip = _intersection(clip, self.state.clip)
            self.state.clip = clip
        if filled and self.state.opaque:
            for subpath in self.path:
                if _is_rectangle(subpath):
                    self._cover(_bounds(subpath))
        self.path, self.clipping = [], False

    def _draw_object(self, name, cm) -> None:
        drawn = self._resource("/XObject", name)
        matrix = _multiply(cm, self.contexts[-1].matrix)
        # Every Do is matched by after(), which leaves the object's context.
        context = _Context(self.contexts[-1].resources, self.contexts[-1].matrix)
        if drawn is not None and drawn.get("/Subtype") == "/Form":
            form_matrix = (
                tuple(float(v) for v in drawn["/Matrix"]) if "/Matrix" in drawn else _IDENTITY
            )
            context = _Context(
                drawn.get("/Resources", self.contexts[-1].resources),
                _multiply(form_matrix, matrix) if len(form_matrix) == 6 else matrix,
            )
        elif (
            drawn is not None
            and drawn.get("/Subtype") == "/Image"
            and "/SMask" not in drawn
            # A stencil mask paints the fill colour through its shape, as text does.
            and getattr(drawn.get("/ImageMask"), "value", False) is not True
        ):
            self._cover(_bounds(_point(matrix, x, y) for x in (0, 1) for y in (0, 1)))
        self.contexts.append(context)

    def _cover(self, box: _Box) -> None:
        if not self.state.opaque:
            return
        if self.state.clip is not None:
            box = _intersection(box, self.state.clip)
        if _area(box) <= 0:
            return
        still_seen = []
        for text_box, characters in self.texts:
            if _overlap(text_box, box) >= 0.5 * _area(text_box):
                self.covered += characters
            else:
                still_seen.append((text_box, characters))
        self.texts = still_seen


def _intersection(a: _Box, b: _Box) -> _Box:
    box = (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))
    return box if box[0] < box[2] and box[1] < box[3] else (0.0, 0.0, 0.0, 0.0)


def _is_rectangle(points: list[tuple[float, float]]) -> bool:
    """A subpath whose every point is a corner of its bounds: a box, however it was drawn."""
    if len(points) < 4:
        return False
    x0, y0, x1, y1 = _bounds(points)
    corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    return all(
        any(
            math.isclose(x, cx, abs_tol=0.5) and math.isclose(y, cy, abs_tol=0.5)
            for cx, cy in corners
        )
        for x, y in points
    )


# ---------------------------------------------------------------------------------------
# Remedies


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
