"""Fetching requests from an IMAP mailbox over TLS: poll() against a real IMAP server on
loopback (tests/intake/imap_server.py) with a certificate made for the test."""

import gc
import os
import warnings
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.db import OperationalError

from foidesk.casework import services as casework
from foidesk.casework.models import Request
from foidesk.intake import imap, services
from foidesk.intake.models import Correspondence, InboundMessage, IntakeProblem
from tests.intake import imap_server
from tests.intake.test_parsing import EXE
from tests.processes import environment, free_port, run

pytestmark = pytest.mark.django_db

PROCESSED = "foidesk-processed"
# Servers without MOVE get UID COPY, UID STORE +FLAGS (\Deleted) and EXPUNGE from
# imap_tools instead; tests that move messages run both ways.
BOTH_WAYS = pytest.mark.parametrize("server", ["MOVE", "COPY"], indirect=True)
QUESTIONS = """\
Under the Freedom of Information Act 2000, please tell me:

1. How many potholes were reported to the council in 2024?
2. How many of those were repaired within 28 days?
3. How much did the council spend on pothole repairs in 2024?
"""


@pytest.fixture(scope="session")
def certificate(tmp_path_factory):
    return imap_server.make_certificate(tmp_path_factory.mktemp("imap-tls"))


@pytest.fixture
def server(request, certificate, settings):
    """A TLS IMAP server on a free port, with settings.IMAP pointing at it.

    It advertises MOVE unless a test asks for "COPY" (see BOTH_WAYS).
    """
    move = getattr(request, "param", "MOVE") == "MOVE"
    with imap_server.serving(*certificate, move=move) as running:
        settings.IMAP = {
            "host": running.host,
            "port": running.port,
            "user": running.mailbox.user,
            "password": running.mailbox.password,
            "folder": "INBOX",
            "processed_folder": PROCESSED,
        }
        yield running


def collect_leaked_connection():
    """poll() leaves its connection open when the login or the folder is refused (see the
    expected failures below); it closes only when garbage is collected. Collect it here, so
    that the ResourceWarning does not fail whichever test happens to run when that is."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


def email(subject, text, sender="Pat Requester <pat@example.com>", message_id=None):
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "foi@barnet.gov.uk"
    message["Subject"] = subject
    message["Message-ID"] = message_id or make_msgid(domain="example.com")
    message.set_content(text)
    return message


def new_request():
    return email("Freedom of Information request - Potholes", QUESTIONS).as_bytes()


def reply_to(case):
    return email(
        "Re: my request",
        f"Sorry, I meant the financial year 2023-24.\n\nOur ref: {case.reference}\n",
        sender=f"{case.requester.name} <{case.requester.email}>",
    ).as_bytes()


def with_dangerous_attachment():
    message = email("Information request", "Please see the attached request.")
    message.add_attachment(EXE, maintype="application", subtype="pdf", filename="request.pdf")
    return message.as_bytes()


@pytest.fixture
def existing_case(authority):
    return casework.log_request(
        casework.SYSTEM,
        regime="foi",
        received_at=datetime(2026, 1, 5, 10, 0, tzinfo=UTC),
        subject="Library opening hours",
        body="Please send me the opening hours of every library since 2020.",
        requester={"name": "Robin Reader", "email": "robin@example.com"},
    )


@BOTH_WAYS
def test_each_message_is_filed_and_moved_to_the_processed_folder(server, existing_case):
    sent = [new_request(), reply_to(existing_case), with_dangerous_attachment()]
    for raw in sent:
        server.put(raw)

    assert imap.poll(server.context) == 3
    assert server.mailbox.wait_for_no_connections(), "poll() should log out"

    assert server.messages("INBOX") == []
    assert server.messages(PROCESSED) == sent  # byte for byte, in the order received
    # Fetched with BODY.PEEK[], so the mailbox still shows them unread to a person.
    assert all("\\Seen" not in flags for flags in server.mailbox.flags(PROCESSED))

    first, reply, dangerous = InboundMessage.objects.order_by("pk")
    assert {m.channel for m in (first, reply, dangerous)} == {"imap"}
    assert [services.raw_bytes(m) for m in (first, reply, dangerous)] == sent

    assert first.outcome == "new_request"
    case = first.request
    assert case.subject == "Potholes"
    assert case.requester.email == "pat@example.com"
    assert [q.text for q in case.questions.order_by("number")] == [
        "How many potholes were reported to the council in 2024?",
        "How many of those were repaired within 28 days?",
        "How much did the council spend on pothole repairs in 2024?",
    ]
    assert case.due_on == casework.deadline_for("foi", case.received_at).final_due

    assert reply.outcome == "reply"
    assert reply.request == existing_case
    filed = Correspondence.objects.get(inbound=reply)
    assert (filed.request, filed.kind, filed.direction) == (existing_case, "reply", "in")
    assert Request.objects.count() == 2

    assert dangerous.outcome == "problem"
    problem = IntakeProblem.objects.get()
    assert problem.message == dangerous
    assert "could be harmful" in problem.reason
    assert services.raw_bytes(problem.message) == sent[2]


def test_a_scanned_letter_larger_than_a_form_is_fetched_and_logged(server, authority):
    message = email("Information request", "My request is in the letter attached.")
    message.add_attachment(b"%PDF-1.4\n" + bytes(3 * 1024 * 1024), "application", "pdf")
    server.put(message.as_bytes())
    assert imap.poll(server.context) == 1
    kept = InboundMessage.objects.get()
    assert kept.outcome == "new_request"
    assert services.raw_bytes(kept) == message.as_bytes()


def test_an_empty_mailbox_gets_its_processed_folder_and_nothing_else(server, authority):
    assert imap.poll(server.context) == 0
    assert PROCESSED in server.mailbox.folders
    assert not InboundMessage.objects.exists()


def test_a_wrong_password_is_reported_as_such(server, authority, settings):
    server.put(new_request())
    settings.IMAP = {**settings.IMAP, "password": "not-the-password"}
    with pytest.raises(imap.MailboxError, match="refused the user and password"):
        imap.poll(server.context)
    collect_leaked_connection()
    assert len(server.messages("INBOX")) == 1
    assert not InboundMessage.objects.exists()


def test_a_mailbox_that_cannot_be_reached_is_reported(settings, authority):
    settings.IMAP = {**settings.IMAP, "host": "127.0.0.1", "port": free_port()}
    with pytest.raises(imap.MailboxError, match=r"127\.0\.0\.1 could not be used"):
        imap.poll()


def test_a_server_whose_certificate_is_not_trusted_is_refused(server, authority):
    """Without the test's context, poll() checks the certificate as it would in production."""
    server.put(new_request())
    with pytest.raises(imap.MailboxError, match="CERTIFICATE_VERIFY_FAILED"):
        imap.poll()
    assert len(server.messages("INBOX")) == 1


