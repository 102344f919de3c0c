"""Casework in a real browser: the reference letter's case from logging to drafting, each
page checked with axe, and the officer's forms usable without JavaScript."""

import pytest

from foidesk.accounts.roles import Role
from foidesk.casework.models import ServiceArea
from foidesk.demo import REFERENCE_CASE
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def team(make_user):
    ServiceArea.objects.create(name="Adults Services")
    ServiceArea.objects.create(name="Family Services")
    return {
        "officer": make_user("officer", Role.OFFICER),
        "adults": make_user(
            "contributor.adults", Role.CONTRIBUTOR, service_areas=["Adults Services"]
        ),
    }


def sign_in(page, base, username):
    page.goto(base + "/account/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def log_reference_request(page):
    page.get_by_label("Freedom of Information Act 2000").check()
    page.get_by_label("Email", exact=True).check()
    page.get_by_label("Day").fill("17")
    page.get_by_label("Month").fill("1")
    page.get_by_label("Year").fill("2020")
    page.get_by_label("At what time? (optional)").fill("10:12")
    page.get_by_label("Subject", exact=True).fill(REFERENCE_CASE["subject"])
    page.get_by_label("The request, as the requester wrote it").fill(REFERENCE_CASE["body"])
    page.get_by_label("Name", exact=True).fill("Sam Requester")
    page.get_by_label("Email address", exact=True).fill("sam.requester@example.com")
    page.get_by_role("button", name="Log the request").click()
    # Received in 2020, the request is overdue whenever this runs: the page warns first.
    page.get_by_label("Log it and send the acknowledgement").check()
    page.get_by_role("button", name="Log the request").click()


def test_the_reference_letters_case_in_the_browser(browser, live_server, authority, team, axe):
    officer = browser.new_context()
    page = officer.new_page()
    sign_in(page, live_server.url, "officer")
    assert page.get_by_role("heading", level=1).inner_text() == "Caseload"
    axe(page)

    page.get_by_role("button", name="Log a request").click()
    page.get_by_role("button", name="Log the request").click()
    assert "There is a problem" in page.locator(".govuk-error-summary").inner_text()
    axe(page)
    log_reference_request(page)
    assert page.get_by_role("heading", level=1).inner_text() == REFERENCE_CASE["subject"]
    main = page.locator("main").inner_text()
    assert "Fri 14 Feb 2020" in main
    assert "Q4." in main
    page.get_by_text("How the due date was worked out").click()
    assert page.get_by_text("Due: Fri 14 Feb 2020 (day 20)").is_visible()
    axe(page)
    reference = page.url.rstrip("/").rsplit("/", 1)[-1]

    page.get_by_role("link", name="Ask a service area").click()
    page.get_by_label("Adults Services").check()
    axe(page)
    page.get_by_role("button", name="Send to the service area").click()
    assert "Adults Services asked." in page.locator(".govuk-notification-banner").inner_text()

    contributor = browser.new_context()
    theirs = contributor.new_page()
    sign_in(theirs, live_server.url, "contributor.adults")
    assert theirs.get_by_role("heading", level=1).inner_text() == "Questions for your service area"
    axe(theirs)
    theirs.get_by_role("link", name=reference).click()
    assert "Sam Requester" not in theirs.locator("main").inner_text()
    axe(theirs)
    theirs.get_by_label("Your answer").fill("Mosaic, from Servelec HSE, 415 users.")
    theirs.get_by_role("button", name="Send the answer to the FOI team").click()
    assert f"Your answer for {reference} is sent." in theirs.locator("main").inner_text()

    page.reload()
    assert "Mosaic, from Servelec HSE" in page.locator("main").inner_text()
    page.get_by_role("button", name="Move to drafting").click()
    assert "Drafting" in page.locator("main").inner_text()
    officer.close()
    contributor.close()


def test_an_action_with_a_date_is_accessible_and_explains_mistakes(
    page, live_server, authority, team, axe
):
    sign_in(page, live_server.url, "officer")
    page.goto(live_server.url + "/staff/requests/new/")
    log_reference_request(page)
    page.get_by_role("link", name="Seek clarification").click()
    page.get_by_label("Day").fill("10")
    page.get_by_label("Month").fill("1")
    page.get_by_label("Year").fill("2020")
    page.get_by_role("button", name="Seek clarification").click()
    assert "before the request was received" in page.locator(".govuk-error-summary").inner_text()
    axe(page)
    page.get_by_label("Day").fill("20")
    page.get_by_role("button", name="Seek clarification").click()
    summary = page.locator(".govuk-error-summary")
    assert "Write the question to ask the requester" in summary.inner_text()
    summary.get_by_role("link").click()
    assert page.evaluate("document.activeElement.id") == "id_note"
    axe(page)


def test_logging_a_request_works_without_javascript(browser, live_server, authority, team):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, live_server.url, "officer")
        page.goto(live_server.url + "/staff/requests/new/")
        log_reference_request(page)
        assert "Fri 14 Feb 2020" in page.locator("main").inner_text()
    finally:
        context.close()


def test_logging_an_overdue_request_warns_first_and_keeps_what_was_typed(
    page, live_server, authority, team, axe
):
    """FOIA s.10(1): received Fri 17 Jan 2020, it was due Fri 14 Feb 2020, long gone."""
    sign_in(page, live_server.url, "officer")
    page.goto(live_server.url + "/staff/requests/new/")
    page.get_by_label("Freedom of Information Act 2000").check()
    page.get_by_label("Email", exact=True).check()
    page.get_by_label("Day").fill("17")
    page.get_by_label("Month").fill("1")
    page.get_by_label("Year").fill("2020")
    page.get_by_label("Subject", exact=True).fill(REFERENCE_CASE["subject"])
    page.get_by_label("The request, as the requester wrote it").fill(REFERENCE_CASE["body"])
    page.get_by_label("Name", exact=True).fill("Sam Requester")
    page.get_by_label("Email address", exact=True).fill("sam.requester@example.com")
    page.get_by_role("button", name="Log the request").click()
    warning = page.locator(".govuk-warning-text").inner_text()
    assert "This request was due on Fri 14 Feb 2020: it is already overdue." in warning
    assert page.get_by_label("Subject", exact=True).input_value() == REFERENCE_CASE["subject"]
    axe(page)
    page.get_by_role("link", name="Confirm at the end of the form").click()
    page.get_by_label("Log it and send the acknowledgement").check()
    page.get_by_role("button", name="Log the request").click()
    assert page.get_by_role("heading", level=1).inner_text() == REFERENCE_CASE["subject"]


def test_the_officers_edit_pages_pass_axe(page, live_server, authority, team, axe):
    sign_in(page, live_server.url, "officer")
    page.goto(live_server.url + "/staff/requests/new/")
    log_reference_request(page)
    for link in ["Edit the details", "Edit the questions"]:
        page.get_by_role("link", name=link).click()
        axe(page)
        page.go_back()
    page.get_by_role("button", name="Start work").click()
    page.get_by_role("link", name="Extend the time").click()
    assert "For this request: by Fri 14 Feb 2020." in page.locator("main").inner_text()
    axe(page)
    page.get_by_label("Day").fill("17")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2020")
    page.get_by_label("Why more time is needed, as the requester was told").fill("s.43(2) PIT")
    page.get_by_role("button", name="Extend the time").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "by Fri 14 Feb 2020; it is too late to extend now (FOIA s.10(3), s.17(2))." in summary
    axe(page)
