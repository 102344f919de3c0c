"""Casework operations; views call these and nothing else touches the models directly."""

from foidesk.casework.models import Authority

UNCONFIGURED_AUTHORITY_NAME = "Your authority"


def current_authority():
    """The authority this installation serves, or an unsaved placeholder until one is set."""
    authority = Authority.objects.filter(id=Authority.SINGLETON_ID).first()
    if authority is None:
        return Authority(name=UNCONFIGURED_AUTHORITY_NAME)
    return authority
