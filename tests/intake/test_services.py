"""Receiving email: stored first, then a new request, a reply on its case, or a problem."""

from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.mime.application import MIMEApplication
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.mime.text import MIMEText

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from foidesk.casework.models import Authority, Request
from foidesk.demo import REFERENCE_CASE
from foidesk.intake import services
from foidesk.intake.models import Correspondence, InboundMessage, IntakeProblem
from foidesk.law.dates import show
from tests.helpers import today_is
from tests.intake.test_parsing import EXE

pytestmark = pytest.mark.django_db


def email(
    text=REFERENCE_CASE["body"],
    subject="Freedom of Information request - Social care IT",
    **headers,
):
    message = EmailMessage()
    message["From"] = headers.pop("sender", "Sam Requester <sam.requester@example.com>")
    message["To"] = "foi@barnet.gov.uk"
    message["Subject"] = subject
    message["Message-ID"] = headers.pop("message_id", "<request-1@example.com>")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(text)
    return message


def test_an_email_becomes_a_request_with_its_questions_and_due_date(authority):
    message = services.receive(email().as_bytes(), "smtp")
    assert message.outcome == "new_request"
    case = message.request
    assert case.subject == "Social care IT"
    assert case.channel == "email"
    assert [q.number for q in case.questions.all()] == [1, 2, 3, 4]
    assert case.due_on is not None
    assert case.requester.email == "sam.requester@example.com"
    assert case.correspondence.filter(direction="in").get().kind == "request"


def test_the_requester_is_acknowledged_with_the_reference_and_due_date(authority):
    case = services.receive(email().as_bytes(), "smtp").request
    acknowledgement = case.correspondence.get(kind="acknowledgement")
    assert acknowledgement.direction == "out"
    assert acknowledgement.recipient == "sam.requester@example.com"
    assert case.reference in acknowledgement.subject
    assert case.reference in acknowledgement.body
    assert f"We will respond by {show(case.due_on)}" in acknowledgement.body
    assert acknowledgement.message_id.startswith("<")


def test_a_message_reads_the_authority_once(authority):
    """It was read four times for each new request, and more for a reply: a fifth of the
    work of reading a message (benchmarks/README.md, email in)."""
    with CaptureQueriesContext(connection) as queries:
        case = services.receive(email().as_bytes(), "smtp").request
        services.receive(
            email(
                f"Thank you. Our ref: {case.reference}",
                subject=f"Re: {case.reference}",
                message_id="<reply-1@example.com>",
            ).as_bytes(),
            "smtp",
        )
    table = Authority._meta.db_table
    reads = [
        q for q in queries.captured_queries if q["sql"].startswith("SELECT") and table in q["sql"]
    ]
    assert len(reads) == 2


def test_the_raw_bytes_are_kept_exactly(authority):
    raw = email().as_bytes()
    message = services.receive(raw, "smtp")
    assert services.raw_bytes(message) == raw
    assert message.size == len(raw)


def test_attachments_are_kept_under_their_message_whatever_they_are_called(authority):
    """Storage keeps only letters, digits, "-", "_" and "." of a name, and a sender's may
    have none of them: the file is kept all the same."""
    message = email()
    message.add_attachment(b"Minutes", maintype="text", subtype="plain", filename="March 2026.txt")
    message.add_attachment(b"Notes", maintype="text", subtype="plain", filename="«»")
    case = services.receive(message.as_bytes(), "smtp").request
    received = case.correspondence.get(kind="request")
    kept = {attached.filename: attached for attached in received.attachments.all()}
    folder = f"attachments/{case.reference}/{received.pk}/"
    assert kept["March 2026.txt"].file.name == folder + "March_2026.txt"
    assert kept["«»"].file.name == folder + "attachment"
    with kept["«»"].file.open("rb") as stored:
        assert stored.read() == b"Notes"


def test_a_reply_quoting_the_reference_lands_on_that_case(authority):
    case = services.receive(email().as_bytes(), "smtp").request
    reply = email(
        text="Thanks. To be clear, I mean the last five financial years.",
        subject=f"RE: Your request for information – our ref: {case.reference}",
        message_id="<reply-1@example.com>",
    )
    message = services.receive(reply.as_bytes(), "smtp")
    assert message.outcome == "reply"
    assert message.request == case
    assert Request.objects.count() == 1
    assert case.correspondence.filter(kind="reply").count() == 1


