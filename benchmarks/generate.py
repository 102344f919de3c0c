"""Fill the configured database with realistic requests, for the casework benchmarks.

Cases are planned in plain Python, then inserted with bulk_create, a few thousand to a
transaction: the services log one case at a time, which would take hours for 10^6 cases.
What the services would have written is written here too (deadline worked out by
foidesk.law, questions, contributions, clock events, a timeline in the services' words),
so the pages see the same shapes of data as in a real installation.

The caseload looks like a real team's: 20 years of receipts, busier in recent years;
nearly everything older than three months is closed; the last few weeks hold the open
work, spread over every open state, some of it overdue, shared among the officers. The
demo (foidesk.demo.load: the authority, its staff, the reference case and the demo's own
small caseload) is loaded first, and officer.1 to officer.N are added to share the work.

Run on a freshly migrated database (`uv run foidesk manage migrate`, same environment):

    SECRET_KEY=bench FOIDESK_DATA_DIR=/work/bench-data/sqlite-1e5 \\
        uv run python benchmarks/generate.py --count 100000

The time taken is printed, and kept in the data folder as generate.json for casework.py.
"""

# ruff: noqa: E402
# (Django must be set up before the models can be imported, so imports follow setup.)

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "foidesk.config.settings")

import django

django.setup()

import argparse
import json
import math
import random
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from foidesk import demo, law
from foidesk.accounts.models import User
from foidesk.accounts.roles import Role
from foidesk.casework import services
from foidesk.casework.case_types import REQUEST
from foidesk.casework.models import (
    Channel,
    ClockEvent,
    Contribution,
    Question,
    ReferenceCounter,
    Request,
    Requester,
    ServiceArea,
    TimelineEvent,
)
from foidesk.casework.workflow import OPEN_STATES, State
from foidesk.law.dates import LONDON, show, uk_date

# Real request titles sent to UK authorities through WhatDoTheyKnow, 2008-2025, from
# data-to-insight/foi-csc-scrape-tool (docs/downloads/foi_csc_requests_summary.csv,
# MIT licence): one per line, duplicates removed, kept here so that the benchmarks do
# not depend on anything outside the repository.
TITLES_FILE = Path(__file__).parent / "data" / "request-titles.txt"

FIRST_REFERENCE = 2_000_000  # 7 digits, clear of the demo case (5973764) for 10^6 cases
YEARS = 20
CASES_PER_TRANSACTION = 5_000
ROWS_PER_INSERT = 1_000  # well inside SQLite's and PostgreSQL's limits on parameters

REGIMES = [("foi", 85), ("eir", 10), ("sar", 5)]
CHANNELS = [
    (Channel.EMAIL, 55),
    (Channel.WEB, 20),
    (Channel.WHATDOTHEYKNOW, 20),
    (Channel.POST, 4),
    (Channel.PHONE, 1),
]
FORMATS = [
    ("", 70),
    ("Excel spreadsheet", 15),
    ("CSV file", 5),
    ("By email", 8),
    ("Printed copy by post", 2),
]

# The titles are about children's social care, which suits FOI requests to a council;
# environmental and subject access requests get subjects of their own kind.
EIR_SUBJECTS = [
    "Air quality monitoring data",
    "Fly-tipping reports by ward",
    "Tree preservation orders",
    "Planning enforcement notices",
    "Flood risk assessments for new developments",
    "Contaminated land register",
    "Street lighting energy use",
    "Recycling rates by ward",
    "Pesticide use in parks",
    "Noise complaints about construction sites",
    "Highway drainage maintenance",
    "Pothole repairs and compensation claims",
]
SAR_SUBJECTS = [
    "Subject access request",
    "Subject access request: my social care records",
    "Request for my personal data",
    "Copy of my housing file",
    "My council tax records",
    "Records held about me by children's services",
]
FOI_QUESTIONS = [
    "How many referrals or cases concerning {topic} did the council record in each of the "
    "last five financial years?",
    "What was the council's total spend on {topic} in each of the last three financial years?",
    "Which IT systems hold information about {topic}, and who supplies them?",
    "How many staff (full-time equivalent) work on {topic}, and how many of them are agency staff?",
    "Please provide a copy of the current policy or procedure on {topic}.",
    "How many complaints about {topic} were received in the last year, and how many were upheld?",
    "Which post holds senior responsibility for {topic}? A job title is enough.",
    "Has the council commissioned an external review of {topic} since 2020? If so, please "
    "provide a copy.",
]
SAR_QUESTIONS = [
    "All case notes and assessments about me.",
    "Emails and letters that mention me.",
    "Records of telephone calls with me.",
    "Any information about me shared with other organisations, and with whom.",
]
ACTS = {
    "foi": "the Freedom of Information Act 2000",
    "eir": "the Environmental Information Regulations 2004",
    "sar": "Article 15 of the UK GDPR",
}

