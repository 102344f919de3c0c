"""Codes as they are stored, with the words a person reads for each."""

from enum import StrEnum


class Labelled(StrEnum):
    """A list of codes, each member given as ``NAME = "code", "Label"``.

    The code is what is stored and what the API speaks; the label is what pages and forms
    show. Django's choices are made from it with ``choices()``, never written again.
    """

    def __new__(cls, code, label):
        member = str.__new__(cls, code)
        member._value_ = code
        member.label = label
        return member


def choices(members):
    """(code, label) pairs of ``members``, as Django's model fields and forms take them."""
    return [(member.value, member.label) for member in members]
