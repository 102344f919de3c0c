"""The readable text of a file to be released in the disclosure log, so that it can be
checked for personal data (:mod:`foidesk.text.personal_data`) before it goes live.

What matters is what the file carries, not only what a reader sees on the first screen:
hidden sheets, formulas, comments and their authors, headers and footers, footnotes, text
boxes, tracked deletions, links, and the properties a program writes into the file (author,
last modified by, company) are read too.

    PDF                         the text of every page, its annotations and form fields,
                                and its properties
    Word (.docx), PowerPoint    the text of every part of the document and its properties,
    (.pptx), OpenDocument       and of the files embedded in it that can be read
    (.odt, .ods, .odp)
    Excel (.xlsx)               every cell of every sheet, hidden ones too, with formulas as
                                written; comments, headers and footers, charts, properties
    CSV and plain text          as they are (UTF-8, UTF-16 or Windows-1252)
    a zip                       each file in it, such as the answer tables as CSV

A file is recognised by what it holds, not by its name. Pictures are not read: text in a
scanned page or a photograph is not found. Pure Python with no Django import; a file that
cannot be read raises only :class:`FileTextError`.
"""

import io
import re
import warnings
import zipfile
from xml.etree import ElementTree

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree

from foidesk.responses import tables

# Limits, so that a huge or malicious file cannot hold the server: what a file may be,
# what a zip may unpack to (as for answer tables), and what may come out of it.
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_PDF_PAGES = 2000
MAX_CELLS = 2_000_000  # of every sheet of a workbook, the empty ones between included
MAX_TEXT_CHARS = 10_000_000
# A zip's files, and the files embedded in a document in it, but no deeper.
MAX_DEPTH = 2

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word or Excel 97-2003, or a file with a password
_OFFICE_NAMES = re.compile(r"\.(docx|docm|xlsx|xlsm|pptx|odt|ods|odp)$", re.IGNORECASE)


class FileTextError(Exception):
    """A file whose text cannot be read; the message says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _unreadable(why: str) -> FileTextError:
    return FileTextError(f"The file could not be read: {why}")


def text_of(filename: str, data: bytes) -> str:
    """The readable text of the file ``filename`` holding ``data``.

    Raises :class:`FileTextError`, and nothing else, for a file that cannot be read or is
    too large to check.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise _unreadable("it is not a file.")
    data = bytes(data)
    if len(data) > MAX_FILE_BYTES:
        raise _unreadable(
            f"it is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB, too large to check."
        )
    text = _text(filename if isinstance(filename, str) else "", data, depth=0)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > MAX_TEXT_CHARS:
        raise _unreadable(
            f"it holds more than {MAX_TEXT_CHARS:,} characters of text, too much to check. "
            "Release it in smaller files."
        )
    return text


def _text(filename: str, data: bytes, depth: int) -> str:
    if not data:
        return ""
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_text(filename, data, depth)
    if b"%PDF-" in data[:1024]:  # a PDF may start with a few bytes of something else
        return _pdf_text(data)
    if data.startswith(_OLE):
        raise _unreadable(
            "it is a Word or Excel 97-2003 file (.doc, .xls), or one protected by a password. "
            "Remove any password, save it as .docx or .xlsx, and check it again."
        )
    return _plain_text(data)


_NOT_TEXT = (
    "it is not a kind of file whose text can be read (a picture, perhaps). Release it as "
    "PDF, Word, Excel, OpenDocument or CSV."
)


def _plain_text(data: bytes) -> str:
    # Read as an answer table's CSV file is: UTF-8, UTF-16 or Windows-1252, and no
    # characters that no text holds.
    try:
        content = tables.decode_text(data)
    except tables.TableError as error:
        raise _unreadable(_NOT_TEXT) from error
    if tables.BINARY_TEXT.search(content):
        raise _unreadable(_NOT_TEXT)
    return content


# ---------------------------------------------------------------------------------------
# PDF


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader  # only reading PDF needs it

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pypdf warns of the damage it reads past
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                raise _unreadable(
                    "the PDF is protected by a password. Save it without the password and "
                    "check it again."
                )
            if len(reader.pages) > MAX_PDF_PAGES:
                raise _unreadable(
                    f"the PDF has more than {MAX_PDF_PAGES:,} pages, too many to check. "
                    "Release it in smaller files."
                )
            properties = reader.metadata or {}
            lines = [str(properties[key]) for key in properties]
            for page in reader.pages:
                lines.append(page.extract_text() or "")
                # Comments and notes on the page, with who wrote them.
                for annotation in page.get("/Annots", []):
                    annotation = annotation.get_object()
                    lines.extend(str(annotation[k]) for k in ("/T", "/Contents") if k in annotation)
            fields = reader.get_form_text_fields() or {}
            lines.extend(f"{name}\n{value or ''}" for name, value in fields.items())
    except FileTextError:
        raise
    except Exception as error:
        raise _unreadable("the PDF is damaged, or not really a PDF.") from error
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------
# Zips: Office and OpenDocument files, and zips of files


