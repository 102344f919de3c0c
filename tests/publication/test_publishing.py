"""Publishing answered requests in the disclosure log without their requester (a disclosure log
never carries the requester's identity: docs/law/personal-data.md), its versions, taking down,
and the staff pages that do it."""

import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from foidesk import demo
from foidesk.accounts.roles import Role
from foidesk.casework import services as casework
from foidesk.casework.models import Request, TimelineEvent
from foidesk.publication import search, services
from foidesk.publication.models import DisclosureEntry
from foidesk.responses import sending
from foidesk.responses import services as responses
from foidesk.text import redaction
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
    released in the disclosure log has neither (docs/law/personal-data.md)."""
    personal = ["Sam Requester", "12 Example Road", "Finchley", "N3 9ZZ"]
    sent = responses.compose_letter(barnet).text
    assert all(words in sent for words in personal)

    previewed = services.preview(barnet).response
    released = DisclosureEntry.objects.get(request=barnet).current.files.get(
        filename="5973764-response.pdf"
    )
    with released.file.open("rb") as stored:
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
    # The timeline tells a take-down from a publication by its kind, not only its words.
    assert [e.kind for e in answered.timeline.filter(kind__in=["published", "taken_down"])] == [
        TimelineEvent.Kind.PUBLISHED,
        TimelineEvent.Kind.TAKEN_DOWN,
    ]


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


@pytest.fixture
def answered_naming_others(authority, officer, make_user):
    """An answer that names a member of staff with their direct line and email: someone
    else's personal data, which a council may mean to publish or may not."""
    case = casework.log_request(
        officer,
        regime="foi",
        received_at=timezone.now(),
        subject="Freedom of Information request - Jane Whitlock-Price",
        body=SIGNED_REQUEST,
        requester={"name": "Jane Whitlock-Price", "email": "jane.wp@example.org"},
    )
    casework.take_action(case, officer, "start")
    casework.take_action(case, officer, "draft")
    answer_every_question(
        case,
        officer,
        answer="412 were reported. Ask Pat Smith in Highways, pat.smith@barnet.gov.uk, "
        "020 8359 4000, for the monthly figures.",
    )
    casework.take_action(case, officer, "submit_for_approval")
    casework.take_action(case, make_user("approver", Role.APPROVER), "approve")
    sending.record_sent(case, officer, on=timezone.localdate(), method="post")
    case.refresh_from_db()
    return case


def test_the_title_never_names_the_requester(answered_naming_others):
    shown = services.preview(answered_naming_others)
    assert "Whitlock" not in shown.title.text
    assert shown.title.text.startswith("Freedom of Information request")
    assert (
        "Whitlock"
        not in services.preview(
            answered_naming_others, title="Potholes, asked by Jane Whitlock-Price"
        ).title.text
    )


def test_anyone_elses_details_are_taken_out_or_kept_with_a_reason(answered_naming_others, officer):
    shown = services.preview(answered_naming_others)
    found = {concern.kind: concern for concern in shown.concerns if concern.part == "the response"}
    assert {"email", "phone"} <= set(found)
    assert not any(concern.requester for concern in shown.concerns)
    with pytest.raises(services.Unresolved) as refused:
        services.publish(
            answered_naming_others, officer, title="Potholes", topic="", files=["letter"]
        )
    assert "pat.smith@barnet.gov.uk" in str(refused.value)

    services.publish(
        answered_naming_others,
        officer,
        title="Potholes",
        topic="",
        files=["letter"],
        remove=[found["email"].key],
        keep={found["phone"].key: "The Highways team's published switchboard"},
    )
    version = DisclosureEntry.objects.get(request=answered_naming_others).current
    assert "pat.smith@barnet.gov.uk" not in version.response_text
    assert "020 8359 4000" in version.response_text
    [kept] = [item for item in version.kept if item["kind"] == "phone"]
    assert kept["why_kept"] == "The Highways team's published switchboard"
    released = version.files.get(filename__endswith=".pdf")
    with released.file.open("rb") as stored:
        pdf = "".join(page.extract_text() for page in PdfReader(io.BytesIO(stored.read())).pages)
    assert "pat.smith@barnet.gov.uk" not in pdf
    assert "Whitlock" not in pdf


def test_a_workbook_naming_the_requester_is_not_released(answered, officer):
    from foidesk.responses import tables

    Request.objects.filter(pk=answered.pk).update(state="drafting")
    answered.refresh_from_db()
    responses.save_sheet(
        answered,
        officer,
        tables.Sheet(
            "Asked by",
            ["Who"],
            ["Requester"],
            {(0, 0): tables.Cell("value", "Jane Whitlock-Price")},
        ),
    )
    Request.objects.filter(pk=answered.pk).update(state="responded")
    answered.refresh_from_db()
    shown = services.preview(answered)
    blocking = [concern for concern in shown.concerns if concern.requester]
    assert [concern.part for concern in blocking] == [f"{answered.reference}-answers.xlsx"]
    with pytest.raises(services.Unresolved, match="requester's details"):
        services.publish(answered, officer, title="Potholes", topic="", files=["letter", "answers"])
    # Left out, the rest can go.
    services.publish(answered, officer, title="Potholes", topic="", files=["letter"])


