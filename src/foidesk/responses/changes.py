"""What changed in a response between two moments: a list of parts, each with its words
before and after.

A response is read as a snapshot (``services.snapshot``): an ordered mapping from a label
a person understands ("Q2: answer", "Section 43(2): conclusion", "Sheet “Adults”: Number
of users / Mosaic", "The letter") to its text. The letter itself is compared paragraph by
paragraph, and a paragraph that only repeats a change already listed is left out, so an
approver reads each change once.

Pure Python with no Django import.
"""

import difflib
from dataclasses import dataclass

LETTER = "The letter"
# Paragraphs of the letter that quote the requester are never compared or shown: they do
# not change, and they may hold the requester's own name.
QUOTED = "> "


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


def between(before, after):
    """The changes from snapshot ``before`` to snapshot ``after``, in ``after``'s order."""
    labels = list(after) + [label for label in before if label not in after]
    found = [
        Change(label, before.get(label, ""), after.get(label, ""))
        for label in labels
        if label != LETTER and before.get(label, "") != after.get(label, "")
    ]
    return found + _letter_changes(before.get(LETTER, ""), after.get(LETTER, ""), found)


def _letter_changes(before, after, listed):
    old, new = _paragraphs(before), _paragraphs(after)
    words = [_squash(text) for change in listed for text in (change.before, change.after)]
    words = [text for text in words if text]
    found = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        was, now = "\n\n".join(old[i1:i2]), "\n\n".join(new[j1:j2])
        if _explained(_squash(was), _squash(now), words):
            continue
        found.append(Change(LETTER, was, now))
    return found


def _paragraphs(text):
    return [
        paragraph.strip()
        for paragraph in text.split("\n\n")
        if paragraph.strip() and not paragraph.strip().startswith(QUOTED)
    ]


def _explained(was, now, words):
    """Whether a changed paragraph only carries a part's change already listed."""
    return any((word in text or text in word) for word in words for text in (was, now) if text)


def _squash(text):
    return " ".join(text.split())


def describe(changes, limit=None):
    """The changes in one sentence for the timeline: each part, what it was, what it is."""
    shown = changes if limit is None else changes[:limit]
    parts = [
        f"{change.label}: {_quoted(change.before)} → {_quoted(change.after)}" for change in shown
    ]
    if limit is not None and len(changes) > limit:
        parts.append(f"and {len(changes) - limit} more")
    return "; ".join(parts)


def _quoted(text):
    return f"“{_squash(text)}”" if text.strip() else "(nothing)"
