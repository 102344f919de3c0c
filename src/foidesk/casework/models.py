"""The authority, its service areas, and the requests it handles with all that happens to them.

A request's requester is a separate record, so that retention, erasure and the disclosure
log never need to touch the request itself. The timeline is append-only.
"""

import contextvars

from django.conf import settings
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from foidesk import law
from foidesk.accounts import permissions
from foidesk.casework import references
from foidesk.casework.workflow import OPEN_STATES, State

# The moment a trusted caller is recording history as of (services.happened_at); unset
# (the case for every view and API call), things happen now. A context variable, so a
# moment set in one thread or task is never seen by another.
happening_at = contextvars.ContextVar("happening_at", default=None)


def moment():
    """When what is being recorded happened: the moment given to services.happened_at, or
    now. The default of every casework stamp of when something happened."""
    return happening_at.get() or timezone.now()


NATIONS = [(nation.value, nation.title) for nation in law.Nation]
RECEIPT_RULES = [
    (
        law.NonWorkingDayReceipt.NEXT_WORKING_DAY_IS_DAY_ONE.value,
        "The day of receipt is day 0 and the next working day is day 1 (the ICO's reading)",
    ),
    (
        law.NonWorkingDayReceipt.NEXT_WORKING_DAY_IS_RECEIPT.value,
        "The next working day is treated as the day of receipt (one day later)",
    ),
]


class Authority(models.Model):
    """The one public authority this installation serves (a single row, id 1)."""

    SINGLETON_ID = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_ID, editable=False)
    name = models.CharField(max_length=200, help_text="For example: London Borough of Barnet")
    team_name = models.CharField(
        max_length=200,
        default="Information Management Team",
        help_text="The team that answers requests, as it signs its letters.",
    )
    postal_address = models.TextField(help_text="Where requests and reviews can be posted.")
    email = models.EmailField(help_text="Where requests and reviews can be emailed.")
    website = models.URLField(blank=True)
    nation = models.CharField(
        max_length=20,
        choices=NATIONS,
        default=law.Nation.ENGLAND.value,
        help_text="Whose bank holidays a subject access request counts.",
    )
    non_working_day_receipt = models.CharField(
        "request received on a weekend or bank holiday",
        max_length=40,
        choices=RECEIPT_RULES,
        default=law.NonWorkingDayReceipt.NEXT_WORKING_DAY_IS_DAY_ONE.value,
    )
    reference_format = models.CharField(
        max_length=40,
        default="{number}",
        validators=[references.validate_format],
        help_text="How request references look: {number} is the next number in the "
        "sequence, {number:05d} pads it to 5 digits, {year} is the year received. "
        "With {year}, numbering starts again each year.",
    )
    reference_start = models.PositiveIntegerField(
        default=1_000_000, help_text="The first number of a new sequence."
    )
    approval_required = models.BooleanField(
        default=True, help_text="Responses are approved by an approver before they are sent."
    )
    contribution_working_days = models.PositiveSmallIntegerField(
        default=10,
        help_text="Service areas are asked to answer within this many working days...",
    )
    contribution_margin_working_days = models.PositiveSmallIntegerField(
        default=5,
        help_text="...or by this many working days before the statutory due date, "
        "whichever is sooner.",
    )

    class Meta:
        verbose_name_plural = "authority"
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="authority_is_a_single_row"),
        ]

    def __str__(self):
        return self.name


class ServiceArea(models.Model):
    """A part of the authority that holds information and answers questions routed to it."""

    name = models.CharField(max_length=200, unique=True)
    is_active = models.BooleanField(
        default=True, help_text="Inactive areas keep their history but take no new work."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class WorkingDayOverride(models.Model):
    """A bank holiday added or taken away, for when a proclamation comes after the software.

    Every statutory deadline counts with these applied (foidesk.law.Override).
    """

    day = models.DateField()
    is_holiday = models.BooleanField(
        "not a working day",
        default=True,
        help_text="Ticked: the day is added as a bank holiday. Unticked: it is taken away.",
    )
    nation = models.CharField(
        max_length=20,
        choices=NATIONS,
        blank=True,
        help_text="Leave blank for every UK nation.",
    )
    reason = models.CharField(max_length=200, help_text="For example: proclaimed bank holiday")

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(
                fields=["day", "nation"], name="one_override_per_day_and_nation"
            )
        ]

    def __str__(self):
        change = "added" if self.is_holiday else "removed"
        return f"{self.day:%d %b %Y}: {self.reason} ({change})"

    def as_law(self):
        if self.nation:
            nations = frozenset({law.Nation(self.nation)})
            return law.Override(self.day, self.is_holiday, self.reason, nations)
        return law.Override(self.day, self.is_holiday, self.reason)


