"""Administrators' own wording for the letter and for exemptions."""

import html

import pytest

from foidesk import demo
from foidesk.accounts.roles import Role
from foidesk.casework.models import Request
from foidesk.responses import letter, services
from foidesk.responses.models import LetterBlock, LocalWording

pytestmark = pytest.mark.django_db

ADD_BLOCK = "/admin/responses/letterblock/add/"


@pytest.fixture
def admin_client(client, make_user):
    client.force_login(make_user("admin", Role.ADMIN))
    return client


def test_a_block_that_cannot_be_written_is_refused_with_the_reason(admin_client):
    page = admin_client.post(
        ADD_BLOCK, {"key": "rights", "text": "{{ no_such_value }}"}
    ).content.decode()
    assert "cannot be used" in page
    assert "no_such_value" in page
    assert not LetterBlock.objects.exists()


# An authority's own rights paragraph that says what FOIA s.17(7) and FOISA s.19 require.
OWN_RIGHTS = (
    "### Your rights\n\nAsk **{{ authority.team_name }}** for a review. Then you may complain "
    "to the {{ 'Scottish ' if scotland }}Information Commissioner."
)


def test_a_block_is_saved_and_previewed(admin_client):
    response = admin_client.post(ADD_BLOCK, {"key": "rights", "text": OWN_RIGHTS})
    assert response.status_code == 302
    block = LetterBlock.objects.get()
    page = admin_client.get(f"/admin/responses/letterblock/{block.pk}/change/").content.decode()
    assert "<strong>Information Management Team</strong>" in page


def errors(page):
    """The form's errors, as the administrator reads them."""
    listed = page.split('<ul class="errorlist nonfield">', 1)[1].split("</ul>", 1)[0]
    return [html.unescape(item.split("</li>")[0]) for item in listed.split("<li>")[1:]]


def test_a_rights_block_without_the_rights_is_refused_with_the_reason(admin_client):
    """FOIA s.17(7) and FOISA s.19: every refusal gives the review and the regulator, so
    wording that drops them from the letter is not saved."""
    page = admin_client.post(
        ADD_BLOCK, {"key": "rights", "text": "### Your rights\n\nWrite to us."}
    )
    assert page.status_code == 200
    assert errors(page.content.decode()) == [
        "This wording would leave a refusal under FOIA incomplete, as the made-up response "
        "shows: Q2: the response refuses information but the letter does not give the "
        "requester's rights: add the internal review procedure and the right to complain to "
        "the Information Commissioner (FOIA s.17(7))",
        "This wording would leave a refusal under FOISA incomplete, as the made-up response "
        "shows: Q2: the response refuses information but the letter does not give the "
        "requester's rights: add the right to ask for a review and the right to apply to the "
        "Scottish Information Commissioner (FOISA s.19)",
    ]
    assert not LetterBlock.objects.exists()


def test_the_english_commissioner_alone_is_refused_for_scottish_letters(admin_client):
    """FOISA s.19(b): a Scottish applicant applies to the Scottish Information Commissioner."""
    text = "### Your rights\n\nAsk us for a review, then the Information Commissioner."
    page = admin_client.post(ADD_BLOCK, {"key": "rights", "text": text}).content.decode()
    assert errors(page) == [
        "This wording would leave a refusal under FOISA incomplete, as the made-up response "
        "shows: Q2: the response refuses information but the letter does not name the "
        "Scottish Information Commissioner: add the right to apply to the Scottish "
        "Information Commissioner (FOISA s.19)"
    ]


def test_changing_a_block_is_checked_as_adding_one_is(admin_client):
    """FOIA s.17(7): the change page refuses the same wording, and keeps the block as it was."""
    block = LetterBlock.objects.create(key="rights", text=OWN_RIGHTS)
    page = admin_client.post(
        f"/admin/responses/letterblock/{block.pk}/change/",
        {"key": "rights", "text": "### Your rights\n\nAsk us for a review."},
    ).content.decode()
    assert any(error.endswith("(FOIA s.17(7))") for error in errors(page))
    block.refresh_from_db()
    assert block.text == OWN_RIGHTS


