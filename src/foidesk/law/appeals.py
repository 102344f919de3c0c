"""After the response: asking for a review, the ICO's decision notice, the tribunal.

docs/law/internal-reviews-and-complaints.md.
"""

from dataclasses import dataclass
from datetime import timedelta

from foidesk.law import calendars
from foidesk.law.regimes import Regime

# Working days a requester has to ask for an internal review, counted from the response.
REVIEW_REQUEST_WINDOW = {
    Regime.FOI: (40, "Code of Practice under FOIA s.45 (2018), part 5"),
    Regime.EIR: (40, "EIR reg 11(2)"),
    Regime.FOISA: (40, "FOISA s.20(5)"),
    Regime.EISR: (40, "EISR reg 16(2)"),
}
ICO_COMPLIANCE_DAYS = 35
TRIBUNAL_APPEAL_DAYS = 28


@dataclass(frozen=True)
class Limit:
    due: object
    explanation: str


def review_requested_by(regime, responded_on, overrides=()):
    """The last day the requester should ask for an internal review of a response."""
    days, source = REVIEW_REQUEST_WINDOW[Regime(regime)]
    calendar = Regime(regime).rules.calendar_for(calendars.Nation.ENGLAND, overrides)
    due = calendar.working_days_after(responded_on, days)
    return Limit(due, f"{days} working days after the response ({source})")


def ico_compliance_by(notice_issued_on, days=ICO_COMPLIANCE_DAYS):
    """When the steps a decision notice requires are due: normally 35 calendar days."""
    return Limit(
        notice_issued_on + timedelta(days=days),
        f"{days} calendar days from the decision notice (FOIA s.50(4); the notice sets it)",
    )


def tribunal_appeal_by(notice_sent_on, overrides=()):
    """The last day to appeal a decision notice to the First-tier Tribunal.

    28 days from the date the notice was sent (GRC Rules 2009 r.22(1)(b)); a last day
    that is not a working day moves to the next one (r.12(2)). The tribunal sits in
    England and Wales, so their bank holidays are the ones counted.
    """
    calendar = calendars.nation(calendars.Nation.ENGLAND, overrides)
    due = calendar.on_or_after(notice_sent_on + timedelta(days=TRIBUNAL_APPEAL_DAYS))
    return Limit(
        due,
        f"{TRIBUNAL_APPEAL_DAYS} days from the date the decision notice was sent, moved to a "
        "working day (First-tier Tribunal (GRC) Rules 2009 r.22(1)(b) and r.12(2))",
    )
