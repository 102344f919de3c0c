"""Reading what a person typed: words, "quoted phrases", -excluded words or phrases and OR
between them, as a :class:`Query`."""

import re
from dataclasses import dataclass

from foidesk.publication.search.snippets import _CONTROL

# Beyond this a query is cut: the first words are the ones a person meant most.
MAX_QUERY_CHARS = 1_000
MAX_TERMS = 16

_TOKEN = re.compile(r'(?P<minus>-*)(?:"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+))')


@dataclass(frozen=True, slots=True)
class Query:
    """All groups must match (each group: any of its words or phrases); no excluded may."""

    groups: tuple[tuple[str, ...], ...] = ()
    excluded: tuple[str, ...] = ()

    @property
    def ranked(self):
        return bool(self.groups)


def parse(text):
    """What ``text`` asks for; odd input gives fewer terms, never an error."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    # Lone surrogates cannot be sent to either database; control characters mean nothing.
    text = text.encode("utf-8", "replace").decode("utf-8")
    text = _CONTROL.sub(" ", text[:MAX_QUERY_CHARS])
    groups, excluded = [], []
    pending_or = negate_next = False
    count = 0
    for match in _TOKEN.finditer(text):
        phrase, word = match["phrase"], match["word"]
        negated = bool(match["minus"]) or negate_next
        if phrase is None:
            if word.startswith("-"):
                negated, word = True, word.lstrip("-")
            if word.upper() == "OR" and not negated:
                pending_or = bool(groups)
                continue
            if word == "AND" and not negated:
                continue
            if word == "NOT" and not negated:
                negate_next = True
                continue
            term = word
        else:
            term = " ".join(phrase.split())
        negate_next = False
        if not any(character.isalnum() for character in term):
            pending_or = False
            continue
        if count >= MAX_TERMS:
            break
        count += 1
        if negated:
            excluded.append(term)
            pending_or = False
        elif pending_or:
            groups[-1] = (*groups[-1], term)
            pending_or = False
        else:
            groups.append((term,))
    return Query(tuple(groups), tuple(excluded))