# Made-up people: common first names and surnames in random pairs, with addresses in the
# domains reserved for examples (RFC 2606), so no real person or mailbox is named.
FIRST_NAMES = " ".join(
    [
        "Amelia Olivia Isla Ava Mia Grace Sophia Lily Freya Emily Ella Poppy Evie Rosie Ruby",
        "Oliver George Harry Noah Jack Leo Arthur Muhammad Oscar Charlie Jacob Thomas Henry",
        "Alfie Joshua Priya Aisha Fatima Rhys Owen Siobhan Ciaran Morag Callum Eilidh",
    ]
).split()
SURNAMES = " ".join(
    [
        "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson",
        "Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel",
        "Jackson Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison",
        "Morgan Allen Khan Ahmed Begum Campbell Stewart Murray Kelly",
    ]
).split()
MAIL_DOMAINS = ["example.com", "example.org", "example.net"]
STREETS = ["Station Road", "High Street", "Church Lane", "Park Avenue", "Mill Road", "The Green"]
TOWNS = ["London", "Barnet", "Enfield", "Watford", "Luton", "Reading", "Leeds", "Bristol"]

# Open states by the age of the case in days: what a team's work in progress looks like.
# Named as strings so that a state the workflow does not (yet) have is left out.
OPEN_STATE_MIX = [
    (
        2,
        {"new": 60, "in_progress": 30, "awaiting_clarification": 5, "awaiting_contributions": 5},
    ),
    (
        10,
        {
            "new": 10,
            "in_progress": 35,
            "awaiting_contributions": 30,
            "awaiting_clarification": 8,
            "awaiting_fee": 2,
            "drafting": 12,
            "awaiting_approval": 3,
        },
    ),
    (
        28,
        {
            "new": 2,
            "in_progress": 15,
            "awaiting_contributions": 30,
            "awaiting_clarification": 8,
            "awaiting_fee": 5,
            "drafting": 25,
            "awaiting_approval": 12,
            "awaiting_dispatch": 3,
        },
    ),
    (
        None,
        {
            "new": 2,
            "in_progress": 20,
            "awaiting_contributions": 20,
            "awaiting_clarification": 20,
            "awaiting_fee": 13,
            "drafting": 15,
            "awaiting_approval": 8,
            "awaiting_dispatch": 2,
        },
    ),
]
# The action that stops the clock in each waiting state, and the clock event it records.
STOPPING = {
    State.AWAITING_CLARIFICATION: ("seek_clarification", law.Event.CLARIFICATION_SOUGHT),
    State.AWAITING_FEE: ("fee_notice", law.Event.FEE_NOTICE_GIVEN),
}
# States after which a contribution has been answered (or was never needed).
PAST_CONTRIBUTIONS = {
    "drafting",
    "awaiting_approval",
    "awaiting_dispatch",
    "responded",
    "closed",
}
# The way most requests go, in order; path_to() follows it as far as the workflow allows.
MAIN_LINE = [
    "start",
    "request_contributions",
    "draft",
    "submit_for_approval",
    "approve",
    "mark_sent",
    "close",
]
MAX_TIMELINE = 6


class Refused(Exception):
    """The database is not in a state to load into; the message says what to do."""


@dataclass
class Staff:
    """User ids by job, looked up once."""

    officers: list
    approver: int
    contributors: dict  # service area name -> user id
    areas: dict  # service area name -> id
    names: dict  # user id -> name as the timeline shows it


@dataclass
class PlannedContribution:
    area: str
    status: str
    requested_at: datetime
    due_on: object
    answered_at: datetime | None


