"""Statutory deadlines, computed from the date of receipt and the clock events since.

The deadline is never stored as truth: it is worked out again from the events, and comes
with an explanation a person can check line by line. docs/law/time-limits.md.

Counting (FOIA s.10(1), ICO guidance): the day of receipt is day 0 and day 1 is the first
working day after it; the response is due on the 20th working day. Clarification
(FOIA s.1(3)) makes the day it arrives the new date of receipt. Fees (FOIA s.10(2)) pause
the clock: the days from the fees notice to the payment, both included, do not count.
An extension must be told to the requester by the original due date (FOIA s.10(3) with
s.17(2), EIR reg 7(3), EISR reg 7(2), UK GDPR Art 12(3)): one told later is refused.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from foidesk.law.calendars import Nation
from foidesk.law.dates import add_months, day_after, show, uk_date
from foidesk.law.labels import Labelled
from foidesk.law.regimes import Regime


class ClockError(ValueError):
    """The events cannot have happened as given; the message says what is wrong."""


class ExtensionRefused(ClockError):
    """An extension the law does not allow; the message is a whole sentence with its source."""


class Event(Labelled):
    """Something that stops, restarts or extends a request's statutory clock."""

    CLARIFICATION_SOUGHT = "clarification_sought", "Clarification sought"
    CLARIFICATION_RECEIVED = "clarification_received", "Clarification received"
    FEE_NOTICE_GIVEN = "fee_notice", "Fees notice given"
    FEE_RECEIVED = "fee_paid", "Fee received"
    EXTENSION_APPLIED = "extension", "Extension applied"
    REGIME_CHANGED = "regime_changed", "Regime changed"


@dataclass(frozen=True)
class ClockEvent:
    """Something that happened to a request's clock on a day; ``regime`` for a change."""

    event: Event
    on: date
    regime: Regime | None = None


class NonWorkingDayReceipt(StrEnum):
    """How to count a request received on a weekend or bank holiday (docs/law/time-limits.md).

    The ICO's reading, the default, keeps that day as the date of receipt, so the next
    working day is day 1. Some authorities treat the next working day as the date of
    receipt instead, which makes the deadline one working day later.
    """

    NEXT_WORKING_DAY_IS_DAY_ONE = "next-working-day-is-day-one"
    NEXT_WORKING_DAY_IS_RECEIPT = "next-working-day-is-receipt"


@dataclass(frozen=True)
class AuthoritySettings:
    """What the law leaves to the authority, with the ICO's reading as each default."""

    nation: Nation = Nation.ENGLAND
    non_working_day_receipt: NonWorkingDayReceipt = NonWorkingDayReceipt.NEXT_WORKING_DAY_IS_DAY_ONE
    overrides: tuple = ()
    # A request waiting on clarification or a fee may be closed as lapsed after this long.
    lapse_months: int = 3


@dataclass(frozen=True)
class Pause:
    """Days, both ends included, that do not count towards the time limit."""

    first: date
    last: date
    why: str

    def __contains__(self, day):
        return self.first <= day <= self.last

    @property
    def days(self):
        return (self.last - self.first).days + 1


@dataclass(frozen=True)
class Deadline:
    regime: Regime
    received: date
    start: date
    due: date | None
    extended_due: date | None
    extension_applied: bool
    stopped_for: str | None
    stopped_since: date | None
    lapses_on: date | None
    steps: tuple
    calendar: object = field(repr=False, compare=False)
    pauses: tuple = field(repr=False, compare=False)

    @property
    def final_due(self):
        """The date that binds: the extended due date once an extension is applied."""
        return self.extended_due if self.extension_applied else self.due

    @property
    def extension_by(self):
        """The last day the requester can be told of an extension: the original due date.

        None where the regime allows no extension or sets no such day, and while the clock
        is stopped.
        """
        extended = self.regime.rules.extended
        return self.due if extended is not None and extended.notice else None

    @property
    def extension_rule(self):
        """What the law says of extending this request's time, as a sentence with its source."""
        rules = self.regime.rules
        extended = rules.extended
        if extended is None:
            return _no_extension(rules) + "."
        if not extended.notice:
            return f"With the {extended.name}, {extended.in_words} in all ({extended.source})."
        return f"An extension must be given within {_first_period(rules)} ({extended.notice})."

    def counts(self, day):
        """Whether ``day`` counts towards the time limit."""
        return self.calendar.is_working_day(day) and not any(day in p for p in self.pauses)

    def working_days_elapsed(self, on):
        """Working days counted from day 0 up to and including ``on``."""
        return sum(1 for day in _days_between(self.start, on) if self.counts(day))

    def working_days_remaining(self, on):
        """Working days left after ``on`` up to the final due date; negative when overdue.

        None while the clock is stopped.
        """
        if self.final_due is None:
            return None
        if on <= self.final_due:
            return sum(1 for day in _days_between(on, self.final_due) if self.counts(day))
        overdue = _days_between(self.final_due, on)
        return -sum(1 for day in overdue if self.calendar.is_working_day(day))


