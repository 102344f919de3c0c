"""The statutory rules foidesk encodes: calendars, regimes, deadlines, exemptions.

Pure Python with no Django import, so that the rules can be read, tested and run on their
own (the ``foidesk deadline`` command starts without Django). Nothing outside this package
decides how a statutory time limit is counted.
"""

from foidesk.law.calendars import Nation, Override
from foidesk.law.deadlines import (
    AuthoritySettings,
    ClockError,
    ClockEvent,
    Deadline,
    Event,
    ExtensionRefused,
    NonWorkingDayReceipt,
    deadline,
)
from foidesk.law.exemptions import Exemption, catalogue, exemption, for_regime
from foidesk.law.labels import choices
from foidesk.law.refusals import (
    Decision,
    Held,
    Outcome,
    PublicInterestTest,
    QuestionDecision,
    ResponseFacts,
    outcome,
    problems,
    public_interest_deferred,
)
from foidesk.law.regimes import Regime

__all__ = [
    "AuthoritySettings",
    "ClockError",
    "ClockEvent",
    "Deadline",
    "Decision",
    "Event",
    "Exemption",
    "ExtensionRefused",
    "Held",
    "Nation",
    "NonWorkingDayReceipt",
    "Outcome",
    "Override",
    "PublicInterestTest",
    "QuestionDecision",
    "Regime",
    "ResponseFacts",
    "catalogue",
    "choices",
    "deadline",
    "exemption",
    "for_regime",
    "outcome",
    "problems",
    "public_interest_deferred",
]
