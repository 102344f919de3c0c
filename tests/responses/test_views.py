"""The response pages: decisions, exemptions, answer sheets, downloads and sending."""

import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from foidesk import demo
from foidesk.accounts.roles import Role
from foidesk.casework import services as casework
from foidesk.casework import workflow
from foidesk.casework.models import Request, ServiceArea
from foidesk.responses import services as responses
from foidesk.responses.models import Decision, ExemptionUse

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make_user):
    return make_user("officer", Role.OFFICER)


@pytest.fixture
def case(authority, officer):
    logged = casework.log_request(
        officer,
        regime="foi",
        received_at=datetime(2020, 1, 17, 10, tzinfo=UTC),
        subject="Social care systems",
        body="1. Which systems?\n2. What did they cost?",
        requester={"name": "Sam Requester", "email": "sam@example.com"},
    )
    for action in ["start", "draft"]:
        casework.take_action(logged, officer, action)
    return logged


def url(case, path=""):
    return f"/staff/requests/{case.reference}/response/{path}"


def test_deciding_a_question_withholding_under_43_2_and_giving_the_test(client, case, officer):
    """FOIA s.17(1) and (3): cite the exemption, then give the public interest test."""
    client.force_login(officer)
    client.post(
        url(case, "questions/2/"),
        {"held": "yes", "outcome": "withheld", "answer": "", "exemptions": ["foia-43-2"]},
    )
    assert Decision.objects.get(question__number=2).exemptions == ["foia-43-2"]
    page = client.get(url(case)).content.decode()
    assert "public interest test" in page
    assert "Before this response can be approved or sent" in page

    client.post(
        url(case, "exemptions/foia-43-2/"),
        {
            "reasons": "Prices were negotiated individually.",
            "for_disclosure": "Transparency\n- How public money is spent",
            "for_withholding": "The council's negotiating position",
            "conclusion": "The public interest favours withholding.",
        },
    )
    use = ExemptionUse.objects.get()
    assert use.for_disclosure == "Transparency\nHow public money is spent"
    client.post(
        url(case, "questions/1/"), {"held": "yes", "outcome": "released", "answer": "Mosaic."}
    )
    page = client.get(url(case)).content.decode()
    assert "The response says everything the law requires of it." in page
    assert "Partially withheld" in page
    assert "Factors in favour of withholding" in page


def test_an_exemption_from_another_law_cannot_be_chosen(client, case, officer):
    client.force_login(officer)
    response = client.post(
        url(case, "questions/1/"),
        {"held": "yes", "outcome": "withheld", "exemptions": ["eir-12-5-e"]},
    )
    assert response.status_code == 200
    assert "not one of the available choices" in response.content.decode()


def test_an_incomplete_refusal_cannot_be_sent_for_approval_and_says_why(client, case, officer):
    client.force_login(officer)
    client.post(url(case, "questions/1/"), {"held": "yes", "outcome": "withheld", "exemptions": []})
    response = client.post(f"/staff/requests/{case.reference}/actions/submit_for_approval/")
    page = response.content.decode()
    assert "The response is not ready yet" in page
    assert "Q1" in page
    assert Request.objects.get().state == "drafting"


def test_adding_and_filling_an_answer_sheet(client, case, officer):
    client.force_login(officer)
    response = client.post(
        url(case, "sheets/new/"),
        {"name": "Adults", "columns": "Mosaic\n", "rows": "Supplier\nLicence fees 2018/19"},
    )
    sheet = case.answer_sheets.get()
    assert response["Location"] == url(case, f"sheets/{sheet.pk}/")
    client.post(
        url(case, f"sheets/{sheet.pk}/"),
        {"cell-0-0": "Servelec HSE", "cell-1-0": "Withheld (section 43(2))"},
    )
    sheet.refresh_from_db()
    assert sheet.cells["0:0"] == {
        "kind": "value",
        "value": "Servelec HSE",
        "exemption": "",
        "link": "",
    }
    assert sheet.cells["1:0"]["kind"] == "withheld"
    grid = client.get(url(case, f"sheets/{sheet.pk}/")).content.decode()
    assert 'value="Withheld (section 43(2))"' in grid

    workbook = load_workbook(io.BytesIO(client.get(url(case, "answers.xlsx")).content))
    assert workbook["Adults"]["B3"].value == "Withheld (section 43(2))"


def test_uploading_a_csv_sheet(client, case, officer):
    client.force_login(officer)
    csv = io.BytesIO(b",Mosaic\nSupplier,Servelec HSE\nUsers,415\n")
    csv.name = "Adults.csv"
    response = client.post(url(case, "sheets/upload/"), {"workbook": csv})
    assert response.status_code == 302
    sheet = case.answer_sheets.get()
    assert (sheet.name, sheet.columns, sheet.rows) == ("Adults", ["Mosaic"], ["Supplier", "Users"])