@BOTH_WAYS
def test_a_message_that_fails_to_store_stays_in_the_inbox(server, authority, monkeypatch):
    """A message is never moved before it is stored: the next run tries it again."""
    first, failing, last = (
        email(f"Request {n}", QUESTIONS, message_id=f"<r{n}@example.com>").as_bytes()
        for n in (1, 2, 3)
    )
    for raw in (first, failing, last):
        server.put(raw)
    receive = services.receive

    def receive_failing_once(raw, channel, *args, **kwargs):
        if raw == failing:
            raise OperationalError("database is locked")
        return receive(raw, channel, *args, **kwargs)

    monkeypatch.setattr(services, "receive", receive_failing_once)
    # The one that fails stays; the messages after it are still fetched.
    assert imap.poll(server.context) == 2
    assert server.mailbox.wait_for_no_connections(), "poll() should log out on the way out"
    assert server.messages("INBOX") == [failing]
    assert server.messages(PROCESSED) == [first, last]
    assert InboundMessage.objects.count() == 2

    monkeypatch.setattr(services, "receive", receive)
    assert imap.poll(server.context) == 1
    assert server.messages("INBOX") == []
    assert sorted(server.messages(PROCESSED)) == sorted([first, failing, last])
    assert InboundMessage.objects.count() == 3


def test_a_message_stored_before_a_crash_is_not_stored_twice(server, authority):
    """A run that stopped between storing a message and moving it leaves it in the inbox."""
    raw = email("Request 1", QUESTIONS, message_id="<once@example.com>").as_bytes()
    services.receive(raw, InboundMessage.Channel.IMAP)
    server.put(raw)
    assert imap.poll(server.context) == 1
    assert InboundMessage.objects.count() == 1
    assert server.messages(PROCESSED) == [raw]


def test_a_refused_login_closes_the_connection(server, authority, settings):
    settings.IMAP = {**settings.IMAP, "password": "not-the-password"}
    with pytest.raises(imap.MailboxError):
        imap.poll(server.context)
    closed = server.mailbox.wait_for_no_connections(seconds=0.5)
    collect_leaked_connection()
    assert closed


def test_a_folder_that_does_not_exist_is_reported(server, authority, settings):
    settings.IMAP = {**settings.IMAP, "folder": "Requests"}
    with pytest.raises(Exception) as raised:  # noqa: PT011 (which exception is the question)
        imap.poll(server.context)
    kind = raised.type
    del raised  # it holds the open connection, which the next line collects
    collect_leaked_connection()
    assert kind is imap.MailboxError


def test_the_command_says_to_set_the_imap_host(tmp_path):
    env = environment(tmp_path, SECRET_KEY="mail-poll-test")
    for name in [name for name in env if name.startswith("FOIDESK_IMAP_")]:
        del env[name]
    result = run("mail-poll", env=env)
    assert result.returncode == 1
    assert "FOIDESK_IMAP_HOST" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_command_fetches_over_tls(tmp_path, certificate, scratch_database_url):
    """`foidesk mail-poll` as an administrator runs it. The throwaway certificate is trusted
    through SSL_CERT_FILE, which OpenSSL reads for Python's default context."""
    with imap_server.serving(*certificate) as server:
        raw = new_request()
        server.put(raw)
        env = environment(
            tmp_path,
            scratch_database_url,
            SECRET_KEY="mail-poll-test",
            SSL_CERT_FILE=os.fspath(certificate[0]),
            FOIDESK_IMAP_HOST=server.host,
            FOIDESK_IMAP_PORT=str(server.port),
            FOIDESK_IMAP_USER=server.mailbox.user,
            FOIDESK_IMAP_PASSWORD=server.mailbox.password,
        )
        # Setup, not what is tested: the system checks (which import every URL) are left
        # to the tests of the pages.
        migrated = run("manage", "migrate", "--skip-checks", "--verbosity=0", env=env)
        assert migrated.returncode == 0, migrated.stderr
        result = run("mail-poll", env=env)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "1 message(s) fetched"
        assert server.messages("INBOX") == []
        assert server.messages(PROCESSED) == [raw]
