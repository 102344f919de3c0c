"""The casework pages, through Django's test client: what each person can see and do."""

import re
from datetime import UTC, date, datetime

import pytest
from markupsafe import escape

from foidesk.accounts.roles import Role
from foidesk.casework import services
from foidesk.casework.models import Contribution, Request, ServiceArea
from foidesk.demo import REFERENCE_CASE
from tests.helpers import answer_every_question, today_is

pytestmark = pytest.mark.django_db


@pytest.fixture
def areas(db):
    return {
        name: ServiceArea.objects.create(name=name)
        for name in ["Adults Services", "Family Services"]
    }


@pytest.fixture
def team(make_user, areas):
    return {
        "officer": make_user("officer", Role.OFFICER),
        "adults": make_user(
            "contributor.adults", Role.CONTRIBUTOR, service_areas=["Adults Services"]
        ),
        "family": make_user(
            "contributor.family", Role.CONTRIBUTOR, service_areas=["Family Services"]
        ),
        "approver": make_user("approver", Role.APPROVER),
    }


def log_form(**changes):
    return {
        "regime": "foi",
        "channel": "email",
        "received_on-day": "17",
        "received_on-month": "1",
        "received_on-year": "2020",
        "received_time": "10:12",
        "subject": REFERENCE_CASE["subject"],
        "body": REFERENCE_CASE["body"],
        "requested_format": REFERENCE_CASE["requested_format"],
        "requester_name": "Sam Requester",
        "requester_email": "sam.requester@example.com",
        "requester_address": "",
        **changes,
    }


def test_the_reference_letters_case_from_logging_to_drafting(client, authority, team, areas):
    """The issue's walk-through: log, see Q1-Q4 and 14 Feb 2020, route, answer, draft."""
    client.force_login(team["officer"])
    response = client.post("/staff/requests/new/", log_form(), follow=True)
    case = Request.objects.get()
    assert response.redirect_chain[-1][0] == f"/staff/requests/{case.reference}/"
    page = response.content.decode()
    for number in range(1, 5):
        assert f"<strong>Q{number}.</strong>" in page
    assert "Fri 14 Feb 2020" in page
    assert "Due: Fri 14 Feb 2020 (day 20)" in page  # the explanation

    question_ids = [str(q.pk) for q in case.questions.all()]
    for area in areas.values():
        client.post(
            f"/staff/requests/{case.reference}/contributions/new/",
            {
                "service_area": area.pk,
                "questions": question_ids,
                "due_on-day": "7",
                "due_on-month": "2",
                "due_on-year": "2020",
                "instructions": "One column for each system, please.",
            },
        )
    case.refresh_from_db()
    assert case.state == "awaiting_contributions"

    for who, area in [("adults", "Adults Services"), ("family", "Family Services")]:
        client.force_login(team[who])
        mine = Contribution.objects.get(service_area__name=area)
        listing = client.get("/staff/").content.decode()
        assert case.reference in listing
        page = client.get(f"/staff/contributions/{mine.pk}/").content.decode()
        assert "Q1." in page
        assert "Sam Requester" not in page
        response = client.post(f"/staff/contributions/{mine.pk}/", {"answer": f"{area}: Mosaic"})
        assert response.status_code == 302
    assert set(Contribution.objects.values_list("status", flat=True)) == {"answered"}

    client.force_login(team["officer"])
    response = client.post(f"/staff/requests/{case.reference}/actions/draft/", follow=True)
    assert "Move to drafting: done." in response.content.decode()
    case.refresh_from_db()
    assert case.state == "drafting"


def test_a_contributor_never_sees_the_requester_or_the_request_as_written(
    client, authority, team, areas
):
    case = _logged(team["officer"])
    services.request_contribution(
        case, team["officer"], areas["Adults Services"], case.questions.all()
    )
    client.force_login(team["adults"])
    page = client.get(f"/staff/requests/{case.reference}/").content.decode()
    assert "Q1." in page
    assert "Sam Requester" not in page
    assert "sam.requester@example.com" not in page
    assert "I am writing to you under the Freedom of Information Act" not in page