def test_a_file_that_cannot_be_read_is_explained_and_kept(client, case, officer):
    client.force_login(officer)
    junk = io.BytesIO(b"%PDF-1.7 not a spreadsheet")
    junk.name = "answers.xlsx"
    page = client.post(url(case, "sheets/upload/"), {"workbook": junk}).content.decode()
    assert "There is a problem" in page
    assert "The file is kept as uploads/" in page
    kept = case.sheet_uploads.get()
    assert f"The file is kept as {kept.file.name}." in page
    with kept.file.open("rb") as stored:
        assert stored.read() == b"%PDF-1.7 not a spreadsheet"
    assert not case.answer_sheets.exists()


@pytest.mark.parametrize(
    ("extension", "starts"),
    [("docx", b"PK"), ("pdf", b"%PDF"), ("html", b"<!DOCTYPE html>")],
)
def test_the_letter_downloads(client, authority, make_user, extension, starts):
    demo.load("pw-for-tests", generated=0)
    client.force_login(make_user("officer2", Role.OFFICER))
    response = client.get(f"/staff/requests/5973764/response/letter.{extension}")
    assert response.status_code == 200
    assert response.content.startswith(starts)
    assert "5973764-response" in response["Content-Disposition"]


def test_recording_the_response_as_sent(client, case, officer, make_user):
    client.force_login(officer)
    client.post(
        url(case, "questions/1/"), {"held": "yes", "outcome": "released", "answer": "Mosaic."}
    )
    client.post(
        url(case, "questions/2/"),
        {"held": "no", "outcome": "not_held", "answer": "We do not hold this information."},
    )
    casework.take_action(case, officer, "submit_for_approval")
    casework.take_action(case, make_user("approver", Role.APPROVER), "approve")
    response = client.post(
        url(case, "send/"),
        {"on-day": "14", "on-month": "2", "on-year": "2020", "method": "post", "record": "yes"},
    )
    assert response["Location"] == f"/staff/requests/{case.reference}/"
    case.refresh_from_db()
    assert case.state == "responded"
    assert case.responded_on.isoformat() == "2020-02-14"
    [sent] = case.sent_responses.all()
    assert (sent.method, sent.sent_on.isoformat()) == ("post", "2020-02-14")


def test_the_generic_action_page_hands_sending_to_the_send_page(client, case, officer):
    client.force_login(officer)
    response = client.get(f"/staff/requests/{case.reference}/actions/mark_sent/")
    assert response["Location"] == url(case, "send/")


# Who may see and change a response: 200 shown, 403 refused, 404 hidden.
PAGES = ["", "questions/1/", "details/", "letter.html", "send/"]
MATRIX = {
    Role.OFFICER: [200, 200, 200, 200, 200],
    Role.APPROVER: [200, 403, 403, 200, 403],
    "contributor, asked": [403, 403, 403, 403, 403],
    "contributor, not asked": [404, 404, 404, 404, 404],
}


@pytest.mark.parametrize("who", MATRIX)
def test_response_permission_matrix(client, case, officer, make_user, who):
    area = ServiceArea.objects.create(name="Adults Services")
    ServiceArea.objects.create(name="Family Services")
    casework.request_contribution(case, officer, area, case.questions.all())
    case.refresh_from_db()
    if who == Role.OFFICER:
        user = officer
    elif who == Role.APPROVER:
        user = make_user("approver", Role.APPROVER)
    else:
        areas = ["Adults Services"] if who == "contributor, asked" else ["Family Services"]
        user = make_user("contributor", Role.CONTRIBUTOR, service_areas=areas)
    client.force_login(user)
    got = [client.get(url(case, page)).status_code for page in PAGES]
    assert got == MATRIX[who]


def test_each_page_links_back_where_it_came_from(client, case, officer):
    client.force_login(officer)
    assert "Back to the response" in client.get(url(case, "details/")).content.decode()
    assert "Back to the request" in client.get(url(case, "send/")).content.decode()
    assert (
        "Back to the request"
        in client.get(f"/staff/requests/{case.reference}/details/").content.decode()
    )


def test_starting_from_a_previous_answer_copies_it_marked_to_check(case, officer):
    from foidesk.responses import services as responses

    demo.load("pw", generated=0)
    barnet = Request.objects.get(reference="5973764")
    new = casework.log_request(
        officer,
        regime="foi",
        received_at=datetime(2024, 3, 1, tzinfo=UTC),
        subject="Social care systems",
        body="Q1. Which systems?\nQ2. How many users?\nQ3. What did they cost?",
        requester={"name": "Another Person", "email": "another@example.com"},
    )
    responses.copy_from(new, barnet, officer)
    decisions = {d.question.number: d for d in responses.decisions_of(new)}
    assert decisions[3].outcome == "partly_released"
    assert decisions[3].exemptions == ["foia-43-2"]
    assert {d.copied_from for d in decisions.values()} == {"5973764"}
    assert new.exemption_uses.get().conclusion.startswith("In all the circumstances")
    assert [s.name for s in new.answer_sheets.all()] == ["Adults", "Childrens"]
    responses.record_decision(
        new,
        officer,
        1,
        held="yes",
        outcome="released",
        answer="Checked.",
        exemptions=[],
        published_at="",
    )
    assert responses.decisions_of(new)[0].copied_from == ""
    assert new.timeline.filter(description__contains="check each part is still true").exists()