def _days_between(after, upto):
    """Each date after ``after`` up to and including ``upto``."""
    return (after + timedelta(days=n) for n in range(1, (upto - after).days + 1))


def deadline(regime, received, events=(), settings=None, extended=False):
    """The deadline of a request under ``regime`` received at ``received``.

    ``received`` is a date or an aware datetime (taken as its Europe/London date);
    ``events`` are ClockEvents in any order. ``extended`` counts the extended period as
    if an extension were applied (an EXTENSION_APPLIED event does so and records when
    the requester was told). Raises ClockError for events that cannot have happened.
    """
    clock = _Clock(Regime(regime), uk_date(received), settings or AuthoritySettings())
    if extended:
        clock.require_extension()
        clock.extension_wanted = True
    return clock.run(sorted(events, key=lambda e: (e.on, list(Event).index(e.event))))


class _Clock:
    """Walks the events in order, then counts the time limit of the regime in force."""

    def __init__(self, regime, received, settings):
        self.regime = regime
        self.received = received
        self.settings = settings
        self.start = received
        self.start_words = "Received"
        self.pauses = []
        self.stopped = None  # (what it waits for, since, rule source)
        self.extension_wanted = False
        self.extension_told = None
        self.steps = []

    @property
    def rules(self):
        return self.regime.rules

    @property
    def extension_applied(self):
        return self.extension_wanted or self.extension_told is not None

    def heading(self, calendar, counted_from=""):
        """The first step: the regime, its time limit and which days count."""
        limit = self.rules.limit
        words = f"{self.rules.title}: {limit.in_words}{counted_from} ({limit.source})."
        if self.extension_applied:
            extended = self.rules.extended
            words += f" With the {extended.name}, {extended.in_words} in all ({extended.source})."
        return f"{words} {calendar.description} ({self.rules.calendar_source})."

    def calendar(self):
        return self.rules.calendar_for(self.settings.nation, self.settings.overrides)

    def require_extension(self):
        if self.rules.extended is None:
            raise ExtensionRefused(_no_extension(self.rules))

    def run(self, events):
        _check_order(events)
        for clock_event in events:
            if clock_event.on < self.received:
                raise ClockError(
                    f"the {_words(clock_event.event)} on {clock_event.on} is before the "
                    f"request was received on {self.received}"
                )
            getattr(self, "_" + clock_event.event.name.lower())(clock_event)
        if self.stopped is not None:
            return self._stopped()
        return self._count()

    def _clarification_sought(self, clock_event):
        source = self.rules.clarification.source
        self.steps.append(
            f"Clarification sought {show(clock_event.on)}: the clock stops until it arrives "
            f"({source})"
        )
        self.stopped = ("clarification", clock_event.on, source)

    def _clarification_received(self, clock_event):
        rule = self.rules.clarification
        sought = self.stopped[1] if self.stopped and self.stopped[0] == "clarification" else None
        if rule.rule == "pause":
            if sought is None:
                raise ClockError(
                    f"under {self.rules.short} the clock pauses from the day clarification "
                    "was sought: give that date too"
                )
            pause = Pause(sought, clock_event.on, f"waiting for clarification ({rule.source})")
            self.pauses.append(pause)
            self.steps.append(
                f"Clarification received {show(clock_event.on)}: the {pause.days} days from "
                f"{show(sought)} to {show(clock_event.on)}, both included, do not count "
                f"({rule.source})"
            )
        else:
            self.start, self.start_words = clock_event.on, "Clarification received"
            self.pauses = []
            self.steps.append(
                f"Clarification received {show(clock_event.on)}: this is the new date of "
                f"receipt, and the time limit starts again ({rule.source})"
            )
        self.stopped = None

    def _fee_notice_given(self, clock_event):
        rule = self.rules.fee
        if rule.rule == "none":
            raise ClockError(f"fees do not stop the clock of a {self.rules.short}")
        self.steps.append(
            f"Fee notice given {show(clock_event.on)}: the clock stops until the fee is paid "
            f"({rule.source})"
        )
        self.stopped = ("the fee", clock_event.on, rule.source)

    def _fee_received(self, clock_event):
        rule = self.rules.fee
        if self.stopped is None or self.stopped[0] != "the fee":
            raise ClockError(f"the fee was paid on {clock_event.on} but no fee notice was given")
        notice = self.stopped[1]
        if rule.rule == "restart":
            self.start, self.start_words = clock_event.on, "Fee received"
            self.steps.append(
                f"Fee received {show(clock_event.on)}: the time limit begins on this day "
                f"({rule.source})"
            )
        else:
            pause = Pause(notice, clock_event.on, f"fee notice to payment ({rule.source})")
            self.pauses.append(pause)
            self.steps.append(
                f"Fee received {show(clock_event.on)}: the days from {show(notice)} to "
                f"{show(clock_event.on)} do not count ({rule.source})"
            )
        self.stopped = None

    def _extension_applied(self, clock_event):
        self.require_extension()
        self.extension_told = clock_event.on

    def _regime_changed(self, clock_event):
        self.regime = Regime(clock_event.regime)
        self.steps.append(
            f"Handled under the {self.rules.title} from {show(clock_event.on)}; the date of "
            f"receipt stays {show(self.received)}"
        )

    def _begin_explanation(self):
        """Put the regime and what has happened since receipt before the count itself."""
        counted_from = ", counted from the day of receipt" if self.rules.limit.months else ""
        events = [f"Received {show(self.received)}", *self.steps] if self.steps else []
        self.steps = [self.heading(self.calendar(), counted_from), *events]

    def _stopped(self):
        self._begin_explanation()
        waiting_for, since, source = self.stopped
        lapses_on = add_months(since, self.settings.lapse_months)
        self.steps.append(
            f"The clock is stopped: waiting for {waiting_for} since {show(since)} ({source}). "
            f"If nothing arrives, the request can be closed as lapsed on {show(lapses_on)}."
        )
        return self._deadline(
            due=None, extended_due=None, stopped=(waiting_for, since), lapses_on=lapses_on
        )

    def _count(self):
        if self.extension_applied:
            self.require_extension()
        self._begin_explanation()
        counter = _MonthCounter if self.rules.limit.months else _WorkingDayCounter
        due, extended_due = counter(self).count()
        if self.extension_told:
            if self.rules.extended.notice and self.extension_told > due:
                raise ExtensionRefused(
                    f"An extension must be given within {_first_period(self.rules)}, by "
                    f"{show(due)}; it is too late to extend now ({self.rules.extended.notice})"
                )
            self.steps.append(
                f"The requester was told of the {self.rules.extended.name} on "
                f"{show(self.extension_told)}"
            )
        return self._deadline(due=due, extended_due=extended_due)

    def _deadline(self, due, extended_due, stopped=(None, None), lapses_on=None):
        return Deadline(
            regime=self.regime,
            received=self.received,
            start=self.start,
            due=due,
            extended_due=extended_due,
            extension_applied=self.extension_applied,
            stopped_for=stopped[0],
            stopped_since=stopped[1],
            lapses_on=lapses_on,
            steps=tuple(self.steps),
            calendar=self.calendar(),
            pauses=tuple(self.pauses),
        )


