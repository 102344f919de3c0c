"""Casework operations. Views and the API call these; nothing else changes a request.

Every change writes a timeline event with its actor. The deadline is worked out by
foidesk.law from the clock events and kept in ``Request.due_on`` for lists.
"""

import contextvars
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from foidesk import law
from foidesk.accounts import permissions
from foidesk.casework import models, workflow
from foidesk.casework.models import (
    Authority,
    ClockEvent,
    Contribution,
    Question,
    ReferenceCounter,
    Request,
    Requester,
    TimelineEvent,
    WorkingDayOverride,
)
from foidesk.casework.questions import split_questions
from foidesk.law.dates import show, uk_date

UNCONFIGURED_AUTHORITY_NAME = "Your authority"
# The actor when foidesk itself acts, e.g. logging a request that came by email. Only
# trusted internal callers pass it; every view and API call passes a signed-in user.
SYSTEM = None


class CaseworkError(Exception):
    """A change that cannot be made as asked; the message says why and what to do."""


# The authority as read once for the work in hand (see ``authority_read_once``).
_authority_in_hand = contextvars.ContextVar("authority_in_hand", default=None)


def current_authority():
    """The authority this installation serves, or an unsaved placeholder until one is set."""
    in_hand = _authority_in_hand.get()
    if in_hand is not None:
        return in_hand
    authority = Authority.objects.filter(id=Authority.SINGLETON_ID).first()
    if authority is None:
        return Authority(name=UNCONFIGURED_AUTHORITY_NAME)
    return authority


@contextmanager
def authority_read_once():
    """Within it, ``current_authority()`` is read from the database once: for one piece of
    work that never changes the authority, such as reading a received message (where it
    was read several times for each, a fifth of the work)."""
    token = _authority_in_hand.set(current_authority())
    try:
        yield
    finally:
        _authority_in_hand.reset(token)


def deadline_settings():
    """What foidesk.law needs from this authority: its nation, its reading, its overrides."""
    authority = current_authority()
    return law.AuthoritySettings(
        nation=law.Nation(authority.nation),
        non_working_day_receipt=law.NonWorkingDayReceipt(authority.non_working_day_receipt),
        overrides=tuple(override.as_law() for override in WorkingDayOverride.objects.all()),
    )


def deadline_for(regime, received, events=(), extended=False):
    """The statutory deadline, counted with this authority's settings."""
    return law.deadline(regime, received, events, deadline_settings(), extended=extended)


def deadline_of(request, extra_events=()):
    """The deadline of ``request`` from its clock events (and ``extra_events`` not yet saved)."""
    events = [event.as_law() for event in request.clock_events.all()]
    return deadline_for(request.regime, request.received_at, [*events, *extra_events])


def calendar():
    """The working-day calendar of FOIA and EIR, for internal dates such as contributions."""
    return calendar_of(law.Regime.FOI)


def calendar_of(regime):
    """The working-day calendar a request under ``regime`` is counted on here."""
    settings = deadline_settings()
    return law.Regime(regime).rules.calendar_for(settings.nation, settings.overrides)


@contextmanager
def happened_at(moment):
    """Record what is done inside as having happened at ``moment``: the timeline, the clock
    events, contributions asked for and answered, and "today" for the dates they default to.

    Only for trusted callers recording history that already happened, such as the demo
    loading a case as it was answered in 2020 or importing another system's log. Views and
    the API never use it: what staff do happens when they do it.
    """
    if timezone.is_naive(moment):
        raise ValueError("Give the moment with its time zone, e.g. Europe/London.")
    if moment > timezone.now():
        raise ValueError("History cannot be recorded as happening in the future.")
    token = models.happening_at.set(moment)
    try:
        yield
    finally:
        models.happening_at.reset(token)


def record(request, actor, kind, description):
    return TimelineEvent.objects.create(
        request=request, actor=actor, kind=kind, description=description
    )


def require(actor, permission, obj=None):
    """``permissions.enforce`` for a service: foidesk itself (SYSTEM) may do anything."""
    if actor is not SYSTEM:
        permissions.enforce(actor, permission, obj)


