"""Finding the case a message belongs to: the references it quotes
(:func:`references_in`) and the Message-IDs it answers (:func:`message_ids_in`)."""

from __future__ import annotations

import re

from foidesk.intake.parsing.parsed_message import ParsedMessage


def references_in(message: ParsedMessage, pattern: re.Pattern) -> list[str]:
    """References ``pattern`` (casework.references.pattern) finds: subject first, then the
    text, then forwarded messages."""
    found, seen = [], set()
    group = "reference" if "reference" in pattern.groupindex else 0
    for text in _searchable(message):
        for match in pattern.finditer(text):
            reference = match.group(group)
            if reference not in seen:
                seen.add(reference)
                found.append(reference)
    return found


def _searchable(message):
    yield message.subject
    yield message.text
    for inner in message.forwarded:
        yield from _searchable(inner)


def normalise_message_id(value: str) -> str:
    """A Message-ID as compared for threading: no <>, no spaces, lower case."""
    return value.strip().strip("<>").strip().lower()


def message_ids_in(message: ParsedMessage) -> list[str]:
    """The Message-IDs a reply points back to: In-Reply-To first, then References."""
    found = []
    for value in [message.in_reply_to, *message.references]:
        normalised = normalise_message_id(value or "")
        if normalised and normalised not in found:
            found.append(normalised)
    return found
