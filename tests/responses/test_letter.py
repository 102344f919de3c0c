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
from foidesk.casework import workflow
from foidesk.casework.models import Request
from foidesk.law.refusals import Outcome
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
    # What the reference letter says of Family Services, in Q1 and Q3 alike.
    "Family Services use LiquidLogic",
    "provided as part of the Capita contract",
]
# Then the letter is addressed and signed, as a council's letter is.
ADDRESSED_AND_SIGNED = [
    "Sam Requester\n\n12 Example Road\n\nFinchley\n\nN3 9ZZ\n\nDear Sam Requester,",
    "Yours sincerely,\n\nOlu Officer\n\nInformation Management Team\n\nLondon Borough of Barnet\n",
]


def test_the_demo_letter_says_what_barnet_said(barnet):
    """FOIA s.17(1), (3) and (7): the exemption, its public interest test, the rights."""
    text = services.compose_letter(barnet).text
    for sentence in GOLDEN + ADDRESSED_AND_SIGNED:
        assert sentence in text
    # The reference letter's order: each part found after the one before it.
    at = 0
    for marker in [
        "Our ref",
        "Sam Requester",
        "Dear Sam Requester,",
        "Thank you",
        "RESPONSE",
        "Q1.",
        "Q4.",
        "Section 43(2)",
        "Your rights",
        "Yours sincerely,",
    ]:
        at = text.index(marker, at)
    assert text.endswith(ADDRESSED_AND_SIGNED[1])


def test_every_question_is_answered_for_both_services_in_the_letter(barnet):
    """Each of Q1-Q4 answers for Adults and for Family Services, or says why not."""
    text = services.compose_letter(barnet).text
    answers = text[text.index("RESPONSE") : text.index("The answers are also in")]
    for number in range(1, 5):
        start = answers.index(f"\nQ{number}. ")
        end = answers.index(f"\nQ{number + 1}. ") if number < 4 else len(answers)
        answer = answers[start:end]
        assert "Adults" in answer
        assert "Family Services" in answer
    q3 = answers[answers.index("\nQ3. ") : answers.index("\nQ4. ")]
    assert "We are withholding spend details" in q3
    assert "customer-and-support-group-csg-contract" in q3


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


def test_the_workbook_answers_every_row_for_every_system_as_the_letter_does(barnet):
    """Childrens' supplier and type are said in words, and every row without a figure
    points to the published Capita contract, as the letter's Q3 and Q4 do."""
    workbook = load_workbook(io.BytesIO(tables.to_xlsx(services.answer_table(barnet))))
    childrens = {row[0].value: row[1].value for row in workbook["Childrens"].iter_rows(min_row=2)}
    assert childrens["Supplier"] == "Provided as part of the Capita contract"
    assert childrens["Type"] == "Case management system"
    published = f"Published: {demo.CAPITA_CONTRACT}"
    assert childrens["First implemented"] == published
    assert childrens["Licence fees 2014/15"] == published
    assert childrens["Contract end date"] == published
    for sheet in services.answer_table(barnet).sheets:
        for row in range(len(sheet.rows)):
            for column in range(len(sheet.columns)):
                assert sheet.cell(row, column).kind != tables.EMPTY, (sheet.name, row)
    letter = services.compose_letter(barnet).text
    assert demo.CAPITA_CONTRACT in letter[letter.index("\nQ3. ") : letter.index("\nQ4. ")]


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


# A request of two questions, from a requester with a title and an address.
@pytest.fixture
def two_questions(authority, officer):
    officer.first_name, officer.last_name = "Olu", "Officer"
    officer.save()
    case = casework.log_request(
        officer,
        regime="foi",
        received_at=datetime(2020, 1, 17, 10, tzinfo=UTC),
        subject="Social care systems",
        body="1. Which systems do you use?\n2. What did they cost?",
        requester={
            "name": "Ms Jane Smith",
            "email": "jane@example.org",
            "postal_address": "10 High Street\nExampleton\nEX1 2BB",
        },
    )
    casework.assign(case, officer, officer)
    for action in ["start", "draft"]:
        casework.take_action(case, officer, action)
    return case


def _decide(case, officer, *decisions):
    """Record (held, outcome, exemptions, answer) for Q1, Q2, ... and the public interest
    test of each qualified exemption, so that the response is complete."""
    for number, (held, outcome, exemptions, answer) in enumerate(decisions, start=1):
        services.record_decision(
            case,
            officer,
            number,
            held=held,
            outcome=outcome,
            answer=answer,
            exemptions=exemptions,
            published_at="",
        )
    for use in case.exemption_uses.all():
        services.record_exemption_use(
            case,
            officer,
            use.exemption,
            reasons="The reasons.",
            for_disclosure="Transparency",
            for_withholding="The council's negotiating position",
            conclusion="The public interest favours withholding the information.",
        )


