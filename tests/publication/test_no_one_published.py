"""Thirty request letters, signed as requesters sign them, logged, answered, sent and
published with the publish form's defaults: no requester detail reaches any public page,
export, feed, API answer, search result or released file, and none reaches a contributor.

A disclosure log never identifies the requester (docs/law/personal-data.md, the ICO's guidance on
disclosure logs): this walks every public way out of foidesk to check it.
"""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from foidesk.accounts.roles import Role
from foidesk.api import tokens
from foidesk.casework import services as casework
from foidesk.casework.models import ServiceArea
from foidesk.publication import file_text, services
from foidesk.publication.models import DisclosureEntry
from foidesk.responses import sending
from tests.helpers import answer_every_question
from tests.publication.corpus import letters

pytestmark = pytest.mark.django_db


def digits(text):
    return re.sub(r"\D", "", text)


def leaks(text, person):
    """Each of ``person``'s details found in ``text``: words case-insensitively, the phone
    by its digits whatever the spacing."""
    found = [
        detail
        for detail in [person.last, person.email, person.street, person.postcode]
        if detail.lower() in text.lower()
    ]
    if digits(person.phone)[-10:] in digits(text):
        found.append(person.phone)
    return found


@pytest.fixture
def published(authority, officer, make_user):
    """Every letter of the corpus, answered, sent and published with the defaults."""
    area = ServiceArea.objects.create(name="Highways")
    contributor = make_user("highways", Role.CONTRIBUTOR, service_areas=["Highways"])
    approver = make_user("approver", Role.APPROVER)
    cases = []
    for number, letter in enumerate(letters()):
        case = casework.log_request(
            officer,
            regime="foi",
            received_at=datetime(2026, 3, 2, 9, tzinfo=UTC) + timedelta(minutes=number),
            subject=letter.subject,
            body=letter.body,
            requester={
                "name": letter.person.name,
                "email": letter.person.email,
                "postal_address": f"{letter.person.street}\n{letter.person.town}\n"
                f"{letter.person.postcode}",
            },
        )
        casework.request_contribution(case, officer, area, case.questions.all())
        casework.answer_contribution(case.contributions.get(), contributor, "412, and 390.")
        casework.take_action(case, officer, "draft")
        answer_every_question(case, officer, answer="412 were reported; 390 were repaired.")
        casework.take_action(case, officer, "submit_for_approval")
        casework.take_action(case, approver, "approve")
        sending.record_sent(case, officer, on=timezone.localdate(), method="post")
        case.refresh_from_db()
        # The publish form's defaults: the title it offers, every file ticked.
        shown = services.preview(case)
        services.publish(
            case,
            officer,
            title=shown.title.text,
            topic="Highways",
            files=[key for key, _, _ in shown.files],
        )
        cases.append((case, letter.person))
    return cases, contributor


def test_there_are_thirty_letters_in_every_style():
    made = letters()
    assert len(made) >= 30
    assert sum("Freedom of Information request -" in letter.subject for letter in made) >= 10
    assert any("?\nKind regards" in letter.body for letter in made)
    assert any("1." not in letter.body for letter in made)


def test_no_public_page_export_feed_or_search_names_a_requester(client, published):
    cases, _ = published
    everything = ""
    for path in [
        "/disclosure-log/",
        "/disclosure-log/?page=2",
        "/disclosure-log.csv",
        "/disclosure-log.json",
        "/disclosure-log/feed.atom",
        "/api/v1/disclosure",
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.streaming_content if response.streaming else [response.content]
        everything += b"".join(body).decode()
    for case, person in cases:
        page = client.get(f"/disclosure-log/{case.reference}/").content.decode()
        assert leaks(page, person) == [], (case.reference, leaks(page, person))
        assert leaks(everything, person) == [], person.name
        for detail in [person.last, person.email, person.postcode]:
            searched = client.get("/api/v1/disclosure", {"q": detail}).json()
            assert searched["count"] == 0, (detail, searched["items"][:1])


def test_no_released_file_names_a_requester(published):
    cases, _ = published
    for case, person in cases:
        version = DisclosureEntry.objects.get(request=case).current
        assert version.files.exists()
        for released in version.files.all():
            with released.file.open("rb") as stored:
                text = file_text.text_of(released.filename, stored.read())
            assert leaks(text, person) == [], (released.filename, leaks(text, person))


def test_no_contributor_page_or_api_answer_names_a_requester(client, published):
    cases, contributor = published
    client.force_login(contributor)
    headers = {"Authorization": f"Bearer {tokens.create(contributor.username)}"}
    listed = client.get("/staff/contributions/").content.decode()
    listed += client.get("/staff/contributions/?page=2").content.decode()
    listed += json.dumps(client.get("/api/v1/requests", headers=headers).json())
    for case, person in cases:
        asked = case.contributions.get()
        shown = (
            client.get(f"/staff/contributions/{asked.pk}/").content.decode()
            + client.get(f"/staff/requests/{case.reference}/").content.decode()
            + json.dumps(client.get(f"/api/v1/requests/{case.reference}", headers=headers).json())
        )
        assert leaks(shown, person) == [], (case.reference, leaks(shown, person))
        assert leaks(listed, person) == [], person.name