@dataclass
class Case:
    """One request as it will be inserted, with everything that happened to it."""

    number: int
    received_at: datetime
    regime: str
    channel: str
    subject: str
    questions: list
    requested_format: str
    state: str = State.NEW
    officer: int | None = None
    due_on: object = None
    reminded_on: object = None
    clock: list = field(default_factory=list)  # [(law.Event, date)]
    contributions: list = field(default_factory=list)
    finished_at: datetime | None = None  # responded, withdrawn or lapsed


# --- Planning: plain Python, no database ---------------------------------------------


def weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


def receipt_times(rng, count, now):
    """``count`` moments of receipt over YEARS years up to ``now``, oldest first.

    Requests per year have grown, so the density rises linearly to three times its
    oldest level: the inverse of the distribution function (x + x^2) / 2 on [0, 1].
    """
    span = YEARS * 365.25 * 86_400
    start = now - timedelta(seconds=span)
    fractions = sorted((math.sqrt(1 + 8 * rng.random()) - 1) / 2 for _ in range(count))
    return [_working_hours(rng, start + timedelta(seconds=f * span), now) for f in fractions]


def _working_hours(rng, moment, now):
    """Most requests arrive on weekdays in office hours; some in the evening or weekend."""
    local = moment.astimezone(LONDON)
    if rng.random() < 0.85:
        if local.weekday() >= 5:
            local -= timedelta(days=local.weekday() - 4)
        local = local.replace(hour=rng.randint(8, 17), minute=rng.randint(0, 59))
    return local if local <= now else moment.astimezone(LONDON)


def open_probability(age_days):
    """How likely a request of this age is still open.

    Most are answered within the 20 working days (about 28 calendar days); a few stay
    open longer, overdue or waiting for clarification or a fee; none beyond 3 months.
    """
    if age_days <= 28:
        return 0.92 - 0.7 * age_days / 28
    if age_days <= 90:
        return 0.04
    return 0.0


def open_state(rng, age_days):
    for upto, mix in OPEN_STATE_MIX:
        if upto is None or age_days <= upto:
            known = [(State(name), weight) for name, weight in mix.items() if name in State.values]
            return weighted(rng, known)
    raise AssertionError("the last mix has no upper age")


def closed_state(rng, age_days):
    """Closed a few weeks after the response; a few withdrawn or lapsed."""
    draw = rng.random()
    if draw < 0.03:
        return State.WITHDRAWN
    if draw < 0.05:
        # Lapsing takes three months of waiting for the requester.
        return State.LAPSED if age_days > 100 else State.WITHDRAWN
    if draw < 0.08 or (age_days < 120 and draw < 0.45):
        return State.RESPONDED
    return State.CLOSED


