"""The regimes a request can be handled under, and their time limits (data/regimes.toml).

Every list of regimes in foidesk (the models' choices, the forms', the API's and the
command line's) is made from ``Regime`` and the lists below, never written out again.
"""

import functools
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from foidesk.law import calendars

DATA = Path(__file__).parent / "data" / "regimes.toml"


class Regime(StrEnum):
    FOI = "foi"
    EIR = "eir"
    FOISA = "foisa"
    EISR = "eisr"
    SAR = "sar"
    REVIEW = "review"
    EIR_REVIEW = "eir-review"
    FOISA_REVIEW = "foisa-review"
    EISR_REVIEW = "eisr-review"

    @property
    def rules(self):
        return _rules()[self]

    @property
    def label(self):
        """What pages and forms call it: the statute's name."""
        return self.rules.title


@dataclass(frozen=True)
class Period:
    """A time limit: ``working_days`` or calendar ``months``, and where the law sets it.

    For an extension, ``notice`` is where the law says the requester must be told of it
    within the time limit it extends; empty where the law sets no such day.
    """

    working_days: int | None
    months: int | None
    source: str
    name: str = ""
    notice: str = ""

    @property
    def in_words(self):
        if self.working_days is not None:
            return f"{self.working_days} working days"
        return f"{self.months} calendar month{'s' if self.months != 1 else ''}"


@dataclass(frozen=True)
class Rule:
    rule: str
    source: str


@dataclass(frozen=True)
class RegimeRules:
    regime: Regime
    title: str
    short: str
    calendar: str
    calendar_source: str
    limit: Period
    extended: Period | None
    fee: Rule
    clarification: Rule
    receipt_on_non_working_day: bool
    reviews: Regime | None
    scottish: bool

    def calendar_for(self, nation, overrides=()):
        if self.calendar == "united-kingdom":
            return calendars.united_kingdom(overrides)
        if self.calendar == "scotland":
            return calendars.scotland(overrides)
        return calendars.nation(nation, overrides)


@functools.cache
def _rules():
    data = tomllib.loads(DATA.read_text())
    return {Regime(key): _regime_rules(Regime(key), entry) for key, entry in data.items()}


def _regime_rules(regime, entry):
    return RegimeRules(
        regime=regime,
        title=entry["title"],
        short=entry["short"],
        calendar=entry["calendar"],
        calendar_source=entry["calendar_source"],
        limit=_period(entry["limit"]),
        extended=_period(entry["extended"]) if "extended" in entry else None,
        fee=Rule(**entry["fee"]),
        clarification=Rule(**entry["clarification"]),
        receipt_on_non_working_day=entry["receipt_on_non_working_day"],
        reviews=Regime(entry["reviews"]) if "reviews" in entry else None,
        scottish=entry.get("scottish", False),
    )


def _period(entry):
    return Period(
        working_days=entry.get("working_days"),
        months=entry.get("months"),
        source=entry["source"],
        name=entry.get("name", ""),
        notice=entry.get("notice", ""),
    )


# The regimes a request is made under: a review is opened from the response it reviews.
REQUESTS = tuple(regime for regime in Regime if regime.rules.reviews is None)
# Those giving a right to recorded information, which have exemptions and a disclosure log;
# subject access gives a right to one's own personal data instead.
INFORMATION = tuple(regime for regime in REQUESTS if regime != Regime.SAR)
# What the deadline calculator, its page and ``foidesk deadline``, works out: a request,
# or an internal review under FOIA.
CALCULATED = (*REQUESTS, Regime.REVIEW)
