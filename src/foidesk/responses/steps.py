"""The guards and effects that the request and subject access case types name
(casework.case_types): what can refuse each of their actions, and what follows it.

A guard, ``guard(case)``, raises TransitionRefused saying what must change first. An
effect, ``effect(case, actor, **details)``, runs once the action is taken, inside its
transaction; ``details`` are the action's ``on``, ``note`` and ``notify``.
"""

from django.utils import timezone

from foidesk import law
from foidesk.casework import services as casework
from foidesk.casework.workflow import State, TransitionRefused
from foidesk.intake import outgoing
from foidesk.intake.models import Correspondence
from foidesk.law.dates import show
from foidesk.responses import changes, sending, services
from foidesk.responses.models import ApprovalDecision

# Guards.


def response_complete(case):
    """FOIA s.17 and s.16: nothing goes to an approver or a requester until it is complete."""
    missing = services.problems(case)
    if missing:
        raise TransitionRefused("The response is not ready yet: " + " ".join(missing))


def copies_checked(case):
    """An officer vouches for every answer that goes out. Not a statutory rule, so it lives
    here rather than in foidesk.law: the law asks what the letter says, not who checked it."""
    unchecked = services.unchecked_copies(case)
    if unchecked:
        raise TransitionRefused(" ".join(unchecked))


def approved_first(case):
    """Where the authority approves responses, none is sent from drafting."""
    if case.state == State.DRAFTING and casework.current_authority().approval_required:
        raise TransitionRefused(
            "Responses here are approved before they are sent: send it for approval first."
        )


def as_approved(case):
    """What goes is what was approved: a change since approval needs approval again."""
    if case.state != State.AWAITING_DISPATCH:
        return
    found = services.changed_since_approval(case)
    if found:
        raise TransitionRefused(
            "The response has changed since it was approved ("
            + changes.describe(found, limit=3)
            + "): it must be approved again before it is sent."
        )


def nothing_on_its_way(case):
    """One email of a response at a time: the mail server has not yet answered the last."""
    if sending.in_flight(case) is not None:
        raise TransitionRefused(
            "An email of this response is waiting for the mail server: wait until it is "
            "accepted or refused."
        )


# Effects.


def keep_what_was_approved(case, actor, **details):
    """What the approver saw is kept: sending compares the response with it."""
    _keep_what_the_approver_saw(case, actor, ApprovalDecision.Kind.APPROVED)


def keep_what_was_returned(case, actor, **details):
    """What the approver returned is kept, so the next approval shows what changed since."""
    _keep_what_the_approver_saw(case, actor, ApprovalDecision.Kind.RETURNED)


def _keep_what_the_approver_saw(case, actor, kind):
    ApprovalDecision.objects.create(
        request=case, kind=kind, decided_by=actor, snapshot=services.snapshot(case)
    )


def approval_checked_again(case, actor, **details):
    """The questions are quoted in the letter, and the assigned officer signs it: a change
    to either after approval needs approval again."""
    services.recheck_approval(case)


def correction_begins(case, actor, note="", **details):
    """The officer's reason for correcting is kept on the response, for its next letter."""
    response = services.response_of(case)
    response.correction_reason = note.strip()
    response.save(update_fields=["correction_reason"])


def acknowledge(case, actor, notify=False, **details):
    """The requester is told the request arrived, its reference and when it is due."""
    if _has_email(case, notify):
        outgoing.send_templated(
            case,
            Correspondence.Kind.ACKNOWLEDGEMENT,
            "acknowledgement",
            {
                "received": show(timezone.localdate(case.received_at)),
                "time_limit": law.Regime(case.regime).rules.limit.in_words,
                **_due(case),
            },
            actor=actor,
        )


def email_clarification(case, actor, notify=False, note="", **details):
    """The requester is asked the officer's question (the note)."""
    _tell(case, actor, notify, note, Correspondence.Kind.CLARIFICATION, "clarification")


def email_fees_notice(case, actor, notify=False, note="", **details):
    """The requester is given the fees notice (the note)."""
    _tell(case, actor, notify, note, Correspondence.Kind.FEE_NOTICE, "fee_notice")


def email_extension(case, actor, notify=False, note="", **details):
    """The requester is told of the extension and the new due date."""
    _tell(case, actor, notify, note, Correspondence.Kind.EXTENSION, "extension")


def _tell(case, actor, notify, note, kind, template):
    if _has_email(case, notify):
        outgoing.send_templated(case, kind, template, {"note": note, **_due(case)}, actor=actor)


def _has_email(case, notify):
    return notify and case.requester and case.requester.email


def _due(case):
    """The due date for an email, and whether it is already past on the day the email goes:
    an email never promises a day gone by, it says the request is overdue instead."""
    if case.due_on is None:
        return {"due": "", "overdue": False}
    return {"due": show(case.due_on), "overdue": case.is_overdue(timezone.localdate())}