def test_the_publish_page_asks_about_each_concern(client, answered_naming_others, officer):
    client.force_login(officer)
    url = f"/staff/requests/{answered_naming_others.reference}/publish/"
    page = client.get(url).content.decode()
    assert "Found in what would be published" in page
    assert "<mark>pat.smith@barnet.gov.uk</mark>" in page
    shown = services.preview(answered_naming_others)
    decisions = {}
    for concern in shown.concerns:
        decisions[f"decision-{concern.key}"] = "keep"
    refused = client.post(url, {"title": "Potholes", "files": ["letter"], **decisions})
    assert "Say why it is kept" in refused.content.decode()
    for concern in shown.concerns:
        decisions[f"decision-{concern.key}"] = "take_out"
    done = client.post(url, {"title": "Potholes", "files": ["letter"], **decisions})
    assert done.status_code == 302
    version = DisclosureEntry.objects.get(request=answered_naming_others).current
    assert "pat.smith" not in version.response_text


def test_publishing_through_the_api(client, answered_naming_others, officer, make_user):
    from foidesk.api import tokens

    headers = {"Authorization": f"Bearer {tokens.create(officer.username)}"}
    base = f"/api/v1/requests/{answered_naming_others.reference}/publish"
    shown = client.get(f"{base}/preview", headers=headers).json()
    assert "Whitlock" not in shown["title"] + shown["request"] + shown["response"]
    findings = {finding["kind"]: finding for finding in shown["findings"]}
    assert findings["email"]["words"] == "pat.smith@barnet.gov.uk"
    assert findings["email"]["may_be_kept"]

    refused = client.post(base, {}, content_type="application/json", headers=headers)
    assert refused.status_code == 400
    assert {problem["loc"][1] for problem in refused.json()["detail"]} == {"keep"}
    assert any(findings["email"]["finding"] in p["msg"] for p in refused.json()["detail"])

    published = client.post(
        base,
        {
            "title": "Potholes reported",
            "remove": [f["finding"] for f in shown["findings"] if f["kind"] != "phone"],
            "keep": [
                {"finding": f["finding"], "reason": "The Highways switchboard"}
                for f in shown["findings"]
                if f["kind"] == "phone"
            ],
        },
        content_type="application/json",
        headers=headers,
    )
    assert published.status_code == 201, published.content
    body = published.json()
    assert body["title"] == "Potholes reported"
    assert body["files"] == [f"{answered_naming_others.reference}-response.pdf"]
    assert body["url"].endswith(f"/disclosure-log/{answered_naming_others.reference}/")

    approver = {
        "Authorization": f"Bearer {tokens.create(make_user('ash', Role.APPROVER).username)}"
    }
    assert client.get(f"{base}/preview", headers=approver).status_code == 403


def test_hidden_content_in_a_released_file_stops_it_until_kept_with_a_reason(
    answered, officer, monkeypatch
):
    """The ICO's advisory note on disclosure (2023): a hidden sheet is released with the
    file unless someone looks. A workbook hiding a sheet is a concern like personal data."""
    from openpyxl import Workbook

    from foidesk.responses import tables

    Request.objects.filter(pk=answered.pk).update(state="drafting")
    answered.refresh_from_db()
    responses.save_sheet(
        answered,
        officer,
        tables.Sheet("Adults", ["Mosaic"], ["Users"], {(0, 0): tables.Cell("value", "415")}),
    )
    Request.objects.filter(pk=answered.pk).update(state="responded")
    answered.refresh_from_db()
    workbook = Workbook()
    workbook.create_sheet("Staff").sheet_state = "hidden"
    out = io.BytesIO()
    workbook.save(out)
    monkeypatch.setattr(responses, "render_answers", lambda case, extension: out.getvalue())
    hidden = [c for c in services.preview(answered).concerns if c.hidden]
    assert "hidden_sheet" in {concern.kind for concern in hidden}
    with pytest.raises(services.Unresolved, match="hidden"):
        services.publish(answered, officer, title="Potholes", topic="", files=["letter", "answers"])
    services.publish(
        answered,
        officer,
        title="Potholes",
        topic="",
        files=["letter", "answers"],
        keep={concern.key: "Checked by hand: the hidden sheet is empty" for concern in hidden},
    )
    version = DisclosureEntry.objects.get(request=answered).current
    assert "hidden_sheet" in {kept["kind"] for kept in version.kept}