class Planner:
    """Decides what each case looks like; the deadlines come from foidesk.law."""

    def __init__(self, rng, staff, deadline_settings, today, now):
        self.rng = rng
        self.staff = staff
        self.settings = deadline_settings
        self.today = today
        self.now = now
        self.titles = TITLES_FILE.read_text(encoding="utf-8").splitlines()
        # About 22,000 distinct (regime, day, extended) over 20 years: each worked out once.
        self._deadlines = {}
        self._contribution_due = {}
        self.calendar = services.calendar()
        authority = services.current_authority()
        self.contribution_days = authority.contribution_working_days
        self.margin_days = authority.contribution_margin_working_days

    def case(self, number, received_at):
        rng = self.rng
        regime = weighted(rng, REGIMES)
        subject = self._subject(regime)
        case = Case(
            number=number,
            received_at=received_at,
            regime=regime,
            channel=weighted(rng, CHANNELS),
            subject=subject,
            questions=self._questions(regime, subject),
            requested_format=weighted(rng, FORMATS),
        )
        age = (self.today - uk_date(received_at)).days
        is_open = rng.random() < open_probability(age)
        case.state = open_state(rng, age) if is_open else closed_state(rng, age)
        case.officer = self._officer(case.state)
        self._plan_clock(case)
        case.finished_at = None if is_open else self._finished_at(case)
        self._plan_contributions(case)
        if is_open and case.due_on is not None and case.due_on < self.today:
            case.reminded_on = self.today - timedelta(days=rng.randint(0, 3))
        return case

    def _subject(self, regime):
        if regime == "eir":
            return self.rng.choice(EIR_SUBJECTS)
        if regime == "sar":
            return self.rng.choice(SAR_SUBJECTS)
        return self.rng.choice(self.titles)

    def _questions(self, regime, subject):
        count = weighted(self.rng, [(1, 30), (2, 30), (3, 25), (4, 15)])
        if regime == "sar":
            return self.rng.sample(SAR_QUESTIONS, count)
        topic = subject.rstrip(" .?!")
        if len(topic) > 1 and not topic[1].isupper():
            topic = topic[0].lower() + topic[1:]
        return [text.format(topic=topic) for text in self.rng.sample(FOI_QUESTIONS, count)]

    def _officer(self, state):
        """New cases wait to be allocated; nearly everything else has an officer."""
        unassigned = 0.6 if state == State.NEW else 0.03 if state in OPEN_STATES else 0.0
        if self.rng.random() < unassigned:
            return None
        return self.rng.choice(self.staff.officers)

    def _plan_clock(self, case):
        """Clock events, and the due date the services would have stored with them."""
        rng, received = self.rng, uk_date(case.received_at)
        stopping = STOPPING.get(case.state)
        if case.state == State.LAPSED:
            stopping = STOPPING[rng.choice(sorted(STOPPING))]
        if stopping is not None:
            case.clock.append((stopping[1], self._day_after(received, 1, 6)))
            case.due_on = None  # the clock is stopped until the requester answers
            return
        extended = False
        draw = rng.random()
        if case.state != State.NEW and draw < 0.03:
            sought = self._day_after(received, 1, 5)
            case.clock += [
                (law.Event.CLARIFICATION_SOUGHT, sought),
                (law.Event.CLARIFICATION_RECEIVED, self._day_after(sought, 1, 10)),
            ]
        elif case.state != State.NEW and draw < 0.08 and (self.today - received).days > 15:
            case.clock.append((law.Event.EXTENSION_APPLIED, self._day_after(received, 10, 18)))
            extended = True
        if len(case.clock) > 1:
            case.due_on = self._deadline_with_events(case)
        else:
            case.due_on = self._deadline(case.regime, received, extended)

    def _day_after(self, day, least, most):
        """A day ``least`` to ``most`` days after ``day``, but never after today."""
        return min(day + timedelta(days=self.rng.randint(least, most)), self.today)

    def _deadline(self, regime, received, extended):
        key = (regime, received, extended)
        if key not in self._deadlines:
            found = law.deadline(regime, received, (), self.settings, extended=extended)
            self._deadlines[key] = found.final_due
        return self._deadlines[key]

    def _deadline_with_events(self, case):
        events = [law.ClockEvent(kind, on) for kind, on in case.clock]
        return law.deadline(case.regime, case.received_at, events, self.settings).final_due

    def _internal_due(self, asked, statutory_due):
        """services.internal_due_date: N working days, or M before the statutory date."""
        key = (asked, statutory_due)
        if key not in self._contribution_due:
            due = self.calendar.working_days_after(asked, self.contribution_days)
            if statutory_due is not None:
                margin = self.calendar.working_days_before(statutory_due, self.margin_days)
                due = min(due, max(margin, asked))
            self._contribution_due[key] = due
        return self._contribution_due[key]

    def _finished_at(self, case):
        """When the response went (on time nine times in ten), or the case was given up."""
        rng, received = self.rng, case.received_at
        if case.state == State.LAPSED:
            finished = received + timedelta(days=rng.randint(92, 110))
        elif case.state == State.WITHDRAWN or case.due_on is None:
            finished = received + timedelta(days=rng.randint(1, 20), hours=rng.randint(1, 8))
        else:
            due = datetime.combine(case.due_on, received.timetz())
            if rng.random() < 0.9:
                finished = received + (due - received) * rng.uniform(0.3, 1.0)
            else:
                finished = due + timedelta(days=rng.randint(1, 40))
        return max(received + timedelta(hours=1), min(finished, self.now - timedelta(minutes=5)))

    def _plan_contributions(self, case):
        """About 30% of cases ask a service area or two; answered once past that stage."""
        rng = self.rng
        if case.state == State.AWAITING_CONTRIBUTIONS:
            wanted = True
        elif case.state in PAST_CONTRIBUTIONS:
            wanted = rng.random() < 0.32
        else:
            return
        if not wanted:
            return
        areas = sorted(self.staff.areas)
        chosen = areas if rng.random() < 0.2 else [rng.choice(areas)]
        end = case.finished_at or self.now
        for area in chosen:
            asked = case.received_at + (end - case.received_at) * rng.uniform(0.05, 0.3)
            due = self._internal_due(uk_date(asked), case.due_on)
            answered_at = None
            if case.state in PAST_CONTRIBUTIONS or rng.random() < 0.3:
                answered_at = asked + (end - asked) * rng.uniform(0.3, 0.9)
            status = Contribution.Status.ANSWERED if answered_at else Contribution.Status.REQUESTED
            case.contributions.append(PlannedContribution(area, status, asked, due, answered_at))
        if case.state == State.AWAITING_CONTRIBUTIONS and all(
            c.answered_at for c in case.contributions
        ):
            # A case waiting for contributions is waiting for at least one.
            last = case.contributions[-1]
            last.status, last.answered_at = Contribution.Status.REQUESTED, None


