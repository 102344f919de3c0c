"""Attachments: each given a safe name (:func:`safe_filename`) and told by its bytes
(:func:`sniff_type`) rather than its name or declared type; one that could be harmful,
or is too large, is a problem for an officer."""

from __future__ import annotations

import io
import re
import zipfile

from foidesk import file_types
from foidesk.intake.parsing.charsets import _repair
from foidesk.intake.parsing.limits import MB
from foidesk.intake.parsing.parsed_message import Attachment
from foidesk.intake.parsing.parts import _filename, _payload_bytes

PROGRAMS = {
    "exe", "com", "scr", "msi", "msp", "dll", "cpl", "pif", "jar", "apk", "appx", "msix",
    "gadget",
}  # fmt: skip
SCRIPTS = {"bat", "cmd", "js", "jse", "vbs", "vbe", "ps1", "psm1", "hta", "wsf", "wsh", "reg"}
SHORTCUTS = {"lnk", "scf"}
DISK_IMAGES = {"iso", "img", "vhd", "vhdx"}
MACRO_OFFICE = {"docm", "dotm", "xlsm", "xltm", "xlam", "pptm", "potm", "ppsm", "ppam", "sldm"}
RUNNABLE = PROGRAMS | SCRIPTS | SHORTCUTS

TNEF_TYPES = {"application/ms-tnef", "application/vnd.ms-tnef"}
TNEF_PROBLEM = (
    "The sender's mail program sent part of the message in a Microsoft format "
    "(winmail.dat) that may hide attachments, so an officer should check it"
)
# The suffix an attachment sent without a name is given, by its declared type (else .bin).
DEFAULT_EXTENSIONS = {
    kind.mime_type: f".{kind.suffix}"
    for kind in [
        file_types.PDF,
        file_types.PNG,
        file_types.JPEG,
        file_types.GIF,
        file_types.TEXT,
        file_types.HTML,
        file_types.CSV,
        file_types.CALENDAR,
    ]
}


def _add_attachment(part, content_type, body):
    limits = body.limits
    data = _payload_bytes(part)
    filename = safe_filename(_filename(part))
    if not filename:
        extension = DEFAULT_EXTENSIONS.get(content_type, ".bin")
        filename = f"attachment-{next(limits.unnamed)}{extension}"
    sniffed = sniff_type(data, filename)
    harm = _harm(filename, sniffed, data)
    too_large = len(data) > limits.max_attachment_bytes
    body.attachments.append(
        Attachment(
            filename=filename,
            content_type=content_type,
            size=len(data),
            # Only the size of an oversized file is kept: the raw message still holds it.
            data=b"" if too_large else data,
            sniffed_type=sniffed,
            dangerous=harm is not None,
            too_large=too_large,
        )
    )
    if harm:
        body.problem(f"An attachment, {filename}, {harm} and could be harmful")
    if too_large:
        body.problem(
            f"An attachment, {filename}, is larger than {_size_text(limits.max_attachment_bytes)}"
        )
    if content_type in TNEF_TYPES or sniffed == "tnef" or filename.lower() == "winmail.dat":
        body.problem(TNEF_PROBLEM)


# Characters that make a name lie about itself (right-to-left override turns
# "invoice\u202efdp.exe" into "invoiceexe.pdf" on screen) or break a file system.
UNSAFE_IN_FILENAME = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def safe_filename(name: str) -> str:
    """``name`` as a plain file name: no folders, no control or direction characters."""
    name = _repair(str(name or ""))
    name = UNSAFE_IN_FILENAME.sub("", name)
    name = re.split(r"[\\/]", name)[-1].strip()
    if name in (".", ".."):
        return ""
    if len(name) > 200:
        stem, dot, extension = name.rpartition(".")
        name = stem[:190] + dot + extension[:9] if dot and len(extension) < 10 else name[:200]
    return name


def _extension(filename):
    # Windows ignores trailing dots and spaces: "setup.exe. " runs as setup.exe.
    name = filename.rstrip(". ").lower()
    return name.rpartition(".")[2] if "." in name else ""


