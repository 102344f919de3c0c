"""The demo's case 5973764 answered as London Borough of Barnet answered it, in every format.

The reference letter (shared/reference, Barnet ref 5973764) is the golden text.
"""

import io
import zipfile

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from foidesk import demo
from foidesk.casework.models import Request
from foidesk.responses import documents, markup, services, tables
from foidesk.responses.models import ExemptionUse, LetterBlock

pytestmark = pytest.mark.django_db


@pytest.fixture
def barnet():
    demo.load("demo-password", generated=0)
    return Request.objects.get(reference="5973764")


# Sentences of the reference letter that foidesk's letter gives word for word.
GOLDEN = [
    "Our ref: 5973764",
    "14 February 2020",
    "Thank you for your request received on 17 January 2020, for the following information:",
    "We have processed this request under the Freedom of Information Act 2000.",
    "I can confirm that London Borough of Barnet holds the information you requested.",
    "The remaining information is not withheld and is below.",
    "We are withholding spend details as this information is commercially sensitive.",
    "Therefore, we have decided to withhold the information.",
    "In applying this exemption, we have had to balance the public interest in withholding the "
    "information against the interest in favour of disclosure.",
    "- Legitimate public interest in understanding how public money is spent.",
    "- Necessity for the council to be able to negotiate the best deal with public money",
    "In all the circumstances of the case, the public interest in maintaining the exemption "
    "outweighs the public interest in disclosing the information.",
    "https://open.barnet.gov.uk/dataset/customer-and-support-group-csg-contract",
    "you can request a review within the next 40 working days",
    "The Information Commissioner's Office, Wycliffe House, Water Lane, Wilmslow, Cheshire, "
    "SK9 5AF (telephone: 0303 123 1113",
    "There is no charge for making an appeal.",
]


def test_the_demo_letter_says_what_barnet_said(barnet):
    """FOIA s.17(1), (3) and (7): the exemption, its public interest test, the rights."""
    text = services.compose_letter(barnet).text
    for sentence in GOLDEN:
        assert sentence in text
    # The reference letter's order: each part found after the one before it.
    at = 0
    for marker in [
        "Our ref",
        "Thank you",
        "RESPONSE",
        "Q1.",
        "Q4.",
        "Section 43(2)",
        "Your rights",
    ]:
        at = text.index(marker, at)


def test_the_demo_case_is_valid_and_partially_withheld(barnet):
    assert services.problems(barnet) == []
    assert services.outcome(barnet) == "partially_withheld"
    assert barnet.state == "responded"
    assert barnet.response.sent_on.isoformat() == "2020-02-14"


def test_the_word_document_has_real_headings_lists_and_links(barnet):
    document = Document(io.BytesIO(documents.to_docx(services.compose_letter(barnet))))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Response" in headings
    assert "Section 43(2): Commercial interests" in headings
    assert "Your rights" in headings
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert "Transparency" in bullets
    assert any("open.barnet.gov.uk" in rel.target_ref for rel in document.part.rels.values())
    assert document.core_properties.author == ""
    assert document.core_properties.title == "Response to request 5973764"


def test_the_pdf_is_tagged_and_its_text_can_be_read(barnet):
    pdf = PdfReader(io.BytesIO(documents.to_pdf(services.compose_letter(barnet))))
    catalog = pdf.trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "en-GB"
    assert catalog["/MarkInfo"]["/Marked"]
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "Section 43(2): Commercial interests" in text
    assert "There is no charge for making an appeal." in text


def test_the_email_body_has_plain_text_and_html(barnet):
    text, html = documents.email_bodies(services.compose_letter(barnet))
    assert "Our ref: 5973764" in text
    assert (
        '<a href="https://open.barnet.gov.uk/dataset/customer-and-support-group-csg-contract">'
        in html
    )


