"""The demo authority, its service areas, its staff, and its case 5973764's history."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import authenticate

from foidesk import demo
from foidesk.accounts.models import User
from foidesk.casework.models import Authority, Request, ServiceArea
from foidesk.casework.services import calendar, current_authority

LONDON = ZoneInfo("Europe/London")

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


def test_5973764s_timeline_runs_from_17_january_to_14_february_2020():
    """Received Fri 17 Jan 2020, due and answered Fri 14 Feb 2020 (the reference letter),
    each step on a working day, in the order it happened."""
    demo.load("demo-password-1", generated=0)
    case = Request.objects.get(reference="5973764")
    events = list(case.timeline.all())
    history = [event for event in events if event.kind != "published"]
    moments = [event.at.astimezone(LONDON) for event in history]
    assert moments == sorted(moments)
    assert moments[0] == datetime(2020, 1, 17, 10, 40, tzinfo=LONDON)
    assert moments[-1] == datetime(2020, 2, 14, 14, 30, tzinfo=LONDON)
    assert all(calendar().is_working_day(moment.date()) for moment in moments)
    assert all(9 <= moment.hour < 17 for moment in moments)
    said = {
        event.description.split(":")[0]: event.at.astimezone(LONDON).date() for event in history
    }
    assert said["Adults Services answered"] == date(2020, 2, 4)
    assert said["Family Services answered"] == date(2020, 2, 6)
    assert said["Approve the response"] == date(2020, 2, 14)
    # Publishing is the one thing the demo does on the day it is loaded.
    assert [event.kind for event in events[len(history) :]] == ["published"]
    for contribution in case.contributions.all():
        assert contribution.requested_at.astimezone(LONDON).date() == date(2020, 1, 20)
        assert contribution.requested_at < contribution.answered_at <= moments[-1]
    assert case.created_at == case.requester.created_at == events[0].at


def _counts():
    return Authority.objects.count(), ServiceArea.objects.count(), User.objects.count()