def test_a_contributor_cannot_see_a_request_not_routed_to_their_area(
    client, authority, team, areas
):
    case = _logged(team["officer"])
    services.request_contribution(
        case, team["officer"], areas["Adults Services"], case.questions.all()
    )
    client.force_login(team["family"])
    assert client.get(f"/staff/requests/{case.reference}/").status_code == 404
    adults = Contribution.objects.get()
    assert client.get(f"/staff/contributions/{adults.pk}/").status_code == 404
    assert client.post(f"/staff/contributions/{adults.pk}/", {"answer": "x"}).status_code == 404


def test_logging_mistakes_are_listed_and_nothing_is_saved(client, authority, team):
    client.force_login(team["officer"])
    response = client.post(
        "/staff/requests/new/",
        log_form(subject="", body="", requester_email="", **{"received_on-month": "13"}),
    )
    page = response.content.decode()
    assert response.status_code == 200
    for message in [
        "Enter a subject",
        "Enter the request, as the requester wrote it",
        "must be a real date",
        "Give an email address or a postal address",
    ]:
        assert message in page
    assert not Request.objects.exists()


def test_a_postal_address_is_enough(client, authority, team):
    client.force_login(team["officer"])
    client.post(
        "/staff/requests/new/",
        log_form(requester_email="", requester_address="1 High Street, Barnet", channel="post"),
    )
    assert Request.objects.get().requester.postal_address == "1 High Street, Barnet"


def test_a_request_received_in_the_future_is_refused(client, authority, team):
    client.force_login(team["officer"])
    page = client.post(
        "/staff/requests/new/", log_form(**{"received_on-year": "2099"})
    ).content.decode()
    assert "must be today or earlier" in page


def test_a_refused_transition_is_explained_not_an_error(client, authority, team):
    case = _logged(team["officer"])
    client.force_login(team["officer"])
    response = client.post(f"/staff/requests/{case.reference}/actions/submit_for_approval/")
    assert response.status_code == 200
    assert "You cannot send for approval while the request is new" in response.content.decode()


def test_an_unknown_action_is_not_found(client, authority, team):
    case = _logged(team["officer"])
    client.force_login(team["officer"])
    assert client.get(f"/staff/requests/{case.reference}/actions/explode/").status_code == 404


def test_seeking_clarification_through_the_form(client, authority, team):
    case = _logged(team["officer"])
    client.force_login(team["officer"])
    url = f"/staff/requests/{case.reference}/actions/seek_clarification/"
    bad = client.post(url, {"on-day": "10", "on-month": "1", "on-year": "2020", "note": ""})
    assert "before the request was received" in bad.content.decode()
    client.post(url, {"on-day": "20", "on-month": "1", "on-year": "2020", "note": "Which years?"})
    case.refresh_from_db()
    assert case.state == "awaiting_clarification"
    page = client.get(f"/staff/requests/{case.reference}/").content.decode()
    assert "The clock is stopped: waiting for clarification since Mon 20 Jan 2020" in page


@pytest.mark.parametrize("day", ["99999999999999999999", "١٧", "-17", "17\x00"])
def test_a_date_that_cannot_be_is_explained_when_logging_and_extending(
    client, authority, team, day
):
    client.force_login(team["officer"])
    logged = client.post("/staff/requests/new/", log_form(**{"received_on-day": day}))
    assert logged.status_code == 200
    assert "The date the request was received must be a real date" in logged.content.decode()
    case = _logged(team["officer"])
    services.take_action(case, team["officer"], "start")
    extended = client.post(
        f"/staff/requests/{case.reference}/actions/extend/",
        {"on-day": day, "on-month": "2", "on-year": "2020", "note": "s.43(2) PIT"},
    )
    assert extended.status_code == 200
    assert "must be a real date" in extended.content.decode()


