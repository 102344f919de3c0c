"""A subject can name the requester: only those who may see the requester see it whole.
Contributors, the API's contributors and the public form's suggestions see it without them."""

from datetime import UTC, datetime

import pytest

from foidesk.accounts.roles import Role
from foidesk.api import tokens
from foidesk.casework import requesters
from foidesk.casework import services as casework
from foidesk.casework.models import ServiceArea
from foidesk.similar import services as similar_requests

pytestmark = pytest.mark.django_db

SUBJECT = "Freedom of Information request - Cuthbert Brambleworth"


@pytest.fixture
def named(authority, officer):
    case = casework.log_request(
        officer,
        regime="foi",
        received_at=datetime(2020, 1, 17, 10, tzinfo=UTC),
        subject=SUBJECT,
        body="1. How many potholes were reported in 2019?\n2. How many were repaired?",
        requester={"name": "Cuthbert Brambleworth", "email": "cb@example.org"},
    )
    area = ServiceArea.objects.create(name="Highways")
    casework.request_contribution(case, officer, area, case.questions.all())
    return case


@pytest.fixture
def contributor(make_user):
    return make_user("highways", Role.CONTRIBUTOR, service_areas=["Highways"])


def test_officers_see_the_subject_whole_and_contributors_without_the_requester(
    named, officer, contributor
):
    assert requesters.subject_shown_to(officer, named) == SUBJECT
    shown = requesters.subject_shown_to(contributor, named)
    assert "Brambleworth" not in shown
    assert shown.startswith("Freedom of Information request")


def test_no_contributor_page_names_the_requester(client, named, contributor):
    client.force_login(contributor)
    asked = named.contributions.get()
    for path in [
        "/staff/contributions/",
        f"/staff/contributions/{asked.pk}/",
        f"/staff/requests/{named.reference}/",
    ]:
        page = client.get(path).content.decode()
        assert "Brambleworth" not in page, path
        assert "cb@example.org" not in page, path


def test_the_api_gives_a_contributor_no_requester_in_the_subject(client, named, contributor):
    token = tokens.create(contributor.username)
    headers = {"Authorization": f"Bearer {token}"}
    listed = client.get("/api/v1/requests", headers=headers).json()
    assert [item["reference"] for item in listed["items"]] == [named.reference]
    assert "Brambleworth" not in str(listed)
    detail = client.get(f"/api/v1/requests/{named.reference}", headers=headers).json()
    assert "Brambleworth" not in str(detail)


def test_similar_requests_show_contributors_the_subject_without_the_requester(
    named, officer, contributor
):
    again = casework.log_request(
        officer,
        regime="foi",
        received_at=datetime(2020, 1, 20, 10, tzinfo=UTC),
        subject="Potholes",
        body="1. How many potholes were reported in 2019?\n2. How many were repaired?",
        requester={"name": "Someone Else", "email": "else@example.org"},
    )
    casework.request_contribution(again, officer, ServiceArea.objects.get(), again.questions.all())
    similar_requests.rebuild()
    [seen_by_officer] = similar_requests.similar_to(again, officer)
    [seen_by_contributor] = similar_requests.similar_to(again, contributor)
    assert seen_by_officer.subject == SUBJECT
    assert "Brambleworth" not in seen_by_contributor.subject
