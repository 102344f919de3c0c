"""The JSON API at /api/v1, exactly as other systems rely on it."""

import json
import os
from datetime import UTC, date, datetime
from email.message import EmailMessage

import pytest

from foidesk.accounts.roles import Role
from foidesk.api import tokens
from foidesk.casework import services
from foidesk.casework.models import Request, ServiceArea
from foidesk.demo import REFERENCE_CASE
from foidesk.intake import services as intake
from foidesk.intake.models import InboundMessage
from foidesk.similar import services as similar_requests
from tests.helpers import today_is

pytestmark = pytest.mark.django_db

NEW_REQUEST = {
    "regime": "foi",
    "received_at": "2020-01-17T10:12:00+00:00",
    "requester": {"name": "Sam Requester", "email": "sam.requester@example.com"},
    "subject": REFERENCE_CASE["subject"],
    "body": REFERENCE_CASE["body"],
    "requested_format": "Microsoft Excel",
}


@pytest.fixture
def token_for(make_user):
    def make(role, username=None, **extra):
        user = make_user(username or f"api.{role}", *([role] if role else []), **extra)
        return tokens.create(user.username) if role else None

    return make


@pytest.fixture
def call(client):
    def request(method, path, token, body=None, raw=None):
        """``raw=""`` sends no body at all, as a client posting nothing does."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        kwargs = {"content_type": "application/json", "data": data} if data is not None else {}
        return getattr(client, method)(f"/api/v1{path}", headers=headers, **kwargs)

    return request


@pytest.fixture
def officer_token(token_for, authority):
    return token_for(Role.OFFICER, "officer")


def test_logging_a_request_answers_201_with_reference_state_due_and_questions(call, officer_token):
    response = call("post", "/requests", officer_token, NEW_REQUEST)
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"reference", "state", "due_on", "questions"}
    assert body["state"] == "new"
    assert body["due_on"] == "2020-02-14"
    assert [q["number"] for q in body["questions"]] == [1, 2, 3, 4]
    assert body["questions"][1]["text"].startswith("For each system identified in Q1")
    assert Request.objects.get(reference=body["reference"]).requester.name == "Sam Requester"


def test_getting_a_request_adds_its_timeline_and_requester(call, officer_token):
    reference = call("post", "/requests", officer_token, NEW_REQUEST).json()["reference"]
    body = call("get", f"/requests/{reference}", officer_token).json()
    assert body["reference"] == reference
    assert body["timeline"][0]["kind"] == "logged"
    assert body["timeline"][0]["actor"] == "officer"
    assert body["requester"] == {
        "name": "Sam Requester",
        "email": "sam.requester@example.com",
        "address": "",
    }


def test_a_contributor_gets_the_request_without_its_requester(call, officer_token, token_for):
    reference = call("post", "/requests", officer_token, NEW_REQUEST).json()["reference"]
    case = Request.objects.get(reference=reference)
    area = ServiceArea.objects.create(name="Adults Services")
    services.request_contribution(case, case.timeline.first().actor, area, case.questions.all())
    contributor = token_for(Role.CONTRIBUTOR, service_areas=["Adults Services"])
    body = call("get", f"/requests/{reference}", contributor).json()
    assert "requester" not in body
    assert "sam.requester" not in json.dumps(body)


def test_recording_events_answers_with_the_new_due_date(call, officer_token):
    reference = call("post", "/requests", officer_token, NEW_REQUEST).json()["reference"]
    path = f"/requests/{reference}/events"
    stopped = call(
        "post", path, officer_token, {"kind": "clarification_sought", "date": "2020-01-20"}
    )
    assert stopped.status_code == 200
    assert stopped.json()["due_on"] is None
    assert stopped.json()["state"] == "awaiting_clarification"
    restarted = call(
        "post",
        path,
        officer_token,
        {"kind": "clarification_received", "date": "2020-01-27", "note": ""},
    )
    assert restarted.json()["due_on"] == "2020-02-24"
    extended = call(
        "post",
        path,
        officer_token,
        {"kind": "extension", "date": "2020-02-20", "note": "s.43(2) PIT"},
    )
    assert extended.json()["due_on"] == "2020-03-24"  # St Patrick's Day does not count


@pytest.mark.parametrize(
    ("event", "field", "message"),
    [
        ({"kind": "fee_paid", "date": "2020-01-20"}, "kind", "You cannot fee paid while"),
        ({"kind": "clarification_sought", "date": "2020-01-10"}, "date", "before the request"),
        ({"kind": "extension", "date": "2020-01-20"}, "kind", "You cannot extend the time"),
    ],
)
def test_an_event_that_cannot_be_is_400_naming_the_field(
    call, officer_token, event, field, message
):
    reference = call("post", "/requests", officer_token, NEW_REQUEST).json()["reference"]
    response = call("post", f"/requests/{reference}/events", officer_token, event)
    assert response.status_code == 400
    [problem] = response.json()["detail"]
    assert problem["loc"] == ["body", field]
    assert message in problem["msg"]


def test_an_extension_without_a_reason_is_400_on_the_note(call, officer_token):
    reference = call("post", "/requests", officer_token, NEW_REQUEST).json()["reference"]
    Request.objects.filter(reference=reference).update(state="in_progress")
    response = call(
        "post",
        f"/requests/{reference}/events",
        officer_token,
        {"kind": "extension", "date": "2020-02-10"},
    )
    assert response.status_code == 400
    assert response.json()["detail"][0]["loc"] == ["body", "note"]


def test_an_extension_told_after_the_original_due_date_is_400_on_the_date(call, officer_token):
    """FOIA s.10(3) with s.17(2): received Fri 17 Jan 2020, the requester had to be told of
    the extension by Fri 14 Feb 2020."""
    reference = call("post", "/requests", officer_token, NEW_REQUEST).json()["reference"]
    Request.objects.filter(reference=reference).update(state="in_progress")
    response = call(
        "post",
        f"/requests/{reference}/events",
        officer_token,
        {"kind": "extension", "date": "2020-02-17", "note": "s.43(2) PIT"},
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": [
            {
                "loc": ["body", "date"],
                "msg": "An extension must be given within the first 20 working days, by Fri "
                "14 Feb 2020; it is too late to extend now (FOIA s.10(3), s.17(2)).",
            }
        ]
    }
    assert call("get", f"/requests/{reference}", officer_token).json()["due_on"] == "2020-02-14"


def test_an_extension_told_after_today_is_400_on_the_date(call, officer_token, time_machine):
    today_is(time_machine, date(2020, 2, 10))
    reference = call("post", "/requests", officer_token, NEW_REQUEST).json()["reference"]
    Request.objects.filter(reference=reference).update(state="in_progress")
    response = call(
        "post",
        f"/requests/{reference}/events",
        officer_token,
        {"kind": "extension", "date": "2020-02-11", "note": "s.43(2) PIT"},
    )
    assert response.status_code == 400
    [problem] = response.json()["detail"]
    assert problem["loc"] == ["body", "date"]
    assert "cannot have been told of the extension on Tue 11 Feb 2020" in problem["msg"]


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"regime": "martian"}, ["body", "payload", "regime"]),
        ({"received_at": "2020-01-17T10:12:00"}, ["body", "payload", "received_at"]),
        ({"received_at": "17/01/2020"}, ["body", "payload", "received_at"]),
        ({"subject": ""}, ["body", "payload", "subject"]),
        (
            {"requester": {"name": "S", "email": "not-an-address"}},
            ["body", "payload", "requester", "email"],
        ),
        ({"requester": {"email": "s@example.com"}}, ["body", "payload", "requester", "name"]),
    ],
)
def test_bad_input_is_422_naming_the_field(call, officer_token, change, where):
    response = call("post", "/requests", officer_token, {**NEW_REQUEST, **change})
    assert response.status_code == 422
    assert where in [problem["loc"] for problem in response.json()["detail"]]
    assert not Request.objects.exists()


def test_a_requester_with_no_address_at_all_is_400(call, officer_token):
    response = call("post", "/requests", officer_token, {**NEW_REQUEST, "requester": {"name": "S"}})
    assert response.status_code == 400
    assert response.json()["detail"][0]["loc"] == ["body", "requester", "email"]


@pytest.mark.parametrize("raw", ["{not json", "[]", "null", ""])
def test_a_body_that_is_not_a_request_is_never_a_500(call, officer_token, raw):
    response = call("post", "/requests", officer_token, raw=raw or " ")
    assert response.status_code in {400, 422}
    assert "detail" in response.json()


def test_listing_filters_and_pages(call, officer_token, token_for, time_machine):
    time_machine.move_to(datetime(2020, 3, 2, 9, tzinfo=UTC), tick=False)
    for day in [2, 3, 6, 7]:
        call(
            "post",
            "/requests",
            officer_token,
            {**NEW_REQUEST, "received_at": f"2020-01-{day:02d}T09:00:00+00:00"},
        )
    call(
        "post",
        "/requests",
        officer_token,
        {**NEW_REQUEST, "received_at": "2020-02-28T09:00:00+00:00"},
    )
    everything = call("get", "/requests", officer_token).json()
    assert everything["count"] == 5
    assert everything["pages"] == 1
    dues = [item["due_on"] for item in everything["items"]]
    assert dues == sorted(dues)
    assert set(everything["items"][0]) == {
        "reference",
        "subject",
        "regime",
        "state",
        "received_at",
        "due_on",
        "assigned_officer",
    }
    assert call("get", "/requests?overdue=true", officer_token).json()["count"] == 4
    assert call("get", "/requests?due_before=2020-02-04", officer_token).json()["count"] == 3
    assert call("get", "/requests?state=drafting", officer_token).json()["count"] == 0
    assert call("get", "/requests?page=2", officer_token).json()["items"] == []


@pytest.mark.parametrize(
    ("query", "field"),
    [("state=lost", "state"), ("page=0", "page"), ("due_before=soon", "due_before")],
)
def test_bad_list_filters_are_explained(call, officer_token, query, field):
    response = call("get", f"/requests?{query}", officer_token)
    assert response.status_code in {400, 422}
    assert field in json.dumps(response.json()["detail"])


def test_the_openapi_document_describes_the_endpoints(client):
    document = client.get("/api/v1/openapi.json").json()
    assert {
        "/api/v1/requests",
        "/api/v1/requests/{reference}",
        "/api/v1/requests/{reference}/events",
    } <= set(document["paths"])


# The permission matrix of the API: every role against every endpoint.
ENDPOINTS = ["log", "get", "list", "event", "similar", "disclosure log"]
API_MATRIX = {
    None: [401, 401, 401, 401, 401, 200],
    Role.OFFICER: [201, 200, 200, 200, 200, 200],
    Role.ADMIN: [201, 200, 200, 200, 200, 200],
    Role.APPROVER: [403, 200, 200, 403, 200, 200],
    Role.CONTRIBUTOR: [403, 404, 200, 404, 404, 200],
}


@pytest.mark.parametrize("role", API_MATRIX)
def test_api_permission_matrix(call, officer_token, token_for, role):
    reference = call("post", "/requests", officer_token, NEW_REQUEST).json()["reference"]
    similar_requests.rebuild()  # as the worker does: until then "similar" answers 503
    token = token_for(role) if role else None
    got = [
        call("post", "/requests", token, NEW_REQUEST).status_code,
        call("get", f"/requests/{reference}", token).status_code,
        call("get", "/requests", token).status_code,
        call(
            "post",
            f"/requests/{reference}/events",
            token,
            {"kind": "clarification_sought", "date": "2020-01-20"},
        ).status_code,
        call("get", f"/requests/{reference}/similar", token).status_code,
        call("get", "/disclosure?q=anything", token).status_code,
    ]
    assert got == API_MATRIX[role]


def test_a_contributor_lists_only_requests_for_their_area(call, officer_token, token_for):
    reference = call("post", "/requests", officer_token, NEW_REQUEST).json()["reference"]
    call("post", "/requests", officer_token, NEW_REQUEST)
    case = Request.objects.get(reference=reference)
    area = ServiceArea.objects.create(name="Adults Services")
    services.request_contribution(case, case.timeline.first().actor, area, case.questions.all())
    contributor = token_for(Role.CONTRIBUTOR, service_areas=["Adults Services"])
    listed = call("get", "/requests", contributor).json()
    assert [item["reference"] for item in listed["items"]] == [reference]


def test_a_wrong_or_revoked_token_is_401(call, officer_token, make_user):
    assert call("get", "/requests", "fd_not-a-token").status_code == 401
    from foidesk.api.models import ApiToken

    ApiToken.objects.all().delete()
    response = call("get", "/requests", officer_token)
    assert response.status_code == 401
    assert response.json()["detail"][0]["loc"] == ["header", "Authorization"]


def test_tokens_are_stored_only_as_a_hash(officer_token):
    from foidesk.api.models import ApiToken

    stored = ApiToken.objects.get()
    assert officer_token not in (stored.key_hash, stored.prefix)
    assert officer_token.startswith(stored.prefix)


@pytest.mark.parametrize(
    ("username", "message"), [("nobody", "no user called"), ("norole", "has no role")]
)
def test_a_token_is_made_only_for_staff(make_user, username, message):
    make_user("norole")
    with pytest.raises(tokens.TokenError, match=message):
        tokens.create(username)


def test_putting_a_decision_answers_with_what_is_still_missing(call, officer_token):
    reference = call("post", "/requests", officer_token, NEW_REQUEST).json()["reference"]
    path = f"/requests/{reference}/questions/3/decision"
    body = call(
        "put",
        path,
        officer_token,
        {"held": "yes", "decision": "withheld", "exemptions": ["foia-43-2"]},
    ).json()
    assert body["decision"] == "withheld"
    assert body["exemptions"] == ["foia-43-2"]
    assert any(problem.startswith("Q3") and "s.17(3)" in problem for problem in body["problems"])


def test_a_decision_citing_another_laws_exemption_is_400(call, officer_token):
    reference = call("post", "/requests", officer_token, NEW_REQUEST).json()["reference"]
    response = call(
        "put",
        f"/requests/{reference}/questions/1/decision",
        officer_token,
        {"held": "yes", "decision": "withheld", "exemptions": ["eir-12-5-e"]},
    )
    assert response.status_code == 400
    assert response.json()["detail"][0]["loc"] == ["body", "exemptions"]


def test_a_decision_on_a_question_that_is_not_there_is_404(call, officer_token):
    reference = call("post", "/requests", officer_token, NEW_REQUEST).json()["reference"]
    response = call(
        "put",
        f"/requests/{reference}/questions/9/decision",
        officer_token,
        {"held": "yes", "decision": "released"},
    )
    assert response.status_code == 404


def test_the_response_is_refused_until_complete_then_comes_in_every_format(
    call, officer_token, make_user
):
    from foidesk import demo

    reference = call("post", "/requests", officer_token, NEW_REQUEST).json()["reference"]
    incomplete = call("get", f"/requests/{reference}/response?format=pdf", officer_token)
    assert incomplete.status_code == 400
    assert incomplete.json()["detail"][0]["loc"] == ["response"]

    demo.load("pw", generated=0)
    for kind, starts in [
        ("html", b"<!DOCTYPE"),
        ("docx", b"PK"),
        ("pdf", b"%PDF"),
        ("xlsx", b"PK"),
        ("ods", b"PK"),
        ("csv", b"PK"),
    ]:
        response = call("get", f"/requests/5973764/response?format={kind}", officer_token)
        assert response.status_code == 200, kind
        assert response.content.startswith(starts), kind
    assert call("get", "/requests/5973764/response?format=rtf", officer_token).status_code == 400


def test_a_contributor_cannot_read_the_response(call, officer_token, token_for):
    reference = call("post", "/requests", officer_token, NEW_REQUEST).json()["reference"]
    case = Request.objects.get(reference=reference)
    area = ServiceArea.objects.create(name="Adults Services")
    services.request_contribution(case, case.timeline.first().actor, area, case.questions.all())
    contributor = token_for(Role.CONTRIBUTOR, service_areas=["Adults Services"])
    assert call("get", f"/requests/{reference}/response", contributor).status_code == 403
    assert (
        call(
            "put",
            f"/requests/{reference}/questions/1/decision",
            contributor,
            {"held": "yes", "decision": "released"},
        ).status_code
        == 403
    )


def test_an_email_handed_in_becomes_a_request(client, officer_token):
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"] = "Sam Requester <sam@example.com>"
    message["To"] = "foi@barnet.gov.uk"
    message["Subject"] = "Bridges"
    message.set_content("1. How many bridges?\n2. What did they cost?")
    response = client.post(
        "/api/v1/intake/email",
        data=message.as_bytes(),
        content_type="message/rfc822",
        headers={"Authorization": f"Bearer {officer_token}"},
    )
    assert response.status_code == 202
    body = response.json()
    assert body["outcome"] == "new_request"
    assert body["problem_id"] is None
    assert Request.objects.get(reference=body["reference"]).questions.count() == 2


def _scanned_letter(size):
    """An email carrying a scanned letter as a PDF of about ``size`` bytes."""
    message = EmailMessage()
    message["From"] = "Sam Requester <sam@example.com>"
    message["To"] = "foi@barnet.gov.uk"
    message["Subject"] = "My request, scanned"
    message.set_content("My request is in the letter attached: how many bridges are there?")
    scan = b"%PDF-1.4\n" + os.urandom(size)
    message.add_attachment(scan, "application", "pdf", filename="letter.pdf")
    return message.as_bytes()


def test_an_email_with_a_scanned_letter_larger_than_a_form_is_kept_and_logged(
    client, officer_token
):
    raw = _scanned_letter(3 * 1024 * 1024)
    response = client.post(
        "/api/v1/intake/email",
        data=raw,
        content_type="message/rfc822",
        headers={"Authorization": f"Bearer {officer_token}"},
    )
    assert response.status_code == 202
    assert response.json()["outcome"] == "new_request"
    kept = InboundMessage.objects.get()
    assert intake.raw_bytes(kept) == raw
    case = Request.objects.get(reference=response.json()["reference"])
    assert case.inbound.get() == kept
    assert case.correspondence.get(kind="request").attachments.get().filename == "letter.pdf"


def test_an_email_over_the_limit_is_413_saying_the_limit(client, officer_token):
    response = client.post(
        "/api/v1/intake/email",
        data=_scanned_letter(51 * 1024 * 1024),
        content_type="message/rfc822",
        headers={"Authorization": f"Bearer {officer_token}"},
    )
    assert response.status_code == 413
    said = "The email is larger than 50 MB, the most foidesk takes."
    assert response.json() == {"detail": [{"loc": ["body"], "msg": said}]}
    assert not InboundMessage.objects.exists()


def test_an_email_that_needs_an_officer_answers_with_its_problem(client, officer_token, call):
    response = client.post(
        "/api/v1/intake/email",
        data=b"\x00\x01 not an email",
        content_type="message/rfc822",
        headers={"Authorization": f"Bearer {officer_token}"},
    )
    assert response.status_code == 202
    problem_id = response.json()["problem_id"]
    assert problem_id is not None
    listed = call("get", "/intake/problems", officer_token).json()
    assert [item["id"] for item in listed] == [problem_id]


def test_an_empty_email_is_400(client, officer_token):
    response = client.post(
        "/api/v1/intake/email",
        data=b"",
        content_type="message/rfc822",
        headers={"Authorization": f"Bearer {officer_token}"},
    )
    assert response.status_code == 400


@pytest.mark.parametrize("role", [Role.CONTRIBUTOR, Role.APPROVER])
def test_only_officers_hand_in_email(client, call, token_for, role, authority):
    token = token_for(role)
    assert call("get", "/intake/problems", token).status_code == 403
    response = client.post(
        "/api/v1/intake/email",
        data=b"From: a@b.c\r\n\r\nhi",
        content_type="message/rfc822",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 403


def _drafted_through_the_api(call, token):
    reference = call("post", "/requests", token, NEW_REQUEST).json()["reference"]
    for action in ["start", "draft"]:
        moved = call("post", f"/requests/{reference}/actions/{action}", token, raw="")
        assert moved.status_code == 200
    for number in [1, 2, 3, 4]:
        call(
            "put",
            f"/requests/{reference}/questions/{number}/decision",
            token,
            {"held": "yes", "decision": "released", "answer": f"The answer to Q{number}."},
        )
    return reference


def test_workflow_actions_answer_with_the_new_state_or_the_refusal(call, officer_token, token_for):
    reference = call("post", "/requests", officer_token, NEW_REQUEST).json()["reference"]
    started = call("post", f"/requests/{reference}/actions/start", officer_token, raw="")
    assert started.status_code == 200
    assert (started.json()["state"], started.json()["due_on"]) == ("in_progress", "2020-02-14")

    refused = call("post", f"/requests/{reference}/actions/close", officer_token, {})
    assert refused.status_code == 400
    [problem] = refused.json()["detail"]
    assert problem["loc"] == ["path", "action"]
    assert "while the request is in progress" in problem["msg"]

    # Sending for approval checks the response first, and says what it lacks.
    call("post", f"/requests/{reference}/actions/draft", officer_token, {})
    incomplete = call(
        "post", f"/requests/{reference}/actions/submit_for_approval", officer_token, {}
    )
    assert incomplete.status_code == 400
    assert "The response is not ready yet" in incomplete.json()["detail"][0]["msg"]

    approver = token_for(Role.APPROVER)
    assert call("post", f"/requests/{reference}/actions/start", approver, {}).status_code == 403
    unknown = call("post", f"/requests/{reference}/actions/delivered", officer_token, {})
    assert unknown.status_code == 422
    noted = call(
        "post",
        f"/requests/{reference}/actions/withdraw",
        officer_token,
        {"note": "The requester no longer needs it."},
    )
    assert noted.json()["state"] == "withdrawn"
    assert noted.json()["timeline"][-1]["description"].endswith("no longer needs it.")


def test_sending_through_the_api_and_reading_back_what_went(
    call, officer_token, token_for, settings
):
    from foidesk.intake import outgoing
    from foidesk.intake.models import Correspondence
    from tests.mail import smtp_sink

    reference = _drafted_through_the_api(call, officer_token)
    before = call("get", f"/requests/{reference}/response/sent?format=pdf", officer_token)
    assert before.status_code == 404
    assert call("get", f"/requests/{reference}", officer_token).json()["sent"] == []

    unapproved = call(
        "post", f"/requests/{reference}/response/send", officer_token, {"method": "email"}
    )
    assert unapproved.status_code == 400
    assert "approved before they are sent" in unapproved.json()["detail"][0]["msg"]

    approver = token_for(Role.APPROVER)
    call("post", f"/requests/{reference}/actions/submit_for_approval", officer_token, {})
    assert call("post", f"/requests/{reference}/actions/approve", approver, {}).status_code == 200
    assert (
        call(
            "post", f"/requests/{reference}/response/send", approver, {"method": "email"}
        ).status_code
        == 403
    )
    with smtp_sink(settings) as inbox:
        queued = call(
            "post", f"/requests/{reference}/response/send", officer_token, {"method": "email"}
        )
        assert queued.status_code == 202
        assert queued.json() == {"status": "queued", "version": 1}
        for waiting in Correspondence.objects.filter(status="queued"):
            outgoing.deliver.call(waiting.pk)
    [email] = inbox.messages
    emailed = {part.get_filename(): part.get_content() for part in email.iter_attachments()}

    detail = call("get", f"/requests/{reference}", officer_token).json()
    assert detail["state"] == "responded"
    [sent] = detail["sent"]
    assert (sent["version"], sent["method"], sent["status"]) == (1, "email", "sent")
    assert {f["name"] for f in sent["files"]} >= set(emailed)
    pdf = call("get", f"/requests/{reference}/response/sent?format=pdf", officer_token)
    assert pdf.status_code == 200
    assert pdf.content == emailed[f"{reference}-response.pdf"]
    assert pdf["Content-Type"] == "application/pdf"
    missing = call(
        "get", f"/requests/{reference}/response/sent?format=pdf&version=2", officer_token
    )
    assert missing.status_code == 404
    assert (
        call("get", f"/requests/{reference}/response/sent?format=rtf", officer_token).status_code
        == 400
    )
    assert (
        call("get", f"/requests/{reference}/response/sent?format=xlsx", officer_token).status_code
        == 404
    )


def test_recording_a_response_sent_by_post_through_the_api(call, officer_token, token_for):
    from foidesk.casework.models import Authority

    Authority.objects.update(approval_required=False)
    reference = _drafted_through_the_api(call, officer_token)
    undated = call(
        "post", f"/requests/{reference}/response/send", officer_token, {"method": "post"}
    )
    assert undated.status_code == 400
    assert undated.json()["detail"][0]["loc"] == ["body", "date"]
    recorded = call(
        "post",
        f"/requests/{reference}/response/send",
        officer_token,
        {"method": "post", "date": "2020-02-14"},
    )
    assert recorded.status_code == 200
    assert recorded.json() == {"status": "sent", "version": 1}
    letter = call("get", f"/requests/{reference}/response/sent?format=txt", officer_token)
    assert "14 February 2020" in letter.content.decode()
    again = call(
        "post",
        f"/requests/{reference}/response/send",
        officer_token,
        {"method": "post", "date": "2020-02-14"},
    )
    assert again.status_code == 400


@pytest.mark.parametrize("page", ["9223372036854775807", "99999999999999999999"])
def test_a_page_far_past_the_last_is_empty(call, officer_token, page):
    response = call("get", f"/requests?page={page}", officer_token)
    assert response.status_code == 200
    assert response.json()["items"] == []
    assert response.json()["pages"] == 1


def test_a_body_that_is_not_json_is_422_saying_so(call, officer_token):
    response = call("post", "/requests", officer_token, raw='{"regime": ')
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "loc": ["body"],
                "msg": "The body is not JSON: send a JSON object, "
                "with Content-Type: application/json",
            }
        ]
    }


def test_a_method_a_call_does_not_take_is_405_saying_which_it_does(call, officer_token):
    response = call("delete", "/disclosure", officer_token)
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert response.json() == {
        "detail": [{"loc": ["method"], "msg": "DELETE is not taken here: use GET"}]
    }


def test_an_address_with_no_call_is_404_pointing_to_the_docs(call, officer_token):
    response = call("get", "/requestz", officer_token)
    assert response.status_code == 404
    assert response.json() == {
        "detail": [
            {
                "loc": ["path"],
                "msg": "There is nothing at this address: the calls are listed at /api/v1/docs",
            }
        ]
    }


def test_every_call_documents_its_errors_in_the_one_shape(client):
    document = client.get("/api/v1/openapi.json").json()
    problems = {"$ref": "#/components/schemas/Problems"}
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            needs_token = bool(operation.get("security"))
            wanted = {"400", "401", "403", "404", "422"} if needs_token else {"400", "422"}
            assert wanted <= set(operation["responses"]), (method, path)
            for status in wanted:
                schema = operation["responses"][status]["content"]["application/json"]["schema"]
                assert schema == problems, (method, path, status)
