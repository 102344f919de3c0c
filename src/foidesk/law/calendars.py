"""Working-day calendars: which days count towards a statutory time limit, and why not.

FOIA s.10(6) and EIR reg 2(1): a working day is any day other than a Saturday, a Sunday,
Christmas Day, Good Friday or a bank holiday in any part of the United Kingdom, so an
English council does not count Scotland's 2 January or Northern Ireland's 12 July
(ICO line to take LTT47). FOISA s.73 counts only Scotland's bank holidays. Subject access
follows the authority's own nation. docs/law/time-limits.md (working days).
"""

import functools
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from foidesk.law import bank_holidays
from foidesk.law.dates import day_after, day_before, days_from


class Nation(StrEnum):
    ENGLAND = "england"
    WALES = "wales"
    SCOTLAND = "scotland"
    NORTHERN_IRELAND = "northern-ireland"

    @property
    def title(self):
        return self.replace("-", " ").title()


ALL_NATIONS = frozenset(Nation)


@dataclass(frozen=True)
class Override:
    """A change the authority makes to the bank holidays, e.g. a late royal proclamation.

    ``is_holiday`` True adds ``day`` as a bank holiday in ``nations``; False removes it.
    """

    day: date
    is_holiday: bool
    reason: str
    nations: frozenset = ALL_NATIONS


class Calendar:
    """Working days where the bank holidays of ``nations`` (after overrides) do not count."""

    def __init__(self, nations, overrides=(), description=""):
        self.nations = frozenset(nations)
        self.overrides = tuple(overrides)
        self.description = description
        self._years = {}

    def reason_not_working(self, day):
        """Why ``day`` does not count, in words, or None when it is a working day."""
        if day.weekday() == 5:
            return "Saturday"
        if day.weekday() == 6:
            return "Sunday"
        holidays = self._holidays(day.year).get(day)
        if not holidays:
            return None
        return "; ".join(
            f"{name} ({_nations_in_words(nations)})" for name, nations in holidays.items()
        )

    def is_working_day(self, day):
        return self.reason_not_working(day) is None

    def next_working_day(self, after):
        """The first working day after ``after``."""
        day = day_after(after)
        while not self.is_working_day(day):
            day = day_after(day)
        return day

    def working_days_after(self, day, count):
        """The ``count``-th working day after ``day``."""
        for _ in range(count):
            day = self.next_working_day(day)
        return day

    def working_days_before(self, day, count):
        """The working day ``count`` working days before ``day``."""
        for _ in range(count):
            day = day_before(day)
            while not self.is_working_day(day):
                day = day_before(day)
        return day

    def working_days_between(self, after, upto):
        """Working days after ``after`` up to and including ``upto``; negative if reversed."""
        if upto < after:
            return -self.working_days_between(upto, after)
        return sum(self.is_working_day(day) for day in days_from(day_after(after), upto))

    def on_or_after(self, day):
        """``day`` if it is a working day, otherwise the next one."""
        return day if self.is_working_day(day) else self.next_working_day(day)

    def _holidays(self, year):
        """{date: {name: nations}} for ``year``, overrides applied."""
        if year not in self._years:
            found = {}
            for nation in self.nations:
                for day, names in _with_overrides(nation, year, self.overrides).items():
                    for name in names.split("; "):
                        found.setdefault(day, {}).setdefault(name, set()).add(nation)
            self._years[year] = found
        return self._years[year]


def _with_overrides(nation, year, overrides):
    days = dict(bank_holidays.of_year(nation, year))
    for override in overrides:
        if override.day.year != year or nation not in override.nations:
            continue
        if override.is_holiday:
            days[override.day] = override.reason
        else:
            days.pop(override.day, None)
    return days


def _nations_in_words(nations):
    if nations == ALL_NATIONS:
        return "every UK nation"
    titles = [nation.title for nation in Nation if nation in nations]
    return titles[0] if len(titles) == 1 else ", ".join(titles[:-1]) + " and " + titles[-1]


def united_kingdom(overrides=()):
    return _calendar(
        ALL_NATIONS,
        tuple(overrides),
        "Saturdays, Sundays and bank holidays in any part of the UK do not count",
    )


def scotland(overrides=()):
    return _calendar(
        frozenset({Nation.SCOTLAND}),
        tuple(overrides),
        "Saturdays, Sundays and Scottish bank holidays do not count",
    )


def nation(which, overrides=()):
    which = Nation(which)
    return _calendar(
        frozenset({which}),
        tuple(overrides),
        f"Saturdays, Sundays and bank holidays in {which.title} do not count",
    )


@functools.cache
def _calendar(nations, overrides, description):
    # A calendar never changes, and keeps the holidays of each year it has counted: made
    # once for each set of nations and overrides, not again for every date a page shows.
    return Calendar(nations, overrides, description)
