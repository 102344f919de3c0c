"""Every role against every casework page: what each may see and do (accounts.permissions).

200 shown, 302 sent to sign in, 403 refused, 404 hidden (a contributor is not told which
requests exist beyond their service area's).
"""

from datetime import UTC, datetime

import pytest

from foidesk.accounts.roles import Role
from foidesk.casework import services
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
