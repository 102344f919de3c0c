"""The engine that moves a case through its states, and the vocabulary it speaks.

A case type (``CaseType``; foidesk's own are declared in ``casework.case_types``) declares
in one place its regimes, its states, and each action: the states it is allowed from, the
state it leads to, the permission it needs, every guard that can refuse it and every effect
that follows it, by name. The names are functions of the case type's ``steps`` module,
found and checked when foidesk starts (``load``), so reading a case type's table tells what
each action does; docs/case-types.md shows them all, rendered from the configuration.

The states of a request: new -> (awaiting clarification | awaiting fee)* -> in progress ->
awaiting contributions -> drafting -> awaiting approval -> ready to send -> sending ->
responded -> closed, plus withdrawn and lapsed. Ready to send is the correspondence tool's
awaiting dispatch; sending is while an email waits for the mail server to accept it.
Overdue is worked out from the deadline, never a state. A response sent is corrected by
taking the case back to drafting ("correct"): the next response sent is a new version of
it, approved like the first.

Adding an action: declare it in its case type's ``actions`` with the states it leaves and
the one it leads to and a label in the officer's words; mark it ``system`` when only
foidesk takes it (it is then never offered on a page or through the API); name its guards
and effects, writing each as a function of the case type's steps module; then run
``foidesk manage case_types --write`` to render the docs again. The permission matrix test
covers it without editing.

Adding a case type: one configuration (a ``CaseType``) and its steps module, and the
configuration's dotted path in the CASE_TYPES setting.
"""

import importlib
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured
from django.db import models

from foidesk import law
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
    """Something done to a case: from which states, to which state (None: stays)."""

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
    # The clock event the action records (a foidesk.law Event), before it moves.
    clock_event: str = ""
    # Names in the case type's steps module: ``guard(case)`` raises TransitionRefused
    # saying what must change first; ``effect(case, actor, **details)`` follows the action.
    guards: tuple[str, ...] = ()
    effects: tuple[str, ...] = ()


class TransitionRefused(Exception):
    """An action that the case's state or a guard does not allow; the message says why."""


@dataclass(frozen=True)
class CaseType:
    """A kind of case and its whole workflow. ``happenings``: effects that follow what
    happens to a case outside its actions: "logged" once it is logged, "edited" after its
    questions, details or officer change."""

    name: str
    title: str
    regimes: frozenset
    states: tuple
    initial: State
    actions: tuple
    steps: str
    happenings: dict = field(default_factory=dict)

    def action(self, name):
        """The action called ``name``; TransitionRefused if there is none."""
        for action in self.actions:
            if action.name == name:
                return action
        raise TransitionRefused(f"There is no action called {name!r}.")

    def check(self, name, state):
        """The action, if a case in ``state`` allows it; TransitionRefused otherwise."""
        action = self.action(name)
        if state not in action.from_states:
            allowed = ", ".join(sorted(State(s).label.lower() for s in action.from_states))
            raise TransitionRefused(
                f"You cannot {action.label.lower()} while the request is "
                f"{State(state).label.lower()}: only when it is {allowed}."
            )
        return action

    def available(self, state):
        """The actions a person may take on a case in ``state``, in the order declared."""
        return [a for a in self.actions if state in a.from_states and not a.system]

    def run_guards(self, name, case):
        for guard in self.action(name).guards:
            self.step(guard)(case)

    def run_effects(self, name, case, actor, **details):
        for effect in self.action(name).effects:
            self.step(effect)(case, actor, **details)

    def happened(self, happening, case, actor, **details):
        for effect in self.happenings.get(happening, ()):
            self.step(effect)(case, actor, **details)

    def step(self, name):
        return getattr(importlib.import_module(self.steps), name)

    def problems(self, clock_events=()):
        """What is wrong with this configuration, in sentences; empty when it is sound."""
        found = []
        names = [action.name for action in self.actions]
        found += [
            f"{self.name}: the action {name!r} is declared more than once."
            for name in sorted({name for name in names if names.count(name) > 1})
        ]
        states = set(self.states)
        for action in self.actions:
            used = set(action.from_states) | {action.to_state, action.to_state_without_approval}
            found += [
                f"{self.name}: {action.name!r} names the state {str(state)!r}, not one of its own."
                for state in sorted(used - states - {None})
            ]
            if action.clock_event and action.clock_event not in clock_events:
                found.append(
                    f"{self.name}: {action.name!r} records {action.clock_event!r}, "
                    "which is not a clock event."
                )
        try:
            module = importlib.import_module(self.steps)
        except ImportError as error:
            return [*found, f"{self.name}: its steps module cannot be imported ({error})."]
        named = [(action.name, step) for action in self.actions for step in action.guards]
        named += [(action.name, step) for action in self.actions for step in action.effects]
        named += [
            (happening, step) for happening, steps in self.happenings.items() for step in steps
        ]
        found += [
            f"{self.name}: {where!r} names {step!r}, which {self.steps} does not define."
            for where, step in named
            if not callable(getattr(module, step, None))
        ]
        found += [
            f"{self.name}: no action leads to the state {str(state)!r}."
            for state in self.states
            if state not in self._reachable()
        ]
        return found

    def _reachable(self):
        reached, frontier = {self.initial}, [self.initial]
        while frontier:
            state = frontier.pop()
            for action in self.actions:
                if state in action.from_states:
                    for to in (action.to_state, action.to_state_without_approval):
                        if to is not None and to not in reached:
                            reached.add(to)
                            frontier.append(to)
        return reached


