"""Reminder emails to contributors and officers, sent through a real SMTP server on loopback."""

from datetime import UTC, date, datetime

import pytest
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from foidesk.accounts.roles import Role
from foidesk.casework import reminders, services
from foidesk.casework.models import Contribution, Request, ServiceArea
from foidesk.casework.reminders import ensure_scheduled, send_reminders
from foidesk.demo import REFERENCE_CASE
from tests.helpers import today_is
from tests.mail import smtp_sink
from tests.processes import free_port

pytestmark = pytest.mark.django_db

REQUESTER = {
    "name": "Jane Requester-Smith",
    "email": "jane.requester@example.net",
    "postal_address": "12 Acacia Avenue, Hendon, London NW4 1AA",
}
# Due Fri 14 Feb 2020; its contributions are due Fri 7 Feb 2020 unless a test says otherwise.
RECEIVED = datetime(2020, 1, 17, 10, 30, tzinfo=UTC)
CONTRIBUTION_DUE = date(2020, 2, 7)


@pytest.fixture
def inbox(settings):
    with smtp_sink(settings) as inbox:
        yield inbox


@pytest.fixture
def person(make_user):
    def make(username, *roles, areas=(), active=True, address=True):
        user = make_user(username, *roles, service_areas=areas)
        user.email = f"{username}@barnet.example" if address else ""
        user.first_name = username.title()
        user.is_active = active
        user.save()
        return user

    return make


@pytest.fixture
def officer(person):
    return person("olu", Role.OFFICER)


@pytest.fixture
def case(authority, officer):
    return log(officer, reference="5973764", subject=REFERENCE_CASE["subject"])


def log(officer, **changes):
    fields = {
        "regime": "foi",
        "received_at": RECEIVED,
        "subject": "Bridge repairs",
        "body": REFERENCE_CASE["body"],
        "requester": REQUESTER,
    }
    return services.log_request(officer, **{**fields, **changes})


def ask(case, officer, area, numbers, due_on=CONTRIBUTION_DUE):
    area = ServiceArea.objects.get_or_create(name=area)[0]
    questions = case.questions.filter(number__in=numbers)
    return services.request_contribution(case, officer, area, questions, due_on=due_on)


def body(message):
    return message.get_content().replace("\r\n", "\n")


def test_a_contribution_due_within_two_working_days_reminds_its_areas_contributors(
    case, officer, person, inbox, time_machine, settings
):
    adults = [
        person("ade", Role.CONTRIBUTOR, areas=["Adults"]),
        person("amy", Role.CONTRIBUTOR, areas=["Adults"]),
    ]
    person("fran", Role.CONTRIBUTOR, areas=["Family"])
    person("gone", Role.CONTRIBUTOR, areas=["Adults"], active=False)
    person("silent", Role.CONTRIBUTOR, areas=["Adults"], address=False)
    person("approver", Role.APPROVER, areas=["Adults"])
    due_soon = ask(case, officer, "Adults", [1, 2])
    later = ask(case, officer, "Family", [3, 4], due_on=date(2020, 2, 12))
    today_is(time_machine, date(2020, 2, 5))  # Wed: two working days on is Fri 7 Feb

    assert send_reminders.call() == {"contributors": 2, "officers": 0}

    assert inbox.recipients() == sorted(user.email for user in adults)
    message = inbox.to("ade@barnet.example")[0]
    assert message["Subject"] == "foidesk: 1 contribution due soon"
    assert message["From"] == settings.DEFAULT_FROM_EMAIL
    text = body(message)
    assert "Hello Ade," in text
    assert "Request 5973764: IT systems in adults' and children's social care" in text
    assert "Questions: Q1, Q2\n" in text
    assert "Due: Fri 7 Feb 2020\n" in text
    assert "OVERDUE" not in text
    assert f"{settings.BASE_URL}/staff/contributions/{due_soon.id}/" in text
    assert Contribution.objects.get(pk=due_soon.pk).reminded_on == date(2020, 2, 5)
    assert Contribution.objects.get(pk=later.pk).reminded_on is None