@pytest.fixture
def copied(officer):
    """A new request about the same systems, its response started from Barnet's 5973764."""
    from foidesk.responses import services as responses

    demo.load("pw", generated=0)
    new = casework.log_request(
        officer,
        regime="foi",
        received_at=datetime(2024, 3, 1, tzinfo=UTC),
        subject="Social care systems",
        body="Q1. Which systems?\nQ2. How many users?\nQ3. What did they cost?",
        requester={"name": "Another Person", "email": "another@example.com"},
    )
    for action in ["start", "draft"]:
        casework.take_action(new, officer, action)
    responses.copy_from(new, Request.objects.get(reference="5973764"), officer)
    return new


def save_as_it_is(case, officer, number):
    """An officer opens the decision, finds it still true, and saves it."""
    from foidesk.responses import services as responses

    decision = next(d for d in responses.decisions_of(case) if d.question.number == number)
    responses.record_decision(
        case,
        officer,
        number,
        held=decision.held,
        outcome=decision.outcome,
        answer=decision.answer,
        exemptions=decision.exemptions,
        published_at=decision.published_at,
    )


def test_a_copied_response_is_not_sent_for_approval_until_each_answer_is_saved(copied, officer):
    with pytest.raises(workflow.TransitionRefused) as refused:
        casework.take_action(copied, officer, "submit_for_approval")
    assert str(refused.value).startswith(
        "Q1, Q2 and Q3 were copied from 5973764: check each is still true and save it, or "
        "confirm the copied answers, before this response goes for approval or is sent."
    )
    save_as_it_is(copied, officer, 1)
    save_as_it_is(copied, officer, 3)
    with pytest.raises(workflow.TransitionRefused, match=r"^Q2 was copied from 5973764: check it"):
        casework.take_action(copied, officer, "submit_for_approval")
    save_as_it_is(copied, officer, 2)
    # The sheets came too, and name the years Barnet was asked about in 2020.
    with pytest.raises(workflow.TransitionRefused) as refused:
        casework.take_action(copied, officer, "submit_for_approval")
    assert str(refused.value).startswith(
        "Sheet “Adults” was copied from 5973764, made in another year, and names 2014/15, "
        "2015/16, 2016/17, 2017/18 and 2018/19: change its row titles"
    )
    responses.confirm_copied(copied, officer)
    casework.take_action(copied, officer, "submit_for_approval")
    assert copied.state == "awaiting_approval"


@pytest.mark.parametrize(
    ("state", "action"), [("awaiting_approval", "approve"), ("awaiting_dispatch", "mark_sent")]
)
def test_a_copied_answer_is_neither_approved_nor_sent(copied, officer, make_user, state, action):
    for number in (1, 2, 3):
        save_as_it_is(copied, officer, number)
    Request.objects.filter(pk=copied.pk).update(state=state)
    copied.refresh_from_db()
    Decision.objects.filter(question__request=copied, question__number=3).update(
        copied_from="5973764"
    )
    actor = make_user("approver2", Role.APPROVER) if action == "approve" else officer
    with pytest.raises(workflow.TransitionRefused, match=r"^Q3 was copied from 5973764"):
        casework.take_action(copied, actor, action)
    assert Request.objects.get(pk=copied.pk).state == state


def test_the_response_page_says_which_copied_answers_to_check(client, copied, officer):
    client.force_login(officer)
    Decision.objects.filter(question__request=copied, question__number=1).update(
        answer="Mosaic <b>and</b> LiquidLogic"
    )
    page = client.get(url(copied)).content.decode()
    problems = page.split('id="problems">', 1)[1].split("</ul>", 1)[0]
    assert (
        "Q1, Q2 and Q3 were copied from 5973764: check each is still true and save it, or "
        "confirm the copied answers, before this response goes for approval or is sent." in problems
    )
    assert "Copied answers to check" in page
    assert (
        '<strong class="govuk-tag govuk-tag--yellow">Copied from 5973764: check it is still '
        "true</strong><br>Released: Mosaic &lt;b&gt;and&lt;/b&gt; LiquidLogic" in page
    )
    assert "&lt;strong" not in page
    refused = client.post(f"/staff/requests/{copied.reference}/actions/submit_for_approval/")
    assert "Q1, Q2 and Q3 were copied from 5973764" in refused.content.decode()
    assert Request.objects.get(pk=copied.pk).state == "drafting"


def test_a_block_that_cannot_be_written_is_shown_on_the_response_page(client, case, officer):
    from foidesk.responses.models import LetterBlock

    LetterBlock.objects.create(key="answers", text="{% for q in questions %}{{ q.nothing }}")
    client.force_login(officer)
    response = client.get(url(case))
    assert response.status_code == 200
    problems = response.content.decode().split('id="problems">', 1)[1].split("</ul>", 1)[0]
    assert "The block “The answer to each question” cannot be used" in problems
    assert "the letter cannot be written or checked" in problems
    download = client.get(url(case, "letter.pdf"), follow=True)
    assert download.redirect_chain == [(url(case), 302)]
    assert "The letter cannot be written: The block “The answer to each question”" in (
        download.content.decode()
    )
