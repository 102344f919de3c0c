"""Reminder emails to the staff who owe an answer.

Contributors hear about their service area's contributions that are due within two working
days or overdue; FOI officers hear about open requests past their due date. A run is queued
for 08:00 London time each day and queues the next one when it ends. ``reminded_on`` makes
each contribution and request part of at most one reminder a day, however many runs there are.

Reminders carry the request's reference and subject only: never the requester's details.
"""

import logging
from collections import defaultdict
from contextlib import contextmanager
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.db import connections
from django.tasks import TaskResultStatus, task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from foidesk.accounts.models import User
from foidesk.accounts.roles import Role
from foidesk.casework.models import Contribution, Request
from foidesk.casework.services import calendar
from foidesk.casework.workflow import OPEN_STATES
from foidesk.law.dates import show

logger = logging.getLogger(__name__)

RUN_AT = time(8)
DUE_SOON_WORKING_DAYS = 2
# Names the PostgreSQL advisory lock held while deciding whether to queue a run.
SCHEDULING_LOCK = 7_460_001


@task
def send_reminders():
    """Send today's reminders, then make sure tomorrow's run is queued."""
    today = timezone.localdate()
    try:
        return remind(today)
    finally:
        # Even when the mail server fails, tomorrow's run must still happen.
        _schedule(_run_time(today + timedelta(days=1)))


def ensure_scheduled():
    """Queue a run for the next 08:00 unless one is already waiting; safe to call often."""
    now = timezone.localtime()
    day = now.date() if now.time() < RUN_AT else now.date() + timedelta(days=1)
    return _schedule(_run_time(day))


def remind(today):
    """Send the reminders for ``today``; how many emails went to contributors and officers."""
    days = calendar()
    if not days.is_working_day(today):
        # Staff are not emailed at weekends or on bank holidays; the next working day's
        # run reminds them of everything still outstanding.
        return {"contributors": 0, "officers": 0}
    return {
        "contributors": _remind_contributors(today, days),
        "officers": _remind_officers(today, days),
    }


def _remind_contributors(today, days):
    horizon = days.working_days_after(today, DUE_SOON_WORKING_DAYS)
    candidates = (
        Contribution.objects.filter(
            status=Contribution.Status.REQUESTED,
            due_on__lte=horizon,
            # A withdrawn or answered request needs no more answers.
            request__state__in=OPEN_STATES,
        )
        .exclude(reminded_on=today)
        .select_related("request", "service_area")
        .prefetch_related("questions")
    )
    contributions = _claim(candidates, today)
    members = _contributors_by_area({c.service_area_id for c in contributions})
    owed = defaultdict(list)
    for contribution in contributions:
        people = members[contribution.service_area_id]
        if not people:
            logger.warning("Nobody to remind of contribution %s", contribution.pk)
        for person in people:
            owed[person].append(contribution)
    return _send(_contributions_email(person, owed[person], today) for person in owed)


def _remind_officers(today, days):
    candidates = (
        Request.objects.overdue(today).exclude(reminded_on=today).select_related("assigned_officer")
    )
    requests = _claim(candidates, today)
    officers = list(_reachable(User.objects.filter(groups__name=Role.OFFICER)))
    owed = defaultdict(list)
    for request in requests:
        people = _officers_for(request, officers)
        if not people:
            logger.warning("Nobody to remind of overdue request %s", request.reference)
        for person in people:
            owed[person].append(request)
    return _send(_requests_email(person, owed[person], today, days) for person in owed)


def _claim(candidates, today):
    """Mark each as reminded today and keep those this run marked.

    Marking before sending means two runs at once never remind twice; a run that fails
    part-way loses only today's reminder, as the next working day's run sends another.
    """
    model = candidates.model
    return [
        item
        for item in candidates
        if model.objects.filter(pk=item.pk).exclude(reminded_on=today).update(reminded_on=today)
    ]


def _reachable(users):
    return users.filter(is_active=True).exclude(email="")


def _contributors_by_area(area_ids):
    people = _reachable(
        User.objects.filter(groups__name=Role.CONTRIBUTOR, service_areas__in=area_ids)
    ).distinct()
    members = defaultdict(list)
    for person in people.prefetch_related("service_areas"):
        for area in person.service_areas.all():
            members[area.pk].append(person)
    return members


def _officers_for(request, officers):
    """The assigned officer; every officer when nobody is assigned or they cannot be emailed."""
    assigned = request.assigned_officer
    if assigned is not None and assigned.is_active and assigned.email:
        return [assigned]
    return officers


def _contributions_email(person, contributions, today):
    overdue = sum(contribution.due_on < today for contribution in contributions)
    subject = f"foidesk: {_count(len(contributions), 'contribution')} due soon"
    if overdue:
        subject += f" ({overdue} overdue)"
    items = [
        {
            "reference": contribution.request.reference,
            "subject": contribution.request.subject,
            "questions": ", ".join(f"Q{q.number}" for q in contribution.questions.all()),
            "service_area": contribution.service_area.name,
            "due": show(contribution.due_on),
            "overdue": contribution.due_on < today,
            "link": settings.BASE_URL + reverse("casework:contribution", args=[contribution.id]),
        }
        for contribution in contributions
    ]
    body = render_to_string(
        "casework/email/contributions_due.txt", {"name": _name(person), "contributions": items}
    )
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [person.email])


def _requests_email(person, requests, today, days):
    subject = f"foidesk: {_count(len(requests), 'request')} overdue"
    items = [
        {
            "reference": request.reference,
            "subject": request.subject,
            "due": show(request.due_on),
            "working_days_overdue": days.working_days_between(request.due_on, today),
            "officer": request.assigned_officer and _name(request.assigned_officer),
            "link": settings.BASE_URL + reverse("casework:request", args=[request.reference]),
        }
        for request in requests
    ]
    body = render_to_string(
        "casework/email/requests_overdue.txt", {"name": _name(person), "requests": items}
    )
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [person.email])


def _send(messages):
    messages = list(messages)
    if messages:
        mailers.default.send_messages(messages)
    return len(messages)


def _schedule(run_after):
    """Queue a run at ``run_after`` unless one is already waiting to run by then."""
    with _one_scheduler_at_a_time():
        waiting = DBTaskResult.objects.filter(
            task_path=send_reminders.module_path,
            status=TaskResultStatus.READY,
            run_after__lte=run_after,
        )
        if waiting.exists():
            return None
        return send_reminders.using(run_after=run_after).enqueue()


@contextmanager
def _one_scheduler_at_a_time():
    """Workers starting together must not each queue the same run.

    On SQLite the exclusive transaction already keeps other writers out; PostgreSQL lets
    two transactions both see no run waiting, so they queue one after the other instead.
    """
    database = DBTaskResult.objects.db
    with exclusive_transaction(database):
        connection = connections[database]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SCHEDULING_LOCK])
        yield


def _run_time(day):
    return timezone.make_aware(datetime.combine(day, RUN_AT), timezone.get_default_timezone())


def _count(number, noun):
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _name(user):
    return user.get_full_name() or user.get_username()