# --- The timeline, in the services' words ----------------------------------------------

# The generated requests are requests for information: their case type's actions.
ACTIONS = {action.name: action for action in REQUEST.actions}


def path_to(case):
    """The workflow actions that took a new case to its state, in order."""
    if case.state == State.LAPSED:
        first = {law.Event.CLARIFICATION_SOUGHT: "seek_clarification"}
        return [first.get(case.clock[0][0], "fee_notice"), "lapse"]
    detours = {
        State.AWAITING_CLARIFICATION: ["seek_clarification"],
        State.AWAITING_FEE: ["start", "fee_notice"],
        State.WITHDRAWN: ["start", "withdraw"],
    }
    if case.state in detours:
        return detours[case.state]
    path, state = [], State.NEW
    for name in MAIN_LINE:
        action = ACTIONS.get(name)
        if state == case.state:
            break
        if action is None or state not in action.from_states:
            continue  # a step this workflow does not have, or skips from here
        if name == "request_contributions" and not case.contributions:
            continue
        path.append(name)
        state = action.to_state
    return path


def timeline(case, staff):
    """[(kind, actor id, description)] as the services would have recorded them."""
    officer = case.officer or staff.officers[0]
    entries = [("logged", officer, _logged(case))]
    if case.officer:
        entries.append(("assigned", officer, f"Assigned to {staff.names[case.officer]}"))
    clock = iter(case.clock)
    state = State.NEW
    for name in path_to(case):
        action = ACTIONS[name]
        if name in {"seek_clarification", "fee_notice"}:
            kind, on = next(clock)
            entries.append(("clock", officer, f"{kind.label} on {show(on)}; the clock is stopped"))
        if name == "request_contributions":
            entries += _contribution_entries(case, staff, officer)
        actor = staff.approver if name == "approve" else officer
        after = action.to_state
        entries.append(("state_changed", actor, f"{action.label}: {state.label} → {after.label}"))
        state = after
    if len(entries) < 2:
        entries.append(
            ("questions_edited", officer, f"Questions edited: now {len(case.questions)}")
        )
    # Long histories keep their beginning and their end, as the case page shows them.
    return entries if len(entries) <= MAX_TIMELINE else entries[:2] + entries[-4:]


def _logged(case):
    channel = Channel(case.channel).label.lower()
    title = law.Regime(case.regime).rules.title
    return (
        f"Request logged ({channel}), received {show(uk_date(case.received_at))}, under the {title}"
    )


def _contribution_entries(case, staff, officer):
    entries = []
    numbers = ", ".join(f"Q{n}" for n in range(1, len(case.questions) + 1))
    for planned in case.contributions:
        entries.append(
            (
                "contribution_requested",
                officer,
                f"{planned.area} asked to answer {numbers} by {show(planned.due_on)}",
            )
        )
        if planned.answered_at:
            who = staff.contributors[planned.area]
            entries.append(("contribution_answered", who, f"{planned.area} answered"))
    return entries