@transaction.atomic
def log_request(
    actor,
    *,
    regime,
    received_at,
    subject,
    body,
    requester,
    channel="email",
    requested_format="",
    reference=None,
    acknowledge=False,
):
    """Log a new request; its text is split into questions and its deadline worked out.

    ``requester`` is a dict of Requester fields. ``reference`` is for importing a case
    that already has one; otherwise the authority's scheme gives the next. With
    ``acknowledge`` the requester is told the reference and the due date.
    """
    require(actor, permissions.LOG_REQUEST)
    authority = current_authority()
    if reference is None:
        reference = ReferenceCounter.allocate(
            authority.reference_format,
            authority.reference_start,
            uk_date(received_at).year,
            taken=lambda candidate: Request.objects.filter(reference=candidate).exists(),
        )
    request = Request.objects.create(
        reference=reference,
        regime=regime,
        channel=channel,
        received_at=received_at,
        subject=subject,
        body=body,
        requested_format=requested_format,
        requester=Requester.objects.create(**requester),
    )
    Question.objects.bulk_create(
        Question(request=request, number=number, text=text)
        for number, text in split_questions(body)
    )
    refresh_deadline(request)
    record(
        request,
        actor,
        TimelineEvent.Kind.LOGGED,
        f"Request logged ({request.get_channel_display().lower()}), received "
        f"{show(uk_date(received_at))}, under the {law.Regime(regime).rules.title}",
    )
    workflow.case_type_of(request).happened("logged", request, actor, notify=acknowledge)
    return request


def already_overdue(regime, received_at):
    """The date a request received at ``received_at`` was due, if that is before today:
    logged now, it is already overdue. None otherwise."""
    due = deadline_for(regime, received_at).final_due
    return due if due < _today() else None


def refresh_deadline(request):
    request.due_on = deadline_of(request).final_due
    request.save(update_fields=["due_on"])


def set_questions(request, actor, texts):
    """Replace the request's questions with ``texts``, numbered from 1 in order."""
    require(actor, permissions.HANDLE_REQUEST, request)
    texts = [text.strip() for text in texts if text.strip()]
    if not texts:
        raise CaseworkError("A request needs at least one question.")
    with transaction.atomic():
        existing = {question.number: question for question in request.questions.all()}
        for number, text in enumerate(texts, start=1):
            question = existing.pop(number, None)
            if question is None:
                Question.objects.create(request=request, number=number, text=text)
            elif question.text != text:
                question.text = text
                question.save(update_fields=["text"])
        for question in existing.values():
            if question.contributions.exists():
                raise CaseworkError(
                    f"Q{question.number} has been sent to a service area, so it cannot be "
                    "removed. Change its words instead."
                )
            question.delete()
        record(
            request,
            actor,
            TimelineEvent.Kind.QUESTIONS_EDITED,
            f"Questions edited: now {len(texts)}",
        )
        workflow.case_type_of(request).happened("edited", request, actor)


def edit_details(request, actor, *, subject, requested_format, regime, on=None):
    """Correct the subject or format wanted, or handle the request under another regime.

    A change of regime (say FOI to EIR, for environmental information) keeps the date of
    receipt: it is recorded as a clock event and the deadline worked out again.
    """
    require(actor, permissions.HANDLE_REQUEST, request)
    with transaction.atomic():
        changes = []
        if subject != request.subject:
            changes.append(f"subject was “{request.subject}”")
            request.subject = subject
        if requested_format != request.requested_format:
            changes.append("format wanted changed")
            request.requested_format = requested_format
        request.save(update_fields=["subject", "requested_format"])
        if changes:
            record(
                request, actor, TimelineEvent.Kind.EDITED, "Details edited: " + "; ".join(changes)
            )
        if regime != request.regime:
            _change_regime(request, actor, regime, on or _today())
        workflow.case_type_of(request).happened("edited", request, actor)