def test_a_reply_to_our_own_message_id_lands_on_its_case(authority):
    case = services.receive(email().as_bytes(), "smtp").request
    ours = case.correspondence.get(kind="acknowledgement").message_id
    reply = email(
        text="A question about my request.",
        subject="Re: thanks",
        message_id="<r2@example.com>",
        in_reply_to=ours,
    )
    assert services.receive(reply.as_bytes(), "smtp").request == case


def test_a_clarification_reply_restarts_the_clock(authority, make_user):
    """FOIA s.1(3): the day clarification arrives is the new date of receipt."""
    from foidesk.casework import services as casework

    case = services.receive(email().as_bytes(), "smtp").request
    casework.take_action(case, None, "seek_clarification", note="Which years?")
    reply = email(
        text="The years 2015 to 2020, please.",
        subject=f"Re: our ref: {case.reference}",
        message_id="<r3@example.com>",
    )
    services.receive(reply.as_bytes(), "smtp")
    case.refresh_from_db()
    assert case.state == "in_progress"
    assert case.clock_events.filter(kind="clarification_received").exists()


def test_an_out_of_office_is_not_a_request(authority):
    reply = email(
        text="I am away until Monday.",
        subject="Automatic reply: your request",
        auto_submitted="auto-replied",
    )
    message = services.receive(reply.as_bytes(), "smtp")
    assert message.outcome == "auto_reply"
    assert not Request.objects.exists()


def test_a_dangerous_attachment_waits_for_an_officer_with_its_bytes(authority):
    message = email()
    message.add_attachment(EXE, maintype="application", subtype="pdf", filename="scan.pdf")
    raw = message.as_bytes()
    kept = services.receive(raw, "smtp")
    assert kept.outcome == "problem"
    problem = IntakeProblem.objects.get()
    assert "could be harmful" in problem.reason
    with kept.raw_file.open("rb") as stored:
        assert stored.read() == raw
    assert not Request.objects.exists()


def test_an_officer_can_log_a_problem_message_as_a_request(authority, make_user):
    from foidesk.accounts.roles import Role

    message = email()
    message.add_attachment(EXE, maintype="application", subtype="pdf", filename="scan.pdf")
    services.receive(message.as_bytes(), "smtp")
    problem = IntakeProblem.objects.get()
    case = services.log_problem_as_request(problem, make_user("officer", Role.OFFICER))
    problem.refresh_from_db()
    assert problem.resolution == f"Logged as request {case.reference}"
    assert case.correspondence.get(kind="request").attachments.get().dangerous


@pytest.mark.parametrize(
    "raw",
    [b"", b"\x00\xff" * 100, b"From: nobody\r\n\r\n", b"Subject: hello\r\n\r\nNo sender at all."],
)
def test_a_message_that_cannot_become_a_request_is_kept_as_a_problem(authority, raw):
    message = services.receive(raw, "smtp")
    assert message.outcome == "problem"
    assert services.raw_bytes(message) == raw