@pytest.mark.parametrize(
    ("today", "due_on", "reminded"),
    [
        (date(2020, 2, 4), date(2020, 2, 7), False),  # Tue: Fri is three working days on
        (date(2020, 2, 5), date(2020, 2, 7), True),  # Wed: Fri is two working days on
        (date(2020, 2, 6), date(2020, 2, 10), True),  # Thu: Mon is two, over the weekend
        (date(2020, 2, 6), date(2020, 2, 11), False),  # Thu: Tue is three
    ],
)
def test_due_soon_counts_working_days(
    case, officer, person, inbox, time_machine, today, due_on, reminded
):
    person("ade", Role.CONTRIBUTOR, areas=["Adults"])
    ask(case, officer, "Adults", [1], due_on=due_on)
    today_is(time_machine, today)
    send_reminders.call()
    assert len(inbox.messages) == int(reminded)


def test_overdue_contributions_are_included_and_marked(case, officer, person, inbox, time_machine):
    person("ade", Role.CONTRIBUTOR, areas=["Adults"])
    ask(case, officer, "Adults", [1], due_on=date(2020, 2, 3))
    ask(case, officer, "Adults", [2, 3], due_on=date(2020, 2, 7))
    today_is(time_machine, date(2020, 2, 5))

    send_reminders.call()

    [message] = inbox.messages
    assert message["Subject"] == "foidesk: 2 contributions due soon (1 overdue)"
    assert "Due: Mon 3 Feb 2020 (OVERDUE)\n" in body(message)
    assert "Due: Fri 7 Feb 2020\n" in body(message)


def test_answered_contributions_and_those_of_withdrawn_requests_are_not_reminded(
    case, officer, person, inbox, time_machine
):
    ade = person("ade", Role.CONTRIBUTOR, areas=["Adults"])
    services.answer_contribution(ask(case, officer, "Adults", [1]), ade, "Two systems.")
    withdrawn = log(officer, subject="Withdrawn")
    ask(withdrawn, officer, "Adults", [1])
    services.take_action(withdrawn, officer, "withdraw")
    today_is(time_machine, date(2020, 2, 5))

    assert send_reminders.call() == {"contributors": 0, "officers": 0}
    assert inbox.messages == []


def test_an_overdue_request_reminds_its_assigned_officer(
    case, officer, person, inbox, time_machine, settings
):
    person("other", Role.OFFICER)
    services.assign(case, officer, officer)
    log(officer, received_at=datetime(2020, 2, 3, 10, tzinfo=UTC))  # due 2 Mar
    today_is(time_machine, date(2020, 2, 17))  # Mon after Fri 14 Feb

    assert send_reminders.call() == {"contributors": 0, "officers": 1}

    [message] = inbox.messages
    assert message["To"] == officer.email
    assert message["Subject"] == "foidesk: 1 request overdue"
    text = body(message)
    assert "Request 5973764: IT systems in adults' and children's social care" in text
    assert "Due: Fri 14 Feb 2020\n" in text
    assert "Overdue by: 1 working day\n" in text
    assert f"{settings.BASE_URL}/staff/requests/5973764/" in text
    assert Request.objects.get(pk=case.pk).reminded_on == date(2020, 2, 17)


def test_an_unassigned_overdue_request_reminds_every_officer(
    case, officer, person, inbox, time_machine
):
    second = person("sam", Role.OFFICER)
    person("gone", Role.OFFICER, active=False)
    person("silent", Role.OFFICER, address=False)
    person("ade", Role.CONTRIBUTOR, areas=["Adults"])
    today_is(time_machine, date(2020, 2, 24))  # a week after Fri 14 Feb

    send_reminders.call()

    assert inbox.recipients() == sorted([officer.email, second.email])
    text = body(inbox.messages[0])
    assert "Overdue by: 6 working days\n" in text
    assert "Assigned to: nobody yet" in text


def test_closed_and_withdrawn_requests_are_never_overdue(case, officer, inbox, time_machine):
    services.take_action(case, officer, "withdraw")
    today_is(time_machine, date(2020, 2, 17))
    assert send_reminders.call() == {"contributors": 0, "officers": 0}
    assert inbox.messages == []