def timeline_times(rng, case, count, now):
    """``count`` increasing moments from logging to the end of the case (or now)."""
    logged = min(case.received_at + timedelta(minutes=rng.randint(5, 180)), now)
    end = max(case.finished_at or now, logged)
    later = sorted(logged + (end - logged) * rng.random() for _ in range(count - 1))
    if case.finished_at and later:
        later[-1] = end  # the last event is what finished the case
    return [logged, *later]


# --- Writing: bulk inserts, one transaction per batch ---------------------------------


@contextmanager
def historical_timestamps():
    """Keep the planned creation times instead of now.

    auto_now_add fields take the current time on every insert, bulk ones included; for
    cases received over 20 years the times must be the ones planned, so the flag is
    lifted for the duration of the load, in this process only.
    """
    fields = [
        Requester._meta.get_field("created_at"),
        Request._meta.get_field("created_at"),
        Contribution._meta.get_field("requested_at"),
        ClockEvent._meta.get_field("recorded_at"),
        TimelineEvent._meta.get_field("at"),
    ]
    for model_field in fields:
        model_field.auto_now_add = False
    try:
        yield
    finally:
        for model_field in fields:
            model_field.auto_now_add = True


def requester_for(rng, case):
    first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
    address = ""
    if case.channel == Channel.POST:
        address = f"{rng.randint(1, 200)} {rng.choice(STREETS)}\n{rng.choice(TOWNS)}"
    email = "" if case.channel in {Channel.POST, Channel.PHONE} else _email(rng, first, last)
    return Requester(
        name=f"{first} {last}",
        email=email,
        postal_address=address,
        created_at=case.received_at,
    )


def _email(rng, first, last):
    return f"{first}.{last}{rng.randint(1, 999)}@{rng.choice(MAIL_DOMAINS)}".lower()


def body_of(case, requester_name, authority_name):
    """The request as the requester wrote it: the questions are numbered within it."""
    numbered = "\n\n".join(f"Q{n}. {text}" for n, text in enumerate(case.questions, start=1))
    if case.regime == "sar":
        opening = (
            f"Under {ACTS['sar']}, please provide a copy of the personal data you hold "
            "about me, including:"
        )
    else:
        opening = (
            f"Under {ACTS[case.regime]}, please provide the following information about "
            f"{case.subject.rstrip('.')}:"
        )
    return (
        f"Dear {authority_name},\n\n{opening}\n\n{numbered}\n\n"
        f"Yours faithfully,\n{requester_name}\n"
    )


def insert_batch(rng, cases, staff, authority_name, now):
    """Insert ``cases`` and all that hangs off them; the number of rows written."""
    requesters = [requester_for(rng, case) for case in cases]
    Requester.objects.bulk_create(requesters, batch_size=ROWS_PER_INSERT)
    requests = [
        _request_row(case, requester, authority_name)
        for case, requester in zip(cases, requesters, strict=True)
    ]
    Request.objects.bulk_create(requests, batch_size=ROWS_PER_INSERT)
    questions = _questions(cases, requests)
    contributions, links = _contributions(cases, requests, questions, staff)
    clock_events = _clock_events(cases, requests)
    events = _timeline_events(rng, cases, requests, staff, now)
    ClockEvent.objects.bulk_create(clock_events, batch_size=ROWS_PER_INSERT)
    TimelineEvent.objects.bulk_create(events, batch_size=ROWS_PER_INSERT)
    counter = ReferenceCounter.objects.select_for_update().get(series="")
    counter.next_number = max(counter.next_number, cases[-1].number + 1)
    counter.save(update_fields=["next_number"])
    written = [requesters, requests, questions, contributions, links, clock_events, events]
    return sum(len(rows) for rows in written)


def _request_row(case, requester, authority_name):
    return Request(
        reference=str(case.number),
        regime=case.regime,
        channel=case.channel,
        received_at=case.received_at,
        subject=case.subject[:200],
        body=body_of(case, requester.name, authority_name),
        requested_format=case.requested_format,
        requester=requester,
        state=case.state,
        assigned_officer_id=case.officer,
        due_on=case.due_on,
        reminded_on=case.reminded_on,
        created_at=case.received_at,
    )


