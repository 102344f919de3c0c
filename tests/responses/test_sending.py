"""Sending the response: by email through a real SMTP server on loopback, or recorded as
sent another way; each version kept exactly as it went; approval is of those words."""

import hashlib
from datetime import UTC, date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from foidesk.accounts.roles import Role
from foidesk.casework import services as casework
from foidesk.casework.models import Authority, Request
from foidesk.intake import outgoing
from foidesk.intake.models import Correspondence
from foidesk.responses import sending, services, tables
from foidesk.responses.models import LetterBlock, SentResponse
from foidesk.responses.services import ResponseError
from tests.mail import smtp_sink

pytestmark = pytest.mark.django_db(transaction=True)

SENT_DAY = datetime(2020, 2, 14, 11, 0, tzinfo=UTC)


@pytest.fixture
def inbox(settings):
    with smtp_sink(settings) as caught:
        yield caught


@pytest.fixture
def approver(make_user):
    return make_user("approver", Role.APPROVER)


@pytest.fixture
def drafted(authority, officer):
    """The reference letter's request in short: two questions, one withheld under s.43(2)
    with its test, an answer sheet, and the requester's email to reply to."""
    case = casework.log_request(
        officer,
        regime="foi",
        received_at=datetime(2020, 1, 17, 10, 12, tzinfo=UTC),
        subject="Social care systems",
        body="1. Which systems do you use?\n2. What did they cost?",
        requester={"name": "Sam Requester", "email": "sam@example.com"},
    )
    Correspondence.objects.create(
        request=case,
        direction=Correspondence.Direction.IN,
        kind=Correspondence.Kind.REQUEST,
        message_id="<request-1@example.com>",
    )
    for action in ["start", "draft"]:
        casework.take_action(case, officer, action)
    services.record_decision(
        case,
        officer,
        1,
        held="yes",
        outcome="released",
        answer="Mosaic, with around 415 users.",
        exemptions=[],
        published_at="",
    )
    services.record_decision(
        case,
        officer,
        2,
        held="yes",
        outcome="withheld",
        answer="",
        exemptions=["foia-43-2"],
        published_at="",
    )
    services.record_exemption_use(
        case,
        officer,
        "foia-43-2",
        reasons="The prices were negotiated individually.",
        for_disclosure="Transparency",
        for_withholding="The council's negotiating position",
        conclusion="The public interest favours withholding the information.",
    )
    services.save_sheet(
        case,
        officer,
        tables.Sheet(
            "Adults",
            ["Mosaic"],
            ["Users", "Spend"],
            {
                (0, 0): tables.Cell("value", "415"),
                (1, 0): tables.Cell("withheld", exemption="section 43(2)"),
            },
        ),
    )
    return case


@pytest.fixture
def approved(drafted, officer, approver):
    casework.take_action(drafted, officer, "submit_for_approval")
    casework.take_action(drafted, approver, "approve")
    return drafted


def deliver_everything():
    """Run what the worker would: the queued deliveries."""
    for queued in Correspondence.objects.filter(status__in=["queued", "retrying"]):
        outgoing.deliver.call(queued.pk)


def answer_q1(case, officer, answer):
    services.record_decision(
        case,
        officer,
        1,
        held="yes",
        outcome="released",
        answer=answer,
        exemptions=[],
        published_at="",
    )


def state_of(case):
    return Request.objects.get(pk=case.pk).state


def test_sending_by_email_delivers_the_letter_with_its_files_and_keeps_them(
    approved, officer, inbox, time_machine
):
    time_machine.move_to(SENT_DAY, tick=False)
    sent = sending.send_by_email(approved, officer)
    # Queued, not yet accepted: the request is not responded until the server says so.
    assert (sent.version, sent.status, state_of(approved)) == (1, "sending", "sending")
    assert Request.objects.get(pk=approved.pk).responded_on is None
    assert inbox.messages == []

    deliver_everything()
    [email] = inbox.to("sam@example.com")
    assert approved.reference in email["Subject"]
    assert email["From"] == "London Borough of Barnet <foidesk@localhost>"
    assert email["Reply-To"] == "foi@barnet.gov.uk"
    assert email["In-Reply-To"] == "<request-1@example.com>"
    assert "Mosaic, with around 415 users." in email.get_body(("plain",)).get_content()
    assert "<h2>" in email.get_body(("html",)).get_content()
    attached = {part.get_filename(): part.get_content() for part in email.iter_attachments()}
    assert set(attached) == {
        f"{approved.reference}-response.pdf",
        f"{approved.reference}-response.docx",
        f"{approved.reference}-answers.xlsx",
    }
    assert attached[f"{approved.reference}-response.pdf"].startswith(b"%PDF")

    approved.refresh_from_db()
    assert approved.state == "responded"
    assert approved.responded_on == date(2020, 2, 14)
    sent.refresh_from_db()
    assert sent.status == "sent"
    assert sent.recipient == "sam@example.com"
    kept = {item.name: item for item in sent.files.all()}
    for name, data in attached.items():
        assert sending.read(kept[name]) == data
        assert kept[name].sha256 == hashlib.sha256(data).hexdigest()
    assert {item.format for item in sent.files.all()} == {"pdf", "docx", "html", "txt", "xlsx"}
    assert "Response version 1 sent by email, dated Fri 14 Feb 2020" in [
        event.description for event in approved.timeline.all()
    ]


