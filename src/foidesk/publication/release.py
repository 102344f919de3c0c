"""Before anything is released: what in it could identify someone, and what a file hides.

Every part the public would see (the title, the request, the response) and every released
file, its text read back out of it, is searched for personal data (``personal_data``), and
every file is checked for hidden content (``filecheck``). Each finding is a Concern with a
key that stays the same while the words do, so an officer can decide on it: the
requester's own details can only be taken out; anyone else's can be taken out, or kept with
a reason that is recorded; a file's hidden content can be removed, or the file released
anyway with a reason.
"""

import hashlib
from dataclasses import dataclass

from foidesk.publication import file_text
from foidesk.responses import filecheck
from foidesk.text import personal_data

# Words either side of a finding, shown so the officer can judge it in place.
CONTEXT = 40


@dataclass(frozen=True)
class Concern:
    """Something an officer must decide on before a release."""

    key: str
    # "the title", "the request", "the response", or a released file's name
    part: str
    kind: str
    reason: str
    # The words found (for hidden content, where in the file it is).
    words: str
    before: str = ""
    after: str = ""
    # The requester's own detail: it can only be taken out, never kept.
    requester: bool = False
    # A file's hidden content rather than personal data in its text.
    hidden: bool = False
    # For hidden content, the filecheck remedy that removes it, if there is one.
    remedy: str | None = None

    @property
    def may_be_kept(self):
        return not self.requester

    def sentence(self):
        where = f"{self.part}: " if self.part else ""
        if self.hidden:
            return f"{where}{self.words}: {self.reason}"
        return f"{where}{self.reason}, “{self.words}”"


def _key(*parts):
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def in_text(part, text, requester, allowed):
    """The personal data in ``text`` (one part of what is published), each in its place."""
    concerns = []
    for found in personal_data.find(text, requester, allowed):
        words = text[found.start : found.end]
        concerns.append(
            Concern(
                # The same words are one decision wherever they stand: the released letter
                # is written from the response, and says what it says.
                key=_key(found.kind, " ".join(words.lower().split())),
                part=part,
                kind=found.kind,
                reason=found.reason,
                words=words,
                before=text[max(0, found.start - CONTEXT) : found.start],
                after=text[found.end : found.end + CONTEXT],
                requester=found.requester,
            )
        )
    return concerns


def in_file(filename, data, requester, allowed):
    """A released file's hidden content, and the personal data in its text."""
    concerns = [
        Concern(
            key=_key(filename, "hidden", found.kind, found.where),
            part=filename,
            kind=found.kind,
            reason=found.detail,
            words=found.where,
            hidden=True,
            remedy=found.remedy,
        )
        for found in filecheck.check(filename, data)
    ]
    try:
        text = file_text.text_of(filename, data)
    except file_text.FileTextError as unreadable:
        return [
            *concerns,
            Concern(
                key=_key(filename, "unreadable"),
                part=filename,
                kind="unreadable",
                reason=f"{unreadable.message} foidesk cannot check it for personal data",
                words=filename,
                hidden=True,
            ),
        ]
    return concerns + in_text(filename, text, requester, allowed)
