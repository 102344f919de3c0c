"""What foidesk knows of a request's requester, and what of it each person may see.

The requester is personal data: only those who may see the requester
(permissions.VIEW_REQUESTER) see a subject that names them; contributors and everyone else
see it with the requester taken out.
"""

from foidesk.accounts import permissions
from foidesk.text import personal_data, redaction


def known_requester(case):
    """What foidesk knows of the requester, to take out of all it publishes: their details
    as kept, and any telephone number their request gives (in its signature)."""
    requester = case.requester
    return {
        "name": requester.name if requester else "",
        "emails": [requester.email] if requester and requester.email else [],
        "address": requester.postal_address if requester else "",
        "phones": [
            case.body[found.start : found.end]
            for found in personal_data.find(case.body, None)
            if found.kind == "phone"
        ],
    }


def subject_shown_to(user, case):
    """The request's subject as ``user`` may see it. A subject can name the requester
    ("Freedom of Information request - Jo Bloggs"), and only those who may see the requester
    may see that; contributors and everyone else see it redacted."""
    if user.has_perm(permissions.VIEW_REQUESTER, case):
        return case.subject
    return redaction.redact(case.subject, **known_requester(case)).text
