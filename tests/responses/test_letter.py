"""The demo's case 5973764 answered as London Borough of Barnet answered it, in every format.

The reference letter (shared/reference, Barnet ref 5973764) is the golden text.
"""

import dataclasses
import io
import zipfile
from datetime import UTC, date, datetime

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from foidesk import demo, law
from foidesk.casework import services as casework
from foidesk.casework.models import Request
from foidesk.responses import documents, letter, markup, services, tables
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
    assert barnet.responded_on.isoformat() == "2020-02-14"
    [sent] = barnet.sent_responses.all()
    assert (sent.version, sent.sent_on.isoformat(), sent.status) == (1, "2020-02-14", "sent")


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


def test_an_administrators_wording_replaces_a_block_and_the_law_reads_it(barnet):
    """FOIA s.17(7): rights worded away by an administrator are missing from the letter the
    requester gets, so the refusal is no longer complete."""
    LetterBlock.objects.create(
        key="rights", text="### Your rights\n\nWrite to **us** within 40 working days."
    )
    text = services.compose_letter(barnet).text
    assert "Write to us within 40 working days." in text
    assert "Wycliffe House" not in text
    assert services.problems(barnet) == [
        "Q3: the response refuses information but the letter does not mention a review: add "
        "the internal review procedure (FOIA s.17(7))"
    ]


def test_the_public_interest_test_worded_away_is_missing(barnet):
    """FOIA s.17(3): the test recorded on the case must reach the letter."""
    shipped = letter.default_text("exemption")
    LetterBlock.objects.create(key="exemption", text=shipped.split("{% if use.public_interest")[0])
    [problem] = services.problems(barnet)
    assert problem.startswith("Q3: the letter leaves out the factor for disclosure 'Transparency'")
    assert problem.endswith(
        "of the public interest test for section 43(2): give the whole test "
        "in the letter (FOIA s.17(3))"
    )


def test_a_broken_block_is_named_not_a_crash(barnet):
    from foidesk.responses.letter import LetterError

    LetterBlock.objects.create(key="answers", text="{% for q in questions %}{{ q.missing_thing }}")
    with pytest.raises(LetterError, match="The block “The answer to each question” cannot be used"):
        services.compose_letter(barnet)
    [problem] = services.problems(barnet)
    assert problem.startswith("The block “The answer to each question” cannot be used: ")
    assert problem.endswith(
        "Until an administrator corrects it, the letter cannot be written or checked."
    )
    assert services.outcome(barnet) == "partially_withheld"


@pytest.fixture
def weighing(authority, officer):
    """A FOIA request whose public interest test takes longer: Q1 withheld under s.43(2)."""
    case = casework.log_request(
        officer,
        regime="foi",
        received_at=datetime(2020, 1, 17, 10, tzinfo=UTC),
        subject="Contract prices",
        body="1. What did the systems cost?\n2. Who supplies them?",
        requester={"name": "Sam Requester", "email": "sam@example.com"},
    )
    for action in ["start", "draft"]:
        casework.take_action(case, officer, action)
    services.record_decision(
        case,
        officer,
        1,
        held="yes",
        outcome="withheld",
        answer="",
        exemptions=["foia-43-2"],
        published_at="",
    )
    services.record_decision(
        case,
        officer,
        2,
        held="yes",
        outcome="released",
        answer="Servelec HSE.",
        exemptions=[],
        published_at="",
    )
    services.update_response(case, officer, estimated_date=date(2020, 3, 13))
    return case


NOT_YET = (
    "We have not yet reached a decision on the public interest; we expect to do so by "
    "13 March 2020."
)


def test_the_extension_notice_gives_the_estimated_date(weighing, officer):
    """FOIA s.17(2): the notice says the test is not finished and by when it will be."""
    casework.take_action(
        weighing, officer, "extend", on=date(2020, 2, 10), note="Weighing the public interest"
    )
    text = services.compose_letter(weighing).text
    assert NOT_YET in text
    assert "Factors in favour of disclosure" not in text
    assert services.problems(weighing) == []


def test_without_an_extension_the_letter_gives_no_estimated_date(weighing):
    """FOIA s.17(2) and (3): a response that takes no extension gives the test itself."""
    assert NOT_YET not in services.compose_letter(weighing).text
    [problem] = services.problems(weighing)
    assert problem.startswith("Q1: section 43(2) is subject to the public interest test")


def test_an_exemption_block_that_drops_the_date_leaves_the_notice_incomplete(weighing, officer):
    """FOIA s.17(2): the estimated date is looked for in the letter itself."""
    casework.take_action(
        weighing, officer, "extend", on=date(2020, 2, 10), note="Weighing the public interest"
    )
    LetterBlock.objects.create(key="exemption", text="### {{ use.heading }}\n\n{{ use.wording }}")
    assert services.problems(weighing) == [
        "The response applies a public interest extension, but the letter does not give the "
        "estimated date, 13 March 2020: say that a decision is expected by then (FOIA s.17(2))"
    ]


# The made-up responses an administrator's wording is checked on.


def defaults():
    return {key: letter.default_text(key) for key in letter.BLOCK_KEYS}


@pytest.mark.parametrize("sample", letter.samples(), ids=lambda sample: sample.name)
def test_each_made_up_response_says_everything_with_the_shipped_wording(sample):
    """FOIA s.16, s.17(1)-(3), (7); FOISA s.16, s.19: the samples are complete as foidesk
    words them, so whatever the law finds in them with other wording is that wording's."""
    written = letter.compose(sample.context, defaults())
    assert law.problems(dataclasses.replace(sample.facts, letter=written.text)) == []


def test_the_samples_ask_for_every_part_of_the_letter_the_law_checks():
    """FOIA s.16, s.17(2), s.17(3), s.17(7), FOISA s.19 and the s.21 pattern: a sample that
    needs each, so that no block can drop it unnoticed."""
    facts = [sample.facts for sample in letter.samples()]
    assert {f.regime for f in facts} == {"foi", "foisa"}
    assert any(f.extension_applied and f.estimated_date for f in facts)
    decided = [q for f in facts for q in f.questions]
    assert any(q.public_interest for q in decided)
    assert any(q.decision == "published" and q.published_at for q in decided)
    assert any("foia-12-1" in q.exemptions for q in decided)


def test_wording_problems_names_the_sample_and_the_law():
    """FOIA s.17(7)(b) and FOISA s.19(b): a review offered, but no regulator named."""
    found = letter.wording_problems("rights", "### Your rights\n\nAsk us for a review.", defaults())
    assert found == [
        "This wording would leave a refusal under FOIA incomplete, as the made-up response "
        "shows: Q2: the response refuses information but the letter does not name the "
        "Information Commissioner: add the right to complain to the Information Commissioner "
        "(FOIA s.17(7))",
        "This wording would leave a refusal under FOISA incomplete, as the made-up response "
        "shows: Q2: the response refuses information but the letter does not name the "
        "Scottish Information Commissioner: add the right to apply to the Scottish "
        "Information Commissioner (FOISA s.19)",
    ]


def test_the_information_commission_may_be_named_in_the_rights():
    """FOIA s.17(7)(b); the Data (Use and Access) Act 2025 ss.117-119 rename the regulator."""
    renamed = letter.default_text("rights").replace(
        "appeal to the Information Commissioner at: The Information Commissioner's Office",
        "appeal to the Information Commission",
    )
    assert "Commissioner's Office" not in renamed
    assert letter.wording_problems("rights", renamed, defaults()) == []


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
