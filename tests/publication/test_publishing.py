"""Publishing answered requests in the disclosure log without their requester (LAW.md
section 8: a disclosure log never carries the requester's identity), its versions, taking
down, and the staff pages that do it."""

import io

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from pypdf import PdfReader

from foidesk import demo
from foidesk.accounts.roles import Role
from foidesk.casework import services as casework
from foidesk.casework.models import Request
from foidesk.publication import redaction, search, services
from foidesk.publication.models import DisclosureEntry
from foidesk.responses import sending
from foidesk.responses import services as responses
from tests.helpers import answer_every_question

pytestmark = pytest.mark.django_db

SIGNED_REQUEST = """\
Dear London Borough of Barnet,

Please tell me how many potholes were reported in 2023.

Yours faithfully,

Jane Whitlock-Price
07700 900123
12 Acacia Avenue, London N3 2XY

-------------------------------------------------------------------
Please use this email address for all replies to this request:
foi+request-12345-abcdef@whatdotheyknow.com
"""


@pytest.fixture
def barnet(authority):
    demo.load("pw", generated=0)
    return Request.objects.get(reference=demo.REFERENCE_CASE["reference"])


@pytest.fixture
def answered(authority, officer, make_user):
    """A request answered and sent, from a requester whose details the text repeats."""
    case = casework.log_request(
        officer,
        regime="foi",
        received_at=timezone.now(),
        subject="Potholes reported",
        body=SIGNED_REQUEST,
        requester={
            "name": "Jane Whitlock-Price",
            "email": "jane.wp@example.org",
            "postal_address": "12 Acacia Avenue, London N3 2XY",
        },
    )
    casework.take_action(case, officer, "start")
    casework.take_action(case, officer, "draft")
    answer_every_question(case, officer)
    casework.take_action(case, officer, "submit_for_approval")
    casework.take_action(case, make_user("approver", Role.APPROVER), "approve")
    sending.record_sent(case, officer, on=timezone.localdate(), method="other")
    case.refresh_from_db()
    return case


def test_the_demo_publishes_5973764_without_its_requester(barnet):
    entry = DisclosureEntry.objects.get(request=barnet)
    assert entry.is_live
    published = entry.current.request_text + entry.current.response_text
    assert "Sam Requester" not in published
    assert "sam.requester@example.com" not in published
    assert "Mosaic" in entry.current.response_text
    # The council's own address stays: it is how to ask for a review.
    assert "2 Bristol Avenue" in entry.current.response_text
    assert {f.filename for f in entry.current.files.all()} == {
        "5973764-response.pdf",
        "5973764-answers.xlsx",
    }


def test_the_published_letter_is_addressed_to_nobody(barnet):
    """The letter as sent names the requester and their address; the one previewed and
    released in the disclosure log has neither (LAW.md section 8)."""
    personal = ["Sam Requester", "12 Example Road", "Finchley", "N3 9ZZ"]
    sent = responses.compose_letter(barnet).text
    assert all(words in sent for words in personal)

    previewed = services.preview(barnet).response
    released = DisclosureEntry.objects.get(request=barnet).current.files.get(
        filename="5973764-response.pdf"
    )
    with default_storage.open(released.stored_as) as stored:
        pdf = PdfReader(io.BytesIO(stored.read()))
    released_text = " ".join(page.extract_text() for page in pdf.pages)
    for text in [previewed.original, previewed.text, released_text]:
        assert not [words for words in personal if words in text]
        assert "Dear Sir or Madam," in text
        assert "Olu Officer" in text
    # Nothing had to be taken out of the letter to hide them.
    assert not previewed.removals


@pytest.mark.parametrize("words", ["Mosaic", "case management system"])
def test_the_published_demo_case_is_found_by_search(barnet, words):
    results = search.search(words)
    assert [hit.entry_id for hit in results.hits] == [barnet.disclosure.pk]
    assert "<mark>" in results.hits[0].snippet_html


