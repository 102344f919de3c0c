"""The hidden-content check of a released file, and the remedies that remove what it finds.

Each file is built here, as an officer's tools would make it: with openpyxl, odfpy and
python-docx, WeasyPrint and pypdf; what openpyxl cannot write (a pivot cache, an external
link, macros) is added as the parts Excel writes.
"""

import base64
import csv
import io
import subprocess
import sys
import zipfile

import openpyxl
import pytest
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from odf import dc, meta, office, style, table, text
from odf.opendocument import OpenDocumentSpreadsheet
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.annotations import Text
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
)
from weasyprint import HTML

from foidesk.responses import documents, filecheck, markup, tables
from foidesk.responses.filecheck import (
    KINDS,
    REMEDIES,
    FileCheckError,
    Finding,
    check,
    remove_properties,
    visible_cells_as_csv,
)
from foidesk.responses.letter import Letter


def kinds(findings):
    return sorted({finding.kind for finding in findings})


def found(findings, kind):
    return [finding for finding in findings if finding.kind == kind]


# ---------------------------------------------------------------------------------------
# Building the files


def workbook():
    """A workbook saying nothing of who made it (openpyxl would name itself the author)."""
    book = openpyxl.Workbook()
    book.properties.creator = None
    book.active.title = "Adults"
    book.active.append(["", "Mosaic"])
    book.active.append(["Users", 120])
    return book


