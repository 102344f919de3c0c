"""Normalisation: the words of a request that say what it asks for (:func:`normalise`), its
questions, and the head of it that the character part reads."""

from __future__ import annotations

import logging
import re
import unicodedata

from foidesk.text import wrapping

logger = logging.getLogger(__name__)

_CHARACTERS = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
    }
)
# The letter's wrapping, as text.wrapping lists it, matched in whole texts in lower case.
# WhatDoTheyKnow's footer is cut off (wrapping.footer_start) when one of its lines is there:
_FOOTER_WORDS = tuple(  # the longest literal of each line, a quick test before the regex
    max(line.split("{address}"), key=len).strip() for line in wrapping.WHATDOTHEYKNOW_FOOTER
)
# A greeting (wrapping.GREETING) is looked for in the first 300 characters. A sign-off ends
# the request: the rest is a signature (a name, a job title, a phone number). The short
# sign-offs are everyday words too, so here they count only on a line of their own.
# (No leading \b in these patterns: it would stop the regex engine skipping ahead quickly.)
_SIGN_OFF = re.compile(
    rf"(?:{wrapping.either(wrapping.SIGN_OFFS)})\b(?! to\b| for\b)"
    rf"|\n[ \t]*(?:{wrapping.either(wrapping.SHORT_SIGN_OFFS)})[ \t]*[,.!]?[ \t]*(?=\n|$)"
)
SIGNATURE_CHARS = 600  # a sign-off is looked for in the last 600 characters only


# Standard FOI phrases (wrapping.STANDARD_PHRASES) say nothing about what is asked. Matched
# word by word through a trie (quicker than a regex over the whole text), longest first.
_BOILERPLATE = wrapping.trie(wrapping.STANDARD_PHRASES)
_PUNCTUATION = ".,;:!?"


def _without_boilerplate(words):
    kept, i, n = [], 0, len(words)
    while i < n:
        word = words[i]
        node = _BOILERPLATE.get(word)
        if node is None and word[-1] in _PUNCTUATION:
            node = _BOILERPLATE.get(word.rstrip(_PUNCTUATION))
        end = -1
        if node is not None:
            j = i + 1
            if wrapping.END in node:
                end = j
            while j < n:
                following = node.get(words[j])
                if following is None and words[j][-1] in _PUNCTUATION:
                    following = node.get(words[j].rstrip(_PUNCTUATION))
                node = following
                if node is None:
                    break
                j += 1
                if wrapping.END in node:
                    end = j
        if end < 0:
            kept.append(word)
            i += 1
        else:
            i = end
    return kept


def normalise(text: str) -> str:
    """The words of a request that say what it asks for, in lower case on one line.

    Keeps numbers (years, ages, amounts); drops greetings, sign-offs and what follows them,
    the WhatDoTheyKnow footer, web and email addresses and standard FOI phrases.
    """
    text = unicodedata.normalize("NFKC", text or "")
    if not text.isascii():
        text = text.translate(_CHARACTERS)
    text = text.replace("&", " and ").casefold()
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if any(words in text for words in _FOOTER_WORDS):
        text = text[: wrapping.footer_start(text, lower_case=True)]
    for sign_off in _SIGN_OFF.finditer(text, max(0, len(text) - SIGNATURE_CHARS)):
        # Not where the request itself follows ("Many thanks. My second question is ...").
        if sign_off.start() >= len(text) // 2 or len(text) - sign_off.end() <= 200:
            text = text[: sign_off.start()]
            break
    if len(text) > 300:
        text = wrapping.GREETING.sub(" ", text[:300]) + text[300:]
    else:
        text = wrapping.GREETING.sub(" ", text)
    words = text.split()
    if "@" in text or "://" in text or "www." in text:  # web and email addresses
        words = [w for w in words if "@" not in w and "://" not in w and "www." not in w]
    while True:  # a phrase can enclose another ("i am writing under the ... act to request")
        shorter = _without_boilerplate(words)
        if len(shorter) == len(words):
            break
        words = shorter
    text = " ".join(words)
    return text.strip(" \t\n,.;:-")


def _indexable(text: str) -> str:
    """``normalise(text)``; for a text it cannot read, nothing, which matches nothing: one
    request must never stop the index, and similar requests, of every other."""
    try:
        return normalise(text)
    except Exception as error:  # whatever it is, the other requests go on
        # The type only: the text, and so the message, may hold personal data.
        logger.error(
            "A request's text could not be indexed (%s): it is left out", type(error).__name__
        )
        return ""


# Questions: the sentences (or what follows a list's number) ending in a question mark. Split
# at the marks, not searched for: a search would start again at every character of a long
# sentence that ends some other way.
_SENTENCE_END = re.compile(r"([.?!;:])")


def _asking(text: str, copies: int) -> str:
    """``text`` with its questions ``copies`` times more, for the word part: a request is
    what it asks. Round-robins are the same questions, but one requester quotes the Act at
    length, another thanks the council in advance, another explains who they are; letters
    that open the same way ask other things."""
    if copies <= 0 or "?" not in text:
        return text
    pieces = _SENTENCE_END.split(text)  # sentences, each followed by the mark ending it
    questions = " ".join(pieces[i] for i in range(0, len(pieces) - 1, 2) if pieces[i + 1] == "?")
    return " ".join([text, *[questions] * copies])


def _head(text: str, chars: int) -> str:
    """The first ``chars`` characters of a normalised text, not cutting a word."""
    if len(text) <= chars:
        return text
    cut = text.rfind(" ", 0, chars + 1)
    return text[: cut if cut > 0 else chars]
