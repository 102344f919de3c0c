"""The case types' configuration (casework.case_types) is checked as foidesk starts, and
docs/case-types.md is rendered from it."""

from dataclasses import replace

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from foidesk import law
from foidesk.casework import case_types, workflow
from foidesk.casework.models import Request
from foidesk.casework.workflow import Action, State

CLOCK_EVENTS = set(law.Event)
REQUEST = case_types.REQUEST


def test_foideskss_own_case_types_are_sound():
    for case_type in workflow.CASE_TYPES.values():
        assert case_type.problems(CLOCK_EVENTS) == []
    assert set(workflow.CASE_TYPES) == {"request", "subject_access"}


def test_every_regime_is_handled_as_exactly_one_case_type():
    handled = [regime for ct in workflow.CASE_TYPES.values() for regime in ct.regimes]
    assert sorted(handled) == sorted(law.Regime)


def test_an_action_declared_twice_is_found():
    twice = replace(REQUEST, actions=(*REQUEST.actions, REQUEST.actions[0]))
    assert twice.problems(CLOCK_EVENTS) == [
        "request: the action 'start' is declared more than once."
    ]


def test_a_state_not_of_the_case_type_is_found():
    fewer = replace(REQUEST, states=tuple(s for s in State if s != State.LAPSED))
    assert fewer.problems(CLOCK_EVENTS) == [
        "request: 'lapse' names the state 'lapsed', not one of its own."
    ]


def test_a_state_no_action_leads_to_is_found():
    without_lapse = replace(REQUEST, actions=tuple(a for a in REQUEST.actions if a.name != "lapse"))
    assert without_lapse.problems(CLOCK_EVENTS) == [
        "request: no action leads to the state 'lapsed'."
    ]


def test_a_guard_or_effect_its_steps_do_not_define_is_found():
    start = Action("start", "Start work", frozenset({State.NEW}), State.IN_PROGRESS)
    misnamed = replace(
        REQUEST,
        actions=(replace(start, guards=("is_ready",)), *REQUEST.actions[1:]),
        happenings={"logged": ("say_hello",)},
    )
    assert misnamed.problems(CLOCK_EVENTS) == [
        "request: 'start' names 'is_ready', which foidesk.responses.steps does not define.",
        "request: 'logged' names 'say_hello', which foidesk.responses.steps does not define.",
    ]


def test_a_steps_module_that_cannot_be_imported_is_found():
    (problem,) = replace(REQUEST, steps="foidesk.no_such_module").problems(CLOCK_EVENTS)
    assert problem.startswith("request: its steps module cannot be imported")


def test_an_unknown_clock_event_is_found():
    clock = replace(REQUEST.actions[0], clock_event="tea_break")
    wrong = replace(REQUEST, actions=(clock, *REQUEST.actions[1:]))
    assert wrong.problems(CLOCK_EVENTS) == [
        "request: 'start' records 'tea_break', which is not a clock event."
    ]


def test_foidesk_does_not_start_with_a_regime_left_out_or_handled_twice():
    paths = ["foidesk.casework.case_types.REQUEST"]
    with pytest.raises(ImproperlyConfigured, match="The regime 'sar' belongs to no case type"):
        workflow.load(paths, CLOCK_EVENTS)
    with pytest.raises(ImproperlyConfigured, match="'sar' belongs to more than one case type"):
        workflow.load(
            [*settings.CASE_TYPES, "foidesk.casework.case_types.SUBJECT_ACCESS"], CLOCK_EVENTS
        )
    # What was loaded before stays loaded.
    assert set(workflow.CASE_TYPES) == {"request", "subject_access"}


def test_a_request_is_handled_by_its_regimes_case_type():
    assert workflow.case_type_of(Request(regime="sar")).name == "subject_access"
    assert workflow.case_type_of(Request(regime="eisr")).name == "request"


def test_the_docs_show_the_configuration(capsys):
    """docs/case-types.md is the configuration rendered: `foidesk manage case_types --write`
    writes it again after a change."""
    call_command("case_types")
    shown = capsys.readouterr().out
    written = (settings.PROJECT_DIR / "docs" / "case-types.md").read_text(encoding="utf-8")
    assert shown == written
    assert "| Approve the response (`approve`) | Awaiting approval | Ready to send |" in written
    assert "`keep_what_was_approved`" in written
