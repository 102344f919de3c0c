"""The public request form, and the officers' pages for messages to check."""

import io

import pytest
from django.core.cache import cache

from foidesk.accounts.roles import Role
from foidesk.casework.models import Request
from foidesk.intake import services, views
from foidesk.intake.models import IntakeProblem
from tests.intake.test_parsing import EXE
from tests.intake.test_services import email

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Sam Requester",
    "email": "sam@example.com",
    "postal_address": "",
    "request": "1. How many bridges does the council own?\n2. What did repairs cost last year?",
    "preferred_format": "",
    "website": "",
}


@pytest.fixture(autouse=True)
def _forget_rate_limits():
    cache.clear()


def test_a_request_through_the_form_shows_its_reference_and_due_date(client, authority):
    response = client.post("/request/", FORM, follow=True)
    case = Request.objects.get()
    page = response.content.decode()
    assert response.redirect_chain == [("/request/received/", 302)]
    assert case.reference in page
    assert "We will respond by" in page
    assert case.channel == "web"
    assert case.questions.count() == 2


def test_mistakes_are_listed_and_nothing_is_logged(client, authority):
    page = client.post(
        "/request/", {**FORM, "name": "", "email": "not an address", "request": ""}
    ).content.decode()
    for message in [
        "Enter your name",
        "Enter an email address in the correct format",
        "Enter the information you want",
    ]:
        assert message in page
    assert not Request.objects.exists()


def test_an_email_or_a_postal_address_is_needed(client, authority):
    page = client.post("/request/", {**FORM, "email": ""}).content.decode()
    assert "Enter an email address or a postal address" in page
    client.post("/request/", {**FORM, "email": "", "postal_address": "1 High Street"})
    assert Request.objects.get().requester.postal_address == "1 High Street"


def test_a_request_too_long_is_refused_with_the_limit(client, authority):
    page = client.post("/request/", {**FORM, "request": "x" * 20_001}).content.decode()
    assert "must be 20,000 characters or fewer" in page


def test_the_spam_trap_logs_nothing_and_says_nothing(client, authority):
    response = client.post("/request/", {**FORM, "website": "http://spam.example"})
    assert response["Location"] == "/request/received/"
    assert not Request.objects.exists()


def test_one_address_may_not_flood_the_team(client, authority):
    for _ in range(views.REQUESTS_PER_HOUR):
        client.post("/request/", FORM)
    page = client.post("/request/", FORM).content.decode()
    assert "You have sent several requests in the last hour" in page
    assert Request.objects.count() == views.REQUESTS_PER_HOUR


def test_officers_see_messages_to_check_and_can_download_them(client, authority, make_user):
    message = email()
    message.add_attachment(
        EXE, maintype="application", subtype="octet-stream", filename="setup.exe"
    )
    raw = message.as_bytes()
    services.receive(raw, "smtp")
    problem = IntakeProblem.objects.get()
    client.force_login(make_user("officer", Role.OFFICER))
    listing = client.get("/staff/intake/").content.decode()
    assert "could be harmful" in listing
    page = client.get(f"/staff/intake/{problem.pk}/").content.decode()
    assert "Download it as it came" in page
    download = client.get(f"/staff/intake/messages/{problem.message.pk}/raw/")
    assert download.content == raw
    assert download["Content-Type"] == "message/rfc822"


def test_an_officer_sets_a_message_aside_or_logs_it(client, authority, make_user):
    for _ in range(2):
        message = email()
        message.add_attachment(
            EXE, maintype="application", subtype="octet-stream", filename="setup.exe"
        )
        services.receive(message.as_bytes(), "smtp")
    first, second = IntakeProblem.objects.order_by("pk")
    client.force_login(make_user("officer", Role.OFFICER))
    client.post(f"/staff/intake/{first.pk}/", {"resolution": "set_aside"})
    first.refresh_from_db()
    assert first.resolution == "Set aside by an officer"
    response = client.post(f"/staff/intake/{second.pk}/", {"resolution": "log"})
    case = Request.objects.get()
    assert response["Location"] == f"/staff/requests/{case.reference}/"


def test_uploading_an_eml_file(client, authority, make_user):
    client.force_login(make_user("officer", Role.OFFICER))
    upload = io.BytesIO(email().as_bytes())
    upload.name = "request.eml"
    response = client.post("/staff/intake/upload/", {"message": upload})
    case = Request.objects.get()
    assert response["Location"] == f"/staff/requests/{case.reference}/"
    assert case.inbound.get().channel == "file"


@pytest.mark.parametrize(
    ("role", "expected"), [(Role.OFFICER, 200), (Role.CONTRIBUTOR, 403), (Role.APPROVER, 403)]
)
def test_only_officers_see_messages_to_check(client, authority, make_user, role, expected):
    client.force_login(make_user("someone", role))
    assert client.get("/staff/intake/").status_code == expected
    assert client.get("/staff/intake/upload/").status_code == expected


def test_a_request_of_only_invisible_characters_is_refused_saying_so(client, authority):
    page = client.post(
        "/request/", {**FORM, "request": "\u200b\u200c\u200d\ufeff\u2060 \u00ad"}
    ).content.decode()
    assert "There is a problem" in page
    assert "Your request has no words we can read. Enter the information you want" in page
    assert not Request.objects.exists()


def test_officers_see_automatic_email_and_log_a_person_s_as_a_request(client, authority, make_user):
    # A person's own mail program marked their request as bulk mail.
    bulk = email(subject="Library opening hours", precedence="bulk")
    kept = services.receive(bulk.as_bytes(), "smtp")
    assert kept.outcome == "auto_reply"
    client.force_login(make_user("officer", Role.OFFICER))
    assert "/staff/intake/automatic/" in client.get("/staff/intake/").content.decode()

    listed = client.get("/staff/intake/automatic/").content.decode()
    assert "Library opening hours" in listed
    assert "sam.requester@example.com" in listed
    shown = client.get(f"/staff/intake/automatic/{kept.pk}/").content.decode()
    assert "Log it as a new request" in shown

    logged = client.post(f"/staff/intake/automatic/{kept.pk}/")
    case = Request.objects.get()
    assert logged["Location"] == f"/staff/requests/{case.reference}/"
    assert case.correspondence.filter(kind="acknowledgement").exists()
    assert "Library opening hours" not in client.get("/staff/intake/automatic/").content.decode()


@pytest.mark.parametrize("path", ["/staff/intake/automatic/", "/staff/intake/not-sent/"])
def test_only_officers_see_automatic_email_and_email_not_sent(client, authority, make_user, path):
    client.force_login(make_user("approver", Role.APPROVER))
    assert client.get(path).status_code == 403
