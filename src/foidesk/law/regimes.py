"""The regimes a request can be handled under, and their time limits (data/regimes.toml)."""

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
    )


def _period(entry):
    return Period(
        working_days=entry.get("working_days"),
        months=entry.get("months"),
        source=entry["source"],
        name=entry.get("name", ""),
        notice=entry.get("notice", ""),
    )
