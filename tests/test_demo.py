"""The demo authority, its service areas and its staff."""

import pytest
from django.contrib.auth import authenticate

from foidesk import demo
from foidesk.accounts.models import User
from foidesk.casework.models import Authority, ServiceArea
from foidesk.casework.services import current_authority

pytestmark = pytest.mark.django_db


def test_loading_the_demo_twice_changes_nothing():
    demo.load("demo-password-1")
    counts = _counts()
    demo.load("demo-password-1")
    assert _counts() == counts == (1, 2, 5)


def test_the_demo_authority_is_barnet_with_its_two_service_areas():
    demo.load("demo-password-1")
    assert current_authority().name == "London Borough of Barnet"
    assert list(ServiceArea.objects.values_list("name", flat=True)) == [
        "Adults Services",
        "Family Services",
    ]


@pytest.mark.parametrize(
    ("username", "role", "areas"),
    [
        ("officer", "officer", []),
        ("contributor.adults", "contributor", ["Adults Services"]),
        ("contributor.family", "contributor", ["Family Services"]),
        ("approver", "approver", []),
        ("admin", "admin", []),
    ],
)
def test_each_demo_user_has_one_role_and_signs_in_with_the_printed_password(username, role, areas):
    demo.load("demo-password-1")
    user = authenticate(username=username, password="demo-password-1")
    assert user is not None
    assert user.role_names() == [role]
    assert [area.name for area in user.service_areas.all()] == areas


def test_the_demo_password_is_made_once_and_kept_private(tmp_path):
    first = demo.password_in(tmp_path)
    assert demo.password_in(tmp_path) == first
    assert len(first) >= 12
    assert (tmp_path / "demo-password").stat().st_mode & 0o077 == 0


def test_without_an_authority_pages_say_so_rather_than_fail(client):
    assert current_authority().name == "Your authority"
    assert "Your authority" in client.get("/").content.decode()


def _counts():
    return Authority.objects.count(), ServiceArea.objects.count(), User.objects.count()