class ReferenceCounter(models.Model):
    """The next number of a reference sequence; locked while a number is taken."""

    series = models.CharField(max_length=20, unique=True, help_text="The year, or blank.")
    next_number = models.PositiveIntegerField()

    def __str__(self):
        return f"{self.series or 'all years'}: next {self.next_number}"

    @classmethod
    def allocate(cls, scheme, start, year, taken):
        """The next unused reference of ``scheme``; call inside the transaction that uses
        it. ``taken(reference)`` says whether a reference is already in use."""
        series = str(year) if "{year}" in scheme else ""
        with transaction.atomic():
            counter, _ = cls.objects.select_for_update().get_or_create(
                series=series, defaults={"next_number": start}
            )
            while True:
                reference = scheme.format(number=counter.next_number, year=year)
                counter.next_number += 1
                if not taken(reference):
                    break
            counter.save(update_fields=["next_number"])
        return reference


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    WEB = "web", "Web form"
    POST = "post", "Post"
    PHONE = "phone", "Phone"
    WHATDOTHEYKNOW = "whatdotheyknow", "WhatDoTheyKnow"


class Requester(models.Model):
    """Who asked: personal data, kept apart from the request and never published."""

    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    postal_address = models.TextField(blank=True)
    created_at = models.DateTimeField(default=moment, editable=False)

    def __str__(self):
        return f"Requester {self.pk}"


class RequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The requests ``user`` may see: the list form of permissions.VIEW_REQUEST.
        Officers, administrators and approvers see every request; a contributor sees those
        with a contribution asked of one of their service areas."""
        if permissions.sees_every_request(user):
            return self
        if permissions.is_contributor(user):
            asked = Contribution.objects.filter(request=OuterRef("pk"), service_area__members=user)
            return self.filter(Exists(asked))
        return self.none()

    def open(self):
        """Requests the authority still owes something, so a deadline runs."""
        return self.filter(state__in=OPEN_STATES)

    def overdue(self, today):
        """Open requests past their due date that have had no response yet: one being
        corrected after its response went is not late."""
        return self.open().filter(overdue_on(today))


def overdue_on(today):
    """The condition for an open request to be overdue on ``today``."""
    return Q(due_on__lt=today, responded_on__isnull=True)


class Request(models.Model):
    """A request for information: one case, from receipt to closure."""

    reference = models.CharField(max_length=40, unique=True)
    regime = models.CharField(
        max_length=20, choices=law.choices(law.Regime), default=law.Regime.FOI.value
    )
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.EMAIL)
    received_at = models.DateTimeField()
    subject = models.CharField(max_length=200)
    body = models.TextField("request text")
    requested_format = models.CharField(max_length=200, blank=True)
    requester = models.ForeignKey(
        Requester, null=True, blank=True, on_delete=models.SET_NULL, related_name="requests"
    )
    state = models.CharField(max_length=30, choices=State.choices, default=State.NEW)
    assigned_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_requests",
        # request_officer below starts with this column; a second index on it alone
        # tempts SQLite's planner into reading every case an officer ever had.
        db_index=False,
    )
    # Worked out by foidesk.law from the clock events and kept here for lists and
    # filters; None while the clock is stopped. Never edited by hand.
    due_on = models.DateField(null=True, blank=True, editable=False)
    # The day the first response left (a correction later does not move it): the clock
    # ends there, so a request being corrected is never overdue. Set when it is sent.
    responded_on = models.DateField(null=True, blank=True, editable=False)
    # The last day the assigned officer was reminded that the request is overdue.
    reminded_on = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=moment, editable=False)

    objects = RequestQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "reference"]
        indexes = [
            # The open requests, a few thousand of a million, in due order: every caseload
            # view and the overdue API read this (PostgreSQL; SQLite ignores it, see caseload).
            models.Index(
                fields=["due_on", "reference"],
                condition=Q(state__in=sorted(OPEN_STATES)),
                name="request_open_due",
            ),
            models.Index(fields=["state", "due_on"], name="request_state_due"),
            models.Index(fields=["assigned_officer", "state", "due_on"], name="request_officer"),
            models.Index(fields=["due_on"], name="request_due"),
            models.Index(fields=["-received_at"], name="request_received"),
        ]

    def __str__(self):
        return self.reference

    @property
    def is_open(self):
        return self.state in OPEN_STATES

    def is_overdue(self, today):
        """``overdue_on`` for a request in hand: open, past its due date, and no response."""
        return (
            self.is_open
            and self.due_on is not None
            and self.due_on < today
            and self.responded_on is None
        )


class Question(models.Model):
    """A numbered part of a request (Q1-Q4 in the reference letter)."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="questions")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["request", "number"]
        constraints = [
            models.UniqueConstraint(fields=["request", "number"], name="one_question_number")
        ]

    def __str__(self):
        return f"Q{self.number}"


