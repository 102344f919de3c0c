"""Similar requests and round-robins for staff, the public form's "these published answers
may already help", and their API."""

from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from foidesk import demo
from foidesk.accounts.models import User
from foidesk.accounts.roles import Role
from foidesk.api import tokens
from foidesk.casework import services as casework
from foidesk.casework.models import Request, ServiceArea
from foidesk.responses.models import Decision
from foidesk.similar import services as similar_requests
from foidesk.similar.index import SimilarityError
from foidesk.similar.models import RoundRobinMember

pytestmark = pytest.mark.django_db

ASKS_ABOUT_SYSTEMS = (
    "Which social care case management system does the council use for adults and for "
    "children, who supplies it, and when does the contract end?"
)
ROUND_ROBIN = (
    "Under the Freedom of Information Act, please tell me:\n"
    "1. How many potholes were reported to the council in 2023?\n"
    "2. How many were repaired within 28 days?\n"
    "3. How much was paid in compensation for pothole damage to vehicles?"
)


@pytest.fixture
def barnet(authority):
    demo.load("pw", generated=0)
    return Request.objects.get(reference=demo.REFERENCE_CASE["reference"])


@pytest.fixture
def staff(barnet):
    return User.objects.get(username="officer")


def log(officer, body, name="A Requester", subject="A request", email=None):
    return casework.log_request(
        officer,
        regime="foi",
        received_at=datetime(2024, 5, 1, 9, tzinfo=UTC),
        subject=subject,
        body=body,
        requester={"name": name, "email": email or f"{name.split()[0].lower()}@example.org"},
    )


def test_a_new_request_about_case_management_systems_lists_5973764(staff):
    new = log(staff, ASKS_ABOUT_SYSTEMS, subject="Social care case management system")
    similar = similar_requests.similar_to(new, staff)
    assert similar[0].reference == "5973764"
    assert similar[0].state == "responded"
    assert similar[0].published
    assert "case management" in similar[0].shared_terms
    assert 0 < similar[0].score <= 1


def followed(case):
    """What the worker does once a request is logged (the page never builds an index)."""
    similar_requests.place_in_round_robin.call(case.pk)
    return case


def test_a_request_logged_after_the_index_was_built_is_found_once_the_worker_follows_it(staff):
    first = followed(log(staff, ROUND_ROBIN, name="Ann Other"))
    second = followed(log(staff, ROUND_ROBIN.replace("2023", "2024"), name="Ben Other"))
    [best, *_] = similar_requests.similar_to(second, staff)
    assert best.reference == first.reference
    assert best.score > 0.8


def test_a_contributor_sees_only_similar_requests_of_their_service_area(staff, make_user):
    family = make_user("family", Role.CONTRIBUTOR, service_areas=["Family Services"])
    new = log(staff, ASKS_ABOUT_SYSTEMS)
    casework.request_contribution(
        new, staff, ServiceArea.objects.get(name="Family Services"), new.questions.all()
    )
    # 5973764 asked Family Services too, so the contributor may see it ...
    assert "5973764" in [s.reference for s in similar_requests.similar_to(new, family)]
    adults = make_user("adults.only", Role.CONTRIBUTOR, service_areas=["Highways"])
    # ... and one from another service area may not.
    assert similar_requests.similar_to(new, adults) == []


def test_near_identical_requests_from_different_requesters_are_a_round_robin(staff):
    cases = [log(staff, ROUND_ROBIN, name=name) for name in ["Ann One", "Ben Two", "Cat Three"]]
    same_person = log(staff, ROUND_ROBIN, name="Ann One", email="ann@example.org")
    for case in [*cases, same_person]:
        followed(case)
    groups = set(RoundRobinMember.objects.values_list("group", flat=True))
    assert len(groups) == 1
    members = set(RoundRobinMember.objects.values_list("request_id", flat=True))
    assert {c.pk for c in cases} <= members
    assert similar_requests.round_robin_sizes([cases[0].pk])[cases[0].pk] >= 3
    # Shown once among the similar requests, with how many more are like it.
    shown = similar_requests.similar_to(same_person, staff)
    assert shown[0].alike >= 1
    assert len({s.reference for s in shown} & {c.reference for c in cases}) == 1


def test_rebuilding_regroups_only_the_newest_requests(staff, monkeypatch):
    old = [log(staff, ROUND_ROBIN, name=name) for name in ["Ann One", "Ben Two"]]
    similar_requests.rebuild()
    old_group = RoundRobinMember.objects.get(request=old[0]).group
    new = [log(staff, ROUND_ROBIN.replace("potholes", "streetlights"), name=n) for n in "CD"]
    monkeypatch.setattr(similar_requests, "ROUND_ROBIN_WINDOW", 2)
    assert similar_requests.rebuild()["round_robins"] == 1
    assert RoundRobinMember.objects.get(request=old[1]).group == old_group
    assert RoundRobinMember.objects.get(request=new[0]).group == new[0].pk