def _questions(cases, requests):
    rows = [
        Question(request=request, number=number, text=text)
        for case, request in zip(cases, requests, strict=True)
        for number, text in enumerate(case.questions, start=1)
    ]
    return Question.objects.bulk_create(rows, batch_size=ROWS_PER_INSERT)


def _contributions(cases, requests, questions, staff):
    """Each contribution is sent all the case's questions, as in the reference case."""
    by_request = {}
    for question in questions:
        by_request.setdefault(question.request_id, []).append(question)
    rows, asked = [], []
    for case, request in zip(cases, requests, strict=True):
        for planned in case.contributions:
            rows.append(_contribution_row(request, planned, staff))
            asked.append(by_request[request.pk])
    Contribution.objects.bulk_create(rows, batch_size=ROWS_PER_INSERT)
    through = Contribution.questions.through
    links = [
        through(contribution_id=contribution.pk, question_id=question.pk)
        for contribution, its_questions in zip(rows, asked, strict=True)
        for question in its_questions
    ]
    through.objects.bulk_create(links, batch_size=ROWS_PER_INSERT)
    return rows, links


def _contribution_row(request, planned, staff):
    answered = planned.answered_at is not None
    return Contribution(
        request=request,
        service_area_id=staff.areas[planned.area],
        instructions="Please answer the questions below for your service.",
        due_on=planned.due_on,
        status=planned.status,
        answer="The figures are in the attached spreadsheet." if answered else "",
        requested_at=planned.requested_at,
        answered_at=planned.answered_at,
        answered_by_id=staff.contributors[planned.area] if answered else None,
    )


def _clock_events(cases, requests):
    return [
        ClockEvent(
            request=request,
            kind=kind,
            on=on,
            note="Public interest test" if kind == law.Event.EXTENSION_APPLIED else "",
            recorded_by_id=case.officer,
            recorded_at=datetime.combine(on, case.received_at.timetz()),
        )
        for case, request in zip(cases, requests, strict=True)
        for kind, on in case.clock
    ]


def _timeline_events(rng, cases, requests, staff, now):
    rows = []
    for case, request in zip(cases, requests, strict=True):
        entries = timeline(case, staff)
        moments = timeline_times(rng, case, len(entries), now)
        rows += [
            TimelineEvent(request=request, at=at, actor_id=actor, kind=kind, description=words)
            for (kind, actor, words), at in zip(entries, moments, strict=True)
        ]
    return rows


# --- Set-up and the run ----------------------------------------------------------------


def check_migrated():
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise Refused(
            "The database has migrations still to apply. Run `uv run foidesk manage migrate` "
            "with the same settings first."
        )


def ensure_staff(extra_officers):
    """The demo authority and users, plus officer.1..N so the work is shared out."""
    demo.load(demo.password_in(settings.DATA_DIR))
    officers_group = Group.objects.get(name=Role.OFFICER)
    for n in range(1, extra_officers + 1):
        rng = random.Random(n)  # the same name for officer.N on every run
        user, created = User.objects.get_or_create(
            username=f"officer.{n}",
            defaults={
                "first_name": rng.choice(FIRST_NAMES),
                "last_name": rng.choice(SURNAMES),
                "email": f"officer.{n}@demo.foidesk.invalid",
            },
        )
        if created:
            user.set_unusable_password()  # nobody signs in as these: they hold cases
            user.save()
        user.groups.add(officers_group)
    return _staff()


def _staff():
    officers = list(
        User.objects.filter(groups__name=Role.OFFICER).order_by("pk").values_list("pk", flat=True)
    )
    users = {user.username: user for user in User.objects.all()}
    names = {user.pk: user.get_full_name() or user.username for user in users.values()}
    areas = dict(ServiceArea.objects.values_list("name", "pk"))
    contributors = {
        "Adults Services": users["contributor.adults"].pk,
        "Family Services": users["contributor.family"].pk,
    }
    return Staff(officers, users["approver"].pk, contributors, areas, names)


