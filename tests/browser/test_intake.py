"""The public request form in a real browser: accessible, and usable without JavaScript."""

import pytest

from foidesk.accounts.roles import Role
from foidesk.intake import services
from tests.browser.test_casework import sign_in
from tests.intake.test_parsing import EXE
from tests.intake.test_services import email

pytestmark = pytest.mark.django_db(transaction=True)


def fill_in(page):
    page.get_by_label("What information do you want?").fill(
        "1. How many bridges?\n2. What did they cost?"
    )
    page.get_by_label("Full name").fill("Sam Requester")
    page.get_by_label("Email address").fill("sam@example.com")
    page.get_by_role("button", name="Send your request").click()


def test_asking_for_information_from_the_home_page(page, live_server, authority, axe):
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="Ask for information").click()
    axe(page)
    page.get_by_role("button", name="Send your request").click()
    assert "Enter the information you want" in page.locator(".govuk-error-summary").inner_text()
    axe(page)
    fill_in(page)
    panel = page.locator(".govuk-panel").inner_text()
    assert "Request received" in panel
    assert "Your reference number" in panel
    axe(page)


def test_the_form_works_without_javascript(browser, live_server, authority):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/request/")
        fill_in(page)
        assert "Request received" in page.locator(".govuk-panel").inner_text()
    finally:
        context.close()


def test_the_spam_trap_is_hidden_from_people_and_screen_readers(page, live_server, authority):
    page.goto(live_server.url + "/request/")
    trap = page.locator("#id_website")
    assert not trap.is_visible() or trap.bounding_box()["x"] < 0
    assert page.locator(".foidesk-trap").get_attribute("aria-hidden") == "true"


def test_messages_to_check_pass_axe(page, live_server, authority, make_user, axe):
    message = email()
    message.add_attachment(
        EXE, maintype="application", subtype="octet-stream", filename="setup.exe"
    )
    services.receive(message.as_bytes(), "smtp")
    make_user("officer", Role.OFFICER)
    sign_in(page, live_server.url, "officer")
    page.get_by_role("link", name="Messages to check").click()
    axe(page)
    page.locator("table a").first.click()
    axe(page)
    page.goto(live_server.url + "/staff/intake/upload/")
    axe(page)


def test_automatic_email_and_email_not_sent_pass_axe(page, live_server, authority, make_user, axe):
    from foidesk.intake import outgoing

    services.receive(email(subject="Automatic reply: away").as_bytes(), "smtp")
    raw = (
        "From: Sam <sam@" + "ä" * 64 + ".example.com>\r\nTo: foi@barnet.gov.uk\r\n"
        "Subject: Bridges\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHow many bridges?\r\n"
    ).encode()
    case = services.receive(raw, "smtp").request
    outgoing.deliver.call(case.correspondence.get(kind="acknowledgement").pk)
    make_user("officer", Role.OFFICER)
    sign_in(page, live_server.url, "officer")
    page.get_by_role("link", name="Messages to check").click()
    page.get_by_role("link", name="automatic email").click()
    axe(page)
    page.locator("table a").first.click()
    axe(page)
    page.get_by_role("link", name="Email not sent").click()
    axe(page)
    page.locator("table a", has_text="Acknowledgement").click()
    page.get_by_label("The requester's email address").fill("not an address")
    page.get_by_role("button", name="Send again").click()
    assert "correct format" in page.locator(".govuk-error-summary").inner_text()
    axe(page)
