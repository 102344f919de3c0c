"""The zip of an Office file and the XML parts inside it: opened within the limits, read
without entities, and the large parts streaming."""

import io
import posixpath
import zipfile
from dataclasses import dataclass

from lxml import etree

from foidesk import file_types
from foidesk.responses.filecheck.findings import _Unreadable
from foidesk.responses.filecheck.limits import (
    MAX_UNPACKED_BYTES,
    MAX_WHOLE_PART_BYTES,
    MAX_ZIP_MEMBERS,
)

_ODS_TYPES = {file_types.ODS.mime_type, file_types.OTS.mime_type}


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


def _count(archive: zipfile.ZipFile, part: str, tag: str) -> int:
    count = 0
    for _event, element in _stream(archive, part, (tag,)):
        count += 1
        _release(element)
    return count