class Contribution(models.Model):
    """Questions sent to a service area to answer, by an internal due date."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Waiting for an answer"
        ANSWERED = "answered", "Answered"

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="contributions")
    service_area = models.ForeignKey(
        ServiceArea, on_delete=models.PROTECT, related_name="contributions"
    )
    questions = models.ManyToManyField(Question, related_name="contributions")
    instructions = models.TextField(blank=True)
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REQUESTED)
    answer = models.TextField(blank=True)
    requested_at = models.DateTimeField(default=moment, editable=False)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "service_area__name"]
        indexes = [
            models.Index(fields=["service_area", "status", "due_on"], name="contribution_area")
        ]

    def __str__(self):
        return f"{self.request.reference}: {self.service_area}"


class ClockEvent(models.Model):
    """Something that stops, restarts or extends a request's statutory clock."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="clock_events")
    kind = models.CharField(max_length=30, choices=law.choices(law.Event))
    on = models.DateField(help_text="For an extension, the day the requester was told.")
    regime = models.CharField(max_length=20, choices=law.choices(law.Regime), blank=True)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=moment, editable=False)

    class Meta:
        ordering = ["on", "recorded_at"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.on}"

    def as_law(self):
        return law.ClockEvent(law.Event(self.kind), self.on, self.regime or None)


class AppendOnly(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The timeline is append-only: its events cannot be changed.")

    def delete(self):
        raise TypeError("The timeline is append-only: its events cannot be deleted.")


class TimelineEvent(models.Model):
    """One thing that happened to a request: who, when, what. Never changed or deleted.

    Descriptions never carry the requester's personal data, so any member of staff who
    may see the request may see its timeline.
    """

    class Kind(models.TextChoices):
        LOGGED = "logged", "Logged"
        EDITED = "edited", "Details edited"
        QUESTIONS_EDITED = "questions_edited", "Questions edited"
        ASSIGNED = "assigned", "Assigned"
        STATE_CHANGED = "state_changed", "State changed"
        CLOCK = "clock", "Clock event"
        CONTRIBUTION_REQUESTED = "contribution_requested", "Contribution requested"
        CONTRIBUTION_ANSWERED = "contribution_answered", "Contribution answered"
        RESPONSE = "response", "Response edited"
        DECISION = "decision", "Decision recorded"
        EXEMPTION = "exemption", "Exemption recorded"
        ANSWER_TABLE = "answer_table", "Answer sheet changed"
        RESPONSE_SENT = "response_sent", "Response sent"
        EMAIL = "email", "Email"
        PUBLISHED = "published", "Published"
        TAKEN_DOWN = "taken_down", "Taken down"

    request = models.ForeignKey(Request, on_delete=models.PROTECT, related_name="timeline")
    at = models.DateTimeField(default=moment, editable=False, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=40, choices=Kind.choices)
    description = models.TextField()

    objects = AppendOnly.as_manager()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.at:%d %b %Y %H:%M} {self.description}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("The timeline is append-only: its events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The timeline is append-only: its events cannot be deleted.")
