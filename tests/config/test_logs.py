"""What foidesk writes to its log when it refuses someone."""

import io
import logging

import pytest

from foidesk.accounts.roles import Role
from foidesk.api import tokens


@pytest.fixture
def request_log():
    """What the django.request logger writes, through its filters, as the log would show it."""
    written = io.StringIO()
    handler = logging.StreamHandler(written)
    handler.setFormatter(logging.Formatter("{levelname} {name}: {message}", style="{"))
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield written
    logger.removeHandler(handler)


def test_a_refused_page_is_one_warning_line_without_a_traceback(
    client, authority, make_user, request_log
):
    client.force_login(make_user("approver", Role.APPROVER))
    assert client.get("/staff/requests/new/").status_code == 403
    assert request_log.getvalue() == (
        "WARNING django.request: Forbidden (Permission denied): /staff/requests/new/\n"
    )


def test_a_refused_api_call_is_one_warning_line(client, authority, make_user, request_log):
    make_user("approver", Role.APPROVER)
    headers = {"Authorization": f"Bearer {tokens.create('approver')}"}
    assert client.get("/api/v1/intake/problems", headers=headers).status_code == 403
    assert request_log.getvalue() == "WARNING django.request: Forbidden: /api/v1/intake/problems\n"
