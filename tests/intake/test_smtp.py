"""Email in and out over real SMTP on loopback: smtplib to foidesk's listener, and foidesk's
own mail to an aiosmtpd sink."""

import smtplib
from email.message import EmailMessage

import pytest
from django_tasks_db.models import DBTaskResult

from foidesk.casework.models import Request
from foidesk.demo import REFERENCE_CASE
from foidesk.intake import outgoing, parsing, smtp
from foidesk.intake.models import Correspondence, InboundMessage
from foidesk.law.dates import show
from tests.mail import smtp_sink
from tests.processes import free_port

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def inbox(settings):
    with smtp_sink(settings) as caught:
        yield caught


@pytest.fixture
def listener(authority):
    server = smtp.listener("127.0.0.1", free_port())
    server.start()
    yield server
    server.stop()


def deliver_everything():
    """Run what the worker would: the queued deliveries, until none is left."""
    for queued in Correspondence.objects.filter(status="queued"):
        outgoing.deliver.call(queued.pk)


def send(listener, message):
    with smtplib.SMTP(listener.hostname, listener.port) as client:
        client.send_message(message)


def request_email(**changes):
    message = EmailMessage()
    message["From"] = changes.get("sender", "Sam Requester <sam.requester@example.com>")
    message["To"] = "foi@barnet.gov.uk"
    message["Subject"] = changes.get("subject", "Social care IT systems")
    message["Message-ID"] = changes.get("message_id", "<r1@example.com>")
    message.set_content(changes.get("text", REFERENCE_CASE["body"]))
    return message


def test_an_email_to_the_listener_becomes_a_case_and_is_acknowledged(listener, inbox):
    send(listener, request_email())
    case = Request.objects.get()
    assert case.questions.count() == 4
    assert InboundMessage.objects.get().channel == "smtp"

    deliver_everything()
    [acknowledgement] = inbox.to("sam.requester@example.com")
    body = acknowledgement.get_content()
    assert case.reference in acknowledgement["Subject"]
    assert case.reference in body
    assert show(case.due_on) in body
    assert case.correspondence.get(kind="acknowledgement").status == "sent"

    reply = request_email(
        subject=f"Re: {acknowledgement['Subject']}",
        text="Thank you.",
        message_id="<r2@example.com>",
    )
    reply.replace_header("Subject", f"Re: {acknowledgement['Subject']}")
    send(listener, reply)
    assert Request.objects.count() == 1
    assert case.correspondence.filter(kind="reply").count() == 1


def test_the_listener_takes_a_scanned_letter_up_to_the_limit_every_channel_shares(listener):
    message = request_email(text="My request is in the letter attached.")
    message.add_attachment(b"%PDF-1.4\n" + bytes(3 * 1024 * 1024), "application", "pdf")
    with smtplib.SMTP(listener.hostname, listener.port) as client:
        client.ehlo()
        assert int(client.esmtp_features["size"]) == parsing.MAX_RECEIVED_BYTES
        client.send_message(message)
    kept = InboundMessage.objects.get()
    assert kept.outcome == "new_request"
    assert kept.size > 3 * 1024 * 1024


def test_a_malformed_message_is_accepted_and_kept_for_an_officer(listener):
    raw = (
        b"From: \r\nSubject: =?utf-8?q?broken\r\n"
        b"Content-Type: text/plain; charset=klingon\r\n\r\n\xff\xfe"
    )
    with smtplib.SMTP(listener.hostname, listener.port) as client:
        client.sendmail("someone@example.com", ["foi@barnet.gov.uk"], raw)
    message = InboundMessage.objects.get()
    assert message.outcome == "problem"
    assert message.envelope_from == "someone@example.com"


def test_a_busy_mail_server_is_tried_again_later(authority, inbox):
    case = _case_with_acknowledgement()
    inbox.answer = "451 4.3.0 Try again later"
    queued = case.correspondence.get(kind="acknowledgement")
    assert outgoing.deliver.call(queued.pk) == "retrying"
    queued.refresh_from_db()
    assert queued.attempts == 1
    assert "451" in queued.error
    assert DBTaskResult.objects.filter(run_after__isnull=False).exists()

    inbox.answer = "250 OK"
    assert outgoing.deliver.call(queued.pk) == "sent"
    assert len(inbox.messages) == 1


def test_a_refused_address_is_shown_on_the_case(authority, inbox):
    case = _case_with_acknowledgement()
    inbox.answer = "550 5.1.1 No such mailbox"
    queued = case.correspondence.get(kind="acknowledgement")
    assert outgoing.deliver.call(queued.pk) == "failed"
    assert "could not be sent by email" in case.timeline.last().description
    assert "sam" not in case.timeline.last().description


def _case_with_acknowledgement():
    from foidesk.intake import services

    return services.receive(request_email().as_bytes(), "smtp").request


