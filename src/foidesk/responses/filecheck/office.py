"""What Excel and Word files share: the parts that are embedded files or macros, and the
properties naming who made or worked on the file."""

import re
import zipfile

from foidesk.responses.filecheck.parts import _local, _text, _xml

_EMBEDDED_PART = re.compile(r"(xl|word)/(embeddings/[^/]+|activeX/[^/]+\.bin)")
_MACRO_PART = re.compile(r"(xl|word)/vbaProject\.bin|xl/macrosheets/[^/]+")


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