def test_an_extension_without_its_reason_is_refused(client, authority, team):
    case = _logged(team["officer"])
    services.take_action(case, team["officer"], "start")
    client.force_login(team["officer"])
    url = f"/staff/requests/{case.reference}/actions/extend/"
    page = client.post(
        url, {"on-day": "10", "on-month": "2", "on-year": "2020", "note": ""}
    ).content.decode()
    assert "Give the reason for the extension" in page
    client.post(url, {"on-day": "10", "on-month": "2", "on-year": "2020", "note": "s.43(2) PIT"})
    case.refresh_from_db()
    assert case.due_on == date(2020, 3, 13)


def test_the_extend_page_gives_the_day_to_extend_by(client, authority, team, time_machine):
    """FOIA s.10(3) with s.17(2): the requester is told of the extension by day 20, Fri 14
    Feb 2020 for the reference letter's request."""
    case = _logged(team["officer"])
    services.take_action(case, team["officer"], "start")
    client.force_login(team["officer"])
    url = f"/staff/requests/{case.reference}/actions/extend/"
    today_is(time_machine, date(2020, 2, 10))
    page = client.get(url).content.decode()
    assert (
        "An extension must be given within the first 20 working days (FOIA s.10(3), s.17(2))."
        in page
    )
    assert "For this request: by Fri 14 Feb 2020." in page
    assert "That day has passed" not in page
    today_is(time_machine, date(2020, 2, 17))
    assert "That day has passed" in client.get(url).content.decode()


def test_an_extension_told_too_late_is_refused_on_the_page(client, authority, team):
    """FOIA s.10(3) with s.17(2): told on Mon 17 Feb 2020, after day 20, it is refused."""
    case = _logged(team["officer"])
    services.take_action(case, team["officer"], "start")
    client.force_login(team["officer"])
    response = client.post(
        f"/staff/requests/{case.reference}/actions/extend/",
        {"on-day": "17", "on-month": "2", "on-year": "2020", "note": "s.43(2) PIT"},
    )
    assert response.status_code == 200
    summary = _error_summary(response.content.decode())
    assert (
        "An extension must be given within the first 20 working days, by Fri 14 Feb 2020; "
        "it is too late to extend now (FOIA s.10(3), s.17(2))." in summary
    )
    assert 'href="#id_on-day"' in summary
    case.refresh_from_db()
    assert case.due_on == date(2020, 2, 14)


def test_a_foisa_request_is_told_it_cannot_be_extended(client, authority, team):
    """FOISA s.10(1): no extension, so no day to give one by."""
    case = _logged(team["officer"])
    services.edit_details(
        case, team["officer"], subject=case.subject, requested_format="", regime="foisa"
    )
    services.take_action(case, team["officer"], "start")
    client.force_login(team["officer"])
    page = client.get(f"/staff/requests/{case.reference}/actions/extend/").content.decode()
    assert "FOISA allows no extension of its 20 working days." in page
    assert "For this request" not in page


def test_seeking_clarification_by_email_needs_the_question(client, authority, team):
    """FOIA s.1(3): the email asks what the request means, so the question must be there."""
    case = _logged(team["officer"])
    client.force_login(team["officer"])
    response = client.post(
        f"/staff/requests/{case.reference}/actions/seek_clarification/",
        {"on-day": "20", "on-month": "1", "on-year": "2020", "note": " ", "notify": "on"},
    )
    page = response.content.decode()
    summary = _error_summary(page)
    assert "Write the question to ask the requester, or untick" in summary
    assert 'href="#id_note"' in summary
    assert 'id="id_note-error"' in page
    case.refresh_from_db()
    assert case.state == "new"
    assert not case.correspondence.exists()


def _error_summary(page):
    return re.search(r'<div class="govuk-error-summary".*?</ul>', page, re.S).group(0)


def _overdue_acknowledgement(**changes):
    return log_form(acknowledge="on", **changes)