def _zip_text(filename: str, data: bytes, depth: int) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            if len(members) > tables.MAX_ZIP_MEMBERS or (
                sum(m.file_size for m in members) > tables.MAX_UNPACKED_BYTES
            ):
                raise _unreadable("it unpacks to more than can be checked.")
            names = {m.filename for m in members}
            if "xl/workbook.xml" in names:
                return xlsx_text(data, archive, names, depth)
            if "word/document.xml" in names or "ppt/presentation.xml" in names:
                return _office_text(archive, names, depth)
            if "mimetype" in names and archive.read("mimetype").startswith(
                b"application/vnd.oasis.opendocument"
            ):
                return _office_text(archive, names, depth)
            if _OFFICE_NAMES.search(filename):
                raise _unreadable(
                    "it is named as a Word, Excel, PowerPoint or OpenDocument file but is "
                    "not one; it may be damaged."
                )
            if depth >= MAX_DEPTH:
                raise _unreadable("it holds zips within zips, too deep to check.")
            return "\n".join(
                f"{member.filename}\n{_text(member.filename, archive.read(member), depth + 1)}"
                for member in members
            )
    except FileTextError:
        raise
    except RuntimeError as error:  # zipfile's word for a member with a password
        raise _unreadable("it is protected by a password.") from error
    except Exception as error:
        raise _unreadable("it is a damaged zip file.") from error


# Parts of an Office file that carry no text of anyone's, or (the cells of a workbook, read
# by openpyxl) are read another way.
_SKIPPED_PARTS = re.compile(
    r"(^|/)(\[Content_Types\]\.xml|styles\.xml|theme\d*\.xml|fontTable\.xml|settings\.xml|"
    r"webSettings\.xml|numbering\.xml|calcChain\.xml|sharedStrings\.xml|manifest\.xml|"
    r"manifest\.rdf|presProps\.xml|viewProps\.xml|tableStyles\.xml)$|^xl/worksheets/[^/]+\.xml$",
    re.IGNORECASE,
)
# The body first, then the rest in a steady order.
_MAIN_PARTS = ("word/document.xml", "content.xml", "styles.xml")


def _office_text(archive: zipfile.ZipFile, names: set[str], depth: int) -> str:
    first = {name: index for index, name in enumerate(_MAIN_PARTS)}
    texts = []
    for name in sorted(names, key=lambda n: (first.get(n, len(first)), n)):
        if name in ("content.xml", "styles.xml") or (
            name.endswith((".xml", ".rels")) and not _SKIPPED_PARTS.search(name)
        ):
            texts.append(_xml_text(archive.read(name)))
        elif "/embeddings/" in name.lower():
            texts.append(_embedded_text(name, archive.read(name), depth))
    return "\n".join(text for text in texts if text)


def _embedded_text(name: str, data: bytes, depth: int) -> str:
    """The text of a file embedded in a document (a workbook behind a chart, a PDF) where it
    is of a kind that can be read; old-style objects are skipped, as pictures are."""
    if depth >= MAX_DEPTH or not data.startswith((b"PK", b"%PDF")):
        return ""
    return _text(name, data, depth + 1)


def xlsx_text(data: bytes, archive: zipfile.ZipFile, names: set[str], depth: int) -> str:
    try:
        lines = _cell_lines(data)
    except FileTextError:
        raise
    except Exception as error:
        raise _unreadable("the workbook is damaged, or not an Excel workbook.") from error
    for name in sorted(names):
        if re.fullmatch(r"xl/worksheets/[^/]+\.xml", name):
            lines.append(_xml_text(archive.read(name), only=_HEADERS_AND_FOOTERS))
    lines.append(_office_text(archive, names, depth))
    return "\n".join(line for line in lines if line)


