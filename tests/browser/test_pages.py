"""Every page in a real browser: WCAG 2.2 AA by axe-core, scripts allowed by the CSP,
and the public pages and sign-in usable with JavaScript switched off."""

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

PUBLIC_PAGES = [
    "/",
    "/accessibility/",
    "/privacy/",
    "/deadline-calculator/",
    "/account/sign-in/",
    "/account/signed-out/",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_pass_axe(page, live_server, authority, axe, csp_violations, path):
    page.goto(live_server.url + path)
    assert "London Borough of Barnet" in page.locator("header").inner_text()
    axe(page)
    assert csp_violations == []
    # The nonce'd scripts ran: GOV.UK Frontend marks the body when it initialises.
    assert "govuk-frontend-supported" in page.evaluate("document.body.className")
    # The stylesheet loaded, set in Arial: the GOV.UK typeface is GOV.UK's alone.
    assert page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily") == (
        "arial, sans-serif"
    )


def test_not_found_page_passes_axe(page, live_server, authority, axe):
    response = page.goto(live_server.url + "/no-such-page/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Page not found"
    axe(page)


def test_sign_in_errors_are_summarised_and_pass_axe(page, live_server, authority, axe):
    page.goto(live_server.url + "/account/sign-in/")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    assert "Enter your username" in summary.inner_text()
    assert page.title().startswith("Error: Sign in")
    axe(page)
    summary.get_by_role("link", name="Enter your password").click()
    assert page.evaluate("document.activeElement.id") == "id_password"


def test_officer_signs_in_to_the_staff_page_and_out_again(
    page, live_server, authority, officer, axe, csp_violations
):
    page.goto(live_server.url + "/staff/")
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert page.url == live_server.url + "/staff/"
    assert page.get_by_role("heading", level=1).inner_text() == "Caseload"
    assert "London Borough of Barnet" in page.locator("header").inner_text()
    axe(page)
    assert csp_violations == []

    page.get_by_role("button", name="Sign out").click()
    assert page.get_by_role("heading", level=1).inner_text() == "You have signed out"
    axe(page)


def test_a_member_of_staff_without_a_role_sees_an_accessible_refusal(
    page, live_server, authority, make_user, axe
):
    make_user("newstarter")
    page.goto(live_server.url + "/account/sign-in/")
    page.get_by_label("Username").fill("newstarter")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert (
        page.get_by_role("heading", level=1).inner_text() == "You do not have access to this page"
    )
    axe(page)


def test_signing_in_and_out_works_without_javascript(browser, live_server, authority, officer):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/account/sign-in/")
        page.locator("#id_username").fill("officer")
        page.locator("#id_password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        assert page.url == live_server.url + "/staff/"
        page.get_by_role("button", name="Sign out").click()
        assert "You have signed out" in page.content()
    finally:
        context.close()


def test_the_layout_reflows_on_a_phone(browser, live_server, authority, axe):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    try:
        page.goto(live_server.url + "/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        axe(page)
    finally:
        context.close()