def _change_regime(request, actor, regime, on):
    event = ClockEvent(
        request=request,
        kind=law.Event.REGIME_CHANGED,
        on=on,
        regime=regime,
        recorded_by=actor,
    )
    try:
        deadline = deadline_of(request, [event.as_law()])
    except law.ClockError as problem:
        raise CaseworkError(f"The regime cannot change then: {problem}.") from None
    event.save()
    request.regime = regime
    request.due_on = deadline.final_due
    request.save(update_fields=["regime", "due_on"])
    due = f"; due {show(request.due_on)}" if request.due_on else ""
    record(
        request,
        actor,
        TimelineEvent.Kind.CLOCK,
        f"Handled under the {law.Regime(regime).rules.title} from {show(on)}{due}",
    )


def assign(request, actor, officer):
    """Give the request to ``officer`` (None: nobody)."""
    require(actor, permissions.HANDLE_REQUEST, request)
    if officer is not None and not officer.has_perm(permissions.HANDLE_REQUEST, request):
        raise CaseworkError(f"{officer.get_username()} is not an FOI officer.")
    if request.assigned_officer_id == (officer.pk if officer else None):
        return
    request.assigned_officer = officer
    request.save(update_fields=["assigned_officer"])
    who = _name(officer) if officer else "nobody"
    record(request, actor, TimelineEvent.Kind.ASSIGNED, f"Assigned to {who}")
    # The assigned officer signs the response letter.
    workflow.case_type_of(request).happened("edited", request, actor)


class NoteMissing(CaseworkError):
    """An action's note is needed: it is the reason recorded, or what the requester is told."""


# Clock events whose email to the requester is the note itself, and what to do without one.
NOTE_IS_THE_EMAIL = {
    law.Event.CLARIFICATION_SOUGHT: (
        "Write the question to ask the requester, or untick “Email this to the requester”."
    ),
    law.Event.FEE_NOTICE_GIVEN: (
        "Write the fees notice: the fee and how to pay it, or untick “Email this to the requester”."
    ),
}


def take_action(request, actor, action_name, *, on=None, note="", notify=False):
    """Take a workflow action; clock actions record their event on ``on`` (default today).

    With ``notify`` the requester is told (by email, where they gave an address). Raises
    TransitionRefused or CaseworkError with a message for the person (NoteMissing when it
    is about the note), and PermissionDenied when the actor's role does not allow the action.
    """
    case_type = workflow.case_type_of(request)
    chosen = case_type.action(action_name)
    if chosen.system and actor is not SYSTEM:
        raise PermissionDenied("foidesk takes this step itself.")
    require(actor, chosen.permission, request)
    if chosen.note_required and not note.strip():
        raise NoteMissing(chosen.note_required)
    with transaction.atomic():
        locked = Request.objects.select_for_update().get(pk=request.pk)
        action = case_type.check(action_name, locked.state)
        case_type.run_guards(action_name, locked)
        if action.clock_event:
            _record_clock_event(locked, actor, action.clock_event, on or _today(), note, notify)
        to_state = action.to_state
        if action.to_state_without_approval and not current_authority().approval_required:
            to_state = action.to_state_without_approval
        if to_state is not None and to_state != locked.state:
            before = workflow.State(locked.state).label
            locked.state = to_state
            locked.save(update_fields=["state"])
            record(
                locked,
                actor,
                TimelineEvent.Kind.STATE_CHANGED,
                f"{action.label}: {before} → {workflow.State(locked.state).label}"
                + (f". {note}" if note and not action.clock_event else ""),
            )
        case_type.run_effects(action_name, locked, actor, on=on, note=note, notify=notify)
    request.state, request.due_on = locked.state, locked.due_on
    return request


def refusal(request, action_name):
    """Why ``action_name`` would be refused on ``request`` now, or "" if it would not: so a
    page offers only what can be done, and says why the rest cannot."""
    try:
        case_type = workflow.case_type_of(request)
        case_type.check(action_name, request.state)
        case_type.run_guards(action_name, request)
    except workflow.TransitionRefused as refused:
        return str(refused)
    return ""


