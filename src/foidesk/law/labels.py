"""Codes as they are stored, with the words a person reads for each."""


def choices(members):
    """(code, label) pairs of ``members``, as Django's model fields and forms take them."""
    return [(member.value, member.label) for member in members]