def test_what_was_sent_never_changes_when_the_response_is_corrected_later(
    approved, officer, approver, inbox
):
    sending.send_by_email(approved, officer)
    deliver_everything()
    [email] = inbox.messages
    emailed_pdf = next(
        part.get_content()
        for part in email.iter_attachments()
        if part.get_filename().endswith(".pdf")
    )
    with pytest.raises(ResponseError, match="Correct the response"):
        services.record_decision(
            approved,
            officer,
            1,
            held="yes",
            outcome="released",
            answer="Mosaic, with 9999 users.",
            exemptions=[],
            published_at="",
        )
    with pytest.raises(casework.CaseworkError, match="Say what is wrong"):
        casework.take_action(approved, officer, "correct")
    casework.take_action(approved, officer, "correct", note="The number of users was wrong.")
    answer_q1(approved, officer, "Mosaic, with 9999 users.")
    version_1 = sending.sent_version(approved, 1)
    assert sending.read(sending.sent_file(version_1, "pdf")) == emailed_pdf
    assert "415 users" in sending.read(sending.sent_file(version_1, "txt")).decode()

    casework.take_action(approved, officer, "submit_for_approval")
    casework.take_action(approved, approver, "approve")
    version_2 = sending.send_by_email(approved, officer)
    deliver_everything()
    assert version_2.version == 2
    correction = inbox.messages[-1]
    assert correction["Subject"].startswith("Correction to our response")
    letter = sending.read(sending.sent_file(version_2, "txt")).decode()
    first_sent = version_1.sent_on.day, f"{version_1.sent_on:%B %Y}"
    assert (
        f"This letter corrects our response of {first_sent[0]} {first_sent[1]}, and replaces "
        "it. The number of users was wrong."
    ) in letter
    assert sending.read(sending.sent_file(version_1, "pdf")) == emailed_pdf
    assert sending.sent_version(approved).version == 2
    [entry] = approved.timeline.filter(description__startswith="Response version 2 sent")
    assert "It corrects version 1: The number of users was wrong." in entry.description
    assert "Q1: answer: “Mosaic, with around 415 users.” → “Mosaic, with 9999 users.”" in (
        entry.description
    )
    approved.refresh_from_db()
    # A correction does not move the day the request was first answered.
    assert approved.responded_on == version_1.sent_at.date()
    assert services.response_of(approved).correction_reason == ""


def test_a_change_after_approval_takes_the_response_back_to_the_approver(
    approved, officer, approver, client
):
    """Approval is of the words: changed after it, the response goes back for approval,
    the timeline saying what changed, and the approver sees it before and after."""
    answer_q1(approved, officer, "Mosaic, with 9999 users.")
    assert state_of(approved) == "awaiting_approval"
    lapsed = approved.timeline.get(kind="state_changed", description__startswith="Changed after")
    assert "Q1: answer: “Mosaic, with around 415 users.” → “Mosaic, with 9999 users.”" in (
        lapsed.description
    )
    client.force_login(approver)
    page = client.get(f"/staff/requests/{approved.reference}/response/").content.decode()
    assert "What changed since it was approved" in page
    assert "<del>Mosaic, with around 415 users.</del>" in page
    assert "<ins>Mosaic, with 9999 users.</ins>" in page


def test_without_required_approval_a_change_after_it_goes_back_to_drafting(approved, officer):
    Authority.objects.update(approval_required=False)
    services.update_response(approved, officer, advice_and_assistance="Ask us for 2019 only.")
    assert state_of(approved) == "drafting"