@pytest.mark.parametrize(
    ("key", "text", "source"),
    [
        ("exemption", "### {{ use.heading }}\n\n{{ use.wording }}", "(FOIA s.17(3))"),
        (
            "answers",
            "{% for q in questions %}Q{{ q.number }}. {{ q.answer }} {{ q.citations }}"
            "\n\n{% endfor %}",
            "(FOIA s.21)",
        ),
        ("advice", "### Advice and assistance\n\nCall us.", "(FOIA s.16)"),
    ],
)
def test_wording_that_drops_what_the_letter_must_state_is_refused(admin_client, key, text, source):
    """FOIA s.17(3), s.16 and the s.21 pattern: the public interest test, the advice, the
    link to what is published."""
    page = admin_client.post(ADD_BLOCK, {"key": key, "text": text}).content.decode()
    assert any(error.endswith(source) for error in errors(page)), errors(page)
    assert not LetterBlock.objects.exists()


def test_an_exemption_the_letter_would_name_nowhere_is_refused(admin_client):
    """FOIA s.17(1)(b): the answers block in force does not cite the exemption, so the
    exemption block must; the check writes the letter with the other blocks as they are."""
    LetterBlock.objects.create(
        key="answers",
        text="{% for q in questions %}Q{{ q.number }}. {{ q.answer }}\n\n{% endfor %}",
    )
    shipped = letter.default_text("exemption")
    text = shipped.replace("{{ use.heading }}", "{{ use.title }}").replace(
        " set out in {{ use.citation }}", ""
    )
    assert "citation" not in text
    page = admin_client.post(ADD_BLOCK, {"key": "exemption", "text": text}).content.decode()
    assert errors(page)[0] == (
        "This wording would leave a refusal under FOIA incomplete, as the made-up response "
        "shows: Q2: section 43(2) is relied on, but the letter does not name it: say in the "
        "letter that section 43(2) applies (FOIA s.17(1)(b))"
    )
    assert not LetterBlock.objects.filter(key="exemption").exists()


def test_an_exemption_block_without_the_estimated_date_is_refused(admin_client):
    """FOIA s.17(2): the notice that takes a public interest extension gives its date."""
    shipped = letter.default_text("exemption")
    text = shipped.replace(" we expect to do so by {{ estimated_date }}.", "")
    assert text != shipped
    page = admin_client.post(ADD_BLOCK, {"key": "exemption", "text": text}).content.decode()
    assert errors(page) == [
        "This wording would leave a notice extending the time for the public interest test "
        "under FOIA incomplete, as the made-up response shows: The response applies a public "
        "interest extension, but the letter does not give the estimated date, 13 March 2020: "
        "say that a decision is expected by then (FOIA s.17(2))"
    ]


def test_a_block_that_fails_only_in_a_scottish_letter_is_refused(admin_client):
    text = OWN_RIGHTS + "{% if scotland %}{{ no_such_value }}{% endif %}"
    page = admin_client.post(ADD_BLOCK, {"key": "rights", "text": text}).content.decode()
    [error] = errors(page)
    assert error.startswith("The block “Review and Information Commissioner rights")
    assert "no_such_value" in error


def test_a_block_is_not_blamed_for_another_blocks_wording(admin_client):
    """FOIA s.17(7): a rights block saved before these checks is caught on every case's
    problems; it does not stop an unrelated block from being changed."""
    LetterBlock.objects.create(key="rights", text="### Your rights\n\nWrite to us.")
    response = admin_client.post(
        ADD_BLOCK, {"key": "further_information", "text": "### More\n\n{{ further_information }}"}
    )
    assert response.status_code == 302
    assert LetterBlock.objects.filter(key="further_information").exists()


def test_local_wording_replaces_the_catalogues(admin_client):
    demo.load("pw", generated=0)
    admin_client.post(
        "/admin/responses/localwording/add/",
        {"exemption": "foia-43-2", "wording": "Barnet's own words on commercial interests."},
    )
    assert LocalWording.objects.get().exemption == "foia-43-2"
    text = services.compose_letter(Request.objects.get(reference="5973764")).text
    assert "Barnet's own words on commercial interests." in text
