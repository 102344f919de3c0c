"""Every role against every casework page: what each may see and do (accounts.permissions).

200 shown, 302 sent to sign in, 403 refused, 404 hidden (a contributor is not told which
requests exist beyond their service area's).
"""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import PermissionDenied

from foidesk.accounts.roles import Role
from foidesk.casework import services, workflow
from foidesk.casework.models import ServiceArea

pytestmark = pytest.mark.django_db

PAGES = [
    "/staff/",
    "/staff/requests/new/",
    "/staff/requests/{reference}/",
    "/staff/requests/{reference}/actions/start/",
    "/staff/requests/{reference}/details/",
    "/staff/requests/{reference}/questions/",
    "/staff/requests/{reference}/contributions/new/",
    "/staff/contributions/",
    "/staff/contributions/{contribution}/",
]
MATRIX = {
    "anonymous": [302, 302, 302, 302, 302, 302, 302, 302, 302],
    "no role": [403, 403, 403, 403, 403, 403, 403, 403, 403],
    "officer": [200, 200, 200, 200, 200, 200, 200, 200, 200],
    "admin": [200, 200, 200, 200, 200, 200, 200, 200, 200],
    "approver": [200, 403, 200, 403, 403, 403, 403, 200, 200],
    "contributor, asked": [200, 403, 200, 403, 403, 403, 403, 200, 200],
    "contributor, not asked": [200, 403, 404, 404, 404, 404, 404, 200, 404],
}
ROLES = {
    "officer": [Role.OFFICER],
    "admin": [Role.ADMIN],
    "approver": [Role.APPROVER],
    "contributor, asked": [Role.CONTRIBUTOR],
    "contributor, not asked": [Role.CONTRIBUTOR],
    "no role": [],
}


@pytest.fixture
def case(authority, make_user):
    officer = make_user("the.officer", Role.OFFICER)
    request = services.log_request(
        officer,
        regime="foi",
        received_at=datetime(2020, 1, 17, tzinfo=UTC),
        subject="Bridges",
        body="1. How many bridges?\n2. What did they cost?",
        requester={"name": "Sam Requester", "email": "sam@example.com"},
    )
    asked = ServiceArea.objects.create(name="Adults Services")
    ServiceArea.objects.create(name="Family Services")
    contribution = services.request_contribution(request, officer, asked, request.questions.all())
    return request, contribution


@pytest.mark.parametrize("who", MATRIX)
def test_casework_permission_matrix(client, make_user, case, who):
    request, contribution = case
    if who != "anonymous":
        area = {
            "contributor, asked": ["Adults Services"],
            "contributor, not asked": ["Family Services"],
        }
        client.force_login(make_user("someone", *ROLES[who], service_areas=area.get(who, [])))
    got = [
        client.get(
            page.format(reference=request.reference, contribution=contribution.pk)
        ).status_code
        for page in PAGES
    ]
    assert got == MATRIX[who]


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("officer", 302),
        ("approver", 403),
        ("contributor, asked", 403),
        ("contributor, not asked", 404),
    ],
)
def test_only_officers_assign(client, make_user, case, who, expected):
    request, _ = case
    area = {
        "contributor, asked": ["Adults Services"],
        "contributor, not asked": ["Family Services"],
    }
    client.force_login(make_user("someone", *ROLES[who], service_areas=area.get(who, [])))
    assert (
        client.post(f"/staff/requests/{request.reference}/assign/", {"officer": ""}).status_code
        == expected
    )


# Who may take each workflow action: "handle" for FOI officers and administrators, "approve"
# for approvers, and "system" for the steps foidesk takes itself, which nobody may.
ACTION_PERMISSIONS = {
    "start": "handle",
    "seek_clarification": "handle",
    "clarification_received": "handle",
    "fee_notice": "handle",
    "fee_paid": "handle",
    "extend": "handle",
    "request_contributions": "handle",
    "draft": "handle",
    "submit_for_approval": "handle",
    "approve": "approve",
    "return_for_changes": "approve",
    "approval_lapsed": "system",
    "send_by_email": "handle",
    "delivered": "system",
    "mark_sent": "handle",
    "close": "handle",
    "correct": "handle",
    "withdraw": "handle",
    "lapse": "handle",
}
MAY = {
    "officer": {"handle"},
    "admin": {"handle"},
    "approver": {"approve"},
    "contributor, asked": set(),
    "no role": set(),
}


def test_every_action_is_in_the_matrix():
    declared = {a.name for case_type in workflow.CASE_TYPES.values() for a in case_type.actions}
    assert set(ACTION_PERMISSIONS) == declared


@pytest.mark.parametrize("who", MAY)
@pytest.mark.parametrize("name", ACTION_PERMISSIONS)
def test_who_may_take_each_action(make_user, case, who, name):
    """Refused for want of the role before the state is even looked at."""
    request, _ = case
    user = make_user("someone", *ROLES[who], service_areas=["Adults Services"])
    allowed = ACTION_PERMISSIONS[name] in MAY[who]
    try:
        services.take_action(request, user, name, note="A note.")
    except PermissionDenied:
        assert not allowed
    except (workflow.TransitionRefused, services.CaseworkError):
        assert allowed
    else:
        assert allowed