def _words(event):
    return event.name.lower().replace("_", " ")


def _no_extension(rules):
    return f"{rules.short} allows no extension of its {rules.limit.in_words}"


def _first_period(rules):
    """The time limit as the time within which an extension must be given."""
    limit = rules.limit
    if limit.working_days is not None:
        return f"the first {limit.working_days} working days"
    return "the first month" if limit.months == 1 else f"the first {limit.months} months"


def _plain(reason):
    """A reason without nested brackets, to sit inside brackets of its own."""
    return reason.replace(" (", ", ").replace(")", "")


# An event that ends a stop, and the event that must come before it.
_ENDS = {
    Event.FEE_RECEIVED: (Event.FEE_NOTICE_GIVEN, "the fee was paid", "the fee notice was given"),
    Event.CLARIFICATION_RECEIVED: (
        Event.CLARIFICATION_SOUGHT,
        "clarification was received",
        "it was sought",
    ),
}


def _check_order(events):
    for clock_event in events:
        if clock_event.event not in _ENDS:
            continue
        begins, ended_words, begun_words = _ENDS[clock_event.event]
        begun = [other.on for other in events if other.event == begins]
        if begun and clock_event.on < min(begun):
            raise ClockError(
                f"{ended_words} on {clock_event.on}, before {begun_words} on {min(begun)}"
            )


