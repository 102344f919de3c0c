"""Staff sign in with Django's authentication, in GOV.UK patterns, and sign out."""

import pytest
from django.core.cache import cache

from foidesk.accounts import services
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

SIGN_IN = "/account/sign-in/"


@pytest.fixture(autouse=True)
def _forget_failed_attempts():
    cache.clear()


def test_signing_in_leads_to_the_staff_page_naming_the_authority(client, authority, officer):
    response = client.post(SIGN_IN, {"username": "officer", "password": PASSWORD}, follow=True)
    assert response.redirect_chain == [("/staff/", 302)]
    page = response.content.decode()
    assert "London Borough of Barnet" in page
    assert "Caseload" in page


def test_a_wrong_password_is_explained_in_the_error_summary(client, officer):
    response = client.post(SIGN_IN, {"username": "officer", "password": "wrong"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "The username or password is not right" in page
    assert 'href="#id_username"' in page
    assert "<title>Error: Sign in" in page
    assert "_auth_user_id" not in client.session


def test_empty_fields_each_get_a_message_linked_to_the_field(client):
    page = client.post(SIGN_IN, {"username": "", "password": ""}).content.decode()
    assert '<a href="#id_username">Enter your username</a>' in page
    assert '<a href="#id_password">Enter your password</a>' in page
    assert 'class="govuk-error-message"' in page


def test_signing_in_returns_to_the_page_that_asked_for_it(client, officer):
    response = client.post(
        f"{SIGN_IN}?next=/staff/", {"username": "officer", "password": PASSWORD, "next": "/staff/"}
    )
    assert response["Location"] == "/staff/"


def test_a_next_address_on_another_site_is_ignored(client, officer):
    response = client.post(
        SIGN_IN, {"username": "officer", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == "/staff/"


def test_repeated_failures_lock_the_username_for_a_while(client, officer):
    for _ in range(services.SIGN_IN_ATTEMPTS):
        client.post(SIGN_IN, {"username": "officer", "password": "wrong"})
    response = client.post(SIGN_IN, {"username": "officer", "password": PASSWORD})
    assert response.status_code == 200
    assert "too many attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_successful_sign_in_forgets_earlier_failures(client, officer):
    for _ in range(services.SIGN_IN_ATTEMPTS - 1):
        client.post(SIGN_IN, {"username": "officer", "password": "wrong"})
    client.post(SIGN_IN, {"username": "officer", "password": PASSWORD})
    assert not services.sign_in_blocked("officer")


def test_an_inactive_account_cannot_sign_in(client, officer):
    officer.is_active = False
    officer.save()
    response = client.post(SIGN_IN, {"username": "officer", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_signing_out_ends_the_session(client, officer):
    client.force_login(officer)
    response = client.post("/account/sign-out/", follow=True)
    assert response.redirect_chain == [("/account/signed-out/", 302)]
    assert "You have signed out" in response.content.decode()
    assert client.get("/staff/").status_code == 302


def test_signing_out_needs_a_form_post_not_a_link(client, officer):
    client.force_login(officer)
    assert client.get("/account/sign-out/").status_code == 405
    assert client.get("/staff/").status_code == 200


def test_a_form_sent_without_its_csrf_token_gets_a_plain_explanation(officer):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(SIGN_IN, {"username": "officer", "password": PASSWORD})
    assert response.status_code == 403
    assert "Your form could not be sent" in response.content.decode()