RELEASED = ("yes", "released", [], "Mosaic.")
WITHHELD = ("yes", "withheld", ["foia-43-2"], "")
NOT_HELD = ("no", "not_held", [], "We do not hold this information.")


def _refused(key):
    return ("yes", "withheld", [key], "")


# For each outcome of law.outcome (docs/law/responses.md), the decisions that give it, the words
# the letter's response opens with, and words it must not say.
WORDING = {
    "granted_in_full": (
        [RELEASED, RELEASED],
        "I can confirm that London Borough of Barnet holds the information you requested.\n\n"
        "The information is below.",
        ["However", "withhold"],
    ),
    "partially_withheld": (
        [RELEASED, WITHHELD],
        "However, we consider that the exemption below applies to some of the information "
        "requested. The remaining information is not withheld and is below.",
        ["all of the information"],
    ),
    "withheld_in_full": (
        [WITHHELD, WITHHELD],
        "I can confirm that London Borough of Barnet holds the information you requested.\n\n"
        "However, we consider that the exemption below applies to all of the information you "
        "asked for, so we are withholding it.",
        ["The remaining information", "is below"],
    ),
    "not_held": (
        [NOT_HELD, NOT_HELD],
        "I can confirm that London Borough of Barnet does not hold the information you requested.",
        ["However", "holds the information"],
    ),
    "refused_cost": (
        [_refused("foia-12-1"), _refused("foia-12-1")],
        "We are refusing your request under section 12(1) of the Freedom of Information Act "
        "2000, because the cost of complying with it would exceed the appropriate limit. Our "
        "reasons are below, with advice on how you could narrow your request so that we can "
        "answer it.",
        ["However", "I can confirm", "we have decided to withhold"],
    ),
    "refused_vexatious": (
        [_refused("foia-14-1"), _refused("foia-14-1")],
        "We are refusing your request under section 14(1) of the Freedom of Information Act "
        "2000, because we consider it vexatious. Our reasons are below.",
        ["However", "I can confirm", "we have decided to withhold"],
    ),
    "refused_repeated": (
        [_refused("foia-14-2"), _refused("foia-14-2")],
        "We are refusing your request under section 14(2) of the Freedom of Information Act "
        "2000, because it repeats a request of yours that we have already answered. Our "
        "reasons are below.",
        ["However", "I can confirm", "we have decided to withhold"],
    ),
}


@pytest.mark.parametrize("outcome", list(WORDING))
def test_the_response_is_worded_by_its_outcome(two_questions, officer, outcome):
    """FOIA s.1(1) and s.17(1): say whether the information is held and what is withheld;
    s.17(5): a refusal on cost (s.12) or as vexatious or repeated (s.14) says so."""
    decisions, opening, unsaid = WORDING[outcome]
    assert outcome in Outcome
    _decide(two_questions, officer, *decisions)
    if outcome == "refused_cost":
        services.update_response(
            two_questions, officer, advice_and_assistance="You could ask about one year."
        )
    assert services.problems(two_questions) == []
    assert services.outcome(two_questions) == outcome
    text = services.compose_letter(two_questions).text
    response = text[text.index("RESPONSE") : text.index("Q1. ")]
    assert opening in response
    for words in unsaid:
        assert words not in response
    if outcome.startswith("refused"):
        # A refusal of the request withholds nothing: it says why the request is not answered.
        assert "we have decided to withhold" not in text
        assert "We are withholding this information" not in text
        assert "We are not answering this question, under section 1" in text


def test_an_administrators_held_block_can_use_the_outcome(two_questions, officer):
    LetterBlock.objects.create(key="held", text="## Response\n\nOutcome: {{ outcome }}.")
    _decide(two_questions, officer, RELEASED, WITHHELD)
    assert "Outcome: partially_withheld." in services.compose_letter(two_questions).text


def test_the_letter_is_addressed_to_the_requester_and_greets_them_by_title(two_questions):
    text = services.compose_letter(two_questions).text
    addressed = "Ms Jane Smith\n\n10 High Street\n\nExampleton\n\nEX1 2BB\n\nDear Ms Smith,\n\n"
    assert text.index("Our ref:") < text.index(addressed) < text.index("Thank you")
    assert "jane@example.org" not in text
    assert text.endswith(
        "Yours sincerely,\n\nOlu Officer\n\nInformation Management Team\n\n"
        "London Borough of Barnet\n"
    )