def test_an_error_of_foideskss_own_still_keeps_the_message(authority, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(services, "_new_request", broken)
    message = services.receive(email().as_bytes(), "smtp")
    assert message.outcome == "problem"
    assert "error of its own" in message.problem.reason
    assert InboundMessage.objects.count() == 1


def test_a_request_from_the_public_form_is_logged_and_acknowledged(authority):
    case = services.request_from_form(
        {
            "name": "Sam Requester",
            "email": "sam@example.com",
            "postal_address": "",
            "request": "1. How many bridges?\n2. What did they cost?",
            "preferred_format": "A spreadsheet",
        }
    )
    assert case.channel == "web"
    assert case.subject == "1. How many bridges?"
    assert case.questions.count() == 2
    assert case.correspondence.filter(kind="acknowledgement").exists()


def test_no_acknowledgement_by_email_without_an_address(authority):
    case = services.request_from_form(
        {
            "name": "Pat Post",
            "email": "",
            "postal_address": "1 High Street",
            "request": "How many bridges?",
            "preferred_format": "",
        }
    )
    assert not Correspondence.objects.filter(request=case, direction="out").exists()


@pytest.mark.parametrize(
    ("action", "kind", "words"),
    [
        ("seek_clarification", "clarification", "please could you tell us"),
        ("fee_notice", "fee_notice", "fees notice"),
    ],
)
def test_an_officer_can_email_the_requester_with_a_clock_action(
    authority, make_user, action, kind, words
):
    from foidesk.accounts.roles import Role
    from foidesk.casework import services as casework

    case = services.receive(email().as_bytes(), "smtp").request
    officer = make_user("officer", Role.OFFICER)
    casework.take_action(
        case, officer, action, note="Which financial years do you mean?", notify=True
    )
    told = case.correspondence.get(kind=kind)
    assert "Which financial years do you mean?" in told.body
    assert words in told.body
    assert told.sent_by == officer


def test_without_notify_nothing_is_emailed(authority):
    from foidesk.casework import services as casework

    case = services.receive(email().as_bytes(), "smtp").request
    casework.take_action(case, None, "seek_clarification", note="Which years?")
    assert not case.correspondence.filter(kind="clarification").exists()


RECEIVED = datetime(2020, 1, 17, 10, 30, tzinfo=UTC)


def _logged_in_2020(officer, acknowledge=False):
    from foidesk.casework import services as casework

    return casework.log_request(
        officer,
        regime="foi",
        received_at=RECEIVED,
        subject="Social care IT",
        body=REFERENCE_CASE["body"],
        requester={"name": "Sam Requester", "email": "sam.requester@example.com"},
        acknowledge=acknowledge,
    )


def test_a_late_acknowledgement_says_the_request_is_overdue_and_apologises(
    authority, make_user, time_machine
):
    """FOIA s.10(1): received Fri 17 Jan 2020, due Fri 14 Feb 2020. Acknowledged on Mon 2 Mar
    2020, the email says it was due then and is overdue, and promises no day gone by."""
    from foidesk.accounts.roles import Role

    today_is(time_machine, date(2020, 3, 2))
    case = _logged_in_2020(make_user("officer", Role.OFFICER), acknowledge=True)
    body = case.correspondence.get(kind="acknowledgement").body
    assert (
        "Our response was due on Fri 14 Feb 2020, 20 working days after we received it, so "
        "your request is already overdue. We are sorry for the delay" in body
    )
    assert "We will respond by" not in body
    assert body.count("Fri 14 Feb 2020") == 1


def test_an_acknowledgement_on_the_due_date_still_promises_it(authority, make_user, time_machine):
    """FOIA s.10(1): on Fri 14 Feb 2020, the 20th working day, the request is not yet late."""
    from foidesk.accounts.roles import Role

    today_is(time_machine, date(2020, 2, 14))
    case = _logged_in_2020(make_user("officer", Role.OFFICER), acknowledge=True)
    body = case.correspondence.get(kind="acknowledgement").body
    assert "We will respond by Fri 14 Feb 2020, which is 20 working days after we received" in body
    assert "overdue" not in body


@pytest.mark.parametrize(
    ("today", "words", "not_said"),
    [
        (date(2020, 2, 10), "We now expect to respond by Fri 13 Mar 2020.", "overdue"),
        (
            date(2020, 3, 16),
            "Even with this extra time, our response was due on Fri 13 Mar 2020, so your "
            "request is now overdue. We are sorry for the delay",
            "We now expect to respond by",
        ),
    ],
)
def test_an_extension_email_never_gives_a_new_date_already_past(
    authority, make_user, time_machine, today, words, not_said
):
    """FOIA s.10(3) with s.17(2): an extension told on Mon 10 Feb 2020, within the first 20
    working days, runs to Fri 13 Mar 2020. Recorded and emailed after that day, the email
    says the request is overdue and apologises instead of promising it."""
    from foidesk.accounts.roles import Role
    from foidesk.casework import services as casework

    officer = make_user("officer", Role.OFFICER)
    case = _logged_in_2020(officer)
    today_is(time_machine, today)
    casework.take_action(case, officer, "start")
    casework.take_action(
        case, officer, "extend", on=date(2020, 2, 10), note="Public interest test", notify=True
    )
    body = case.correspondence.get(kind="extension").body
    assert words in body
    assert not_said not in body


@pytest.mark.parametrize("action", ["seek_clarification", "fee_notice"])
def test_no_clarification_or_fees_notice_is_emailed_without_its_words(authority, make_user, action):
    """FOIA s.1(3) and s.9(1): the email is the question asked or the fee stated; without
    them it is refused, never sent as "please could you tell us:" and nothing."""
    from foidesk.accounts.roles import Role
    from foidesk.casework import services as casework

    case = services.receive(email().as_bytes(), "smtp").request
    with pytest.raises(casework.NoteMissing):
        casework.take_action(case, make_user("officer", Role.OFFICER), action, notify=True)
    assert not case.correspondence.filter(direction="out").exclude(kind="acknowledgement").exists()


def _abuse_report(about, *attached):
    """A mail provider's abuse report (RFC 5965) about ``about``, as providers send them."""
    report = MIMEMultipart("report", report_type="feedback-report")
    report["From"] = "Abuse Desk <abuse-reports@mail.example.net>"
    report["To"] = "foi@barnet.gov.uk"
    report["Subject"] = "Abuse report: " + about["Subject"]
    report["Message-ID"] = "<arf-1@mail.example.net>"
    report.attach(MIMEText("A user of ours marked this message as spam."))
    feedback = MIMENonMultipart("message", "feedback-report")
    feedback.set_payload("Feedback-Type: abuse\r\nUser-Agent: ExampleFBL/1.0\r\nVersion: 1\r\n")
    report.attach(feedback)
    report.attach(MIMEMessage(about))
    for part in attached:
        report.attach(part)
    return report.as_bytes()


def _our_acknowledgement(case):
    sent = case.correspondence.get(kind="acknowledgement")
    ours = EmailMessage()
    ours["From"] = sent.sender
    ours["To"] = sent.recipient
    ours["Subject"] = sent.subject
    ours["Message-ID"] = sent.message_id
    ours.set_content(sent.body)
    return ours


def test_an_abuse_report_is_noted_on_its_case_and_never_a_request_or_answered(authority):
    case = services.receive(email().as_bytes(), "smtp").request
    report = services.receive(_abuse_report(_our_acknowledgement(case)), "smtp")
    assert report.outcome == "abuse_report"
    assert report.request == case
    assert report.sender == "abuse-reports@mail.example.net"
    assert Request.objects.count() == 1
    assert Correspondence.objects.filter(kind="acknowledgement").count() == 1
    assert "abuse report" in case.timeline.last().description


def test_an_abuse_report_an_officer_logs_is_not_acknowledged(authority, make_user):
    about = email(subject="Potholes", text="How many potholes were filled in 2024?")
    report = services.receive(_abuse_report(about), "smtp")
    assert (report.outcome, report.request) == ("abuse_report", None)
    case = services.log_automatic_as_request(report, make_user("officer", "officer"))
    assert case.correspondence.filter(kind="request").exists()
    assert not case.correspondence.filter(kind="acknowledgement").exists()


def test_an_abuse_report_held_for_its_attachment_and_logged_is_not_acknowledged(
    authority, make_user
):
    about = email(subject="Potholes", text="How many potholes were filled in 2024?")
    harmful = MIMEApplication(EXE, "pdf", name="potholes.pdf")
    held = services.receive(_abuse_report(about, harmful), "smtp")
    assert held.outcome == "problem"
    case = services.log_problem_as_request(held.problem, make_user("officer", "officer"))
    assert not case.correspondence.filter(kind="acknowledgement").exists()


def test_a_forward_of_an_empty_message_waits_for_an_officer_saying_so(authority):
    forwarded = EmailMessage()
    forwarded["From"] = "Sam Requester <sam.requester@example.com>"
    forwarded["To"] = "enquiries@barnet.gov.uk"
    forwarded["Subject"] = "FOI request"
    forwarded.set_content("\u200b\n")
    covering = email(text="Please see the request below.", subject="Fwd: FOI request")
    covering.add_attachment(forwarded)
    message = services.receive(covering.as_bytes(), "smtp")
    assert message.outcome == "problem"
    assert "the forwarded message has no text" in message.problem.reason
    assert not Request.objects.exists()


def test_a_forward_with_its_request_is_logged_from_the_forwarded_message(authority):
    forwarded = email(subject="Potholes", text="How many potholes were filled in 2024?")
    covering = email(text="Please see the request below.", subject="Fwd: Potholes")
    covering.add_attachment(forwarded)
    case = services.receive(covering.as_bytes(), "smtp").request
    assert case.body == "How many potholes were filled in 2024?"


def test_a_text_body_with_a_file_name_is_read_as_the_request(authority):
    message = email()
    message.set_content(
        "How many potholes were filled in 2024?", disposition="inline", filename="request.txt"
    )
    case = services.receive(message.as_bytes(), "smtp").request
    assert case.body == "How many potholes were filled in 2024?"


def test_a_message_of_only_invisible_characters_has_no_text(authority):
    message = services.receive(email(text="\u200b\u200d\ufeff\u2060 \u3164").as_bytes(), "smtp")
    assert message.outcome == "problem"
    assert message.problem.reason == "The message has no text."
