"""foidesk's case types: each declares its regimes, its states and every action, with the
guards that can refuse it and the effects that follow it, by name (casework.workflow).

docs/case-types.md shows these tables, rendered from here (``foidesk manage case_types``).
"""

from dataclasses import replace

from foidesk import law
from foidesk.casework.workflow import (
    APPROVE,
    OPEN_STATES,
    WORKING_STATES,
    Action,
    CaseType,
    State,
)

# Nothing goes to an approver or a requester until it is complete and checked.
COMPLETE = ("response_complete", "copies_checked")
# And what goes is what was approved, one email at a time.
SENDABLE = (*COMPLETE, "approved_first", "as_approved", "nothing_on_its_way")

REQUEST_ACTIONS = (
    Action("start", "Start work", frozenset({State.NEW}), State.IN_PROGRESS),
    Action(
        "seek_clarification",
        "Seek clarification",
        WORKING_STATES,
        State.AWAITING_CLARIFICATION,
        clock_event=law.Event.CLARIFICATION_SOUGHT,
        effects=("email_clarification",),
    ),
    Action(
        "clarification_received",
        "Clarification received",
        frozenset({State.AWAITING_CLARIFICATION}),
        State.IN_PROGRESS,
        clock_event=law.Event.CLARIFICATION_RECEIVED,
    ),
    Action(
        "fee_notice",
        "Give a fees notice",
        WORKING_STATES,
        State.AWAITING_FEE,
        clock_event=law.Event.FEE_NOTICE_GIVEN,
        effects=("email_fees_notice",),
    ),
    Action(
        "fee_paid",
        "Fee paid",
        frozenset({State.AWAITING_FEE}),
        State.IN_PROGRESS,
        clock_event=law.Event.FEE_RECEIVED,
    ),
    Action(
        "extend",
        "Extend the time",
        WORKING_STATES - {State.NEW},
        None,
        clock_event=law.Event.EXTENSION_APPLIED,
        effects=("email_extension",),
    ),
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
        guards=COMPLETE,
    ),
    Action(
        "approve",
        "Approve the response",
        frozenset({State.AWAITING_APPROVAL}),
        State.AWAITING_DISPATCH,
        APPROVE,
        guards=COMPLETE,
        effects=("keep_what_was_approved",),
    ),
    Action(
        "return_for_changes",
        "Return for changes",
        frozenset({State.AWAITING_APPROVAL}),
        State.DRAFTING,
        APPROVE,
        effects=("keep_what_was_returned",),
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
        guards=SENDABLE,
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
        guards=SENDABLE,
    ),
    Action("close", "Close the case", frozenset({State.RESPONDED}), State.CLOSED),
    Action(
        "correct",
        "Correct the response",
        frozenset({State.RESPONDED, State.CLOSED}),
        State.DRAFTING,
        note_required="Say what is wrong with the response sent, for the record and the requester.",
        effects=("correction_begins",),
    ),
    Action("withdraw", "Record as withdrawn", OPEN_STATES, State.WITHDRAWN),
    Action(
        "lapse",
        "Close as lapsed",
        frozenset({State.AWAITING_CLARIFICATION, State.AWAITING_FEE}),
        State.LAPSED,
    ),
)

# The clock event each of a request's actions records: the API records an event by taking
# its action.
CLOCK_ACTIONS = {
    action.name: action.clock_event for action in REQUEST_ACTIONS if action.clock_event
}

REQUEST = CaseType(
    name="request",
    title="Request for information",
    # A review is handled with a request's workflow until it has a case type of its own.
    regimes=frozenset(law.Regime) - {law.Regime.SAR},
    states=tuple(State),
    initial=State.NEW,
    actions=REQUEST_ACTIONS,
    steps="foidesk.responses.steps",
    happenings={"logged": ("acknowledge",), "edited": ("approval_checked_again",)},
)

# A subject access request follows a request's workflow today; its own clock comes from
# foidesk.law through its regime.
SUBJECT_ACCESS = replace(
    REQUEST,
    name="subject_access",
    title="Subject access request",
    regimes=frozenset({law.Regime.SAR}),
)