def test_a_message_that_could_not_be_sent_shows_on_the_case_page(
    client, authority, inbox, make_user
):
    from foidesk.accounts.roles import Role

    case = _case_with_acknowledgement()
    inbox.answer = "550 5.1.1 No such mailbox"
    outgoing.deliver.call(case.correspondence.get(kind="acknowledgement").pk)
    client.force_login(make_user("officer", Role.OFFICER))
    page = client.get(f"/staff/requests/{case.reference}/").content.decode()
    assert "Not sent" in page
    assert "550" in page


def test_a_sender_whose_attachment_was_turned_away_is_told_once(authority, inbox):
    from foidesk.intake import services
    from tests.intake.test_parsing import EXE

    for number in range(2):
        message = request_email(message_id=f"<held-{number}@example.com>")
        message.add_attachment(
            EXE, maintype="application", subtype="octet-stream", filename="setup.exe"
        )
        held = services.receive(message.as_bytes(), "smtp")
        services.tell_sender.call(held.pk)
    [notice] = inbox.to("sam.requester@example.com")
    assert "could not accept all of it" in notice["Subject"]
    assert "could be harmful" in notice.get_content()
    assert notice["Auto-Submitted"] == "auto-replied"


def test_an_automatic_message_is_never_answered(authority, inbox):
    from foidesk.intake import services
    from tests.intake.test_parsing import EXE

    message = request_email()
    message["Auto-Submitted"] = "auto-replied"
    message.add_attachment(
        EXE, maintype="application", subtype="octet-stream", filename="setup.exe"
    )
    services.receive(message.as_bytes(), "smtp")
    assert inbox.messages == []


def _request_from(address):
    """A request whose From no email can be sent to: read from the raw 8-bit header, as a
    mail program writes it, so nothing on the way in checks it."""
    from foidesk.intake import services

    raw = (
        f"From: Sam Requester <{address}>\r\nTo: foi@barnet.gov.uk\r\n"
        "Subject: Bridges\r\nMessage-ID: <bridges@example.com>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nHow many bridges are there?\r\n"
    ).encode()
    return services.receive(raw, "smtp").request


@pytest.mark.parametrize(
    "address",
    [
        "sam@" + "ä" * 64 + ".example.com",  # a label longer than 63 once written as IDNA
        "sam@b\u0080cher.example.com",  # a character no domain may hold
    ],
)
def test_an_acknowledgement_that_cannot_be_made_fails_saying_why_and_is_not_retried(
    authority, inbox, address
):
    case = _request_from(address)
    queued = case.correspondence.get(kind="acknowledgement")
    assert outgoing.deliver.call(queued.pk) == "failed"
    queued.refresh_from_db()
    assert "could not be made" in queued.error
    assert "correct it" in queued.error
    assert queued.attempts == 1
    # Only the first attempt, queued when the request was logged: none planned after it.
    assert DBTaskResult.objects.filter(task_path="foidesk.intake.outgoing.deliver").count() == 1
    assert inbox.messages == []
    assert "could not be sent by email" in case.timeline.last().description


def test_an_officer_sees_email_not_sent_corrects_the_address_and_sends_again(
    client, authority, inbox, make_user
):
    from foidesk.accounts.roles import Role

    case = _request_from("sam@" + "ä" * 64 + ".example.com")
    queued = case.correspondence.get(kind="acknowledgement")
    outgoing.deliver.call(queued.pk)
    client.force_login(make_user("officer", Role.OFFICER))

    listed = client.get("/staff/intake/not-sent/").content.decode()
    assert case.reference in listed
    assert "could not be made" in listed
    case_page = client.get(f"/staff/requests/{case.reference}/").content.decode()
    assert f"/staff/intake/not-sent/{queued.pk}/" in case_page

    refused = client.post(f"/staff/intake/not-sent/{queued.pk}/", {"email": "sam@bad..example"})
    assert "Enter an email address in the correct format" in refused.content.decode()
    sent_again = client.post(f"/staff/intake/not-sent/{queued.pk}/", {"email": "sam@example.com"})
    assert sent_again.status_code == 302
    case.requester.refresh_from_db()
    assert case.requester.email == "sam@example.com"
    assert any("email address corrected" in event.description for event in case.timeline.all())
    assert all("sam@" not in event.description for event in case.timeline.all())

    deliver_everything()
    [acknowledgement] = inbox.to("sam@example.com")
    assert case.reference in acknowledgement["Subject"]
    assert "All email has been sent" in client.get("/staff/intake/not-sent/").content.decode()


def test_only_officers_see_email_not_sent(client, authority, make_user):
    from foidesk.accounts.roles import Role

    client.force_login(make_user("contributor", Role.CONTRIBUTOR))
    assert client.get("/staff/intake/not-sent/").status_code == 403