def saved(book):
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_parts(data, parts, content_types=(), workbook_relationships=(), workbook_xml=None):
    """An XLSX file with parts added as Excel writes them: each part, its content type,
    the workbook's relationship to it and what workbook.xml says of it."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in source.namelist():
            content = source.read(name).decode("utf-8")
            if name == "[Content_Types].xml":
                overrides = "".join(
                    f'<Override PartName="/{part}" ContentType="{kind}"/>'
                    for part, kind in content_types
                )
                content = content.replace("</Types>", overrides + "</Types>")
            elif name == "xl/_rels/workbook.xml.rels":
                relationships = "".join(
                    f'<Relationship Id="{rid}" Type="http://schemas.openxmlformats.org/'
                    f'officeDocument/2006/relationships/{kind}" Target="{target}"/>'
                    for rid, kind, target in workbook_relationships
                )
                content = content.replace("</Relationships>", relationships + "</Relationships>")
            elif name == "xl/workbook.xml" and workbook_xml:
                content = workbook_xml(content)
            archive.writestr(name, content)
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SPREADSHEETML = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def with_pivot_cache(data):
    definition = (
        f'<pivotCacheDefinition xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}" r:id="rId1" '
        'refreshOnLoad="1" recordCount="2"><cacheSource type="worksheet">'
        '<worksheetSource ref="A1:B3" sheet="Staff"/></cacheSource><cacheFields count="2">'
        '<cacheField name="Name" numFmtId="0"><sharedItems count="2"><s v="Jane Smith"/>'
        '<s v="John Brown"/></sharedItems></cacheField><cacheField name="Salary" '
        'numFmtId="0"><sharedItems containsSemiMixedTypes="0" containsString="0" '
        'containsNumber="1" containsInteger="1" minValue="31000" maxValue="42000"/>'
        "</cacheField></cacheFields></pivotCacheDefinition>"
    )
    records = (
        f'<pivotCacheRecords xmlns="{MAIN}" count="2"><r><x v="0"/><n v="31000"/></r>'
        '<r><x v="1"/><n v="42000"/></r></pivotCacheRecords>'
    )
    definition_rels = (
        f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/pivotCacheRecords" '
        'Target="pivotCacheRecords1.xml"/></Relationships>'
    )
    return with_parts(
        data,
        {
            "xl/pivotCache/pivotCacheDefinition1.xml": definition,
            "xl/pivotCache/pivotCacheRecords1.xml": records,
            "xl/pivotCache/_rels/pivotCacheDefinition1.xml.rels": definition_rels,
        },
        content_types=[
            (
                "xl/pivotCache/pivotCacheDefinition1.xml",
                f"{SPREADSHEETML}.pivotCacheDefinition+xml",
            ),
            ("xl/pivotCache/pivotCacheRecords1.xml", f"{SPREADSHEETML}.pivotCacheRecords+xml"),
        ],
        workbook_relationships=[
            ("rIdPivot1", "pivotCacheDefinition", "pivotCache/pivotCacheDefinition1.xml")
        ],
        workbook_xml=lambda xml: xml.replace(
            "</workbook>",
            f'<pivotCaches xmlns:r="{RELATIONSHIPS}"><pivotCache cacheId="1" '
            'r:id="rIdPivot1"/></pivotCaches></workbook>',
        ),
    )


def with_external_link(data):
    link = (
        f'<externalLink xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"><externalBook r:id="rId1">'
        '<sheetNames><sheetName val="Staff"/></sheetNames><sheetDataSet>'
        '<sheetData sheetId="0"><row r="1"><cell r="A1" t="str"><v>Jane Smith</v></cell>'
        "</row></sheetData></sheetDataSet></externalBook></externalLink>"
    )
    link_rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/externalLinkPath" '
        'Target="file:///C:\\Users\\jsmith\\Documents\\Staff%20list.xlsx" '
        'TargetMode="External"/></Relationships>'
    )
    return with_parts(
        data,
        {
            "xl/externalLinks/externalLink1.xml": link,
            "xl/externalLinks/_rels/externalLink1.xml.rels": link_rels,
        },
        content_types=[("xl/externalLinks/externalLink1.xml", f"{SPREADSHEETML}.externalLink+xml")],
        workbook_relationships=[("rIdLink1", "externalLink", "externalLinks/externalLink1.xml")],
        workbook_xml=lambda xml: xml.replace(
            "</sheets>",
            f'</sheets><externalReferences xmlns:r="{RELATIONSHIPS}">'
            '<externalReference r:id="rIdLink1"/></externalReferences>',
        ),
    )


def with_macros_and_embedding(data):
    return with_parts(
        data,
        {
            "xl/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
            "xl/embeddings/Microsoft_Word_Document1.docx": document_bytes(Document()),
        },
        content_types=[
            ("xl/vbaProject.bin", "application/vnd.ms-office.vbaProject"),
            (
                "xl/embeddings/Microsoft_Word_Document1.docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ),
        ],
        workbook_relationships=[
            ("rIdVba", "../../../2006/relationships/vbaProject", "vbaProject.bin")
        ],
    )


def everything_hidden_xlsx():
    book = workbook()
    adults = book["Adults"]
    adults.append(["Licence fees", 15000])
    for row in range(4, 10):
        adults.cell(row=row, column=1, value=f"Staff member {row}")
        adults.row_dimensions[row].hidden = True
    adults["C1"] = "Home address"
    adults["C2"] = "1 High Street"
    adults.column_dimensions["C"].hidden = True
    adults["B2"].comment = Comment("Check this figure with Jane", "Jane Smith")
    choices = DataValidation(type="list", formula1='"Yes,No,Jane Smith"')
    choices.add("D2:D20")
    adults.add_data_validation(choices)
    staff = book.create_sheet("Staff")
    staff.append(["Name", "Salary"])
    staff.append(["Jane Smith", 31000])
    staff.sheet_state = "hidden"
    salaries = book.create_sheet("Salaries")
    salaries.append(["John Brown", 42000])
    salaries.sheet_state = "veryHidden"
    book.defined_names["StaffList"] = DefinedName("StaffList", attr_text="Staff!$A$1:$B$2")
    book.properties.creator = "Jane Smith"
    book.properties.lastModifiedBy = "John Brown"
    book.properties.title = "Systems used by Adults Services"
    return saved(book)


def document():
    """A Word document saying nothing of who made it (python-docx would name itself)."""
    made = Document()
    made.core_properties.author = ""
    made.core_properties.last_modified_by = ""
    made.core_properties.comments = ""
    made.add_paragraph("Dear Ms Smith, here is the information you asked for.")
    return made


def document_bytes(made):
    out = io.BytesIO()
    made.save(out)
    return out.getvalue()


def tracked(paragraph, kind, words):
    tag = "w:delText" if kind == "del" else "w:t"
    paragraph._p.append(
        parse_xml(
            f'<w:{kind} {nsdecls("w")} w:id="1" w:author="Jane Smith" '
            f'w:date="2024-01-05T10:00:00Z"><w:r><{tag} xml:space="preserve">{words}</{tag}>'
            f"</w:r></w:{kind}>"
        )
    )


def ods(build):
    made = OpenDocumentSpreadsheet()
    build(made)
    out = io.BytesIO()
    made.save(out)
    return out.getvalue()


def ods_row(*values, **attributes):
    row = table.TableRow(**attributes)
    for value in values:
        cell = table.TableCell(valuetype="string")
        cell.addElement(text.P(text=value))
        row.addElement(cell)
    return row


def everything_hidden_ods():
    def build(made):
        hidden = style.Style(name="hiddenTable", family="table")
        hidden.addElement(style.TableProperties(display="false"))
        made.automaticstyles.addElement(hidden)
        validations = table.ContentValidations()
        validations.addElement(
            table.ContentValidation(
                name="choices", condition='of:cell-content-is-in-list("Yes";"No")'
            )
        )
        made.spreadsheet.addElement(validations)

        adults = table.Table(name="Adults")
        adults.addElement(table.TableColumn())
        adults.addElement(table.TableColumn(visibility="collapse"))
        adults.addElement(table.TableColumn())
        adults.addElement(ods_row("", "Home address", "Mosaic"))
        adults.addElement(ods_row("Users", "1 High Street", "120"))
        adults.addElement(ods_row("Staff member", "", "Jane Smith", visibility="collapse"))
        noted = table.TableRow()
        cell = table.TableCell(valuetype="string", contentvalidationname="choices")
        cell.addElement(text.P(text="Yes"))
        annotation = office.Annotation()
        annotation.addElement(dc.Creator(text="Jane Smith"))
        annotation.addElement(text.P(text="Check this with legal"))
        cell.addElement(annotation)
        noted.addElement(cell)
        adults.addElement(noted)
        made.spreadsheet.addElement(adults)

        staff = table.Table(name="Staff", stylename=hidden)
        staff.addElement(ods_row("Jane Smith", "31000"))
        made.spreadsheet.addElement(staff)

        names = table.NamedExpressions()
        names.addElement(
            table.NamedRange(
                name="StaffList",
                cellrangeaddress="$Staff.$A$1:.$B$1",
                basecelladdress="$Staff.$A$1",
            )
        )
        made.spreadsheet.addElement(names)
        made.meta.addElement(meta.InitialCreator(text="Jane Smith"))
        made.meta.addElement(dc.Creator(text="John Brown"))

    return ods(build)


def pdf_from_html(body):
    return HTML(
        string=f"<html><head><title>Response</title><style>@page {{ size: A4; margin: 2cm }}"
        "p { font-size: 12pt; line-height: 20pt; margin: 0 0 12pt }"
        ".over { position: absolute; left: 0; top: 0; width: 12cm; height: 20pt }"
        f"</style></head><body>{body}</body></html>"
    ).write_pdf()


def covered(box_style, text="Jane Smith, 12 High Street, Barnet EN5 1AA"):
    return (
        f'<p>Dear Mr Brown,</p><div style="position: relative"><p>{text}</p>'
        f'<div class="over" style="{box_style}"></div></div><p>Yours sincerely</p>'
    )


def png(colour="black"):
    out = io.BytesIO()
    Image.new("RGB", (40, 10), colour).save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def drawn_pdf(content, forms=None, graphics_states=None):
    """A page drawn by hand, as some tools draw a box over text: ``content`` in PDF's own
    drawing operators, with Helvetica as /F1, each of ``forms`` (name: (matrix, content))
    as a form it can draw, and ``graphics_states`` by name."""
    writer = PdfWriter()
    page = writer.add_blank_page(300, 300)

    def names(entries):
        return DictionaryObject({NameObject(key): value for key, value in entries.items()})

    font = writer._add_object(
        names(
            {
                "/Type": NameObject("/Font"),
                "/Subtype": NameObject("/Type1"),
                "/BaseFont": NameObject("/Helvetica"),
            }
        )
    )
    resources = names({"/Font": names({"/F1": font})})
    drawn = {}
    for name, (matrix, drawing) in (forms or {}).items():
        form = DecodedStreamObject()
        form.set_data(drawing)
        form.update(
            names(
                {
                    "/Type": NameObject("/XObject"),
                    "/Subtype": NameObject("/Form"),
                    "/BBox": ArrayObject(FloatObject(v) for v in (0, 0, 300, 300)),
                    "/Matrix": ArrayObject(FloatObject(v) for v in matrix),
                    "/Resources": names({"/Font": names({"/F1": font})}),
                }
            )
        )
        drawn[name] = writer._add_object(form)
    resources[NameObject("/XObject")] = names(drawn)
    resources[NameObject("/ExtGState")] = names(graphics_states or {})
    page[NameObject("/Resources")] = resources
    stream = DecodedStreamObject()
    stream.set_data(content)
    page[NameObject("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


LINE = b"BT /F1 12 Tf 50 150 Td (Jane Smith, 12 High Street) Tj ET "
BOX = b"0 g 45 145 200 20 re f "


def pypdf_file(build):
    writer = PdfWriter()
    writer.add_blank_page(300, 300)
    build(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def letter():
    return Letter(
        "FOI-5973764",
        "Your request for information, FOI-5973764",
        markup.parse(
            "## Your request\n\nDear Ms Smith,\n\n> Which systems does Adults Services use?\n\n"
            "The council holds this information. It is published on our "
            "[open data site](https://open.barnet.gov.uk/).\n\n- Mosaic\n- **Capita**\n\n"
            "Yours sincerely,\n\nFOI team"
        ),
    )


def answer_table():
    return tables.AnswerTable(
        sheets=[
            tables.Sheet(
                "Adults",
                ["Mosaic", "Controcc"],
                ["Supplier", "Licence fees 2015-16", "Contract"],
                {
                    (0, 0): tables.Cell(tables.VALUE, "Servelec"),
                    (1, 0): tables.Cell(tables.WITHHELD, "48000", exemption="section 43(2)"),
                    (2, 1): tables.Cell(tables.PUBLISHED, link="https://open.barnet.gov.uk/"),
                },
            ),
            tables.Sheet("Family", ["Mosaic"], ["Supplier"], {(0, 0): tables.Cell("not_held")}),
        ],
        footnotes={"section 43(2)": "Withheld: commercial interests."},
    )


# ---------------------------------------------------------------------------------------
# foidesk's own files, and files with nothing to hide


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("response.pdf", lambda: documents.to_pdf(letter())),
        ("response.docx", lambda: documents.to_docx(letter())),
        ("answers.xlsx", lambda: tables.to_xlsx(answer_table(), "Answers to FOI-5973764")),
        ("answers.ods", lambda: tables.to_ods(answer_table(), "Answers to FOI-5973764")),
        ("answers.zip", lambda: tables.to_csv_zip(answer_table())),
    ],
)
def test_foidesks_own_files_are_clean(name, make):
    assert check(name, make()) == []


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("answers.csv", "\ufeff,Mosaic\r\nUsers,120\r\n".encode()),
        ("answers.csv", "Système;Coût\r\nMosaic;£120\r\n".encode("cp1252")),
        ("notes.txt", b"The council holds this information.\n"),
        ("notes", b"Plain words with no name to say what they are.\n"),
        ("empty.csv", b""),
    ],
)
def test_csv_and_plain_text_are_clean(name, data):
    assert check(name, data) == []


def test_a_clean_workbook_document_and_spreadsheet_are_clean():
    assert check("clean.xlsx", saved(workbook())) == []
    assert check("clean.docx", document_bytes(document())) == []
    assert check("clean.ods", ods(lambda made: made.spreadsheet.addElement(table.Table()))) == []


def test_empty_hidden_rows_and_columns_hide_nothing():
    """Unused rows and columns hidden to tidy a sheet are common, and hold nothing."""
    book = workbook()
    for row in range(5, 200):
        book["Adults"].row_dimensions[row].hidden = True
    book["Adults"].column_dimensions.group("E", "Z", hidden=True)
    # Formatted, but empty.
    book["Adults"]["A6"].font = Font(bold=True)
    book["Adults"]["F1"].font = Font(bold=True)
    assert check("tidy.xlsx", saved(book)) == []


def test_excels_own_names_for_print_areas_and_filters_are_not_findings():
    book = workbook()
    book["Adults"].print_area = "A1:B2"
    book["Adults"].auto_filter.ref = "A1:B2"
    assert check("printable.xlsx", saved(book)) == []


# ---------------------------------------------------------------------------------------
# Spreadsheets


def test_every_kind_of_hidden_content_in_a_workbook_is_found():
    findings = check("answers.xlsx", everything_hidden_xlsx())
    assert kinds(findings) == [
        "comment",
        "data_validation",
        "defined_name",
        "hidden_columns",
        "hidden_rows",
        "hidden_sheet",
        "properties",
    ]
    where = {finding.where for finding in findings}
    assert {"sheet “Staff”", "sheet “Salaries”", "rows 4-9 of sheet “Adults”"} <= where
    assert {"column C of sheet “Adults”", "cells D2:D20 of sheet “Adults”"} <= where
    assert {"name “StaffList”", "the document properties"} <= where
    (very_hidden,) = [f for f in findings if f.where == "sheet “Salaries”"]
    assert "very hidden" in very_hidden.detail
    (names,) = found(findings, "defined_name")
    assert "Staff!$A$1:$B$2" in names.detail
    (properties,) = found(findings, "properties")
    assert "author “Jane Smith”" in properties.detail
    assert "last modified by “John Brown”" in properties.detail
    assert "Systems used" not in properties.detail  # a title names no one
    assert properties.remedy == "remove_properties"
    assert {f.remedy for f in findings if f.kind != "properties"} == {"visible_cells_as_csv"}


def test_a_pivot_cache_is_found_with_the_data_it_was_made_from():
    (finding,) = check("pivot.xlsx", with_pivot_cache(saved(workbook())))
    assert finding.kind == "pivot_cache"
    assert finding.where == "pivot table data from A1:B3 of sheet “Staff”"
    assert "copy of the data" in finding.detail


def test_an_external_link_is_found_with_where_it_points():
    (finding,) = check("linked.xlsx", with_external_link(saved(workbook())))
    assert finding.kind == "external_link"
    assert finding.where == "link to “Staff%20list.xlsx”"
    assert "C:\\Users\\jsmith" in finding.detail


def test_macros_and_an_embedded_document_are_found():
    findings = check("macros.xlsm", with_macros_and_embedding(saved(workbook())))
    assert kinds(findings) == ["embedded_object", "macros"]
    assert found(findings, "embedded_object")[0].where == (
        "embedded “Microsoft_Word_Document1.docx”"
    )


def test_threaded_comments_are_counted_once_with_their_notes():
    """Excel writes each threaded comment twice: as itself and as a note for old versions."""
    book = workbook()
    book["Adults"]["B2"].comment = Comment("[Threaded comment] Is this right?", "tc=1")
    data = saved(book)
    source = zipfile.ZipFile(io.BytesIO(data))
    rels_name = "xl/worksheets/_rels/sheet1.xml.rels"
    rels = (
        source.read(rels_name)
        .decode()
        .replace(
            "</Relationships>",
            '<Relationship Id="rIdThreaded" Type="http://schemas.microsoft.com/office/2017/10/'
            'relationships/threadedComment" Target="../threadedComments/threadedComment1.xml"/>'
            "</Relationships>",
        )
    )
    threaded = (
        '<ThreadedComments xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/'
        'threadedcomments"><threadedComment ref="B2" id="{1}" personId="{9}">'
        '<text>Is this right?</text></threadedComment><threadedComment ref="B2" id="{2}" '
        'parentId="{1}" personId="{9}"><text>Yes</text></threadedComment></ThreadedComments>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in source.namelist():
            archive.writestr(name, rels if name == rels_name else source.read(name))
        archive.writestr("xl/threadedComments/threadedComment1.xml", threaded)
    (finding,) = check("threaded.xlsx", out.getvalue())
    assert (finding.kind, finding.where) == ("comment", "sheet “Adults”")
    assert finding.detail.startswith("2 comments or notes")


def test_every_kind_of_hidden_content_in_an_ods_spreadsheet_is_found():
    findings = check("answers.ods", everything_hidden_ods())
    assert kinds(findings) == [
        "comment",
        "data_validation",
        "defined_name",
        "hidden_columns",
        "hidden_rows",
        "hidden_sheet",
        "properties",
    ]
    where = {finding.where for finding in findings}
    assert {"sheet “Staff”", "row 3 of sheet “Adults”", "column B of sheet “Adults”"} <= where
    (properties,) = found(findings, "properties")
    assert "author “Jane Smith”" in properties.detail
    assert "last modified by “John Brown”" in properties.detail
    (validation,) = found(findings, "data_validation")
    assert "typed into the rule" in validation.detail


def test_the_format_is_told_by_the_content_not_the_name():
    data = everything_hidden_xlsx()
    assert "hidden_sheet" in kinds(check("answers.pdf", data))
    assert "hidden_sheet" in kinds(check("answers", data))


# ---------------------------------------------------------------------------------------
# Word documents


def test_every_kind_of_hidden_content_in_a_word_document_is_found():
    made = document()
    paragraph = made.add_paragraph("The system is ")
    tracked(paragraph, "del", "Mosaic, run by Jane Smith")
    tracked(paragraph, "ins", "Mosaic")
    hidden = made.add_paragraph("Visible. ").add_run("Her salary is £31,000.")
    hidden.font.hidden = True
    made.add_comment(paragraph.runs[0], text="Should we say who runs it?", author="Jane Smith")
    made.core_properties.author = "Jane Smith"
    made.core_properties.last_modified_by = "John Brown"
    findings = check("response.docx", document_bytes(made))
    assert kinds(findings) == ["comment", "hidden_text", "properties", "tracked_changes"]
    (changes,) = found(findings, "tracked_changes")
    assert changes.where == "the document"
    assert changes.detail.startswith("2 tracked changes")
    (hidden_text,) = found(findings, "hidden_text")
    assert hidden_text.detail.startswith(f"{len('Her salary is £31,000.')} characters")
    assert found(findings, "properties")[0].remedy == "remove_properties"
    assert all(f.remedy is None for f in findings if f.kind != "properties")


def test_hidden_text_by_style_is_found_and_a_vanish_switched_off_is_not():
    made = document()
    shown = made.add_paragraph().add_run("Shown, whatever its style says.")
    shown.font.hidden = False
    made.styles.add_style("Secret", WD_STYLE_TYPE.CHARACTER).font.hidden = True
    made.add_paragraph().add_run("Hidden by its style.", style="Secret")
    made.styles.add_style("Secret paragraph", WD_STYLE_TYPE.PARAGRAPH).font.hidden = True
    made.add_paragraph("Hidden by the paragraph's.", style="Secret paragraph")
    (finding,) = check("styled.docx", document_bytes(made))
    assert finding.kind == "hidden_text"
    hidden = "Hidden by its style." + "Hidden by the paragraph's."
    assert finding.detail.startswith(f"{len(hidden)} characters")


def test_tracked_changes_in_a_header_are_found_there():
    made = document()
    tracked(made.sections[0].header.paragraphs[0], "del", "Draft by Jane Smith")
    (finding,) = check("headed.docx", document_bytes(made))
    assert (finding.kind, finding.where) == ("tracked_changes", "a header")


# ---------------------------------------------------------------------------------------
# PDF documents


def test_text_under_a_black_box_is_found():
    (finding,) = check("redacted.pdf", pdf_from_html(covered("background: black")))
    assert (finding.kind, finding.where) == ("text_under_box", "page 1")
    assert finding.remedy is None


def test_text_under_a_white_box_or_a_picture_is_found_too():
    assert kinds(check("white.pdf", pdf_from_html(covered("background: white")))) == [
        "text_under_box"
    ]
    picture = f'<img class="over" src="{png()}">'
    body = f'<div style="position: relative"><p>Jane Smith, 12 High Street</p>{picture}</div>'
    assert kinds(check("picture.pdf", pdf_from_html(body))) == ["text_under_box"]


def test_the_page_with_text_under_a_box_is_named():
    body = '<p>Nothing to hide here.</p><p style="break-before: page"></p>' + covered(
        "background: black"
    )
    (finding,) = check("two-pages.pdf", pdf_from_html(body))
    assert finding.where == "page 2"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(covered("background: rgba(0, 0, 0, 0.3)"), id="a see-through box"),
        pytest.param(
            '<p style="background: black; color: white">White words on black</p>',
            id="a box drawn before its text",
        ),
        pytest.param(
            '<div style="position: relative"><p>Jane Smith</p>'
            '<div class="over" style="background: black; top: 3cm"></div></div>',
            id="a box beside the text",
        ),
        pytest.param(
            covered("background: black; top: 14pt; height: 1.5pt"),
            id="a line drawn across the text",
        ),
    ],
)
def test_text_a_box_does_not_hide_is_not_a_finding(body):
    assert check("fine.pdf", pdf_from_html(body)) == []


@pytest.mark.parametrize(
    ("content", "forms"),
    [
        pytest.param(LINE + BOX, {}, id="a rectangle"),
        pytest.param(LINE + b"0 g 45 145 m 245 145 l 245 165 l 45 165 l h f", {}, id="a path"),
        pytest.param(LINE + b"/Fm1 Do", {"/Fm1": ((1, 0, 0, 1, 0, 0), BOX)}, id="in a form"),
        pytest.param(
            b"q 1 0 0 1 0 100 cm /Fm1 Do Q " + BOX,
            {"/Fm1": ((1, 0, 0, 1, 0, -100), LINE)},
            id="over text a form placed there",
        ),
        pytest.param(
            LINE + b"/Fm1 Do " + BOX,
            {"/Fm1": ((1, 0, 0, 1, 0, 100), b"1 g 0 0 10 10 re f")},
            id="after a form drawn elsewhere",
        ),
    ],
)
def test_a_box_drawn_by_hand_over_text_is_found(content, forms):
    assert kinds(check("drawn.pdf", drawn_pdf(content, forms))) == ["text_under_box"]


def test_a_box_its_form_moves_away_or_a_soft_mask_lets_through_hides_nothing():
    moved = {"/Fm1": ((1, 0, 0, 1, 0, 100), BOX)}
    assert check("moved.pdf", drawn_pdf(LINE + b"/Fm1 Do", moved)) == []
    soft = DictionaryObject(
        {NameObject("/SMask"): DictionaryObject({NameObject("/S"): NameObject("/Luminosity")})}
    )
    see_through = drawn_pdf(LINE + b"q /GS1 gs " + BOX + b"Q", graphics_states={"/GS1": soft})
    assert check("soft.pdf", see_through) == []


def test_annotations_attachments_and_an_author_are_found():
    def build(writer):
        writer.add_annotation(0, Text(rect=(20, 20, 60, 60), text="Ask Jane about this"))
        writer.add_attachment("staff.csv", b"Name,Salary\r\nJane Smith,31000\r\n")
        writer.add_metadata({"/Author": "Jane Smith", "/Title": "Response"})

    findings = check("annotated.pdf", pypdf_file(build))
    assert kinds(findings) == ["annotation", "metadata", "pdf_attachment"]
    assert found(findings, "annotation")[0].where == "page 1"
    assert "sticky note" in found(findings, "annotation")[0].detail
    assert found(findings, "pdf_attachment")[0].where == "attached file “staff.csv”"
    (metadata,) = found(findings, "metadata")
    assert "author “Jane Smith”" in metadata.detail
    assert "Response" not in metadata.detail
    assert metadata.remedy == "remove_properties"


def test_a_redaction_marked_but_not_applied_is_found():
    def build(writer):
        writer.add_annotation(
            0,
            DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/Annot"),
                    NameObject("/Subtype"): NameObject("/Redact"),
                    NameObject("/Rect"): ArrayObject(FloatObject(v) for v in (20, 20, 90, 40)),
                }
            ),
        )

    (finding,) = check("marked.pdf", pypdf_file(build))
    assert finding.kind == "annotation"
    assert "never applied" in finding.detail


@pytest.mark.parametrize(
    ("creator", "is_a_person"),
    [
        ("Jane Smith", True),
        ("Microsoft® Word for Microsoft 365", False),
        ("Writer", False),
        ("Canon iR-ADV C5535", False),
        ("WeasyPrint 70.0", False),
    ],
)
def test_creator_is_a_finding_only_when_it_names_a_person(creator, is_a_person):
    data = pypdf_file(lambda writer: writer.add_metadata({"/Creator": creator}))
    assert kinds(check("made.pdf", data)) == (["metadata"] if is_a_person else [])


def test_links_are_allowed_in_a_pdf():
    """foidesk's letters link to what is already published; a link hides nothing."""
    pdf = PdfReader(io.BytesIO(documents.to_pdf(letter())))
    assert any(
        annotation.get_object()["/Subtype"] == "/Link"
        for page in pdf.pages
        for annotation in page.get("/Annots", [])
    )
    assert check("letter.pdf", documents.to_pdf(letter())) == []


