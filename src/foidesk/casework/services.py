"""Casework operations; views call these and nothing else touches the models directly."""

from foidesk import law
from foidesk.casework.models import Authority, WorkingDayOverride

UNCONFIGURED_AUTHORITY_NAME = "Your authority"


def current_authority():
    """The authority this installation serves, or an unsaved placeholder until one is set."""
    authority = Authority.objects.filter(id=Authority.SINGLETON_ID).first()
    if authority is None:
        return Authority(name=UNCONFIGURED_AUTHORITY_NAME)
    return authority


def deadline_settings():
    """What foidesk.law needs from this authority: its nation, its reading, its overrides."""
    authority = current_authority()
    return law.AuthoritySettings(
        nation=law.Nation(authority.nation),
        non_working_day_receipt=law.NonWorkingDayReceipt(authority.non_working_day_receipt),
        overrides=tuple(override.as_law() for override in WorkingDayOverride.objects.all()),
    )


def deadline_for(regime, received, events=(), extended=False):
    """The statutory deadline, counted with this authority's settings."""
    return law.deadline(regime, received, events, deadline_settings(), extended=extended)
