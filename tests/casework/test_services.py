"""Logging, the workflow, the clock and contributions, through the casework services."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from foidesk.accounts.roles import Role
from foidesk.casework import references, services, workflow
from foidesk.casework.models import Authority, ClockEvent, Request, ServiceArea, TimelineEvent
from foidesk.demo import REFERENCE_CASE
from tests.helpers import answer_every_question, today_is

pytestmark = pytest.mark.django_db

RECEIVED = datetime(2020, 1, 17, 10, 30, tzinfo=UTC)


@pytest.fixture
def officer(make_user):
    return make_user("officer", Role.OFFICER)


@pytest.fixture
def barnet_case(authority, officer):
    return services.log_request(
        officer,
        regime="foi",
        received_at=RECEIVED,
        subject=REFERENCE_CASE["subject"],
        body=REFERENCE_CASE["body"],
        requested_format=REFERENCE_CASE["requested_format"],
        requester={"name": "A Requester", "email": "requester@example.com"},
        reference="5973764",
    )


def log(officer, **changes):
    fields = {
        "regime": "foi",
        "received_at": RECEIVED,
        "subject": "Bridge repairs",
        "body": "How much did the bridge cost?",
        "requester": {"name": "B Requester", "email": "b@example.com"},
    }
    return services.log_request(officer, **{**fields, **changes})


def test_logging_the_reference_letters_request(barnet_case):
    """Received 17 Jan 2020, four questions, due 14 Feb 2020 (FOIA s.10(1);
    docs/law/time-limits.md)."""
    assert barnet_case.reference == "5973764"
    assert barnet_case.state == workflow.State.NEW
    assert [q.number for q in barnet_case.questions.all()] == [1, 2, 3, 4]
    assert barnet_case.due_on == date(2020, 2, 14)
    assert barnet_case.requester.email == "requester@example.com"
    event = barnet_case.timeline.get()
    assert event.kind == "logged"
    assert event.actor.username == "officer"
    assert "requester@example.com" not in event.description


def test_references_follow_the_default_seven_digit_sequence(authority, officer):
    assert [log(officer).reference for _ in range(3)] == ["1000000", "1000001", "1000002"]


def test_a_reference_already_used_is_skipped_never_reused(authority, officer):
    log(officer, reference="1000001")
    assert [log(officer).reference for _ in range(2)] == ["1000000", "1000002"]


def test_the_reference_scheme_is_configurable_with_a_yearly_sequence(authority, officer):
    authority.reference_format = "FOI-{year}-{number:04d}"
    authority.reference_start = 1
    authority.save()
    assert log(officer).reference == "FOI-2020-0001"
    assert log(officer).reference == "FOI-2020-0002"
    assert log(officer, received_at=datetime(2021, 1, 5, tzinfo=UTC)).reference == "FOI-2021-0001"


@pytest.mark.parametrize(
    ("scheme", "message"),
    [
        ("FOI-{year}", "must include {number}"),
        ("{number}-{name}", "{name} is not allowed"),
        ("{number:x}", "padded form"),
        ("{number", "unmatched"),
        ("FOI/{number}", "letters, digits"),
    ],
)
def test_a_reference_scheme_that_cannot_work_is_refused(scheme, message):
    with pytest.raises(ValidationError, match=message):
        references.validate_format(scheme)


def test_the_authority_form_checks_the_scheme(authority):
    authority.reference_format = "{year}"
    with pytest.raises(ValidationError):
        authority.full_clean()


def test_only_officers_log_requests(authority, make_user):
    with pytest.raises(PermissionDenied):
        log(make_user("c", Role.CONTRIBUTOR))


def test_a_refused_transition_says_why(barnet_case, officer):
    with pytest.raises(
        workflow.TransitionRefused, match="You cannot send for approval while the request is new"
    ):
        services.take_action(barnet_case, officer, "submit_for_approval")
    assert Request.objects.get().state == workflow.State.NEW


def test_every_transition_writes_the_timeline(barnet_case, officer):
    services.take_action(barnet_case, officer, "start")
    services.take_action(barnet_case, officer, "draft")
    barnet_case.refresh_from_db()
    assert barnet_case.state == workflow.State.DRAFTING
    assert [e.description for e in barnet_case.timeline.filter(kind="state_changed")] == [
        "Start work: New → In progress",
        "Move to drafting: In progress → Drafting",
    ]


def test_only_an_approver_approves_and_then_it_is_sent(barnet_case, officer, make_user):
    answer_every_question(barnet_case, officer)
    for action in ["start", "draft", "submit_for_approval"]:
        services.take_action(barnet_case, officer, action)
    with pytest.raises(PermissionDenied):
        services.take_action(barnet_case, officer, "approve")
    services.take_action(barnet_case, make_user("approver", Role.APPROVER), "approve")
    assert Request.objects.get().state == workflow.State.AWAITING_DISPATCH
    services.take_action(barnet_case, officer, "mark_sent")
    assert Request.objects.get().state == workflow.State.RESPONDED


def test_a_response_is_not_sent_without_approval_where_it_is_required(barnet_case, officer):
    answer_every_question(barnet_case, officer)
    for action in ["start", "draft"]:
        services.take_action(barnet_case, officer, action)
    with pytest.raises(workflow.TransitionRefused, match="send it for approval first"):
        services.take_action(barnet_case, officer, "mark_sent")
    authority = Authority.objects.get()
    authority.approval_required = False
    authority.save()
    services.take_action(barnet_case, officer, "mark_sent")
    assert Request.objects.get().state == workflow.State.RESPONDED


def test_seeking_clarification_stops_the_clock_and_its_answer_restarts_it(barnet_case, officer):
    """FOIA s.1(3): the day clarification arrives is the new date of receipt."""
    services.take_action(barnet_case, officer, "seek_clarification", on=date(2020, 1, 20))
    barnet_case.refresh_from_db()
    assert barnet_case.state == workflow.State.AWAITING_CLARIFICATION
    assert barnet_case.due_on is None
    services.take_action(barnet_case, officer, "clarification_received", on=date(2020, 1, 27))
    barnet_case.refresh_from_db()
    assert barnet_case.state == workflow.State.IN_PROGRESS
    assert barnet_case.due_on == date(2020, 2, 24)
    assert "Clarification received on Mon 27 Jan 2020; now due Mon 24 Feb 2020" in [
        e.description for e in barnet_case.timeline.all()
    ]


def test_a_fee_pause_moves_the_due_date(barnet_case, officer):
    """FOIA s.10(2): fee notice to payment, both included, does not count."""
    services.take_action(barnet_case, officer, "fee_notice", on=date(2020, 1, 22))
    services.take_action(barnet_case, officer, "fee_paid", on=date(2020, 1, 28))
    barnet_case.refresh_from_db()
    assert barnet_case.due_on == date(2020, 2, 21)


def test_an_extension_needs_its_reason_and_moves_the_due_date(barnet_case, officer):
    """FOIA s.10(3) and s.17(2): the requester is told, with reasons, by day 20."""
    services.take_action(barnet_case, officer, "start")
    with pytest.raises(services.CaseworkError, match="reason"):
        services.take_action(barnet_case, officer, "extend", on=date(2020, 2, 10))
    services.take_action(
        barnet_case,
        officer,
        "extend",
        on=date(2020, 2, 10),
        note="Public interest test under s.43(2)",
    )
    barnet_case.refresh_from_db()
    assert barnet_case.due_on == date(2020, 3, 13)
    assert ClockEvent.objects.get().note == "Public interest test under s.43(2)"


@pytest.mark.parametrize(
    ("regime", "sources"),
    [("foi", "FOIA s.10(3), s.17(2)"), ("eir", "EIR reg 7(1), 7(3)")],
)
def test_an_extension_told_after_the_original_due_date_is_refused(officer, regime, sources):
    """FOIA s.10(3) with s.17(2), EIR reg 7(3): the requester must be told of an extension
    within the first 20 working days, so by Fri 14 Feb 2020 for a request received Fri 17
    Jan 2020 (docs/adr/0007-readings-of-the-time-limits.md). Nothing is saved."""
    case = log(officer, regime=regime)
    services.take_action(case, officer, "start")
    with pytest.raises(services.CaseworkError) as refused:
        services.take_action(case, officer, "extend", on=date(2020, 3, 17), note="PIT")
    assert str(refused.value) == (
        "An extension must be given within the first 20 working days, by Fri 14 Feb 2020; "
        f"it is too late to extend now ({sources})."
    )
    case.refresh_from_db()
    assert case.due_on == date(2020, 2, 14)
    assert not ClockEvent.objects.exists()


def test_a_foisa_request_cannot_be_extended(officer):
    """FOISA s.10(1): 20 working days and no extension."""
    case = log(officer, regime="foisa")
    services.take_action(case, officer, "start")
    with pytest.raises(services.CaseworkError) as refused:
        services.take_action(case, officer, "extend", on=date(2020, 2, 10), note="PIT")
    assert str(refused.value) == "FOISA allows no extension of its 20 working days."


def test_an_extension_cannot_have_been_told_after_today(barnet_case, officer, time_machine):
    today_is(time_machine, date(2020, 2, 10))
    services.take_action(barnet_case, officer, "start")
    with pytest.raises(services.CaseworkError) as refused:
        services.take_action(barnet_case, officer, "extend", on=date(2020, 2, 11), note="PIT")
    assert str(refused.value) == (
        "The requester cannot have been told of the extension on Tue 11 Feb 2020, after "
        "today: give the day they were told, today or earlier."
    )
    with pytest.raises(services.CaseworkError, match="Tue 11 Feb 2020 is after today"):
        services.take_action(barnet_case, officer, "fee_notice", on=date(2020, 2, 11))
    services.take_action(barnet_case, officer, "extend", on=date(2020, 2, 10), note="PIT")
    barnet_case.refresh_from_db()
    assert barnet_case.due_on == date(2020, 3, 13)


@pytest.mark.parametrize(
    ("action", "refusal"),
    [
        (
            "seek_clarification",
            "Write the question to ask the requester, or untick “Email this to the requester”.",
        ),
        (
            "fee_notice",
            "Write the fees notice: the fee and how to pay it, or untick “Email this to the "
            "requester”.",
        ),
    ],
)
def test_emailing_a_clarification_or_fees_notice_needs_its_words(
    barnet_case, officer, action, refusal
):
    """FOIA s.1(3): clarification is of what the authority asks; s.9(1): a fees notice
    states the fee. Emailed, the note is the whole message, so it cannot be empty."""
    with pytest.raises(services.NoteMissing) as refused:
        services.take_action(barnet_case, officer, action, on=date(2020, 1, 20), notify=True)
    assert str(refused.value) == refusal
    barnet_case.refresh_from_db()
    assert barnet_case.state == workflow.State.NEW
    assert not ClockEvent.objects.exists()
    services.take_action(barnet_case, officer, action, on=date(2020, 1, 20))
    assert ClockEvent.objects.count() == 1


def test_a_request_logged_after_its_due_date_is_already_overdue(authority, time_machine):
    """FOIA s.10(1): received Fri 17 Jan 2020, due Fri 14 Feb 2020; logged the next Monday,
    it is already overdue, and on the due date itself not yet."""
    today_is(time_machine, date(2020, 2, 17))
    assert services.already_overdue("foi", RECEIVED) == date(2020, 2, 14)
    today_is(time_machine, date(2020, 2, 14))
    assert services.already_overdue("foi", RECEIVED) is None


def test_a_clock_date_that_cannot_be_is_refused_and_nothing_is_saved(barnet_case, officer):
    with pytest.raises(services.CaseworkError, match="before the request was received"):
        services.take_action(barnet_case, officer, "seek_clarification", on=date(2020, 1, 10))
    barnet_case.refresh_from_db()
    assert barnet_case.state == workflow.State.NEW
    assert not ClockEvent.objects.exists()


def test_assigning_an_officer(barnet_case, officer, make_user):
    other = make_user("other", Role.OFFICER)
    services.assign(barnet_case, officer, other)
    assert Request.objects.get().assigned_officer == other
    with pytest.raises(services.CaseworkError, match="not an FOI officer"):
        services.assign(barnet_case, officer, make_user("c", Role.CONTRIBUTOR))


def test_contributions_are_due_within_10_working_days_or_5_before_the_deadline(
    barnet_case, officer, time_machine
):
    time_machine.move_to(datetime(2020, 1, 20, 9, tzinfo=UTC), tick=False)
    # 10 working days from Mon 20 Jan is Mon 3 Feb; 5 before Fri 14 Feb is Fri 7 Feb.
    assert services.internal_due_date(barnet_case) == date(2020, 2, 3)
    time_machine.move_to(datetime(2020, 1, 29, 9, tzinfo=UTC), tick=False)
    assert services.internal_due_date(barnet_case) == date(2020, 2, 7)


def test_routing_questions_to_both_service_areas(barnet_case, officer, make_user):
    adults = ServiceArea.objects.create(name="Adults Services")
    family = ServiceArea.objects.create(name="Family Services")
    questions = list(barnet_case.questions.all())
    services.request_contribution(barnet_case, officer, adults, questions, due_on=date(2020, 2, 7))
    services.request_contribution(barnet_case, officer, family, questions, due_on=date(2020, 2, 7))
    barnet_case.refresh_from_db()
    assert barnet_case.state == workflow.State.AWAITING_CONTRIBUTIONS
    assert barnet_case.contributions.count() == 2

    contributor = make_user(
        "contributor.adults", Role.CONTRIBUTOR, service_areas=["Adults Services"]
    )
    adults_contribution = barnet_case.contributions.get(service_area=adults)
    family_contribution = barnet_case.contributions.get(service_area=family)
    with pytest.raises(PermissionDenied):
        services.answer_contribution(family_contribution, contributor, "Not ours")
    services.answer_contribution(
        adults_contribution, contributor, "Mosaic, Servelec HSE, 415 users"
    )
    adults_contribution.refresh_from_db()
    assert adults_contribution.status == "answered"
    assert adults_contribution.answered_by == contributor
    with pytest.raises(PermissionDenied):
        services.answer_contribution(adults_contribution, contributor, "again")


def test_a_question_sent_to_a_service_area_cannot_be_removed(barnet_case, officer):
    area = ServiceArea.objects.create(name="Adults Services")
    services.request_contribution(
        barnet_case, officer, area, barnet_case.questions.filter(number=4)
    )
    with pytest.raises(services.CaseworkError, match="Q4 has been sent"):
        services.set_questions(barnet_case, officer, ["one", "two", "three"])


def test_editing_the_questions(barnet_case, officer):
    services.set_questions(barnet_case, officer, ["First", "Second"])
    assert list(barnet_case.questions.values_list("number", "text")) == [
        (1, "First"),
        (2, "Second"),
    ]


def test_the_timeline_cannot_be_changed_or_deleted(barnet_case):
    event = TimelineEvent.objects.get()
    event.description = "rewritten"
    with pytest.raises(TypeError, match="append-only"):
        event.save()
    with pytest.raises(TypeError, match="append-only"):
        event.delete()
    with pytest.raises(TypeError, match="append-only"):
        TimelineEvent.objects.update(description="rewritten")
    with pytest.raises(TypeError, match="append-only"):
        TimelineEvent.objects.all().delete()
    assert TimelineEvent.objects.get().description.startswith("Request logged")


def test_the_authority_row_must_exist_for_defaults(officer):
    assert not Authority.objects.exists()
    assert log(officer).reference == "1000000"


def test_changing_from_foi_to_eir_keeps_the_date_of_receipt(barnet_case, officer):
    """EIR reg 5(2): the request is the same request, received the same day
    (docs/law/time-limits.md, a change of regime)."""
    services.edit_details(
        barnet_case,
        officer,
        subject=barnet_case.subject,
        requested_format="",
        regime="eir",
        on=date(2020, 1, 24),
    )
    barnet_case.refresh_from_db()
    assert barnet_case.regime == "eir"
    assert barnet_case.due_on == date(2020, 2, 14)
    assert ClockEvent.objects.get().kind == "regime_changed"
    descriptions = [event.description for event in barnet_case.timeline.all()]
    assert "Details edited: format wanted changed" in descriptions
    assert any(
        "Handled under the Environmental Information Regulations 2004" in d for d in descriptions
    )


def test_changing_to_subject_access_counts_a_calendar_month(barnet_case, officer):
    services.edit_details(
        barnet_case,
        officer,
        subject="Mine",
        requested_format="",
        regime="sar",
        on=date(2020, 1, 20),
    )
    barnet_case.refresh_from_db()
    assert barnet_case.due_on == date(2020, 2, 17)  # 17 Feb 2020, a Monday


def _stamps(case):
    """Every casework stamp of when something happened to ``case``."""
    contributions = list(case.contributions.all())
    return [
        case.created_at,
        case.requester.created_at,
        *case.timeline.values_list("at", flat=True),
        *case.clock_events.values_list("recorded_at", flat=True),
        *[contribution.requested_at for contribution in contributions],
        *[contribution.answered_at for contribution in contributions],
    ]


def _a_little_history(officer, contributor):
    """Log a request, stop its clock, route it and have it answered: every kind of stamp."""
    case = log(officer)
    services.take_action(case, officer, "start")
    services.take_action(case, officer, "seek_clarification", note="Which bridge?")
    services.take_action(case, officer, "clarification_received")
    asked = services.request_contribution(
        case, officer, ServiceArea.objects.get(name="Highways"), case.questions.all()
    )
    services.answer_contribution(asked, contributor, "£1.2m")
    return Request.objects.get(pk=case.pk)


@pytest.fixture
def contributor(make_user):
    return make_user("contributor", Role.CONTRIBUTOR, service_areas=["Highways"])


def test_what_staff_do_is_stamped_when_they_do_it(authority, officer, contributor, time_machine):
    now = datetime(2021, 3, 2, 11, 30, tzinfo=UTC)
    time_machine.move_to(now, tick=False)
    case = _a_little_history(officer, contributor)
    assert set(_stamps(case)) == {now}
    assert ClockEvent.objects.get(kind="clarification_sought").on == date(2021, 3, 2)


def test_history_is_recorded_at_the_moment_it_happened(authority, officer, contributor):
    """services.happened_at: every stamp, and "today" for the dates that default to it."""
    then = datetime(2020, 1, 20, 9, 30, tzinfo=ZoneInfo("Europe/London"))
    with services.happened_at(then):
        case = _a_little_history(officer, contributor)
    assert set(_stamps(case)) == {then}
    assert ClockEvent.objects.get(kind="clarification_sought").on == date(2020, 1, 20)
    # 10 working days from Mon 20 Jan 2020 (the setting), not from the day the test runs.
    assert case.contributions.get().due_on == date(2020, 2, 3)
    later = log(officer)
    assert later.timeline.get().at > then + timedelta(days=365)


def test_moments_nest_and_are_given_back_even_when_the_step_fails(authority, officer):
    outer = datetime(2020, 1, 17, 10, 40, tzinfo=UTC)
    inner = datetime(2020, 1, 20, 9, 30, tzinfo=UTC)
    with services.happened_at(outer):
        case = log(officer)
        with pytest.raises(services.CaseworkError), services.happened_at(inner):
            services.set_questions(case, officer, [])
        services.assign(case, officer, None)
        services.assign(case, officer, officer)
    assert list(case.timeline.values_list("at", flat=True)) == [outer, outer]


@pytest.mark.parametrize(
    ("moment", "message"),
    [
        (datetime(2020, 1, 17, 10, 40), "time zone"),
        (datetime(2999, 1, 1, tzinfo=UTC), "future"),
    ],
)
def test_history_needs_a_moment_in_the_past_with_its_zone(moment, message):
    with pytest.raises(ValueError, match=message), services.happened_at(moment):
        pass


def test_only_trusted_callers_choose_when_something_happened():
    """Views and the API never set the moment: what staff do happens when they do it."""
    source = Path(services.__file__).parents[1]
    pages = [*source.glob("*/views.py"), *source.glob("api/*.py"), *source.glob("web/*.py")]
    assert pages
    for page in pages:
        assert "happened_at" not in page.read_text(), page