def test_a_password_protected_pdf_cannot_be_checked():
    def build(writer):
        writer.encrypt(user_password="secret", owner_password="secret", algorithm="RC4-128")

    (finding,) = check("locked.pdf", pypdf_file(build))
    assert finding.kind == "unreadable"
    assert finding.detail.startswith(
        "The file could not be read as a PDF document: it is protected with a password."
    )


def test_a_pdf_that_only_restricts_printing_is_checked():
    def build(writer):
        writer.add_metadata({"/Author": "Jane Smith"})
        writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")

    assert kinds(check("restricted.pdf", pypdf_file(build))) == ["metadata"]


# ---------------------------------------------------------------------------------------
# Remedies


def test_remove_properties_empties_a_workbooks_properties_and_keeps_the_rest():
    cleaned = remove_properties("answers.xlsx", everything_hidden_xlsx())
    findings = check("answers.xlsx", cleaned)
    assert "properties" not in kinds(findings)
    assert "hidden_sheet" in kinds(findings)
    properties = openpyxl.load_workbook(io.BytesIO(cleaned)).properties
    assert (properties.creator, properties.lastModifiedBy) == (None, None)
    assert properties.title == "Systems used by Adults Services"


def test_remove_properties_of_a_word_document_ods_spreadsheet_and_pdf():
    made = document()
    made.core_properties.author = "Jane Smith"
    made.add_comment(made.paragraphs[0].runs[0], text="Check", author="Jane Smith")
    word = check("a.docx", remove_properties("a.docx", document_bytes(made)))
    assert kinds(word) == ["comment"]

    spreadsheet = check("a.ods", remove_properties("a.ods", everything_hidden_ods()))
    assert "properties" not in kinds(spreadsheet)
    assert "hidden_sheet" in kinds(spreadsheet)

    def build(writer):
        writer.add_annotation(0, Text(rect=(20, 20, 60, 60), text="Ask Jane"))
        writer.add_metadata({"/Author": "Jane Smith", "/Creator": "Jane Smith", "/Title": "T"})

    cleaned = remove_properties("a.pdf", pypdf_file(build))
    assert kinds(check("a.pdf", cleaned)) == ["annotation"]
    assert PdfReader(io.BytesIO(cleaned)).metadata.title == "T"


