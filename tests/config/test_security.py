"""Security headers and cookies on every response, as a council's IT team would check them."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_public_page_sends_the_security_headers(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_content_security_policy_allows_only_our_own_scripts_by_nonce(client):
    response = client.get("/")
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    nonce = re.fullmatch(r"'self' 'nonce-([\w-]+)'", policy["script-src"]).group(1)
    scripts = re.findall(r"<script([^>]*)>", response.content.decode())
    assert scripts, "the page has scripts to allow"
    assert all(f'nonce="{nonce}"' in attributes for attributes in scripts)
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_hsts_is_sent_over_https_only(client):
    assert "Strict-Transport-Security" not in client.get("/")
    hsts = client.get("/", secure=True)["Strict-Transport-Security"]
    assert hsts == "max-age=31536000"


def test_session_and_csrf_cookies_are_secure_and_hidden_from_scripts(client, officer):
    response = client.get("/account/sign-in/")
    csrf = response.cookies["csrftoken"]
    assert csrf["secure"] is True
    assert csrf["httponly"] is True
    response = client.post(
        "/account/sign-in/", {"username": "officer", "password": "correct-horse-battery-staple"}
    )
    session = response.cookies["sessionid"]
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"


def test_staff_pages_are_never_cached(client, officer):
    client.force_login(officer)
    response = client.get("/staff/")
    assert "no-store" in response["Cache-Control"]


def test_public_pages_may_be_cached_by_the_browser(client):
    assert "no-store" not in client.get("/").get("Cache-Control", "")
