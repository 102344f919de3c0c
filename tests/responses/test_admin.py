"""Administrators' own wording for the letter and for exemptions."""

import pytest

from foidesk import demo
from foidesk.accounts.roles import Role
from foidesk.casework.models import Request
from foidesk.responses import services
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


def test_a_block_is_saved_and_previewed(admin_client):
    response = admin_client.post(
        ADD_BLOCK,
        {"key": "rights", "text": "### Your rights\n\nAsk **{{ authority.team_name }}**."},
    )
    assert response.status_code == 302
    block = LetterBlock.objects.get()
    page = admin_client.get(f"/admin/responses/letterblock/{block.pk}/change/").content.decode()
    assert "<strong>Information Management Team</strong>" in page


def test_local_wording_replaces_the_catalogues(admin_client):
    demo.load("pw", generated=0)
    admin_client.post(
        "/admin/responses/localwording/add/",
        {"exemption": "foia-43-2", "wording": "Barnet's own words on commercial interests."},
    )
    assert LocalWording.objects.get().exemption == "foia-43-2"
    text = services.compose_letter(Request.objects.get(reference="5973764")).text
    assert "Barnet's own words on commercial interests." in text