def test_remove_properties_of_a_pdf_clears_its_xmp_author():
    writer = PdfWriter(clone_from=io.BytesIO(documents.to_pdf(letter())))
    xmp = writer.xmp_metadata
    xmp.dc_creator = ["Jane Smith"]
    writer.xmp_metadata = xmp
    out = io.BytesIO()
    writer.write(out)
    assert kinds(check("letter.pdf", out.getvalue())) == ["metadata"]
    assert check("letter.pdf", remove_properties("letter.pdf", out.getvalue())) == []


def test_visible_cells_as_csv_keeps_only_what_is_shown():
    book = openpyxl.load_workbook(io.BytesIO(everything_hidden_xlsx()))
    book["Adults"]["A3"] = "@SUM(B2)"  # Excel would run it, opening the CSV
    out = io.BytesIO()
    book.save(out)
    converted = visible_cells_as_csv("answers.xlsx", out.getvalue())
    assert check("answers.zip", converted) == []
    archive = zipfile.ZipFile(io.BytesIO(converted))
    assert archive.namelist() == ["Adults.csv"]
    content = archive.read("Adults.csv").decode("utf-8")
    assert content.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(content.removeprefix("\ufeff")))) == [
        ["", "Mosaic"],
        ["Users", "120"],
        ["'@SUM(B2)", "15000"],
    ]
    assert REMEDIES["visible_cells_as_csv"].file_name("answers.xlsx") == "answers.zip"


