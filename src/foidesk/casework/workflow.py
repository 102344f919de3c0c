"""The states a request moves through, and every move allowed: this table and nowhere else.

DESIGN.md: new -> (awaiting_clarification | awaiting_fee)* -> in_progress ->
awaiting_contributions -> drafting -> awaiting_approval -> responded -> closed, plus
withdrawn and lapsed. Between approval and sending the response is ready to send
(the correspondence tool's awaiting dispatch), and while an email waits for the mail
server to accept it, sending. Overdue is worked out from the deadline, never a state.

A response sent is corrected by taking the case back to drafting ("correct"): the next
response sent is a new version of it, approved like the first.

Other apps may add guards to an action (``guard``): checks that must pass before it is
taken, such as a response that says all FOIA s.17 requires before it is approved.

Adding an action: declare it in ACTIONS with the states it leaves and the one it leads to;
give it a label in the officer's words; mark it ``system`` when only foidesk takes it (it
is then never offered on a page or through the API); name its guards and effects where
they are registered, and add it to the permission matrix test.
"""

from dataclasses import dataclass

from django.db import models

from foidesk.accounts import permissions


class State(models.TextChoices):
    NEW = "new", "New"
    AWAITING_CLARIFICATION = "awaiting_clarification", "Awaiting clarification"
    AWAITING_FEE = "awaiting_fee", "Awaiting fee"
    IN_PROGRESS = "in_progress", "In progress"
    AWAITING_CONTRIBUTIONS = "awaiting_contributions", "Awaiting contributions"
    DRAFTING = "drafting", "Drafting"
    AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
    AWAITING_DISPATCH = "awaiting_dispatch", "Ready to send"
    SENDING = "sending", "Sending by email"
    RESPONDED = "responded", "Responded"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn"
    LAPSED = "lapsed", "Lapsed"


# States in which the authority still owes the requester something, so a deadline runs.
OPEN_STATES = frozenset(
    {
        State.NEW,
        State.AWAITING_CLARIFICATION,
        State.AWAITING_FEE,
        State.IN_PROGRESS,
        State.AWAITING_CONTRIBUTIONS,
        State.DRAFTING,
        State.AWAITING_APPROVAL,
        State.AWAITING_DISPATCH,
        State.SENDING,
    }
)
WORKING_STATES = OPEN_STATES - {State.AWAITING_CLARIFICATION, State.AWAITING_FEE, State.SENDING}
# States in which the response may still be changed: once sending starts it is on its way,
# and once sent it is changed only by correcting it.
RESPONSE_EDITABLE_STATES = OPEN_STATES - {State.SENDING}

# Who may take an action: permissions decided in foidesk.accounts.permissions.
HANDLE = permissions.HANDLE_REQUEST
APPROVE = permissions.APPROVE_REQUEST


@dataclass(frozen=True)
class Action:
    """Something done to a request: from which states, to which state (None: stays)."""

    name: str
    label: str
    from_states: frozenset
    to_state: State | None
    permission: str = HANDLE
    # The page that takes this action, when it asks for more than a note.
    page: str = ""
    # Taken by foidesk itself, never offered to a person.
    system: bool = False
    # Where the authority does not require approval, the state it leads to instead.
    to_state_without_approval: State | None = None
    # When set, the action needs a note, and this sentence asks for it.
    note_required: str = ""