PNG = b"\x89PNG\r\n\x1a\n"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
TNEF = b"\x78\x9f\x3e\x22"  # 0x223E9F78, little-endian
ZIP = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
VBA_PROJECT = "_VBA_PROJECT".encode("utf-16-le")


def sniff_type(data: bytes, filename: str = "") -> str:
    """What ``data`` really is, from its first bytes rather than its name or declared type.

    One of: exe, pdf, png, jpeg, gif, tiff, tnef, ole (Word/Excel 97-2003, Outlook .msg,
    .msi), docx, xlsx, pptx, odt, ods, odp, zip, rtf, script, text, empty, unknown.
    """
    if not data:
        return "empty"
    if _is_executable(data):
        return "exe"
    if b"%PDF-" in data[:1024]:  # readers accept junk before the header, so must we
        return "pdf"
    for signature, kind in (
        (PNG, "png"),
        (b"\xff\xd8\xff", "jpeg"),
        (b"GIF87a", "gif"),
        (b"GIF89a", "gif"),
        (b"II*\x00", "tiff"),
        (b"MM\x00*", "tiff"),
        (TNEF, "tnef"),
        (OLE, "ole"),
        (b"{\\rtf", "rtf"),
        (b"#!", "script"),
    ):
        if data.startswith(signature):
            return kind
    if data.startswith(ZIP):
        return _zip_kind(data)
    # Scripts are plain text: only the name tells Windows to run them.
    if _extension(filename) in SCRIPTS:
        return "script"
    return "text" if _looks_like_text(data) else "unknown"


def _is_executable(data):
    # "MZ" alone could begin a text file; a real DOS/Windows header is binary.
    if data.startswith(b"MZ") and b"\x00" in data[:512]:
        return True
    return data.startswith(b"\x7fELF")


def _looks_like_text(data):
    sample = data[:4096]
    if b"\x00" in sample:
        return False
    controls = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 12, 13))
    return controls * 20 < len(sample)


def _zip_names(data):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.namelist()
    except Exception:
        return None


def _zip_kind(data):
    names = _zip_names(data)
    if names is None:
        return "zip"
    if "[Content_Types].xml" in names:
        for folder, kind in (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx")):
            if any(name.startswith(folder) for name in names):
                return kind
    if "mimetype" in names:
        declared = _odf_mimetype(data)
        for suffix, kind in (("text", "odt"), ("spreadsheet", "ods"), ("presentation", "odp")):
            if declared.endswith(f"opendocument.{suffix}"):
                return kind
    return "zip"


def _odf_mimetype(data):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo("mimetype")
            # Read nothing big: the mimetype entry of a real ODF file is a few dozen bytes.
            if info.file_size < 200:
                return archive.read(info).decode("ascii", "replace")
    except Exception:
        return ""
    return ""


def _harm(filename, sniffed, data):
    """Why the attachment could be harmful, completing "An attachment, X, ...", or None."""
    extension = _extension(filename)
    if sniffed == "exe" and extension not in PROGRAMS:
        return "is a program disguised as another kind of file"
    if extension in PROGRAMS or sniffed == "exe":
        return "is a program"
    if extension in SCRIPTS:
        return "is a script that can run programs"
    if extension in SHORTCUTS:
        return "is a shortcut that can run a program"
    if extension in DISK_IMAGES:
        return "is a disk image that can hide programs"
    if extension in MACRO_OFFICE or _has_macros(sniffed, data):
        return "is an Office document with macros"
    if sniffed == "zip":
        for name in _zip_names(data) or ():
            if _extension(name) in RUNNABLE:
                return f"contains a program ({safe_filename(name)})"
    return None


def _has_macros(sniffed, data):
    if sniffed in ("docx", "xlsx", "pptx"):
        return any(name.lower().endswith("vbaproject.bin") for name in _zip_names(data) or ())
    # Word and Excel 97-2003 files keep macros in a storage named _VBA_PROJECT.
    return sniffed == "ole" and VBA_PROJECT in data


def _size_text(size):
    if size >= MB:
        return f"{size // MB} MB" if size % MB == 0 else f"{size / MB:.1f} MB"
    if size >= 1024:
        return f"{size // 1024} KB"
    return f"{size} bytes"
