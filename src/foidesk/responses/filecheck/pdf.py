"""PDF documents: annotations, attached files, metadata naming a person, and text under a
box or picture drawn over it."""

import io
import re
import warnings
from collections import Counter

from foidesk.responses.filecheck.findings import (
    REMOVE_PROPERTIES,
    Finding,
    _finding,
    _listed,
    _plural,
    _quoted,
    _Unreadable,
)
from foidesk.responses.filecheck.pdf_painting import _Painting

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