def test_visible_cells_as_csv_of_an_ods_spreadsheet():
    converted = visible_cells_as_csv("answers.ods", everything_hidden_ods())
    assert check("answers.zip", converted) == []
    archive = zipfile.ZipFile(io.BytesIO(converted))
    assert archive.namelist() == ["Adults.csv"]
    rows = list(csv.reader(io.StringIO(archive.read("Adults.csv").decode("utf-8-sig"))))
    assert rows == [["", "Mosaic"], ["Users", "120"], ["Yes"]]


def test_every_remedy_removes_what_its_findings_found():
    samples = {
        "answers.xlsx": with_external_link(with_pivot_cache(everything_hidden_xlsx())),
        "answers.ods": everything_hidden_ods(),
    }
    for name, data in samples.items():
        for finding in check(name, data):
            remedy = REMEDIES[finding.remedy]
            again = check(remedy.file_name(name), remedy.apply(name, data))
            assert (finding.kind, finding.where) not in {(f.kind, f.where) for f in again}


@pytest.mark.parametrize(
    ("remedy", "name", "data", "message"),
    [
        (visible_cells_as_csv, "letter.docx", lambda: document_bytes(document()), "Only a"),
        (visible_cells_as_csv, "answers.xlsx", lambda: b"not a workbook", "could not be read"),
        (remove_properties, "answers.csv", lambda: b"a,b\r\n", "PDF files only"),
        (
            visible_cells_as_csv,
            "answers.xlsx",
            lambda: everything_hidden_xlsx()[:2000],
            "The file could not be read as a spreadsheet: ",
        ),
    ],
)
def test_a_remedy_refuses_what_it_cannot_change_in_a_sentence(remedy, name, data, message):
    with pytest.raises(FileCheckError) as refused:
        remedy(name, data())
    assert message in refused.value.message