def test_the_requester_their_signature_contacts_and_footer_are_removed(answered):
    shown = services.preview(answered)
    text = shown.request.text
    for personal in ["Whitlock-Price", "07700 900123", "Acacia Avenue", "N3 2XY", "whatdotheyknow"]:
        assert personal not in text
    assert "how many potholes were reported in 2023" in text
    reasons = {removal.reason for removal in shown.request.removals}
    assert "the sign-off and signature" in reasons
    # The officer sees each removal marked before anything goes live.
    assert '<del class="foidesk-removed"' in shown.request.preview_html()
    # The letter quotes the request: what was taken out of it goes from the quote too.
    assert "Whitlock" not in shown.response.text
    assert "jane.wp@example.org" not in shown.response.text


def test_a_letter_keeps_the_authoritys_contact_details():
    letter = "Information Management Team\n2 Bristol Avenue, London NW9 4EW\nfoi@barnet.gov.uk"
    redacted = redaction.redact_letter(letter, name="Jane Smith", emails=["jane@example.org"])
    assert redacted.text == letter
    assert redacted.removals == ()


def test_publishing_again_keeps_the_earlier_version(answered, officer):
    services.publish(answered, officer, title="Potholes", topic="Highways", files=["letter"])
    entry = services.publish(
        answered, officer, title="Potholes reported in 2023", topic="Highways", files=[]
    )
    assert [v.number for v in entry.versions.all()] == [2, 1]
    assert entry.current.title == "Potholes reported in 2023"
    assert entry.current.files.count() == 0
    assert entry.versions.get(number=1).files.get().filename.endswith("-response.pdf")
    assert answered.timeline.filter(kind="published").count() == 2


def test_taking_down_needs_a_reason_and_removes_it_from_search(answered, officer):
    entry = services.publish(answered, officer, title="Potholes", topic="", files=[])
    assert search.search("potholes").total == 1
    with pytest.raises(services.PublicationError, match="Say why"):
        services.unpublish(entry, officer, "  ")
    services.unpublish(entry, officer, "Published by mistake before the requester had it.")
    entry.refresh_from_db()
    assert not entry.is_live
    assert search.search("potholes").total == 0
    assert entry.versions.count() == 1


def test_only_an_answered_request_can_be_published(authority, officer):
    case = casework.log_request(
        officer,
        regime="foi",
        received_at=timezone.now(),
        subject="Open",
        body="1. Anything?",
        requester={"name": "A Person", "email": "a@example.org"},
    )
    with pytest.raises(services.PublicationError, match="answered"):
        services.preview(case)


def test_an_officer_previews_then_publishes_from_the_case(client, answered, officer):
    client.force_login(officer)
    url = f"/staff/requests/{answered.reference}/publish/"
    page = client.get(url).content.decode()
    assert "foidesk-removed" in page
    assert "Whitlock-Price" in page  # shown struck through to the officer, not published
    response = client.post(url, {"title": "Potholes", "topic": "Highways", "files": ["letter"]})
    assert response.status_code == 302
    public = client.get(f"/disclosure-log/{answered.reference}/").content.decode()
    assert "how many potholes" in public
    assert "Whitlock" not in public


def test_a_blank_title_is_explained(client, answered, officer):
    client.force_login(officer)
    page = client.post(
        f"/staff/requests/{answered.reference}/publish/", {"title": "", "topic": ""}
    ).content.decode()
    assert "govuk-error-summary" in page
    assert "Enter a title for the disclosure log" in page
    assert not DisclosureEntry.objects.exists()


@pytest.mark.parametrize(
    ("roles", "areas", "expected"),
    [
        ([Role.OFFICER], [], [200, 200]),
        ([Role.ADMIN], [], [200, 200]),
        ([Role.APPROVER], [], [403, 403]),
        ([Role.CONTRIBUTOR], ["Family Services"], [404, 404]),
        ([], [], [403, 403]),
    ],
)
def test_publishing_permission_matrix(client, make_user, answered, officer, roles, areas, expected):
    """Only officers (and admins) publish or take down; others are refused, and a
    contributor is not told the request exists."""
    services.publish(answered, officer, title="Potholes", topic="", files=[])
    client.force_login(make_user("someone", *roles, service_areas=areas))
    pages = ["publish", "unpublish"]
    got = [
        client.get(f"/staff/requests/{answered.reference}/{page}/").status_code for page in pages
    ]
    assert got == expected


def test_signed_out_staff_are_sent_to_sign_in(client, answered):
    response = client.get(f"/staff/requests/{answered.reference}/publish/")
    assert response.status_code == 302
