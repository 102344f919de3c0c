"""A new request from logging to "Send by email", as the FOI officer, two contributors and
the approver do it in a real browser, with a real SMTP server on loopback catching what
goes; every page checked with axe.

What leaves is what was approved (a change after approval goes back to the approver), and
what was sent is kept exactly as it went (the PDF downloaded after a correction is the one
the requester received, byte for byte).
"""

import pytest

from foidesk.accounts.roles import Role
from foidesk.casework.models import Request, ServiceArea
from foidesk.intake import outgoing
from foidesk.intake.models import Correspondence
from tests.browser.test_casework import log_reference_request, sign_in
from tests.mail import smtp_sink

pytestmark = pytest.mark.django_db(transaction=True)

ANSWERS = {
    1: ("Released", "Adults: Mosaic, from Servelec HSE. Family Services: LiquidLogic."),
    2: ("Released", "Mosaic has around 415 users; LiquidLogic has 350."),
    3: ("Withheld", ""),
    4: ("Released", "Mosaic's contract runs for 10 years, to 2023."),
}


@pytest.fixture
def team(make_user):
    for name in ["Adults Services", "Family Services"]:
        ServiceArea.objects.create(name=name)
    make_user("officer", Role.OFFICER)
    make_user("contributor.adults", Role.CONTRIBUTOR, service_areas=["Adults Services"])
    make_user("contributor.family", Role.CONTRIBUTOR, service_areas=["Family Services"])
    make_user("approver", Role.APPROVER)


@pytest.fixture
def inbox(settings):
    with smtp_sink(settings) as caught:
        yield caught


def deliver_everything():
    """What the worker does in service: hand each queued message to the mail server."""
    for queued in Correspondence.objects.filter(status__in=["queued", "retrying"]):
        outgoing.deliver.call(queued.pk)


def answer_contribution(browser, base, username, answer, axe):
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, base, username)
    page.locator("main a", has_text=Request.objects.get().reference).first.click()
    axe(page)
    page.get_by_label("Your answer").fill(answer)
    page.get_by_role("button", name="Send the answer to the FOI team").click()
    context.close()


def decide(page, number, outcome, answer, axe):
    page.get_by_role("link", name=f"Change the decision on Q{number}").click()
    page.get_by_label("Yes", exact=True).check()
    page.get_by_label(outcome, exact=True).check()
    if outcome == "Withheld":
        page.locator(".govuk-details__summary-text", has_text="Exemptions relied on").click()
        page.get_by_label("section 43(2): Commercial interests").check()
    else:
        page.get_by_label("The answer, as the letter gives it").fill(answer)
    axe(page)
    page.get_by_role("button", name=f"Save Q{number}").click()