class _Counter:
    """Counts the time limit of the clock's regime, adding its lines to the explanation.

    Each kind's count() returns the due date and the extended due date (or None).
    """

    def __init__(self, clock):
        self.clock = clock
        self.rules = clock.rules
        self.calendar = clock.calendar()


class _WorkingDayCounter(_Counter):
    """Counts working days after day 0, naming each day counted and each weekday skipped."""

    def count(self):
        steps = self.clock.steps
        day_zero = self._day_zero()
        limit = self.rules.limit.working_days
        extended = self.rules.extended.working_days if self.rules.extended else None
        shown = extended if self.clock.extension_applied else limit
        due = extended_due = None
        day, number, paused_shown = day_zero, 0, set()
        while number < (extended or limit):
            day = day_after(day)
            pause = next((p for p in self.clock.pauses if day in p), None)
            if pause is not None:
                if pause not in paused_shown:
                    paused_shown.add(pause)
                    steps.append(
                        f"Not counted: {show(pause.first)} to {show(pause.last)} — {pause.why}"
                    )
                continue
            reason = self.calendar.reason_not_working(day)
            if reason is not None:
                if day.weekday() < 5 and number < shown:
                    steps.append(f"Not counted: {show(day)} — {reason}")
                continue
            number += 1
            if number <= shown:
                steps.append(f"Day {number}: {show(day)}")
            if number == limit:
                due = day
                steps.append(f"Due: {show(day)} (day {limit})")
        if extended:
            extended_due = day
            if self.clock.extension_applied:
                steps.append(f"Extended due date: {show(day)} (day {extended})")
        return due, extended_due

    def _day_zero(self):
        start, words = self.clock.start, self.clock.start_words
        steps = self.clock.steps
        reason = self.calendar.reason_not_working(start)
        if reason is None or not self.rules.receipt_on_non_working_day:
            steps.append(f"{words} {show(start)} (day 0)")
            return start
        setting = self.clock.settings.non_working_day_receipt
        if setting == NonWorkingDayReceipt.NEXT_WORKING_DAY_IS_RECEIPT:
            day_zero = self.calendar.next_working_day(start)
            steps.append(
                f"{words} {show(start)}, not a working day ({_plain(reason)}): treated as "
                f"received on {show(day_zero)} (day 0), as this authority's setting says"
            )
            return day_zero
        steps.append(
            f"{words} {show(start)} (day 0). It is not a working day ({_plain(reason)}), so "
            "the next working day is day 1 (the ICO's reading)"
        )
        return start


class _MonthCounter(_Counter):
    """Calendar months from the day of receipt, moved off a non-working day (UK GDPR Art 12A;
    docs/law/time-limits.md, subject access requests)."""

    def count(self):
        self.clock.steps.append(
            f"Counted from {show(self.clock.start)} ({self.clock.start_words.lower()})"
        )
        due = self._after(self.rules.limit.months, "Due")
        extended_due = None
        if self.rules.extended:
            extended_due = self._after(
                self.rules.extended.months,
                "Extended due date",
                quiet=not self.clock.extension_applied,
            )
        return due, extended_due

    def _after(self, months, label, quiet=False):
        start = self.clock.start
        day = add_months(start, months)
        lines = [f"{months} calendar month{'s' if months != 1 else ''} later: {show(day)}"]
        if day.day != start.day:
            lines[-1] += f" (there is no {start.day} {day:%B}, so the last day of the month)"
        paused = sum(p.days for p in self.clock.pauses if p.first >= start)
        if paused:
            day += timedelta(days=paused)
            lines.append(f"Plus {paused} days when the clock was stopped: {show(day)}")
        reason = self.calendar.reason_not_working(day)
        if reason is not None:
            moved = self.calendar.next_working_day(day)
            lines.append(
                f"{show(day)} is not a working day ({_plain(reason)}), so the deadline moves to "
                f"the next working day, {show(moved)}"
            )
            day = moved
        lines.append(f"{label}: {show(day)}")
        if not quiet:
            self.clock.steps.extend(lines)
        return day