def _cell_lines(data: bytes) -> list[str]:
    """Each sheet's name, then its rows, cells apart by tabs: every sheet, hidden or not,
    and each formula as written (its words and numbers are what the file carries; what it
    works out comes from the cells read here)."""
    import openpyxl  # only reading a workbook needs it

    lines = []
    cells = 0
    with warnings.catch_warnings():
        # openpyxl warns about parts of a workbook it skips (data validation, styles).
        warnings.simplefilter("ignore")
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=False, keep_links=False
        )
        try:
            for worksheet in workbook.worksheets:
                lines.append(str(worksheet.title))
                worksheet.reset_dimensions()  # trust the cells, not the size claimed
                for values in worksheet.iter_rows(values_only=True):
                    cells += len(values)
                    if cells > MAX_CELLS:
                        raise _unreadable(
                            f"the workbook has more than {MAX_CELLS:,} cells, too many to "
                            "check. Release it in smaller files."
                        )
                    row = "\t".join(tables.xlsx_text(value) for value in values).rstrip()
                    if row:
                        lines.append(row)
        finally:
            workbook.close()
    return lines


# ---------------------------------------------------------------------------------------
# The text of an XML part, read as it streams so that a large part takes little memory.

# Elements whose text runs on as one line, however it is split into runs and spans.
_PARAGRAPHS = {"p", "h", "si", "is", "text"}
# Inside a paragraph: a text box, a comment, a footnote, each on lines of its own.
_NESTED = {"txbxContent", "annotation", "note", "note-body", "textbox"}
_BREAKS = {"tab": "\t", "br": "\n", "cr": "\n", "line-break": "\n", "s": " ",
           "noBreakHyphen": "-"}  # fmt: skip
# Attributes that carry text: cached values, authors, people, links.
_CARRIED_ATTRIBUTES = {"v", "author", "displayName", "userId", "href", "title", "descr"}
_HEADERS_AND_FOOTERS = {"oddHeader", "oddFooter", "evenHeader", "evenFooter", "firstHeader",
                        "firstFooter"}  # fmt: skip
# Excel's codes in a header or footer: &L, &P, &"Arial,Bold", &12.
_HEADER_CODES = re.compile(r'&(?:"[^"]*"|[0-9]+|[A-Za-z])')


def _local(tag: str) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _xml_text(data: bytes, only: set[str] | None = None) -> str:
    """Each paragraph of the part on a line, then other elements' text, then the text of
    carried attributes and links out; with ``only``, just the text inside those elements."""
    lines: list[str] = []
    carried: dict[str, None] = {}  # in order, each once
    in_paragraph = in_only = 0
    open_elements = []
    try:
        # No entities or links out: a part cannot make itself larger or read other files.
        parts = SafeElementTree.iterparse(io.BytesIO(data), events=("start", "end"))
        for event, element in parts:
            local = _local(element.tag)
            if event == "start":
                open_elements.append(element)
                in_paragraph += local in _PARAGRAPHS
                in_only += only is not None and local in only
                if only is None:
                    carried.update(dict.fromkeys(_carried(element)))
                continue
            open_elements.pop()
            done = False
            if local in _PARAGRAPHS:
                in_paragraph -= 1
                if in_paragraph == 0:
                    if only is None or in_only:
                        lines.append(_inline(element))
                    done = True
            elif in_paragraph == 0:
                if (only is None or in_only) and element.text and element.text.strip():
                    text = element.text.strip()
                    lines.append(_HEADER_CODES.sub(" ", text) if only else text)
                done = True
            if only is not None and local in only:
                in_only -= 1
            if done and open_elements:
                # Read: let it go, so that a large part streams through in little memory.
                # (The parser may have read its next siblings already: remove this one.)
                open_elements[-1].remove(element)
    except (ElementTree.ParseError, DefusedXmlException, RecursionError) as error:
        raise _unreadable("a part of it is damaged.") from error
    return "\n".join(line for line in (*lines, *carried) if line.strip())


def _carried(element: ElementTree.Element) -> list[str]:
    values = [
        value for name, value in element.attrib.items() if _local(name) in _CARRIED_ATTRIBUTES
    ]
    # A package's links out, such as mailto: addresses behind a document's hyperlinks.
    if _local(element.tag) == "Relationship" and element.get("TargetMode") == "External":
        values.append(element.get("Target", ""))
    return values


def _inline(element: ElementTree.Element) -> str:
    parts = [element.text or ""]
    for child in element:
        local = _local(child.tag)
        if local in _BREAKS:
            parts.append(_BREAKS[local])
        elif local == "Fallback":
            pass  # the same content again, for older programs
        elif local in _PARAGRAPHS or local in _NESTED:
            parts.append(f"\n{_block(child)}\n")
        else:
            parts.append(_inline(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _block(element: ElementTree.Element) -> str:
    if _local(element.tag) in _PARAGRAPHS:
        return _inline(element)
    lines = [element.text.strip()] if element.text and element.text.strip() else []
    lines.extend(_block(child) for child in element if _local(child.tag) != "Fallback")
    return "\n".join(line for line in lines if line)
