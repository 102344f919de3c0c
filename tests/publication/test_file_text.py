"""The text of a file to be released, read so that it can be checked for personal data:
what the file carries, hidden parts and properties included."""

import datetime
import io
import zipfile

import docx
import openpyxl
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from hypothesis import given, settings
from hypothesis import strategies as st
from odf import dc, meta, office, style, table, text
from odf.opendocument import OpenDocumentSpreadsheet
from openpyxl.comments import Comment
from pypdf import PdfReader, PdfWriter
from weasyprint import HTML

from foidesk.publication import file_text
from foidesk.publication.file_text import FileTextError, text_of
from foidesk.responses import tables
from foidesk.text.personal_data import Requester, find


def pdf(body, author=""):
    head = f'<meta name="author" content="{author}">' if author else ""
    return HTML(string=f"<html><head>{head}</head><body>{body}</body></html>").write_pdf()


def saved(document):
    buffer = io.BytesIO()
    if isinstance(document, PdfWriter):
        document.write(buffer)
    else:
        document.save(buffer)
    return buffer.getvalue()


def rezipped(data, **members):
    """``data`` (a zip) with ``members`` put in or replaced."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            if item.filename not in members:
                target.writestr(item, source.read(item))
        for name, content in members.items():
            target.writestr(name, content)
    return buffer.getvalue()


def a_zip(**members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


# PDF


def test_a_pdfs_pages_and_its_author():
    text = text_of(
        "letter.pdf", pdf("<p>Dear Ms Brambleworth,</p><p>Ring 07700 900123</p>", "Pat Doe")
    )
    assert "Dear Ms Brambleworth," in text
    assert "07700 900123" in text
    assert "Pat Doe" in text


def test_a_pdf_with_an_empty_password_is_read_and_one_with_a_password_is_not():
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf("<p>Cuthbert</p>"))))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    assert "Cuthbert" in text_of("open.pdf", saved(writer))

    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    with pytest.raises(FileTextError, match="protected by a password"):
        text_of("locked.pdf", saved(writer))


def test_a_pdf_with_too_many_pages(monkeypatch):
    monkeypatch.setattr(file_text, "MAX_PDF_PAGES", 1)
    with pytest.raises(FileTextError, match="more than 1 pages"):
        text_of("long.pdf", pdf('<p>One</p><p style="break-before: page">Two</p>'))


# Word


def a_word_document():
    document = docx.Document()
    document.add_paragraph("Dear Ms Brambleworth,")
    grid = document.add_table(rows=1, cols=2)
    grid.cell(0, 0).text = "Telephone"
    grid.cell(0, 1).text = "07700 900123"
    document.sections[0].header.paragraphs[0].text = "Prepared for Cuthbert"
    document.sections[0].footer.paragraphs[0].text = "12 Acacia Avenue"
    document.core_properties.author = "Cuthbert Brambleworth"
    document.core_properties.last_modified_by = "Pat Doe"
    commented = document.add_paragraph("Figures for 2023")
    document.add_comment(commented.runs[0], text="Ask N3 2XY", author="Sam Reviewer")
    # A deletion still tracked, and a link: the file carries both.
    tracked = document.add_paragraph("Kept. ")
    tracked._p.append(
        parse_xml(
            f'<w:del {nsdecls("w")} w:id="90" w:author="Pat Doe"><w:r>'
            "<w:delText>cuthbert.b@example.com</w:delText></w:r></w:del>"
        )
    )
    link = document.part.relate_to(
        "mailto:brambleworth@example.net", RELATIONSHIP_TYPE.HYPERLINK, is_external=True
    )
    linked = document.add_paragraph()
    linked._p.append(
        parse_xml(
            f'<w:hyperlink {nsdecls("w", "r")} r:id="{link}"><w:r><w:t>write to me</w:t></w:r>'
            "</w:hyperlink>"
        )
    )
    return document


def test_a_word_documents_text_tables_headers_footers_comments_and_properties():
    text = text_of("reply.docx", saved(a_word_document()))
    for carried in [
        "Dear Ms Brambleworth,",
        "Telephone\n07700 900123",
        "Prepared for Cuthbert",
        "12 Acacia Avenue",
        "Cuthbert Brambleworth",
        "Pat Doe",
        "Ask N3 2XY",
        "Sam Reviewer",
        "Kept. cuthbert.b@example.com",
        "mailto:brambleworth@example.net",
    ]:
        assert carried in text


def test_a_run_split_word_is_read_whole():
    document = docx.Document()
    paragraph = document.add_paragraph("Cuth")
    paragraph.add_run("bert").bold = True
    assert text_of("split.docx", saved(document)).startswith("Cuthbert\n")


def test_a_workbook_embedded_in_a_document_is_read():
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Jo Bloggs, DOB 01/02/1990"
    data = rezipped(
        saved(docx.Document()), **{"word/embeddings/Microsoft_Excel_Sheet1.xlsx": saved(workbook)}
    )
    assert "Jo Bloggs, DOB 01/02/1990" in text_of("with-sheet.docx", data)


def test_a_part_that_would_expand_itself_is_refused():
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>"
    )
    data = rezipped(saved(docx.Document()), **{"word/document.xml": laughs})
    with pytest.raises(FileTextError, match="damaged"):
        text_of("laughs.docx", data)


# Spreadsheets


def test_every_cell_of_every_sheet_hidden_ones_comments_headers_and_properties():
    workbook = openpyxl.Workbook()
    answers = workbook.active
    answers.title = "Answers"
    answers["A1"], answers["B1"] = "Date of birth", datetime.date(1985, 3, 12)
    answers["A2"] = '=CONCATENATE("Cuthbert ", "Brambleworth")'
    answers["D9"] = 415
    answers["A1"].comment = Comment("Check with jo@example.org", "Jo Checker")
    answers.oddFooter.center.text = "Prepared for Zoe"
    hidden = workbook.create_sheet("Working")
    hidden["A1"] = "NI AB 12 34 56 C"
    hidden.sheet_state = "hidden"
    workbook.create_sheet("Very hidden").sheet_state = "veryHidden"
    workbook.properties.creator = "Pat Doe"
    text = text_of("answers.xlsx", saved(workbook))
    for carried in [
        "Answers\nDate of birth\t1985-03-12\n",
        '=CONCATENATE("Cuthbert ", "Brambleworth")',
        "\t\t\t415",
        "Check with jo@example.org",
        "Jo Checker",
        "Prepared for Zoe",
        "Working\nNI AB 12 34 56 C",
        "Very hidden",
        "Pat Doe",
    ]:
        assert carried in text


def test_a_workbook_with_more_cells_than_can_be_checked(monkeypatch):
    monkeypatch.setattr(file_text, "MAX_CELLS", 100)
    workbook = openpyxl.Workbook()
    workbook.active["CZ2"] = "far out"  # 104 columns, padded out to it
    with pytest.raises(FileTextError, match="more than 100 cells"):
        text_of("wide.xlsx", saved(workbook))


def an_opendocument_spreadsheet():
    document = OpenDocumentSpreadsheet()
    document.meta.addElement(meta.InitialCreator(text="Cuthbert Brambleworth"))
    hidden = style.Style(name="hidden", family="table")
    hidden.addElement(style.TableProperties(display=False))
    document.automaticstyles.addElement(hidden)
    for name, value, look in [
        ("Answers", "Kind regards, Zoe", None),
        ("Working", "DOB 1/2/90", hidden),
    ]:
        sheet = table.Table(name=name, **({"stylename": look} if look else {}))
        row = table.TableRow()
        cell = table.TableCell(valuetype="string")
        cell.addElement(text.P(text=value))
        note = office.Annotation()
        note.addElement(dc.Creator(text=f"Reviewer of {name}"))
        note.addElement(text.P(text="ring 020 8359 2000"))
        cell.addElement(note)
        row.addElement(cell)
        row.addElement(table.TableCell(numbercolumnsrepeated=16000))  # not spelt out
        sheet.addElement(row)
        document.spreadsheet.addElement(sheet)
    return document


def test_an_opendocument_spreadsheets_sheets_hidden_ones_comments_and_properties():
    text = text_of("answers.ods", saved(an_opendocument_spreadsheet()))
    for carried in [
        "Kind regards, Zoe",
        "DOB 1/2/90",
        "Reviewer of Answers",
        "Reviewer of Working",
        "ring 020 8359 2000",
        "Cuthbert Brambleworth",
    ]:
        assert carried in text
    assert len(text) < 1000


# CSV, zips of CSV, plain text


def test_foidesks_answers_as_a_zip_of_csv_files():
    answer = tables.AnswerTable(
        sheets=[
            tables.Sheet(
                "Adults", ["Mosaic"], ["Contact"], {(0, 0): tables.Cell("value", "Pat Doe")}
            ),
            tables.Sheet("Childrens", ["LiquidLogic"], ["Users"]),
        ]
    )
    text = text_of("answers.zip", tables.to_csv_zip(answer))
    assert text == "Adults.csv\n,Mosaic\nContact,Pat Doe\n\nChildrens.csv\n,LiquidLogic\nUsers,\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_csv_and_plain_text_in_the_encodings_excel_writes(encoding):
    data = (
        "Name,Zoë O’Neill\r\n".encode(encoding)
        if encoding != "cp1252"
        else "Zoë\r\n".encode(encoding)
    )
    assert text_of("names.csv", data) in {"Name,Zoë O’Neill\n", "Zoë\n"}


def test_a_file_in_a_zip_is_read_by_what_it_is_and_named():
    data = a_zip(
        **{"Jo Bloggs letter.pdf": pdf("<p>Ring 07700 900123</p>"), "notes.txt": "DOB 1/2/90"}
    )
    text = text_of("release.zip", data)
    assert "Jo Bloggs letter.pdf\n" in text
    assert "Ring 07700 900123" in text
    assert "notes.txt\nDOB 1/2/90" in text


# What cannot be read


@pytest.mark.parametrize(
    ("filename", "data", "why"),
    [
        ("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "not a kind of file"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "97-2003"),
        ("broken.docx", b"PK\x03\x04 not really a zip", "damaged"),
        ("broken.pdf", b"%PDF-1.7 not really a pdf", "damaged"),
        ("empty.xlsx", a_zip(**{"a.txt": "hello"}), "named as a Word, Excel"),
        ("deep.zip", a_zip(a=a_zip(b=a_zip(c="text"))), "zips within zips"),
        ("no.pdf", "not bytes", "not a file"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(filename, data, why):
    with pytest.raises(FileTextError, match=why) as raised:
        text_of(filename, data)
    assert raised.value.message.startswith("The file could not be read: ")


def test_limits_on_size_and_what_a_zip_unpacks_to(monkeypatch):
    monkeypatch.setattr(file_text, "MAX_FILE_BYTES", 10)
    with pytest.raises(FileTextError, match="larger than"):
        text_of("big.txt", b"x" * 11)
    monkeypatch.setattr(file_text, "MAX_FILE_BYTES", 10_000_000)
    monkeypatch.setattr(tables, "MAX_ZIP_MEMBERS", 2)
    with pytest.raises(FileTextError, match="unpacks to more"):
        text_of("many.zip", a_zip(a="1", b="2", c="3"))
    monkeypatch.setattr(file_text, "MAX_TEXT_CHARS", 5)
    with pytest.raises(FileTextError, match="too much to check"):
        text_of("long.txt", b"123456")


def test_an_empty_file_has_no_text():
    assert text_of("empty.csv", b"") == ""


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_give_text_or_a_file_text_error(data):
    read_or_said_why(data)


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=0, max_value=20_000), st.binary(min_size=1, max_size=8))
def test_a_damaged_office_file_gives_text_or_a_file_text_error(at, junk):
    data = bytearray(saved(a_word_document()))
    data[at % len(data) : at % len(data) + len(junk)] = junk
    read_or_said_why(bytes(data))


def read_or_said_why(data):
    """Anything but text or a FileTextError (another exception, a hang) fails the test."""
    try:
        text = text_of("upload.docx", data)
    except FileTextError as error:
        text = error.message
        assert text.startswith("The file could not be read: ")
    assert isinstance(text, str)


# Checked together


def test_the_requester_is_found_in_a_hidden_sheet_of_a_released_workbook():
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Users: 415"
    working = workbook.create_sheet("Working")
    working["B7"] = "asked by C. Brambleworth"
    working.sheet_state = "hidden"
    text = text_of("answers.xlsx", saved(workbook))
    [finding] = find(text, Requester(name="Cuthbert Brambleworth"))
    assert (text[finding.start : finding.end], finding.requester) == ("C. Brambleworth", True)