def test_the_same_requester_asking_twice_is_not_a_round_robin(staff):
    first = log(staff, ROUND_ROBIN, name="Ann One", email="ann@example.org")
    log(staff, ROUND_ROBIN, name="Ann One", email="ANN@example.org")
    assert similar_requests.place_in_round_robin.call(first.pk) is None
    assert not RoundRobinMember.objects.exists()
    assert similar_requests.rebuild()["round_robins"] == 0


def test_rebuilding_regroups_round_robins_and_the_caseload_shows_them(client, staff):
    cases = [log(staff, ROUND_ROBIN, name=name) for name in ["Ann One", "Ben Two"]]
    result = similar_requests.rebuild()
    assert result["round_robins"] == 1
    assert result["requests"] == Request.objects.count()
    client.force_login(staff)
    casework.assign(cases[0], staff, staff)
    page = client.get("/staff/", {"view": "open"}).content.decode()
    assert "Round-robin" in page
    assert "one of 2 alike" in page


def test_the_case_page_offers_to_start_from_an_answered_similar_request(client, staff):
    new = log(staff, ASKS_ABOUT_SYSTEMS + "\n\nQ2. How many users does each have?")
    for action in ["start", "draft"]:
        casework.take_action(new, staff, action)
    client.force_login(staff)
    page = client.get(f"/staff/requests/{new.reference}/").content.decode()
    assert "Similar requests" in page
    assert "Start from this answer" in page
    response = client.post(f"/staff/requests/{new.reference}/response/copy/", {"source": "5973764"})
    assert response.status_code == 302
    copied = Decision.objects.filter(question__request=new)
    assert {d.copied_from for d in copied} == {"5973764"}
    overview = client.get(response["Location"]).content.decode()
    assert "Copied from 5973764" in overview


def test_copying_from_a_request_the_officer_cannot_name_is_refused_plainly(client, staff):
    new = log(staff, ASKS_ABOUT_SYSTEMS)
    client.force_login(staff)
    response = client.post(
        f"/staff/requests/{new.reference}/response/copy/", {"source": "0000000"}, follow=True
    )
    assert "Choose one of the similar requests" in response.content.decode()
    assert not Decision.objects.filter(question__request=new, copied_from="0000000").exists()


def test_a_damaged_index_is_built_again_by_the_worker_while_pages_say_so(client, staff):
    new = log(staff, ASKS_ABOUT_SYSTEMS)
    damaged = similar_requests.current_build()
    (similar_requests.index_root() / damaged / "manifest.json").write_text("{not json")
    similar_requests.forget()
    client.force_login(staff)
    page = client.get(f"/staff/requests/{new.reference}/").content.decode()
    assert "Similar requests are being gathered" in page
    assert similar_requests.current_build() == damaged  # the page built nothing
    api = client.get(
        f"/api/v1/requests/{new.reference}/similar",
        headers={"Authorization": f"Bearer {tokens.create(staff.username)}"},
    )
    assert api.status_code == 503
    assert "being gathered" in api.json()["detail"][0]["msg"]
    assert DBTaskResult.objects.filter(task_path__endswith="rebuild_in_background").count() == 1
    similar_requests.rebuild_in_background.call()
    assert similar_requests.current_build() != damaged
    assert similar_requests.similar_to(new, staff)[0].reference == "5973764"
    assert "5973764" in client.get(f"/staff/requests/{new.reference}/").content.decode()


def test_a_new_installation_shows_similar_requests_after_the_first_build(client, officer):
    new = log(officer, ASKS_ABOUT_SYSTEMS)
    client.force_login(officer)
    for _ in range(3):
        page = client.get(f"/staff/requests/{new.reference}/").content.decode()
        assert "Similar requests are being gathered for the first time" in page
    # One build asked for, however many pages were shown.
    assert DBTaskResult.objects.filter(task_path__endswith="rebuild_in_background").count() == 1
    similar_requests.rebuild_in_background.call()
    # Asked again while it ran, the next build is left alone: the index holds every request.
    assert similar_requests.rebuild_in_background.call() is None
    assert (
        "No similar requests found"
        in client.get(f"/staff/requests/{new.reference}/").content.decode()
    )


def test_builds_replaced_a_minute_ago_are_removed(staff, monkeypatch):
    first = similar_requests.current_build()
    monkeypatch.setattr(similar_requests, "KEEP_REPLACED_SECONDS", 0)
    similar_requests.rebuild()
    similar_requests.rebuild()
    builds = [path.name for path in similar_requests.index_root().iterdir() if path.is_dir()]
    assert builds == [similar_requests.current_build()]
    assert first not in builds


def test_the_case_page_works_when_similar_requests_cannot_be_found(client, staff, monkeypatch):
    new = log(staff, ASKS_ABOUT_SYSTEMS)

    def fails(*args, **kwargs):
        raise SimilarityError("no space left to build the index")

    monkeypatch.setattr(similar_requests, "similar_to", fails)
    client.force_login(staff)
    response = client.get(f"/staff/requests/{new.reference}/")
    assert response.status_code == 200
    assert "Similar requests cannot be shown just now" in response.content.decode()


