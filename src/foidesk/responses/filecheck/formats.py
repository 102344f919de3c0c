"""The check itself: a file's format told by its content (the parts inside a zip, the PDF
header), and the file read by the reader of that format; a zip of other files is checked file
by file."""

import posixpath
import re
import zipfile
from collections.abc import Callable

from foidesk.responses import tables
from foidesk.responses.filecheck.excel import _check_xlsx
from foidesk.responses.filecheck.findings import (
    Finding,
    _finding,
    _unknown,
    _Unreadable,
    _unreadable,
)
from foidesk.responses.filecheck.limits import MAX_FILE_BYTES
from foidesk.responses.filecheck.opendocument import _check_ods
from foidesk.responses.filecheck.parts import _open_zip, _zip_kind
from foidesk.responses.filecheck.pdf import _check_pdf
from foidesk.responses.filecheck.word import _check_docx


def check(filename: str, data: bytes) -> list[Finding]:
    """What ``data`` (a file called ``filename``) holds that its reader would not see.

    An empty list means nothing hidden was found. Never raises.
    """
    try:
        return _check(filename, bytes(data), in_archive=False)
    except Exception:  # a reader's failure on a damaged file must come out as a finding
        return [_unreadable(_noun(filename), "it is damaged, or not what its name says")]


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