def test_a_letter_to_nobody_by_name_greets_sir_or_madam_and_signs_faithfully(two_questions):
    """The disclosure log's copy, and a requester since erased, are addressed to nobody."""
    unaddressed = services.compose_letter(two_questions, addressed=False).text
    two_questions.requester.delete()
    two_questions.refresh_from_db()
    erased = services.compose_letter(two_questions).text
    for text in [unaddressed, erased]:
        assert "Smith" not in text
        assert "High Street" not in text
        assert "Our ref: " in text
        assert "\n\nDear Sir or Madam,\n\nThank you" in text
        assert "Yours faithfully,\n\nOlu Officer" in text


def test_without_an_officer_the_team_signs(two_questions, officer):
    casework.assign(two_questions, officer, None)
    two_questions.refresh_from_db()
    text = services.compose_letter(two_questions).text
    assert text.endswith(
        "Yours sincerely,\n\nInformation Management Team\n\nLondon Borough of Barnet\n"
    )


# A requester's name and request that look like the letter's markup.
MARKUP_NAME = "**Bob** [x](https://evil.example) ## Heading"
MARKUP_ADDRESS = "- 1 Bullet Row\n> Quote Town\n## EX1 1AA"


def test_the_requesters_words_stay_plain_text_in_every_rendering(authority, officer):
    case = casework.log_request(
        officer,
        regime="foi",
        received_at=datetime(2020, 1, 17, 10, tzinfo=UTC),
        subject="Systems",
        body="1. Which **systems** [here](https://evil.example)?\n\n## Not a heading",
        requester={"name": MARKUP_NAME, "postal_address": MARKUP_ADDRESS},
    )
    composed = services.compose_letter(case)
    text = composed.text
    for words in [
        f"{MARKUP_NAME}\n\n- 1 Bullet Row\n\n> Quote Town\n\n## EX1 1AA\n\nDear {MARKUP_NAME},",
        "> 1. Which **systems** [here](https://evil.example)?",
        "> ## Not a heading",
        "Q1. Which **systems** [here](https://evil.example)?",
    ]:
        assert words in text
    html = composed.html
    assert "evil.example" in html
    assert 'href="https://evil.example"' not in html
    assert "<strong>Bob</strong>" not in html
    assert "<strong>systems</strong>" not in html
    assert "<h2>Heading" not in html
    assert "<h2>Not a heading" not in html
    assert "<li>1 Bullet Row" not in html
    assert "<blockquote><p>Quote Town" not in html
    document = Document(io.BytesIO(documents.to_docx(composed)))
    assert f"Dear {MARKUP_NAME}," in [p.text for p in document.paragraphs]
    assert not [rel for rel in document.part.rels.values() if "evil" in rel.target_ref]
    assert not [
        run for p in document.paragraphs for run in p.runs if run.bold and "Bob" in run.text
    ]
    pdf = PdfReader(io.BytesIO(documents.to_pdf(composed)))
    assert "**Bob**" in " ".join(page.extract_text() for page in pdf.pages)
    links = [
        annotation.get_object().get("/A", {}).get("/URI", "")
        for page in pdf.pages
        for annotation in page.get("/Annots") or []
    ]
    assert not [link for link in links if "evil" in link]


def test_every_shipped_block_can_be_previewed_on_the_sample_response():
    for key in letter.BLOCK_KEYS:
        assert letter.preview(key, letter.default_text(key)).strip(), key
    assert "Dear Ms Smith," in letter.preview("addressee", letter.default_text("addressee"))
    assert "Olu Officer" in letter.preview("sign_off", letter.default_text("sign_off"))


def test_an_answer_sheet_cell_left_empty_holds_the_response_back(barnet):
    """Asked for a sheet per service and a column per system, every cell is an answer."""
    childrens = barnet.answer_sheets.get(name="Childrens")
    del childrens.cells["2:0"]  # "Type"
    childrens.save()
    assert services.problems(barnet) == [
        "Sheet “Childrens”, row “Type”, column “LiquidLogic” has no answer: give it, or say "
        "why (withheld, not held or published elsewhere)"
    ]
    with pytest.raises(workflow.TransitionRefused, match="row “Type”, column “LiquidLogic”"):
        workflow.case_type_of(barnet).run_guards("mark_sent", barnet)


def test_a_sheet_with_many_empty_cells_is_named_once(barnet):
    adults = barnet.answer_sheets.get(name="Adults")
    adults.cells = {"0:0": adults.cells["0:0"]}
    adults.save()
    assert services.problems(barnet) == [
        f"Sheet “Adults” has {len(adults.rows) - 1} cells with no answer, the first row "
        "“Supplier”, column “Mosaic”: give each its answer, or say why (withheld, not held or "
        "published elsewhere)"
    ]