# The case types in use, by name: loaded from the CASE_TYPES setting when foidesk starts.
CASE_TYPES = {}


def load(paths, clock_events):
    """Load and check the case types at ``paths`` (dotted paths to CaseType objects).
    ImproperlyConfigured, with every problem found, stops foidesk from starting."""
    from django.utils.module_loading import import_string

    loaded = [import_string(path) for path in paths]
    found = [problem for case_type in loaded for problem in case_type.problems(clock_events)]
    regimes = [regime for case_type in loaded for regime in case_type.regimes]
    found += [
        f"The regime {str(regime)!r} belongs to more than one case type."
        for regime in sorted({r for r in regimes if regimes.count(r) > 1})
    ]
    found += [
        f"The regime {regime.value!r} belongs to no case type."
        for regime in law.Regime
        if regime not in regimes
    ]
    if found:
        raise ImproperlyConfigured("The case types are not sound: " + " ".join(found))
    CASE_TYPES.clear()
    CASE_TYPES.update((case_type.name, case_type) for case_type in loaded)


def case_type_of(case):
    """The case type a case is handled as, from its regime."""
    for case_type in CASE_TYPES.values():
        if case.regime in case_type.regimes:
            return case_type
    raise ImproperlyConfigured(f"No case type handles the regime {case.regime!r}.")


def as_markdown(case_types):
    """The case types as docs/case-types.md shows them: one table of actions each."""
    lines = [
        "# Case types",
        "",
        "Rendered from `src/foidesk/casework/case_types.py` by `foidesk manage case_types"
        " --write`; a test fails when this file and the configuration differ. The guards"
        " and effects are functions of each case type's steps module, named here as there.",
    ]
    for case_type in case_types:
        regimes = ", ".join(sorted(law.Regime(regime).value for regime in case_type.regimes))
        lines += [
            "",
            f"## {case_type.title} (`{case_type.name}`)",
            "",
            f"Regimes: {regimes}. Starts {State(case_type.initial).label.lower()}. Guards and"
            f" effects: `{case_type.steps}`.",
            "",
            "| Action | From | To | Who | Guards | Effects |",
            "|---|---|---|---|---|---|",
        ]
        for action in case_type.actions:
            lines.append(_row(action))
        for happening, steps in case_type.happenings.items():
            lines.append(f"| *{happening}* |  |  |  |  | {_names(steps)} |")
        lines += ["", f"What each step of `{case_type.steps}` does:", ""]
        named = {step for action in case_type.actions for step in action.guards + action.effects}
        named |= {step for steps in case_type.happenings.values() for step in steps}
        for step in sorted(named):
            said = (case_type.step(step).__doc__ or "").strip().split("\n\n")[0]
            lines.append(f"- `{step}`: {' '.join(said.split())}")
    return "\n".join(lines) + "\n"


def _row(action):
    states = ", ".join(sorted(State(s).label for s in action.from_states))
    to = State(action.to_state).label if action.to_state else "(stays)"
    if action.to_state_without_approval:
        to += f"; {State(action.to_state_without_approval).label} without approval"
    who = "foidesk" if action.system else action.permission.removeprefix("foidesk.")
    effects = _names(action.effects)
    if action.clock_event:
        effects = f"records the clock event `{action.clock_event}`" + (
            f"; {effects}" if effects else ""
        )
    return (
        f"| {action.label} (`{action.name}`) | {states} | {to} | {who} |"
        f" {_names(action.guards)} | {effects} |"
    )


def _names(steps):
    return ", ".join(f"`{step}`" for step in steps)
