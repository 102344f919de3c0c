"""Every page and every API route against every role, generated from the URL configuration
and the API's own description of its routes: a new page or route is covered without
editing this test, and a page that declares no permission fails it (accounts.permissions).

A page declares what it needs with ``permissions.require`` (a permission of the page) or
``casework.access.request_page`` (permissions on the request it is about). From those, and
the roles' permissions, this test works out what each person must get: sent to sign in,
refused (403), not found (404: a contributor is not told which requests exist beyond their
service area's), or the page.
"""

import re
from datetime import UTC, datetime

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from foidesk.accounts import permissions
from foidesk.accounts.roles import Role
from foidesk.api import tokens
from foidesk.api.api import api
from foidesk.casework import services, workflow
from foidesk.casework.models import ServiceArea
from foidesk.similar import services as similar_requests

pytestmark = pytest.mark.django_db

# Pages anyone may open: the public site, signing in and out.
PUBLIC = {
    "home",
    "accessibility",
    "privacy",
    "deadline-calculator",
    "accounts:sign-in",
    "accounts:sign-out",
    "accounts:signed-out",
    "intake:request",
    "intake:received",
    "publication:log",
    "publication:feed",
    "publication:csv",
    "publication:json",
    "publication:entry",
    "publication:file",
}
# The API routes open to anyone: the disclosure log holds nothing about any requester.
PUBLIC_ROUTES = {("get", "/api/v1/disclosure")}

ROLES = {
    "no role": [],
    "officer": [Role.OFFICER],
    "admin": [Role.ADMIN],
    "approver": [Role.APPROVER],
    "contributor, asked": [Role.CONTRIBUTOR],
    "contributor, not asked": [Role.CONTRIBUTOR],
}
AREAS = {"contributor, asked": ["Adults Services"], "contributor, not asked": ["Family Services"]}


def _pages(patterns=None, prefix="", namespace=""):
    """(route, name, view) for every page in the URL configuration, but the admin site's
    (it keeps its own permission, tested with it) and the API's (below)."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route.startswith(("admin/", "api/")):
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _pages(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern):
            yield route, namespace + (entry.name or ""), entry.callback


PAGES = sorted(_pages())


def test_every_page_is_public_or_declares_its_permission():
    undeclared = [
        name
        for _, name, view in PAGES
        if name not in PUBLIC and getattr(view, "permission", None) is None
    ]
    assert undeclared == [], "give each @permissions.require, or list it in PUBLIC"
    assert {name for _, name, _ in PAGES} >= PUBLIC


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


def _address(route, case, contribution):
    """The route with its parameters filled in: this test's request and contribution, and
    the first of whatever else (a question, an action) the page is about."""
    values = {
        "reference": case.reference,
        "pk": contribution.pk,
        "name": "start",
        "number": 1,
        "key": "s40",
        "extension": "pdf",
        "version": 1,
        "filename": "letter.pdf",
    }
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route)


def _expected(user, view, case):
    """What ``user`` must get from a page, from what the page declares: "sign in",
    "refused", "not found" or "shown" (anything but those, and never a server error)."""
    if not user.is_authenticated:
        return "sign in"
    if not user.has_perm(view.permission):
        return "refused"
    needs = getattr(view, "needs", None)
    if needs is None:
        return "shown"
    if not user.has_perm(permissions.VIEW_REQUEST, case):
        return "not found"
    if not all(user.has_perm(need, case) for need in needs):
        return "refused"
    return "shown"


def _got(response):
    if response.status_code == 302 and response.url.startswith("/account/sign-in/"):
        return "sign in"
    return {403: "refused", 404: "not found"}.get(response.status_code, "shown")


@pytest.mark.parametrize("who", ["anonymous", *ROLES])
def test_every_staff_page_refuses_or_hides_what_each_role_may_not_see(client, make_user, case, who):
    request, contribution = case
    if who == "anonymous":
        from django.contrib.auth.models import AnonymousUser

        user = AnonymousUser()
    else:
        user = make_user("someone", *ROLES[who], service_areas=AREAS.get(who, []))
        client.force_login(user)
    wrong = {}
    for route, name, view in PAGES:
        # An action page needs the permission of its action: the next test covers each.
        if name in PUBLIC or name == "casework:action":
            continue
        address = _address(route, request, contribution)
        response = client.get(address)
        if response.status_code == 405:
            # A page that only takes a form is asked with an empty one.
            response = client.post(address)
        assert response.status_code < 500, name
        expected = _expected(user, view, request)
        got = _got(response)
        # A page shown may still find nothing of what it is about (a sheet this request
        # lacks): "not found" then says nothing about the request itself.
        if got != expected and not (expected == "shown" and got == "not found"):
            wrong[name] = (expected, got)
    assert wrong == {}


@pytest.mark.parametrize("who", ["officer", "approver", "contributor, asked"])
def test_an_action_page_needs_the_actions_permission(client, make_user, case, who):
    request, _ = case
    user = make_user("someone", *ROLES[who], service_areas=AREAS.get(who, []))
    client.force_login(user)
    for action in workflow.case_type_of(request).actions:
        if action.system:
            continue
        response = client.get(f"/staff/requests/{request.reference}/actions/{action.name}/")
        refused = not user.has_perm(action.permission, request)
        assert (response.status_code == 403) == refused, action.name


def _routes():
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield method, path, "security" in operation


ROUTES = sorted(_routes())
REFUSALS = {
    value.refusal
    for value in vars(permissions).values()
    if isinstance(value, permissions.Permission)
}


def test_the_api_is_open_only_where_it_says_so(client):
    assert {(method, path) for method, path, secured in ROUTES if not secured} == PUBLIC_ROUTES
    for method, path, secured in ROUTES:
        if secured:
            address = path.format(reference="5973764", action="start", number=1)
            assert getattr(client, method)(address).status_code == 401, (method, path)


@pytest.mark.parametrize("who", [who for who in ROLES if who != "no role"])
def test_every_api_route_hides_refuses_or_answers_as_the_role_allows(client, make_user, case, who):
    """A request the token's user may not see is not found on every route about one; a
    refusal is always one of the permissions' own sentences, for a permission the user
    lacks; nothing answers with a server error."""
    request, _ = case
    similar_requests.rebuild()
    user = make_user("someone", *ROLES[who], service_areas=AREAS.get(who, []))
    headers = {"Authorization": f"Bearer {tokens.create(user.username)}"}
    for method, path, secured in ROUTES:
        if not secured or method != "get":
            continue
        address = path.format(reference=request.reference, action="start", number=1)
        response = client.get(address, headers=headers)
        assert response.status_code < 500, path
        about_a_request = "{reference}" in path
        if about_a_request and not user.has_perm(permissions.VIEW_REQUEST, request):
            assert response.status_code == 404, path
        if response.status_code == 403:
            refusal = response.json()["detail"][0]["msg"]
            assert refusal in REFUSALS, path
            lacked = [
                value
                for value in vars(permissions).values()
                if isinstance(value, permissions.Permission) and value.refusal == refusal
            ]
            obj = request if about_a_request else None
            assert not any(user.has_perm(permission, obj) for permission in lacked), path
