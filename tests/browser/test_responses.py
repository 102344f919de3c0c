"""The response pages in a real browser, each checked with axe."""

import pytest

from foidesk import demo
from foidesk.accounts.models import User
from foidesk.casework import services as casework
from foidesk.casework.models import Request
from tests.browser.test_casework import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = [
    "",
    "questions/3/",
    "exemptions/foia-43-2/",
    "details/",
    "sheets/new/",
    "sheets/upload/",
]


@pytest.fixture
def barnet():
    """The demo's 5973764, sent, then opened again for a correction so that it can change."""
    demo.load("correct-horse-battery-staple", generated=0)
    case = Request.objects.get(reference="5973764")
    officer = User.objects.get(username="officer")
    casework.take_action(case, officer, "correct", note="The Family Services figures changed.")


def test_the_response_pages_pass_axe(page, live_server, barnet, axe):
    sign_in(page, live_server.url, "officer")
    base = live_server.url + "/staff/requests/5973764/response/"
    for path in PAGES:
        page.goto(base + path)
        axe(page)
    page.goto(base)
    page.get_by_role("link", name="Adults").click()
    assert (
        page.get_by_label("Licence fees 2014/15, Mosaic").input_value()
        == "Withheld (section 43(2))"
    )
    axe(page)


def test_a_decision_with_a_mistake_is_explained(page, live_server, barnet, axe):
    sign_in(page, live_server.url, "officer")
    page.goto(live_server.url + "/staff/requests/5973764/response/questions/4/")
    page.get_by_label("Where it is already published (if it is)").fill("not a web address")
    page.get_by_role("button", name="Save Q4").click()
    assert "Enter the web address" in page.locator(".govuk-error-summary").inner_text()
    axe(page)