ACTIONS = {
    action.name: action
    for action in [
        Action("start", "Start work", frozenset({State.NEW}), State.IN_PROGRESS),
        Action(
            "seek_clarification",
            "Seek clarification",
            WORKING_STATES,
            State.AWAITING_CLARIFICATION,
        ),
        Action(
            "clarification_received",
            "Clarification received",
            frozenset({State.AWAITING_CLARIFICATION}),
            State.IN_PROGRESS,
        ),
        Action("fee_notice", "Give a fees notice", WORKING_STATES, State.AWAITING_FEE),
        Action("fee_paid", "Fee paid", frozenset({State.AWAITING_FEE}), State.IN_PROGRESS),
        Action("extend", "Extend the time", WORKING_STATES - {State.NEW}, None),
        Action(
            "request_contributions",
            "Ask service areas",
            frozenset({State.NEW, State.IN_PROGRESS, State.AWAITING_CONTRIBUTIONS, State.DRAFTING}),
            State.AWAITING_CONTRIBUTIONS,
        ),
        Action(
            "draft",
            "Move to drafting",
            frozenset({State.IN_PROGRESS, State.AWAITING_CONTRIBUTIONS}),
            State.DRAFTING,
        ),
        Action(
            "submit_for_approval",
            "Send for approval",
            frozenset({State.DRAFTING}),
            State.AWAITING_APPROVAL,
        ),
        Action(
            "approve",
            "Approve the response",
            frozenset({State.AWAITING_APPROVAL}),
            State.AWAITING_DISPATCH,
            APPROVE,
        ),
        Action(
            "return_for_changes",
            "Return for changes",
            frozenset({State.AWAITING_APPROVAL}),
            State.DRAFTING,
            APPROVE,
        ),
        Action(
            "approval_lapsed",
            "Changed after approval",
            frozenset({State.AWAITING_DISPATCH}),
            State.AWAITING_APPROVAL,
            system=True,
            to_state_without_approval=State.DRAFTING,
        ),
        Action(
            "send_by_email",
            "Send the response",
            frozenset({State.DRAFTING, State.AWAITING_DISPATCH}),
            State.SENDING,
            page="responses:send",
        ),
        Action(
            "delivered",
            "Accepted by the mail server",
            frozenset({State.SENDING}),
            State.RESPONDED,
            system=True,
        ),
        Action(
            "mark_sent",
            "Record the response as sent",
            frozenset({State.DRAFTING, State.AWAITING_DISPATCH, State.SENDING}),
            State.RESPONDED,
            page="responses:send",
        ),
        Action("close", "Close the case", frozenset({State.RESPONDED}), State.CLOSED),
        Action(
            "correct",
            "Correct the response",
            frozenset({State.RESPONDED, State.CLOSED}),
            State.DRAFTING,
            note_required="Say what is wrong with the response sent, for the record and the "
            "requester.",
        ),
        Action("withdraw", "Record as withdrawn", OPEN_STATES, State.WITHDRAWN),
        Action(
            "lapse",
            "Close as lapsed",
            frozenset({State.AWAITING_CLARIFICATION, State.AWAITING_FEE}),
            State.LAPSED,
        ),
    ]
}


class TransitionRefused(Exception):
    """An action that the request's state does not allow; the message says why."""


_GUARDS = {}


def guard(action_name):
    """Register a check, ``check(request)``, to run before ``action_name`` is taken.

    A check raises TransitionRefused, saying what must change first.
    """

    def register(check):
        _GUARDS.setdefault(action_name, []).append(check)
        return check

    return register


def run_guards(action_name, request):
    for check in _GUARDS.get(action_name, []):
        check(request)


_AFTER = {}


def after(action_name):
    """Register ``then(request, actor, **details)`` to run once ``action_name`` is taken;
    "logged" runs after a new request is logged, and "edited" after its questions, details
    or officer change. Email to the requester hangs on these."""

    def register(then):
        _AFTER.setdefault(action_name, []).append(then)
        return then

    return register


def run_after(action_name, request, actor, **details):
    for then in _AFTER.get(action_name, []):
        then(request, actor, **details)


def find(action_name):
    """The Action called ``action_name``; TransitionRefused if there is none."""
    if action_name not in ACTIONS:
        raise TransitionRefused(f"There is no action called {action_name!r}.")
    return ACTIONS[action_name]


def check(action_name, state):
    """The Action, if a request in ``state`` allows it; TransitionRefused otherwise."""
    action = find(action_name)
    if state not in action.from_states:
        allowed = ", ".join(sorted(State(s).label.lower() for s in action.from_states))
        raise TransitionRefused(
            f"You cannot {action.label.lower()} while the request is "
            f"{State(state).label.lower()}: only when it is {allowed}."
        )
    return action


def available(state):
    """The actions a person may take on a request in ``state``, in the order above."""
    return [
        action for action in ACTIONS.values() if state in action.from_states and not action.system
    ]
