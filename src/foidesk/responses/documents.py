"""The response letter as files: an HTML page, a Word document, a tagged PDF, an email.

Every rendering comes from the same parsed letter (``markup``), so they say the same thing.
"""

import io
from html import escape

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from foidesk.responses import markup

# A4, as UK letters are, with the same margins in the PDF (PAGE_STYLE) and the DOCX.
A4_MM = {"width": 210, "height": 297}
MARGINS_MM = {"top": 20, "right": 20, "bottom": 22, "left": 20}
PAGE = "@page {{ size: {width}mm {height}mm; margin: {top}mm {right}mm {bottom}mm {left}mm; }}"
PAGE_STYLE = (
    PAGE.format(**A4_MM, **MARGINS_MM)
    + """
body { font-family: Arial, "DejaVu Sans", sans-serif; font-size: 11pt; line-height: 1.4;
       color: #0b0c0c; }
h2 { font-size: 14pt; margin: 1.2em 0 0.4em; }
h3 { font-size: 12pt; margin: 1.1em 0 0.3em; }
h4 { font-size: 11pt; margin: 1em 0 0.2em; }
p { margin: 0 0 0.6em; }
blockquote { margin: 0 0 0.6em 1.5em; font-weight: bold; }
a { color: #1d70b8; }
"""
)


def html_page(letter):
    """A whole HTML document: for downloading, printing and making the PDF from."""
    return (
        '<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(letter.title)}</title>\n<style>{PAGE_STYLE}</style>\n</head>\n"
        f"<body>\n<main>\n<h1 hidden>{escape(letter.title)}</h1>\n{letter.html}\n</main>\n"
        "</body>\n</html>\n"
    )


def to_pdf(letter):
    """A tagged PDF (PDF/UA-1): headings, lists and links readable by assistive technology."""
    from weasyprint import HTML

    return HTML(string=html_page(letter)).write_pdf(pdf_variant="pdf/ua-1")


def email_bodies(letter):
    """(plain text, HTML) for sending the letter as the body of an email."""
    return letter.text, html_page(letter)


def to_docx(letter):
    """A Word document, with real headings, lists and links, and no personal metadata."""
    document = Document()
    # python-docx starts from US Letter.
    for section in document.sections:
        section.page_width, section.page_height = Mm(A4_MM["width"]), Mm(A4_MM["height"])
        for side, mm in MARGINS_MM.items():
            setattr(section, f"{side}_margin", Mm(mm))
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    properties = document.core_properties
    properties.title = letter.title
    properties.author = ""
    properties.last_modified_by = ""
    properties.comments = ""
    for block in letter.blocks:
        _add_block(document, block)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _add_block(document, block):
    if isinstance(block, markup.Heading):
        _add_runs(document.add_heading(level=block.level - 1), block.runs)
    elif isinstance(block, markup.Paragraph):
        _add_runs(document.add_paragraph(), block.runs)
    elif isinstance(block, markup.Quote):
        paragraph = document.add_paragraph(style="Quote")
        _add_runs(paragraph, block.runs, bold=True)
    else:
        for item in block.items:
            _add_runs(document.add_paragraph(style="List Bullet"), item)


def _add_runs(paragraph, runs, bold=False):
    for run in runs:
        if run.link:
            _add_hyperlink(paragraph, run.text, run.link)
        else:
            paragraph.add_run(run.text).bold = run.bold or bold


def _add_hyperlink(paragraph, text, url):
    """python-docx has no call for links; this writes the w:hyperlink Word expects."""
    relation = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    hyperlink = OxmlElement("w:hyperlink")
    hyperlink.set(qn("r:id"), relation)
    run = paragraph.add_run(text)
    run.font.color.rgb = RGBColor(0x1D, 0x70, 0xB8)
    run.font.underline = True
    hyperlink.append(run._r)
    paragraph._p.append(hyperlink)
