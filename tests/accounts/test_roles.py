"""Roles are groups; who may see which page is decided in accounts.permissions."""

import pytest
from django.contrib.auth.models import Group, Permission

from foidesk.accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_migrating_creates_a_group_for_each_role():
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "officer",
        "contributor",
        "approver",
        "admin",
    }


def test_administrators_hold_every_model_permission():
    admin = Group.objects.get(name=Role.ADMIN)
    assert admin.permissions.count() == Permission.objects.count()


# Each page, and what each kind of visitor gets: 200 shown, 302 sent to sign in, 403 refused.
PAGES = [
    "/",
    "/accessibility/",
    "/privacy/",
    "/deadline-calculator/",
    "/staff/",
    "/admin/",
    "/admin/accounts/user/",
    "/admin/casework/workingdayoverride/",
]
MATRIX = {
    "anonymous": [200, 200, 200, 200, 302, 302, 302, 302],
    "no role": [200, 200, 200, 200, 403, 403, 403, 403],
    Role.OFFICER: [200, 200, 200, 200, 200, 403, 403, 403],
    Role.CONTRIBUTOR: [200, 200, 200, 200, 200, 403, 403, 403],
    Role.APPROVER: [200, 200, 200, 200, 200, 403, 403, 403],
    Role.ADMIN: [200, 200, 200, 200, 200, 200, 200, 200],
}


@pytest.mark.parametrize("who", MATRIX)
def test_permission_matrix(client, make_user, who):
    if who != "anonymous":
        roles = [] if who == "no role" else [who]
        client.force_login(make_user("someone", *roles))
    got = [_status(client, page) for page in PAGES]
    assert got == MATRIX[who]


def _status(client, page):
    response = client.get(page)
    if response.status_code == 302 and response["Location"].startswith("/admin/login/"):
        response = client.get(response["Location"])  # the admin hands sign-in to foidesk
    if response.status_code == 302:
        assert response["Location"].startswith("/account/sign-in/?next=")
    return response.status_code


def test_anonymous_visitors_are_sent_to_sign_in_and_back(client):
    response = client.get("/staff/")
    assert response["Location"] == "/account/sign-in/?next=/staff/"


def test_a_member_of_staff_without_a_role_is_told_why(client, make_user):
    client.force_login(make_user("newstarter"))
    response = client.get("/staff/")
    assert response.status_code == 403
    assert "does not have the role this page needs" in response.content.decode()


def test_only_administrators_see_the_administration_link(client, make_user):
    client.force_login(make_user("officer", Role.OFFICER))
    assert "Administration" not in client.get("/staff/").content.decode()
    client.force_login(make_user("admin", Role.ADMIN))
    assert "Administration" in client.get("/staff/").content.decode()


def test_contributors_land_on_the_questions_for_their_service_area(client, make_user):
    client.force_login(make_user("c", Role.CONTRIBUTOR, service_areas=["Adults Services"]))
    assert "Questions for your service area" in client.get("/staff/").content.decode()