def check_can_load(append):
    """Refuses to load twice into one database unless appending.

    A fresh database gets the demo (its reference case and generated caseload) first;
    more requests than the demo makes means a load has already happened.
    """
    demo_cases = 1 + getattr(demo, "GENERATED_CASES", 0)
    existing = Request.objects.count()
    if existing > demo_cases and not append:
        raise Refused(
            f"The database already holds {existing:,} requests, more than the demo's "
            f"{demo_cases}. Load into a freshly migrated database, or give --append to add "
            "more after them."
        )


def first_number():
    """Where the new references start: after the last load, or at FIRST_REFERENCE."""
    counter, _ = ReferenceCounter.objects.get_or_create(
        series="", defaults={"next_number": FIRST_REFERENCE}
    )
    return max(FIRST_REFERENCE, counter.next_number)


def check_references_free(first, count):
    last = first + count - 1
    if len(str(last)) != len(str(first)):
        raise Refused(f"References {first} to {last} would not all have the same length.")
    clash = Request.objects.filter(
        reference__gte=str(first), reference__lte=str(last), reference__regex=r"^[0-9]+$"
    )
    if clash.exists():
        raise Refused(
            f"References between {first} and {last} are already taken "
            f"(e.g. {clash.first().reference})."
        )


def load(count, seed, append):
    check_migrated()
    check_can_load(append)
    rng = random.Random(seed)
    staff = ensure_staff(extra_officers=min(20, max(2, count // 20_000)))
    first = first_number()
    check_references_free(first, count)
    now = timezone.now()
    planner = Planner(rng, staff, services.deadline_settings(), timezone.localdate(), now)
    authority_name = services.current_authority().name
    moments = receipt_times(rng, count, now)
    started, rows = time.perf_counter(), 0
    with historical_timestamps():
        for offset in range(0, count, CASES_PER_TRANSACTION):
            chunk = moments[offset : offset + CASES_PER_TRANSACTION]
            cases = [planner.case(first + offset + i, at) for i, at in enumerate(chunk)]
            with transaction.atomic():
                rows += insert_batch(rng, cases, staff, authority_name, now)
            _progress(offset + len(chunk), count, rows, time.perf_counter() - started)
    inserted = time.perf_counter() - started
    analysed = analyse()
    return {
        "cases": count,
        "rows": rows,
        "seconds": round(inserted, 1),
        "analyse_seconds": round(analysed, 1),
        "cases_per_second": round(count / inserted),
        "rows_per_second": round(rows / inserted),
        "first_reference": str(first),
        "seed": seed,
    }


def analyse():
    """Fresh planner statistics on PostgreSQL, which autovacuum would gather soon anyway.

    SQLite is left as a fresh installation has it, without ANALYZE's statistics, since
    foidesk does not run ANALYZE or PRAGMA optimize itself.
    """
    if connection.vendor != "postgresql":
        return 0.0
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def _progress(done, count, rows, seconds):
    print(
        f"{done:>10,} / {count:,} cases  {rows:>11,} rows  {seconds:7.1f} s  "
        f"{done / seconds:8,.0f} cases/s  {rows / seconds:9,.0f} rows/s",
        flush=True,
    )


def record(result):
    """Keep the load's figures beside the data, for casework.py to report with its own."""
    path = Path(settings.DATA_DIR) / "generate.json"
    history = json.loads(path.read_text()) if path.exists() else []
    history.append(
        {
            **result,
            "vendor": connection.vendor,
            "database": str(connection.settings_dict["NAME"]),
            "finished_at": timezone.now().isoformat(timespec="seconds"),
            "cpus": os.cpu_count(),
            # Other work on the machine slows the load: this says how busy it was.
            "load_average_1_5_15": [round(load, 2) for load in os.getloadavg()],
        }
    )
    path.write_text(json.dumps(history, indent=2) + "\n")
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000, help="cases to add")
    parser.add_argument("--seed", type=int, default=1, help="for the same data every time")
    parser.add_argument(
        "--append", action="store_true", help="add to a database that already has cases"
    )
    args = parser.parse_args(argv)
    print(
        f"Loading {args.count:,} cases into {connection.vendor}: {connection.settings_dict['NAME']}"
    )
    try:
        result = load(args.count, args.seed, args.append)
    except Refused as problem:
        print(f"generate.py: {problem}", file=sys.stderr)
        return 2
    print(json.dumps(result, indent=2))
    print(f"Recorded in {record(result)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