def test_logging_an_overdue_request_warns_before_it_is_acknowledged(
    client, authority, team, time_machine
):
    """FOIA s.10(1): received Fri 17 Jan 2020, due Fri 14 Feb 2020; logged on Mon 2 Mar
    2020 with an acknowledgement, the officer is warned first and everything typed stays."""
    today_is(time_machine, date(2020, 3, 2))
    client.force_login(team["officer"])
    warned = client.post("/staff/requests/new/", _overdue_acknowledgement())
    page = warned.content.decode()
    assert warned.status_code == 200
    assert not Request.objects.exists()
    assert (
        "This request was due on Fri 14 Feb 2020: it is already overdue. The acknowledgement "
        "will say so and apologise." in page
    )
    assert "Log it and send the acknowledgement" in page
    assert 'value="sam.requester@example.com"' in page
    assert str(escape(REFERENCE_CASE["subject"])) in page

    response = client.post(
        "/staff/requests/new/", _overdue_acknowledgement(confirm_overdue="on"), follow=True
    )
    case = Request.objects.get()
    assert response.redirect_chain[-1][0] == f"/staff/requests/{case.reference}/"
    acknowledgement = case.correspondence.get(kind="acknowledgement")
    assert "Our response was due on Fri 14 Feb 2020" in acknowledgement.body
    assert "We will respond by" not in acknowledgement.body


def test_an_overdue_request_logged_without_an_acknowledgement_is_not_held_up(
    client, authority, team, time_machine
):
    today_is(time_machine, date(2020, 3, 2))
    client.force_login(team["officer"])
    client.post("/staff/requests/new/", log_form())
    assert not Request.objects.get().correspondence.exists()


def test_a_request_logged_in_time_is_acknowledged_without_a_warning(
    client, authority, team, time_machine
):
    """FOIA s.10(1): logged on its due date, Fri 14 Feb 2020, it is not yet overdue."""
    today_is(time_machine, date(2020, 2, 14))
    client.force_login(team["officer"])
    response = client.post("/staff/requests/new/", _overdue_acknowledgement())
    assert response.status_code == 302
    body = Request.objects.get().correspondence.get(kind="acknowledgement").body
    assert "We will respond by Fri 14 Feb 2020" in body


def test_only_the_approver_sees_approve(client, authority, team):
    case = _logged(team["officer"])
    answer_every_question(case, team["officer"])
    for action in ["start", "draft", "submit_for_approval"]:
        services.take_action(case, team["officer"], action)
    client.force_login(team["officer"])
    assert (
        "Approve the response"
        not in client.get(f"/staff/requests/{case.reference}/").content.decode()
    )
    assert client.post(f"/staff/requests/{case.reference}/actions/approve/").status_code == 403
    client.force_login(team["approver"])
    assert (
        "Approve the response" in client.get(f"/staff/requests/{case.reference}/").content.decode()
    )
    client.post(f"/staff/requests/{case.reference}/actions/approve/")
    case.refresh_from_db()
    assert case.state == "awaiting_dispatch"


def test_assigning_from_the_case_page(client, authority, team, make_user):
    case = _logged(team["officer"])
    other = make_user("other", Role.OFFICER)
    client.force_login(team["officer"])
    client.post(f"/staff/requests/{case.reference}/assign/", {"officer": other.pk})
    case.refresh_from_db()
    assert case.assigned_officer == other


def test_editing_questions_through_the_form(client, authority, team):
    case = _logged(team["officer"])
    client.force_login(team["officer"])
    client.post(f"/staff/requests/{case.reference}/questions/", {"questions": "First?\n\nSecond?"})
    assert list(case.questions.values_list("text", flat=True)) == ["First?", "Second?"]