def test_the_word_document_and_the_pdf_are_a4_with_the_same_margins(barnet):
    composed = services.compose_letter(barnet)
    for section in Document(io.BytesIO(documents.to_docx(composed))).sections:
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
        margins = [section.top_margin, section.right_margin, section.bottom_margin]
        assert [round(margin.mm) for margin in margins] == [20, 20, 22]
        assert round(section.left_margin.mm) == 20
    pdf = PdfReader(io.BytesIO(documents.to_pdf(composed)))
    a4_points = (210 / 25.4 * 72, 297 / 25.4 * 72)
    for page in pdf.pages:
        size = (float(page.mediabox.width), float(page.mediabox.height))
        assert size == pytest.approx(a4_points, abs=0.5)


def test_the_workbook_has_the_shape_the_requester_asked_for(barnet):
    """One worksheet for Adults and one for Childrens, a column per system, spend withheld."""
    workbook = load_workbook(io.BytesIO(tables.to_xlsx(services.answer_table(barnet))))
    assert workbook.sheetnames == ["Adults", "Childrens"]
    adults = workbook["Adults"]
    assert adults["B1"].value == "Mosaic"
    assert adults["A2"].value == "System name"
    assert adults["B3"].value == "Servelec HSE"
    assert adults["A7"].value == "Licence fees 2014/15"
    assert adults["B7"].value == "Withheld (section 43(2))"
    assert adults.freeze_panes == "B2"
    footnotes = [
        row[0].value
        for row in adults.iter_rows()
        if row[0].value and "section 43(2):" in str(row[0].value)
    ]
    assert footnotes
    assert "Freedom of Information Act 2000" in footnotes[0]
    childrens = workbook["Childrens"]
    assert childrens["B1"].value == "LiquidLogic"
    assert childrens["B5"].value == 350


def test_the_csv_and_ods_come_from_the_same_table(barnet):
    table = services.answer_table(barnet)
    with zipfile.ZipFile(io.BytesIO(tables.to_csv_zip(table))) as archive:
        assert sorted(archive.namelist()) == ["Adults.csv", "Childrens.csv"]
    with zipfile.ZipFile(io.BytesIO(tables.to_ods(table))) as archive:
        assert b"Mosaic" in archive.read("content.xml")


def test_a_qualified_exemption_without_its_public_interest_test_cannot_be_approved(barnet):
    """FOIA s.17(3): the refusal notice gives the reasons for the public interest decision."""
    ExemptionUse.objects.filter(exemption="foia-43-2").update(conclusion="", for_disclosure="")
    missing = services.problems(barnet)
    assert len(missing) == 1
    assert missing[0].startswith("Q3")
    assert "s.17(3)" in missing[0]


def test_an_administrators_wording_replaces_a_block(barnet):
    LetterBlock.objects.create(
        key="rights", text="### Your rights\n\nWrite to **us** within 40 working days."
    )
    text = services.compose_letter(barnet).text
    assert "Write to us within 40 working days." in text
    assert "Wycliffe House" not in text


def test_a_broken_block_is_named_not_a_crash(barnet):
    from foidesk.responses.letter import LetterError

    LetterBlock.objects.create(key="answers", text="{% for q in questions %}{{ q.missing_thing }}")
    with pytest.raises(LetterError, match="The block “The answer to each question” cannot be used"):
        services.compose_letter(barnet)


def test_a_block_cannot_reach_python(barnet):
    from foidesk.responses.letter import LetterError

    LetterBlock.objects.create(key="answers", text="{{ questions.__class__.__mro__ }}")
    with pytest.raises(LetterError):
        services.compose_letter(barnet)


def test_markup_links_are_only_web_and_mail_links():
    blocks = markup.parse("[click](javascript:alert(1)) and [ICO](https://ico.org.uk)")
    html = markup.to_html(blocks)
    assert "javascript:" not in html.split('href="')[-1]
    assert '<a href="https://ico.org.uk">ICO</a>' in html
    assert '<a href="javascript' not in html