def mark_responded(request, on):
    """The request has had its response on ``on``: its clock has done its work. Only the
    first response counts; a correction sent later leaves the day as it was."""
    if Request.objects.filter(pk=request.pk, responded_on__isnull=True).update(responded_on=on):
        request.responded_on = on


def _record_clock_event(request, actor, kind, on, note, notify):
    if on > _today():
        if kind == law.Event.EXTENSION_APPLIED:
            raise CaseworkError(
                f"The requester cannot have been told of the extension on {show(on)}, after "
                "today: give the day they were told, today or earlier."
            )
        raise CaseworkError(
            f"{show(on)} is after today: give the day it happened, today or earlier."
        )
    event = ClockEvent(request=request, kind=kind, on=on, note=note, recorded_by=actor)
    try:
        deadline = deadline_of(request, [event.as_law()])
    except law.ExtensionRefused as refused:
        raise CaseworkError(f"{refused}.") from None
    except law.ClockError as problem:
        raise CaseworkError(f"This date cannot be right: {problem}.") from None
    _require_note(kind, note, notify)
    event.save()
    request.due_on = deadline.final_due
    request.save(update_fields=["due_on"])
    due = f"; now due {show(request.due_on)}" if request.due_on else "; the clock is stopped"
    record(
        request,
        actor,
        TimelineEvent.Kind.CLOCK,
        f"{event.get_kind_display()} on {show(on)}{due}" + (f". {note}" if note else ""),
    )


def _require_note(kind, note, notify):
    if note.strip():
        return
    if kind == law.Event.EXTENSION_APPLIED:
        raise NoteMissing("Give the reason for the extension, as the requester was told it.")
    if notify and kind in NOTE_IS_THE_EMAIL:
        raise NoteMissing(NOTE_IS_THE_EMAIL[kind])


def internal_due_date(request, today=None):
    """When a service area should answer: the sooner of N working days from today or M
    working days before the statutory due date (the authority's settings)."""
    authority = current_authority()
    days = calendar()
    soonest = days.working_days_after(today or _today(), authority.contribution_working_days)
    if request.due_on is None:
        return soonest
    margin = days.working_days_before(request.due_on, authority.contribution_margin_working_days)
    return min(soonest, max(margin, today or _today()))


def request_contribution(request, actor, service_area, questions, instructions="", due_on=None):
    """Send ``questions`` to ``service_area`` to answer by ``due_on`` (default: the setting)."""
    require(actor, permissions.HANDLE_REQUEST, request)
    questions = list(questions)
    if not questions:
        raise CaseworkError("Choose at least one question for the service area to answer.")
    if any(question.request_id != request.pk for question in questions):
        raise CaseworkError("Those questions belong to another request.")
    with transaction.atomic():
        contribution = Contribution.objects.create(
            request=request,
            service_area=service_area,
            instructions=instructions,
            due_on=due_on or internal_due_date(request),
        )
        contribution.questions.set(questions)
        numbers = ", ".join(f"Q{question.number}" for question in questions)
        record(
            request,
            actor,
            TimelineEvent.Kind.CONTRIBUTION_REQUESTED,
            f"{service_area} asked to answer {numbers} by {show(contribution.due_on)}",
        )
        if request.state != workflow.State.AWAITING_CONTRIBUTIONS:
            take_action(request, actor, "request_contributions")
    return contribution


def answer_contribution(contribution, actor, answer):
    require(actor, permissions.ANSWER_CONTRIBUTION, contribution)
    if not answer.strip():
        raise CaseworkError("Enter the answer, or what the service area found.")
    with transaction.atomic():
        contribution.answer = answer.strip()
        contribution.status = Contribution.Status.ANSWERED
        contribution.answered_by = actor
        contribution.answered_at = models.moment()
        contribution.save(update_fields=["answer", "status", "answered_by", "answered_at"])
        record(
            contribution.request,
            actor,
            TimelineEvent.Kind.CONTRIBUTION_ANSWERED,
            f"{contribution.service_area} answered",
        )
    return contribution


def _today():
    return timezone.localdate(models.moment())


def _name(user):
    return user.get_full_name() or user.get_username()
