"""The deadline calculator in a real browser: accessible, and usable with JavaScript off."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def fill_in(page, day, month, year):
    page.get_by_label("Freedom of Information Act 2000", exact=True).check()
    page.get_by_label("Day").fill(day)
    page.get_by_label("Month").fill(month)
    page.get_by_label("Year").fill(year)
    page.get_by_role("button", name="Work out the deadline").click()


def test_working_out_the_reference_letters_deadline(page, live_server, authority, axe):
    page.goto(live_server.url + "/deadline-calculator/")
    fill_in(page, "17", "1", "2020")
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "A response is due by Friday 14 February 2020"
    page.get_by_text("How this date was worked out").click()
    assert page.get_by_text("Day 20: Fri 14 Feb 2020").is_visible()
    axe(page)


def test_an_impossible_date_is_explained_accessibly(page, live_server, authority, axe):
    page.goto(live_server.url + "/deadline-calculator/")
    fill_in(page, "31", "2", "2020")
    summary = page.locator(".govuk-error-summary")
    assert "must be a real date" in summary.inner_text()
    axe(page)
    summary.get_by_role("link").click()
    assert page.evaluate("document.activeElement.id") == "id_received-day"


def test_the_calculator_works_without_javascript(browser, live_server, authority):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/deadline-calculator/")
        fill_in(page, "20", "12", "2019")
        assert "Thursday 23 January 2020" in page.get_by_role("heading", level=1).inner_text()
        page.get_by_text("How this date was worked out").click()
        assert page.get_by_text(
            "Not counted: Thu 2 Jan 2020 — New Year Holiday (Scotland)"
        ).is_visible()
    finally:
        context.close()
