"""Word documents (DOCX): tracked changes, comments, hidden text, embedded files, macros
and properties."""

import posixpath
import re
import zipfile
from collections import Counter

from foidesk.responses.filecheck.findings import (
    Finding,
    _comments,
    _finding,
    _plural,
    _properties_findings,
    _quoted,
)
from foidesk.responses.filecheck.office import _EMBEDDED_PART, _MACRO_PART, _office_properties
from foidesk.responses.filecheck.parts import (
    _attribute,
    _count,
    _local,
    _release,
    _stream,
    _text,
    _xml,
)

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
