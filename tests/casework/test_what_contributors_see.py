"""What a contributor is shown of a request signed as real ones are: its questions, never who
asked (their name, email, telephone or address), on the pages or through the API."""

import json
from datetime import UTC, datetime

import pytest

from foidesk.accounts.roles import Role
from foidesk.api import tokens
from foidesk.casework import services
from foidesk.casework.models import ServiceArea
from tests.casework.letters import ADDRESS, EMAIL, NAME, NUMBERED, PERSONAL, SIGNED_LETTERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def contributor(make_user):
    return make_user("contributor.highways", Role.CONTRIBUTOR, service_areas=["Highways"])


@pytest.fixture
def ask(authority, officer, contributor):
    """Log ``body`` from the requester, as an officer, and ask Highways all its questions."""

    def logged(body, subject="Potholes"):
        case = services.log_request(
            officer,
            regime="foi",
            received_at=datetime(2020, 1, 17, 10, 12, tzinfo=UTC),
            subject=subject,
            body=body,
            requester={"name": NAME, "email": EMAIL, "postal_address": ADDRESS},
        )
        highways = ServiceArea.objects.get(name="Highways")
        services.request_contribution(case, officer, highways, case.questions.all())
        return case

    return logged


def everything_shown(client, contributor, case):
    """Each page and API answer the contributor can have about ``case``: {where: text}."""
    client.force_login(contributor)
    asked = case.contributions.get()
    shown = {
        path: client.get(path).content.decode()
        for path in [
            "/staff/contributions/",
            f"/staff/contributions/{asked.pk}/",
            f"/staff/requests/{case.reference}/",
        ]
    }
    headers = {"Authorization": f"Bearer {tokens.create(contributor.username)}"}
    for path in [f"/api/v1/requests/{case.reference}", "/api/v1/requests"]:
        answer = client.get(path, headers=headers)
        assert answer.status_code == 200, path
        shown[path] = json.dumps(answer.json())
    return shown


def what_identifies(shown):
    return {
        where: found
        for where, text in shown.items()
        if (found := [personal for personal in PERSONAL if personal in text])
    }


@pytest.mark.parametrize(("body", "questions"), SIGNED_LETTERS.values(), ids=SIGNED_LETTERS)
def test_a_contributor_sees_the_questions_and_nothing_of_who_asked(
    client, contributor, ask, body, questions
):
    case = ask(body)
    shown = everything_shown(client, contributor, case)
    assert what_identifies(shown) == {}
    detail = json.loads(shown[f"/api/v1/requests/{case.reference}"])
    assert [(q["number"], q["text"]) for q in detail["questions"]] == questions
    assert "requester" not in detail


def test_a_contributor_is_not_shown_a_requester_named_in_the_subject(client, contributor, ask):
    case = ask(NUMBERED, subject=f"Freedom of Information request - {NAME}")
    assert what_identifies(everything_shown(client, contributor, case)) == {}