# --- The public form -------------------------------------------------------------------------


def form(text, **more):
    return {"name": "Pat Public", "email": "pat@example.org", "request": text, **more}


def test_the_public_form_offers_published_answers_before_sending(client, barnet):
    before = Request.objects.count()
    page = client.post("/request/", form(ASKS_ABOUT_SYSTEMS)).content.decode()
    assert "These published answers may already help" in page
    assert "/disclosure-log/5973764/" in page
    assert Request.objects.count() == before  # not sent yet
    response = client.post("/request/", form(ASKS_ABOUT_SYSTEMS, suggested="1"))
    assert response.status_code == 302
    assert Request.objects.count() == before + 1


def test_the_public_are_never_shown_unpublished_requests(client, staff):
    log(staff, ROUND_ROBIN, name="Ann One")
    response = client.post("/request/", form(ROUND_ROBIN))
    # Nothing published is like it: the request goes straight in.
    assert response.status_code == 302


# --- The API ---------------------------------------------------------------------------------


def test_the_disclosure_api_is_public_and_holds_no_requester(client, barnet):
    response = client.get("/api/v1/disclosure", {"q": "Mosaic"})
    assert response.status_code == 200
    body = response.json()
    assert [item["reference"] for item in body["items"]] == ["5973764"]
    assert "<mark>Mosaic</mark>" in body["items"][0]["snippet_html"]
    assert "Sam Requester" not in response.content.decode()
    assert "sam.requester" not in response.content.decode()
    assert client.get("/api/v1/disclosure", {"page": 0}).status_code == 400


def test_the_similar_api_needs_staff_and_lists_best_first(client, staff):
    new = log(staff, ASKS_ABOUT_SYSTEMS)
    url = f"/api/v1/requests/{new.reference}/similar"
    assert client.get(url).status_code == 401
    key = tokens.create("officer")
    got = client.get(url, headers={"Authorization": f"Bearer {key}"})
    assert got.status_code == 200
    first = got.json()[0]
    assert first["reference"] == "5973764"
    assert set(first) >= {"reference", "subject", "state", "score", "shared_terms"}
    scores = [item["score"] for item in got.json()]
    assert scores == sorted(scores, reverse=True)
    bad = client.get(url, {"limit": 0}, headers={"Authorization": f"Bearer {key}"})
    assert bad.status_code == 400


def test_the_rebuild_command_reports_what_it_did(staff):
    for name in ["Ann One", "Ben Two"]:
        log(staff, ROUND_ROBIN, name=name)
    out = StringIO()
    call_command("rebuild_similar", stdout=out)
    assert f"Indexed {Request.objects.count()} requests and found 1 round-robins" in out.getvalue()


def test_a_bulk_load_is_left_to_the_worker_and_new_requests_still_match(client, staff, monkeypatch):
    monkeypatch.setattr(similar_requests, "EXTEND_AT_MOST", 1)
    loaded = [log(staff, ROUND_ROBIN, name=name) for name in ["Ann One", "Ben Two", "Cat Three"]]
    index = similar_requests.current_index()
    assert str(loaded[0].pk) not in index  # not added inside the page
    assert DBTaskResult.objects.filter(task_path__endswith="rebuild_in_background").count() == 1
    similar = similar_requests.similar_to(loaded[0], staff)
    assert {s.reference for s in similar} <= {c.reference for c in loaded} | {"5973764"}
    similar_requests.rebuild_in_background.call()
    [best, *_] = similar_requests.similar_to(loaded[0], staff)
    assert best.reference in {loaded[1].reference, loaded[2].reference}


def test_builds_asked_for_while_one_ran_are_done_by_it_though_requests_go_on_coming(staff):
    for _ in range(3):
        similar_requests.ask_for_a_build()
    queued = DBTaskResult.objects.filter(task_path__endswith="rebuild_in_background")
    assert queued.count() == 3
    times = [task.args_kwargs["kwargs"]["asked_at"] for task in queued]
    before = similar_requests.current_build()
    similar_requests.rebuild_in_background.call(asked_at=times[0])
    first = similar_requests.current_build()
    assert first != before
    log(staff, ROUND_ROBIN, name="Dan Later")  # arrives after the build began
    for asked_at in times[1:]:
        assert similar_requests.rebuild_in_background.call(asked_at=asked_at) is None
    assert similar_requests.current_build() == first
    # Asked for after that build began: built again, with the newer request.
    similar_requests.ask_for_a_build()
    latest = DBTaskResult.objects.filter(task_path__endswith="rebuild_in_background").latest(
        "enqueued_at"
    )
    similar_requests.rebuild_in_background.call(**latest.args_kwargs["kwargs"])
    assert similar_requests.current_build() != first