# ---------------------------------------------------------------------------------------
# What cannot be checked, and bad input


def test_a_format_foidesk_cannot_check_says_so():
    (finding,) = check("slides.key", bytes(range(256)) * 4)
    assert finding.kind == "unknown_format"
    assert "not a format foidesk can check" in finding.detail
    assert "release it only if you have checked it yourself" in finding.detail
    (web_page,) = check("letter.html", b"<!DOCTYPE html><p hidden>Jane Smith</p>")
    assert web_page.kind == "unknown_format"


def test_an_old_excel_file_and_a_password_protected_workbook():
    (old,) = check("staff.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    assert old.kind == "unknown_format"
    assert ".xls" in old.detail
    locked = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le")
    (finding,) = check("staff.xlsx", locked)
    assert finding.kind == "unreadable"
    assert "password" in finding.detail


def test_a_damaged_workbook_is_a_finding_not_an_error():
    (finding,) = check("answers.xlsx", everything_hidden_xlsx()[:3000])
    assert finding.kind == "unreadable"
    assert finding.detail.startswith("The file could not be read as a spreadsheet: ")


def test_a_zip_bomb_is_refused_without_being_unpacked():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", bytes(filecheck.MAX_UNPACKED_BYTES))
    assert len(out.getvalue()) < 1024 * 1024
    (finding,) = check("bomb.xlsx", out.getvalue())
    assert finding.kind == "unreadable"
    assert "more than foidesk will unpack" in finding.detail


def test_an_entity_bomb_in_a_part_is_not_expanded():
    laughs = "".join(
        f'<!ENTITY l{n} "{("&l" + str(n - 1) + ";") * 10 if n else "lol"}">' for n in range(10)
    )
    bomb = f'<?xml version="1.0"?><!DOCTYPE workbook [{laughs}]><workbook>&l9;</workbook>'
    data = with_parts(saved(workbook()), {"docProps/custom.xml": bomb})
    assert all(isinstance(finding, Finding) for finding in check("laughs.xlsx", data))


def test_a_file_too_large_to_check_is_a_finding():
    (finding,) = check("huge.csv", bytes(filecheck.MAX_FILE_BYTES + 1))
    assert finding.kind == "unreadable"
    assert "too large" in finding.detail


def test_a_zip_holding_a_zip_is_not_checked_inside():
    inner = tables.to_csv_zip(answer_table())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("answers.zip", inner)
        archive.writestr("notes.txt", "Nothing hidden.")
    (finding,) = check("bundle.zip", out.getvalue())
    assert finding.kind == "unknown_format"
    assert finding.where == "“answers.zip” in the zip: the file"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from([b"", b"PK\x03\x04", b"%PDF-1.7\n", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"]),
    st.binary(max_size=2000),
    st.sampled_from(["file.xlsx", "file.docx", "file.ods", "file.pdf", "file.csv", "file"]),
)
def test_random_bytes_never_raise(head, tail, name):
    findings = check(name, head + tail)
    assert all(isinstance(finding, Finding) and finding.kind in KINDS for finding in findings)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=10_000), st.binary(min_size=1, max_size=8))
def test_a_workbook_damaged_anywhere_never_raises(at, garbage):
    data = bytearray(everything_hidden_xlsx())
    at %= len(data)
    data[at : at + len(garbage)] = garbage
    assert all(f.kind in KINDS for f in check("answers.xlsx", bytes(data)))


def test_every_finding_names_a_known_kind_and_remedy():
    samples = [
        ("a.xlsx", with_macros_and_embedding(with_external_link(everything_hidden_xlsx()))),
        ("a.ods", everything_hidden_ods()),
        ("a.pdf", pdf_from_html(covered("background: black"))),
    ]
    for name, data in samples:
        for finding in check(name, data):
            assert finding.kind in KINDS
            assert finding.remedy is None or finding.remedy in REMEDIES
            assert finding.detail.endswith(".")


def test_the_check_does_not_load_django():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, foidesk.responses.filecheck; print('django' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "False"
