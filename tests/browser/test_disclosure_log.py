"""The disclosure log in a real browser: searched without JavaScript, every page checked
with axe, an officer publishing from the preview, and similar requests on the case page."""

import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from foidesk import demo
from foidesk.accounts.models import User
from foidesk.casework import services as casework
from foidesk.casework.models import Request
from tests.browser.test_casework import sign_in
from tests.publication import test_publishing

pytestmark = pytest.mark.django_db(transaction=True)

answered_naming_others = test_publishing.answered_naming_others


@pytest.fixture
def barnet(authority):
    demo.load("correct-horse-battery-staple", generated=0)
    return Request.objects.get(reference=demo.REFERENCE_CASE["reference"])


def test_the_log_is_searched_without_javascript(browser, live_server, barnet):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/disclosure-log/")
        page.get_by_label("Search").fill("case management system")
        page.get_by_role("button", name="Search", exact=True).click()
        results = page.locator(".foidesk-results")
        assert "IT systems in adults' and children's social care" in results.inner_text()
        assert results.locator("mark").count() >= 2
        results.get_by_role("link").first.click()
        assert "Mosaic" in page.locator("main").inner_text()
        assert "Sam Requester" not in page.content()
    finally:
        context.close()


def test_the_public_log_pages_pass_axe(page, live_server, barnet, axe, csp_violations):
    page.goto(live_server.url + "/disclosure-log/?q=Mosaic")
    axe(page)
    page.goto(live_server.url + "/disclosure-log/?published_from-day=40")
    assert page.locator(".govuk-error-summary").count() == 1
    axe(page)
    page.goto(live_server.url + "/disclosure-log/5973764/")
    axe(page)
    assert csp_violations == []


def test_the_request_form_offers_published_answers_and_passes_axe(page, live_server, barnet, axe):
    page.goto(live_server.url + "/request/")
    page.get_by_label("What information do you want?").fill(
        "Which social care case management system does the council use, and who supplies it?"
    )
    page.get_by_label("Full name").fill("Pat Public")
    page.get_by_label("Email address").fill("pat@example.org")
    page.get_by_role("button", name="Send your request").click()
    banner = page.locator(".govuk-notification-banner")
    assert "These published answers may already help" in banner.inner_text()
    axe(page)
    page.get_by_role("button", name="Send your request").click()
    assert "/request/received/" in page.url


def test_an_officer_publishes_again_and_sees_similar_requests(page, live_server, barnet, axe):
    sign_in(page, live_server.url, "officer")
    page.goto(live_server.url + "/staff/requests/5973764/")
    axe(page)
    page.get_by_role("link", name="Publish a new version in the disclosure log").click()
    assert "0 removals" in page.locator("main").inner_text()
    axe(page)
    page.get_by_label("Title in the disclosure log").fill("Social care case management systems")
    page.get_by_role("button", name="Publish").click()
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Social care case management systems"
    )
    alike = casework.log_request(
        User.objects.get(username="officer"),
        regime="foi",
        received_at=timezone.now(),
        subject="Case management systems",
        body="Which social care case management system does the council use?",
        requester={"name": "Pat Public", "email": "pat@example.org"},
    )
    page.goto(f"{live_server.url}/staff/requests/{alike.reference}/")
    similar = page.locator("table.foidesk-similar")
    assert "5973764" in similar.inner_text()
    axe(page)


def test_an_officer_takes_out_or_keeps_each_finding_and_the_public_sees_the_choice(
    page, live_server, answered_naming_others, axe
):
    """The publish page's walk: a colleague's email and direct line in the answer; the email
    is taken out, the line is kept with a reason, and the public entry and its released
    letter show exactly that, and never the requester who signed the letter."""
    sign_in(page, live_server.url, "officer")
    page.goto(f"{live_server.url}/staff/requests/{answered_naming_others.reference}/publish/")
    axe(page)
    main = page.locator("main")
    assert "Whitlock" not in page.get_by_label("Title in the disclosure log").input_value()
    email = main.locator(".foidesk-concern").filter(
        has=page.locator("mark", has_text="pat.smith@barnet.gov.uk")
    )
    phone = main.locator(".foidesk-concern").filter(
        has=page.locator("mark", has_text="020 8359 4000")
    )
    phone.get_by_label("Keep it").check()
    page.get_by_role("button", name="Publish").click()
    assert "Say why it is kept" in main.inner_text()
    assert "Choose whether to take out" in main.inner_text()
    axe(page)
    email.get_by_label("Take it out").check()
    phone.get_by_label("If it is kept, why").fill("The Highways switchboard, published")
    page.get_by_label("Title in the disclosure log").fill("Potholes reported in 2024")
    page.get_by_role("button", name="Publish").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Potholes reported in 2024"

    public = page.context.browser.new_page()
    public.goto(live_server.url + "/disclosure-log/?q=potholes")
    public.get_by_role("link", name="Potholes reported in 2024").click()
    shown = public.locator("main").inner_text()
    assert "020 8359 4000" in shown
    assert "pat.smith@barnet.gov.uk" not in shown
    assert "Whitlock" not in shown
    axe(public)
    letter = public.locator("main a[href$='.pdf']").first.get_attribute("href")
    pdf = public.request.get(live_server.url + letter)
    assert pdf.ok
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert "020 8359 4000" in text
    assert "pat.smith" not in text
    assert "Whitlock" not in text
    public.close()