def test_a_new_request_goes_from_logging_to_send_by_email(
    browser, live_server, team, authority, axe, inbox
):
    base = live_server.url
    officer = browser.new_context()
    page = officer.new_page()
    sign_in(page, base, "officer")
    page.goto(base + "/staff/requests/new/")
    log_reference_request(page)
    reference = page.url.rstrip("/").rsplit("/", 1)[-1]
    for area in ["Adults Services", "Family Services"]:
        page.get_by_role("link", name="Ask a service area").click()
        page.get_by_label(area).check()
        page.get_by_role("button", name="Send to the service area").click()

    answer_contribution(
        browser, base, "contributor.adults", "Mosaic, Servelec HSE, 415 users.", axe
    )
    answer_contribution(browser, base, "contributor.family", "LiquidLogic, 350 users.", axe)

    # The last answer in, the officer is offered drafting on the spot.
    page.reload()
    assert "Every service area has answered" in page.locator("main").inner_text()
    axe(page)
    page.get_by_role("button", name="Move to drafting").click()
    page.get_by_role("link", name="The response").click()
    assert "The response is not ready yet" not in page.locator("main").inner_text()
    for number, (outcome, answer) in ANSWERS.items():
        decide(page, number, outcome, answer, axe)
    # The service areas' answers are shown beside each decision.
    page.get_by_role("link", name="Change the decision on Q2").click()
    assert "LiquidLogic, 350 users." in page.locator("main").inner_text()
    page.go_back()

    page.get_by_role("link", name="Explain", exact=False).first.click()
    page.get_by_label("Why it applies to this request").fill("Prices were negotiated individually.")
    page.get_by_label("Factors in favour of disclosure").fill("Transparency")
    page.get_by_label("Factors in favour of withholding").fill("The council's negotiating position")
    page.get_by_label("Conclusion").fill(
        "In all the circumstances of the case, the public interest in maintaining the exemption "
        "outweighs the public interest in disclosing the information."
    )
    page.get_by_role("button", name="Save").click()

    page.get_by_role("link", name="Add a sheet").click()
    page.get_by_label("Sheet name").fill("Adults")
    page.get_by_label("Column headings").fill("Mosaic")
    page.get_by_label("Row titles").fill("Supplier\nNumber of users\nSpend 2019/20")
    page.get_by_role("button", name="Add the sheet").click()
    page.get_by_label("Supplier, Mosaic").fill("Servelec HSE")
    page.get_by_label("Number of users, Mosaic").fill("415")
    page.get_by_label("Spend 2019/20, Mosaic").fill("Withheld (section 43(2))")
    axe(page)
    page.get_by_role("button", name="Save the sheet").click()

    assert (
        "The response says everything the law requires of it." in page.locator("main").inner_text()
    )
    axe(page)
    page.get_by_role("button", name="Send for approval").click()

    approver = browser.new_context()
    theirs = approver.new_page()
    sign_in(theirs, base, "approver")
    theirs.get_by_role("link", name=reference).click()
    axe(theirs)
    theirs.get_by_role("button", name="Approve the response").click()
    assert "Ready to send" in theirs.locator("main").inner_text()

    # Changed after approval, the response goes back to the approver.
    page.goto(f"{base}/staff/requests/{reference}/response/")
    decide(page, 2, "Released", "Mosaic has around 415 users; LiquidLogic has 360.", axe)
    page.goto(f"{base}/staff/requests/{reference}/")
    main = page.locator("main").inner_text()
    assert "Awaiting approval" in main
    assert "Changed after approval" in main

    theirs.goto(f"{base}/staff/requests/{reference}/response/")
    changed = theirs.locator("#changed + p + table").inner_text()
    assert "Q2: answer" in changed
    assert "LiquidLogic has 360." in changed
    axe(theirs)
    theirs.get_by_role("button", name="Approve the response").click()

    page.goto(f"{base}/staff/requests/{reference}/")
    page.get_by_role("link", name="Send the response").click()
    assert "sam.requester@example.com" in page.locator("main").inner_text()
    axe(page)
    page.get_by_role("button", name="Send by email").click()
    assert "on its way to sam.requester@example.com" in page.locator("main").inner_text()
    assert "Sending by email" in page.locator("main").inner_text()

    deliver_everything()
    [response_email] = [
        m for m in inbox.to("sam.requester@example.com") if "Response" in m["Subject"]
    ]
    attached = {
        part.get_filename(): part.get_content() for part in response_email.iter_attachments()
    }
    assert sorted(attached) == [
        f"{reference}-answers.xlsx",
        f"{reference}-response.docx",
        f"{reference}-response.pdf",
    ]
    assert "LiquidLogic has 360." in response_email.get_body(("plain",)).get_content()
    page.reload()
    assert "Responded" in page.locator("main").inner_text()
    axe(page)

    # A correction later never changes what went.
    page.get_by_role("link", name="Correct the response").click()
    axe(page)
    page.get_by_label("What is wrong with the response that was sent").fill(
        "Family Services has 365 users."
    )
    page.get_by_role("button", name="Correct the response").click()
    page.get_by_role("link", name="The response").click()
    decide(page, 2, "Released", "Mosaic has around 415 users; LiquidLogic has 365.", axe)
    with page.expect_download() as download:
        page.get_by_role("link", name=f"{reference}-response.pdf as sent in version 1").click()
    kept = download.value.path().read_bytes()
    assert kept == attached[f"{reference}-response.pdf"]
    with page.expect_download() as draft:
        page.get_by_role("link", name="PDF", exact=True).click()
    assert draft.value.path().read_bytes() != kept
    officer.close()
    approver.close()


def test_a_round_robin_is_answered_from_the_last_answer_in_nine_clicks(
    browser, live_server, inbox, axe
):
    """Barnet's 5973764 again, from another requester the same week: reused, checked,
    approved and emailed in nine clicks from its arrival, with no check skipped."""
    from datetime import UTC, datetime

    from foidesk import demo
    from foidesk.accounts.models import User
    from foidesk.casework import services as casework

    demo.load("correct-horse-battery-staple", generated=0)
    arrived = casework.log_request(
        User.objects.get(username="officer"),
        regime="foi",
        received_at=datetime(2020, 1, 20, 9, 30, tzinfo=UTC),
        subject="Social care case management systems",
        body=Request.objects.get(reference="5973764").body,
        requester={"name": "Pat Rowe", "email": "pat.rowe@example.org"},
    )
    clicks = []

    def click(locator):
        clicks.append(locator)
        locator.click()

    base = live_server.url
    officer = browser.new_context()
    page = officer.new_page()
    sign_in(page, base, "officer")
    page.goto(base + "/staff/?view=open")
    click(page.get_by_role("link", name=arrived.reference))
    axe(page)
    click(page.get_by_role("button", name="Start from this answer (5973764)"))
    assert "Copied answers to check" in page.locator("main").inner_text()
    axe(page)
    click(page.get_by_label("I have checked each copied answer", exact=False))
    click(page.get_by_role("button", name="Confirm the copied answers"))
    click(page.get_by_role("button", name="Send for approval"))

    approver = browser.new_context()
    theirs = approver.new_page()
    sign_in(theirs, base, "approver")
    click(theirs.get_by_role("link", name=arrived.reference))
    click(theirs.get_by_role("button", name="Approve the response"))

    page.reload()
    click(page.get_by_role("link", name="Send the response"))
    click(page.get_by_role("button", name="Send by email"))
    assert len(clicks) == 9
    deliver_everything()
    [sent] = inbox.to("pat.rowe@example.org")
    assert "Mosaic" in sent.get_body(("plain",)).get_content()
    assert "Dear Pat Rowe" in sent.get_body(("plain",)).get_content()
    assert Request.objects.get(pk=arrived.pk).state == "responded"
    officer.close()
    approver.close()