def test_a_second_run_the_same_day_sends_nothing_new_but_the_next_day_reminds_again(
    case, officer, person, inbox, time_machine
):
    person("ade", Role.CONTRIBUTOR, areas=["Adults"])
    ask(case, officer, "Adults", [1], due_on=date(2020, 2, 14))
    today_is(time_machine, date(2020, 2, 17))
    send_reminders.call()
    assert len(inbox.messages) == 2

    today_is(time_machine, date(2020, 2, 17), hour=15)
    assert send_reminders.call() == {"contributors": 0, "officers": 0}
    assert len(inbox.messages) == 2

    today_is(time_machine, date(2020, 2, 18))
    assert send_reminders.call() == {"contributors": 1, "officers": 1}
    assert len(inbox.messages) == 4


def test_staff_are_not_emailed_at_weekends(case, officer, person, inbox, time_machine):
    person("ade", Role.CONTRIBUTOR, areas=["Adults"])
    ask(case, officer, "Adults", [1], due_on=date(2020, 2, 14))
    today_is(time_machine, date(2020, 2, 15))  # Saturday
    assert send_reminders.call() == {"contributors": 0, "officers": 0}
    assert Request.objects.get(pk=case.pk).reminded_on is None


def test_reminders_never_carry_the_requesters_personal_data(
    case, officer, person, inbox, time_machine
):
    person("ade", Role.CONTRIBUTOR, areas=["Adults"])
    ask(case, officer, "Adults", [1, 2, 3, 4], due_on=date(2020, 2, 14))
    today_is(time_machine, date(2020, 2, 17))

    send_reminders.call()

    assert len(inbox.messages) == 2
    for message in inbox.messages:
        raw = message.as_string()
        for detail in [*REQUESTER.values(), "Jane", "Acacia", "NW4"]:
            assert detail not in raw


def waiting_runs():
    return DBTaskResult.objects.filter(
        task_path=send_reminders.module_path, status=TaskResultStatus.READY
    )


@pytest.mark.parametrize(
    ("today", "next_run"),
    [
        (date(2020, 2, 5), datetime(2020, 2, 6, 8, tzinfo=UTC)),  # GMT
        (date(2020, 7, 1), datetime(2020, 7, 2, 7, tzinfo=UTC)),  # BST: 08:00 is 07:00 UTC
        (date(2020, 3, 28), datetime(2020, 3, 29, 7, tzinfo=UTC)),  # the clocks go forward
    ],
)
def test_each_run_queues_the_next_for_0800_london_time_the_next_day(
    authority, inbox, time_machine, today, next_run
):
    today_is(time_machine, today)
    send_reminders.call()
    [queued] = waiting_runs()
    assert queued.run_after == next_run

    send_reminders.call()
    ensure_scheduled()
    ensure_scheduled()
    assert waiting_runs().count() == 1


@pytest.mark.parametrize(
    ("hour", "next_run"),
    [
        (7, datetime(2020, 2, 5, 8, tzinfo=UTC)),  # before 08:00: today's run
        (8, datetime(2020, 2, 6, 8, tzinfo=UTC)),
        (23, datetime(2020, 2, 6, 8, tzinfo=UTC)),
    ],
)
def test_ensure_scheduled_queues_one_run_for_the_next_0800(authority, time_machine, hour, next_run):
    today_is(time_machine, date(2020, 2, 5), hour=hour)
    assert ensure_scheduled().status == TaskResultStatus.READY
    assert ensure_scheduled() is None
    assert [run.run_after for run in waiting_runs()] == [next_run]


def test_a_run_queued_for_now_does_not_stand_in_for_tomorrows(authority, time_machine):
    today_is(time_machine, date(2020, 2, 5))
    send_reminders.enqueue()
    ensure_scheduled()
    assert waiting_runs().count() == 2


def test_tomorrows_run_is_queued_even_when_the_mail_server_is_down(
    case, officer, person, time_machine, settings
):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 5},
        }
    }
    today_is(time_machine, date(2020, 2, 17))
    with pytest.raises(ConnectionRefusedError):
        send_reminders.call()
    assert [run.run_after for run in waiting_runs()] == [datetime(2020, 2, 18, 8, tzinfo=UTC)]


def test_a_request_another_run_has_already_claimed_today_is_left_to_it(case, officer):
    """Two runs at once: each request is in the reminders of whichever run marks it first."""
    other = log(officer)
    candidates = Request.objects.order_by("pk")
    Request.objects.filter(pk=case.pk).update(reminded_on=date(2020, 2, 17))
    assert reminders._claim(candidates, date(2020, 2, 17)) == [other]