def test_the_caseload_counts_each_view(client, authority, team, time_machine):
    time_machine.move_to(datetime(2020, 2, 10, 9, tzinfo=UTC), tick=False)
    officer = team["officer"]
    mine = _logged(officer)  # due Fri 14 Feb: due soon
    services.assign(mine, officer, officer)
    overdue = _logged(officer, received_at=datetime(2019, 12, 2, tzinfo=UTC))
    _logged(officer, received_at=datetime(2020, 2, 7, tzinfo=UTC))  # due in March
    services.take_action(overdue, officer, "start")
    done = _logged(officer)
    answer_every_question(done, officer)
    for action in ["start", "draft", "submit_for_approval"]:
        services.take_action(done, officer, action)
    services.take_action(done, team["approver"], "approve")
    services.take_action(done, officer, "mark_sent")

    client.force_login(officer)
    page = client.get("/staff/?view=open").content.decode()
    counts = re.findall(
        r'\?view=(\w+)".*?>\s*[^<]*<span class="foidesk-views__count">(\d+)</span>', page
    )
    assert dict(counts) == {
        "mine": "1",
        "unassigned": "2",
        "due_soon": "1",
        "overdue": "1",
        "contributions": "0",
        "approval": "0",
        "open": "3",
    }
    overdue_page = client.get("/staff/?view=overdue").content.decode()
    assert overdue.reference in overdue_page
    assert mine.reference not in overdue_page
    assert "Overdue by" in overdue_page
    assert done.reference not in client.get("/staff/?view=open").content.decode()


def test_the_caseload_pages_and_sorts(client, authority, team):
    officer = team["officer"]
    for day in range(1, 31):
        _logged(officer, received_at=datetime(2020, 1, day, tzinfo=UTC))
    client.force_login(officer)
    first = client.get("/staff/?view=open").content.decode()
    assert "Page 1 of 2" in first
    by_due = [r.reference for r in Request.objects.order_by("due_on", "reference")]
    assert _references(first) == by_due[:25]
    latest = client.get("/staff/?view=open&sort=-due").content.decode()
    assert _references(latest)[0] == by_due[-1]
    assert _references(client.get("/staff/?view=open&page=2").content.decode()) == by_due[25:]


@pytest.mark.parametrize("officer", ["99999999999999999999", "9223372036854775808"])
def test_an_officer_no_one_could_be_lists_no_one(client, authority, team, officer):
    _logged(team["officer"])
    client.force_login(team["officer"])
    page = client.get("/staff/", {"view": "open", "officer": officer})
    assert page.status_code == 200
    assert _references(page.content.decode()) == []


@pytest.mark.parametrize("officer", ["²", "١", "-1", "x"])
def test_an_officer_filter_that_is_no_officer_is_ignored(client, authority, team, officer):
    case = _logged(team["officer"])
    client.force_login(team["officer"])
    page = client.get("/staff/", {"view": "open", "officer": officer})
    assert page.status_code == 200
    assert _references(page.content.decode()) == [case.reference]


def test_finding_a_request_by_reference(client, authority, team):
    case = _logged(team["officer"])
    client.force_login(team["officer"])
    assert client.get(f"/staff/?reference={case.reference}")["Location"] == (
        f"/staff/requests/{case.reference}/"
    )
    response = client.get("/staff/?reference=9999999", follow=True)
    assert "There is no request with the reference 9999999" in response.content.decode()


def _references(page):
    return re.findall(r'href="/staff/requests/(\d+)/"', page)


def _logged(officer, received_at=datetime(2020, 1, 17, 10, 12, tzinfo=UTC)):
    return services.log_request(
        officer,
        regime="foi",
        received_at=received_at,
        subject=REFERENCE_CASE["subject"],
        body=REFERENCE_CASE["body"],
        requester={"name": "Sam Requester", "email": "sam.requester@example.com"},
    )


def test_editing_the_details_through_the_form(client, authority, team):
    case = _logged(team["officer"])
    client.force_login(team["officer"])
    response = client.post(
        f"/staff/requests/{case.reference}/details/",
        {"subject": "Environmental survey", "regime": "eir", "requested_format": ""},
        follow=True,
    )
    assert "Details saved." in response.content.decode()
    case.refresh_from_db()
    assert (case.subject, case.regime) == ("Environmental survey", "eir")
    empty = client.post(
        f"/staff/requests/{case.reference}/details/", {"subject": "", "regime": "eir"}
    )
    assert "Enter a subject" in empty.content.decode()