def test_the_approvers_sees_what_changed_since_they_returned_it(drafted, officer, approver, client):
    casework.take_action(drafted, officer, "submit_for_approval")
    casework.take_action(drafted, approver, "return_for_changes", note="Say how many users.")
    services.record_exemption_use(
        drafted,
        officer,
        "foia-43-2",
        reasons="The prices were negotiated individually.",
        for_disclosure="Transparency\nHow public money is spent",
        for_withholding="The council's negotiating position",
        conclusion="The public interest favours withholding the information.",
    )
    casework.take_action(drafted, officer, "submit_for_approval")
    client.force_login(approver)
    page = client.get(f"/staff/requests/{drafted.reference}/response/").content.decode()
    assert "What changed since it was returned for changes" in page
    assert "Section 43(2): factors for disclosure" in page
    assert "Transparency; How public money is spent" in page


def test_an_edit_to_the_questions_or_the_letters_wording_lapses_approval(approved, officer):
    casework.set_questions(approved, officer, ["Which systems?", "What did they cost?"])
    assert state_of(approved) == "awaiting_approval"


def test_an_administrators_change_to_the_letter_lapses_each_approved_response(
    approved, make_user, client
):
    admin = make_user("admin", Role.ADMIN)
    admin.is_staff = True
    admin.save()
    client.force_login(admin)
    shipped = services.letter.default_text("further_information")
    response = client.post(
        "/admin/responses/letterblock/add/",
        {"key": "further_information", "text": shipped + "\nSee also our publication scheme."},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert LetterBlock.objects.count() == 1
    assert state_of(approved) == "awaiting_approval"


def test_nothing_changed_since_approval_can_be_sent_unapproved(approved, officer):
    # A change made behind the services' backs is still caught when it is sent.
    decision = approved.questions.get(number=1).decision
    type(decision).objects.filter(pk=decision.pk).update(answer="Mosaic, with 9999 users.")
    with pytest.raises(ResponseError, match="changed since it was approved"):
        sending.send_by_email(approved, officer)
    assert state_of(approved) == "awaiting_approval"
    assert not SentResponse.objects.exists()


def test_a_refused_address_is_shown_and_can_be_tried_again(approved, officer, inbox):
    sending.send_by_email(approved, officer)
    inbox.answer = "550 No such user here"
    deliver_everything()
    sent = SentResponse.objects.get()
    assert (sent.status, state_of(approved)) == ("not_delivered", "sending")
    assert "550" in sending.not_delivered(approved).correspondence.error

    inbox.answer = "250 Message accepted"
    sending.try_again(approved, officer)
    deliver_everything()
    sent.refresh_from_db()
    assert (sent.status, state_of(approved)) == ("sent", "responded")
    assert len(inbox.messages) == 1


def test_a_response_sent_again_to_a_corrected_address_records_that_address(
    approved, officer, inbox
):
    sending.send_by_email(approved, officer)
    inbox.answer = "550 No such user here"
    deliver_everything()

    inbox.answer = "250 Message accepted"
    failed = sending.not_delivered(approved).correspondence
    outgoing.try_again(failed, officer, "sam.corrected@example.com")
    sent = SentResponse.objects.get()
    assert (sent.status, sent.recipient) == ("sending", "sam.corrected@example.com")
    deliver_everything()
    sent.refresh_from_db()
    assert (sent.status, state_of(approved)) == ("sent", "responded")
    assert [m["To"] for m in inbox.messages] == ["sam.corrected@example.com"]


def test_a_busy_server_is_tried_again_and_the_case_waits(approved, officer, inbox):
    sending.send_by_email(approved, officer)
    inbox.answer = "451 Try again later"
    deliver_everything()
    assert state_of(approved) == "sending"
    assert Correspondence.objects.get(kind="response").status == "retrying"
    with pytest.raises(casework.workflow.TransitionRefused, match="waiting for the mail server"):
        sending.record_sent(approved, officer, on=date(2020, 2, 14), method="post")


def test_recording_a_response_sent_by_post_keeps_the_letter_of_that_day(
    approved, officer, time_machine
):
    time_machine.move_to(datetime(2020, 2, 17, 9, tzinfo=UTC), tick=False)
    with pytest.raises(ResponseError, match="today or earlier"):
        sending.record_sent(approved, officer, on=date(2020, 2, 18), method="post")
    with pytest.raises(ResponseError, match="before the request was received"):
        sending.record_sent(approved, officer, on=date(2020, 1, 1), method="post")
    sent = sending.record_sent(approved, officer, on=date(2020, 2, 14), method="post")
    assert (sent.version, sent.method, sent.status) == (1, "post", "sent")
    assert "14 February 2020" in sending.read(sending.sent_file(sent, "txt")).decode()
    assert sent.recipient == "Sam Requester"
    approved.refresh_from_db()
    assert (approved.state, approved.responded_on) == ("responded", date(2020, 2, 14))


def test_a_response_needing_approval_cannot_be_sent_before_it(drafted, officer):
    with pytest.raises(casework.workflow.TransitionRefused, match="approved before they are sent"):
        sending.send_by_email(drafted, officer)
    Authority.objects.update(approval_required=False)
    sending.send_by_email(drafted, officer)
    assert state_of(drafted) == "sending"


def test_a_requester_without_an_email_address_is_sent_the_response_another_way(approved, officer):
    approved.requester.email = ""
    approved.requester.save()
    with pytest.raises(ResponseError, match="no email address"):
        sending.send_by_email(approved, officer)


def test_the_workbook_goes_in_the_format_the_requester_asked_for(approved, officer, inbox):
    Request.objects.filter(pk=approved.pk).update(requested_format="OpenDocument spreadsheet")
    approved.refresh_from_db()
    sending.send_by_email(approved, officer)
    deliver_everything()
    names = [part.get_filename() for part in inbox.messages[0].iter_attachments()]
    assert f"{approved.reference}-answers.ods" in names


def test_the_send_page_offers_email_and_records_post(approved, officer, client, inbox):
    client.force_login(officer)
    url = f"/staff/requests/{approved.reference}/response/send/"
    page = client.get(url).content.decode()
    assert "sam@example.com" in page
    assert f"{approved.reference}-answers.xlsx" in page
    response = client.post(url, {"email": "yes"})
    assert response.status_code == 302
    assert state_of(approved) == "sending"
    page = client.get(url).content.decode()
    assert "waiting for the mail server" in page
    deliver_everything()
    case_page = client.get(f"/staff/requests/{approved.reference}/").content.decode()
    assert "Responded" in case_page
    overview = client.get(f"/staff/requests/{approved.reference}/response/").content.decode()
    assert "SHA-256" in overview
    download = client.get(f"/staff/requests/{approved.reference}/response/sent/1/pdf")
    assert download.content == sending.read(
        sending.sent_file(sending.sent_version(approved), "pdf")
    )


def test_only_officers_send(approved, client, approver):
    client.force_login(approver)
    assert client.post(f"/staff/requests/{approved.reference}/response/send/").status_code == 403
    assert not SentResponse.objects.exists()


def test_a_file_with_hidden_content_is_never_attached(approved, officer, monkeypatch, inbox):
    """The response's files are checked as released files are (the ICO's note on disclosure,
    2023): a workbook hiding a sheet stops the email, whatever wrote it."""
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "Adults"
    workbook.create_sheet("Staff list").sheet_state = "hidden"
    out = io.BytesIO()
    workbook.save(out)
    monkeypatch.setattr(services, "render_answers", lambda case, extension: out.getvalue())
    with pytest.raises(ResponseError, match="hidden content, so nothing was sent"):
        sending.send_by_email(approved, officer)
    assert state_of(approved) == "awaiting_dispatch"
    assert not SentResponse.objects.exists()


def test_an_upload_hiding_a_sheet_is_read_for_its_visible_cells_only(drafted, officer, client):
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    visible = workbook.active
    visible.title = "Family"
    visible.append(["", "LiquidLogic"])
    visible.append(["Users", "350"])
    staff = workbook.create_sheet("Staff list")
    staff.append(["", "Name"])
    staff.append(["1", "Pat Smith, 020 8359 4000"])
    staff.sheet_state = "hidden"
    out = io.BytesIO()
    workbook.save(out)
    client.force_login(officer)
    url = f"/staff/requests/{drafted.reference}/response/sheets/upload/"

    def upload(**extra):
        out.seek(0)
        return client.post(
            url, {"workbook": SimpleUploadedFile("answers.xlsx", out.read()), **extra}
        )

    refused = upload().content.decode()
    assert "holds more than its visible cells" in refused
    assert "Staff list" in refused
    assert not drafted.answer_sheets.filter(name="Family").exists()
    assert upload(visible_only="on").status_code == 302
    assert list(drafted.answer_sheets.values_list("name", flat=True)) == ["Adults", "Family"]
