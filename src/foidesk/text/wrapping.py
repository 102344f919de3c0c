"""The wrapping of a request: what stands around the requester's own words in what they sent.

A greeting ("Dear Sir/Madam,"); a sign-off and the signature under it (a name, a job title,
a telephone number, an email address, a postal address, "Sent from my iPhone"); the header
of an email pasted in whole; earlier mail quoted below ("On ... wrote:", "-----Original
Message-----", a From/Sent/To/Subject block, ">" lines); and the footer WhatDoTheyKnow puts
under every request it sends.

Splitting a request into questions, taking the requester out of what is published and
finding similar requests all need to know where the request itself begins and ends: these
are their one set of rules, and the one list of each kind of phrase. The signature matters
most: it names the requester, whom contributors and the public must never see. Pure Python,
no Django: the disclosure log and similar requests import it too.
"""

import re
from dataclasses import dataclass
from enum import StrEnum
from itertools import product


class Part(StrEnum):
    """A part of the wrapping, named as an officer is told why it was taken off."""

    GREETING = "the greeting"
    HEADER = "the email's header"
    QUOTED_MAIL = "a quoted earlier message"
    FOOTER = "the request's own email address and footer"
    SIGNATURE = "the sign-off and signature"


def spelled(*choices):
    """Every phrase made by taking one of each choice in turn ("" leaves a choice out)."""
    return frozenset(" ".join(" ".join(parts).split()) for parts in product(*choices))


# Marks where a phrase ends in a trie. Not a string, so no word looked up (not even one that
# stripping punctuation left empty) can be taken for it.
END = object()


def trie(phrases):
    """The phrases as nested dicts of their words; ``END in node`` where a phrase ends."""
    root: dict = {}
    for phrase in phrases:
        node = root
        for word in phrase.split():
            node = node.setdefault(word, {})
        node[END] = {}
    return root


def either(phrases):
    """A regex for any one of ``phrases``, with any spaces between their words: from a trie
    of the words, so that a search tries each first word once, and longer phrases first."""
    return _pattern(trie(phrases))


def _pattern(node):
    branches = []
    words = (word for word in node if word is not END)
    for word in sorted(words, key=lambda word: (-len(word), word)):
        following = node[word]
        rest = _pattern(following)
        if not rest:
            branches.append(re.escape(word))
        elif END in following:
            branches.append(rf"{re.escape(word)}(?:\s+(?:{rest}))?")
        else:
            branches.append(rf"{re.escape(word)}\s+(?:{rest})")
    return "|".join(branches)


# --- phrases ---------------------------------------------------------------------------------

# How a letter opens. A greeting runs to the first comma, colon or full stop on its line ("Dear
# London Borough of Barnet,"), or to the end of a line that holds nothing else ("Hello").
GREETINGS = (
    "dear", "hello", "hi", "hiya", "greetings", "good morning", "good afternoon",
    "good evening", "to whom it may concern",
)  # fmt: skip
GREETING = re.compile(
    rf"^[ \t>]*(?:(?:{either(GREETINGS)})(?![\w'-])"
    r"(?:(?:mr|mrs|ms|miss|dr|prof|cllr)\.|[^\n,:;.!?]){0,120}(?:[,:;.!]|$)"
    # A greeting with the request on its line, unpunctuated: "Dear Sir or Madam I would ..."
    r"|dear\s+(?:sirs?(?:\s+or\s+madam|/madam)?|madam|foi\s+(?:team|officer))\b)",
    re.IGNORECASE | re.MULTILINE,
)

# How a letter closes: phrases that end a letter wherever they stand ...
SIGN_OFFS = frozenset(
    {
        *spelled(["yours"], ["faithfully", "sincerely", "truly"]),
        *spelled(
            ["kind", "kindest", "best", "warm", "warmest", "many"], ["regards", "wishes", "thanks"]
        ),
        *spelled(["with"], ["kind", "best", ""], ["regards"]),
    }
)
# ... and everyday words that end it only at the start of a line ("Thanks to the new policy,
# how many ...?" is a question).
SHORT_SIGN_OFFS = frozenset(
    {
        *spelled(["thanks", "thank you"], ["", "again", "in advance", "very much"]),
        "regards",
        "cheers",
        "sincerely",
    }
)
# A sign-off line, perhaps with a name after it ("Many thanks, Priya Khan (Ms)").
SIGN_OFF = re.compile(
    rf"^[ \t]*(?P<phrase>{either(SIGN_OFFS | SHORT_SIGN_OFFS)})(?![\w'-])[\s,.!]*"
    r"(?P<name>[\w .'()-]{1,40})?$",
    re.IGNORECASE,
)
# The signature delimiter of plain-text email ("-- "), which needs no sign-off above it.
SIGNATURE_DELIMITER = re.compile(r"^--$")
# What a phone or a mail program adds under a message.
SENT_FROM = re.compile(
    r"^(?:sent from (?:my|mail for|outlook for|yahoo mail (?:for|on))\s+\S.{0,40}"
    r"|get outlook for \S.{0,30})$",
    re.IGNORECASE,
)
# A signature is a few short lines: a name, a job title, telephone numbers, email and postal
# addresses. More, or longer, and it is the request going on.
SIGNATURE_LINES = 10
SIGNATURE_WIDTH = 80
_LETTER = re.compile(r"[^\W\d_]")

# Earlier mail below the request: a reply's introduction, a mail program's divider, or a
# block of header lines (From, and Sent, Date or Subject).
WROTE = re.compile(r"^on\s.{4,200}\swrote:$", re.IGNORECASE)
ORIGINAL = re.compile(
    r"^(?:-{2,}\s*(?:original message|forwarded message)\s*-{2,}|begin forwarded message:)$",
    re.IGNORECASE,
)
HEADER_LINE = re.compile(r"^(?P<field>from|sent|to|cc|bcc|date|subject)[ \t]*:", re.IGNORECASE)
HEADER_BLOCK_LINES = 12  # From, Sent, To, Cc, Bcc, Date, Subject and a few more at most
QUOTED = ">"  # the mark each line of quoted mail begins with

# WhatDoTheyKnow ends every request it sends with a rule, then these lines ({address}: the
# authority's own); everything from the first of them on is theirs, not the requester's.
WHATDOTHEYKNOW_FOOTER = (
    "please use this email address for all replies to this request",
    "is {address} the wrong address for freedom of information requests",
    "disclaimer: this message and any reply that you make will be published",
    "for more detailed guidance on safely disclosing information",
    "if you find this service useful as an foi officer",
    "please note that in some cases publication of requests and responses will be delayed",
)
_FOOTER = "|".join(
    either([line]).replace(re.escape("{address}"), r"\S+") for line in WHATDOTHEYKNOW_FOOTER
)
FOOTER = re.compile(_FOOTER, re.IGNORECASE)
FOOTER_IN_LOWER_CASE = re.compile(_FOOTER)  # four times quicker, for text in lower case
RULE = re.compile(r"^[-_=*]{5,}$")  # a line drawn across, above a footer or quoted mail

# How requesters number their questions: "Q1.", "Question 1:", "1)", "(a)", bullet points.
# The wrapping ends where a question begins.
QUESTION_MARKERS = {
    "question": re.compile(r"^\s*(?:q|question)\s*(\d+)\s*[.):\-–]?\s+(.*)$", re.IGNORECASE),
    "number": re.compile(r"^\s*\(?(\d+)[.)]\s+(.*)$"),
    "letter": re.compile(r"^\s*\(?([a-z])\)\s+(.*)$"),
    "bullet": re.compile(r"^\s*([-*•‣◦])\s+(.*)$"),
}

# Phrases nearly every request carries; they say nothing about what is asked.
STANDARD_PHRASES = frozenset().union(
    spelled(
        ["under", "in accordance with", "pursuant to", "under the provisions of", "as per"],
        ["the", ""],
        ["freedom of information", "foi", "environmental information"],
        ["(scotland)", ""],
        ["act", "regulations", ""],
        ["2000", "2002", "2004", ""],
    ),
    spelled(["freedom of information"], ["(scotland)", ""], ["act"], ["2000", "2002", ""]),
    spelled(
        ["i am writing", "i'm writing"],
        ["to you", ""],
        ["to"],
        ["make", "submit", ""],
        ["a", "an", ""],
        ["request", "ask"],
        ["for", ""],
        ["the following", ""],
        ["information", ""],
    ),
    spelled(
        ["please", ""],
        ["could", "can", "would"],
        ["you"],
        ["please", ""],
        ["kindly", ""],
        ["provide", "send"],
        ["me", ""],
        ["with", ""],
        ["the following"],
        ["information", ""],
    ),
    spelled(
        ["please provide", "please send"],
        ["me", ""],
        ["with", ""],
        ["the following"],
        ["information", ""],
    ),
    spelled(
        ["i would"],
        ["like", "be grateful"],
        ["to request", "for", "if you could provide"],
        ["the following", "this"],
        ["information", ""],
    ),
    spelled(
        ["thank you", "thanks", "many thanks"],
        ["in advance", ""],
        ["for your"],
        ["help", "time", "assistance"],
    ),
    spelled(["i look forward to"], ["hearing from you", "your reply", "your response"]),
)
_WORD = re.compile(r"[\w']+")
_STANDARD_WORDS = frozenset(_WORD.findall(" ".join(STANDARD_PHRASES)))


def only_standard_phrases(text):
    """Whether ``text`` is made of nothing but the words of standard phrases, so says nothing
    of what is asked: "I am writing to request under the Freedom of Information Act 2000 the
    following information:", "Thank you for your help." One that names what it asks ("... to
    request the number of potholes reported in 2023") is the request itself."""
    words = _WORD.findall(text.casefold().replace("\u2019", "'"))
    return bool(words) and all(word in _STANDARD_WORDS for word in words)


# --- taking the wrapping off -----------------------------------------------------------------


@dataclass(frozen=True)
class Unwrapped:
    """A request's text without its wrapping. ``body`` is the request itself; ``removed``
    holds what was taken off, as (start, end, Part) into the text, in order, apart."""

    body: str
    removed: tuple


@dataclass(frozen=True)
class _Line:
    start: int  # where the line begins in the text
    end: int  # where the next begins
    at: int  # where its words begin
    text: str  # its words, without the spaces around them


def unwrap(text):
    """``text`` (a request as its requester sent it) as the request itself and its wrapping.

    Taken off: the header of an email pasted in whole, at the top; the greeting, in the
    first two lines; everything from quoted earlier mail or the WhatDoTheyKnow footer on;
    ">" lines; and the signature (see :func:`_signature`).
    """
    text = text if isinstance(text, str) else ""
    lines = _lines(text)
    removed = []
    top = _first_said(lines)
    header_end = _header_block(lines, top)
    if header_end is not None:
        removed.append((lines[top].start, lines[header_end - 1].end, Part.HEADER))
        top = header_end
    end, part = _where_the_letter_ends(text, lines, top)
    if part is not None:
        removed.append((lines[end].start, len(text), part))
    said = [i for i in range(top, end) if lines[i].text and not lines[i].text.startswith(QUOTED)]
    greeted, greeting = _greeting(lines, said[:2])
    request = [i for i in said if i != greeted]
    signed = _signature(lines, said, request[0] if request else len(lines))
    if signed is not None:
        removed.append((lines[signed].start, lines[end].start, Part.SIGNATURE))
    if greeting is not None and (signed is None or greeting[0] < lines[signed].start):
        removed.append(greeting)
    removed.extend(_quoted_lines(lines, top, end if signed is None else signed))
    removed.sort()
    kept, at = [], 0
    for start, stop, _ in removed:
        kept.append(text[at:start])
        at = stop
    kept.append(text[at:])
    return Unwrapped("".join(kept).strip(), tuple(removed))


def footer_start(text, start=0, *, lower_case=False):
    """Where the WhatDoTheyKnow footer begins in ``text`` (from ``start`` on), the rule drawn
    above it included; None when it has none. ``lower_case``: the text is in lower case."""
    found = (FOOTER_IN_LOWER_CASE if lower_case else FOOTER).search(text, start)
    if found is None:
        return None
    return _rule_above(text, text.rfind("\n", 0, found.start()) + 1)


def _lines(text):
    """The lines of ``text``, split at "\\n" only, so that positions are the text's own; and
    an empty line after them, at the end of the text."""
    lines, start = [], 0
    for piece in text.split("\n"):
        end = min(start + len(piece) + 1, len(text))
        lines.append(_Line(start, end, start + len(piece) - len(piece.lstrip()), piece.strip()))
        start = end
    lines.append(_Line(len(text), len(text), len(text), ""))
    return lines


def _first_said(lines):
    """The index of the first line with words on it (of the empty last line if none has)."""
    index = 0
    while index < len(lines) - 1 and not lines[index].text:
        index += 1
    return index


def _header_block(lines, index):
    """Where a block of email header lines beginning at ``index`` ends, or None: a From line
    and a Sent, Date or Subject line, among header lines one after another. ("From: Barnet"
    and "To: Camden" alone are a journey.)"""
    fields, end = set(), index
    while end < min(len(lines), index + HEADER_BLOCK_LINES):
        field = HEADER_LINE.match(lines[end].text)
        if field is None:
            break
        fields.add(field["field"].lower())
        end += 1
    return end if "from" in fields and fields & {"sent", "date", "subject"} else None


def _where_the_letter_ends(text, lines, top):
    """(the index of the line where quoted mail or the footer begins, which of them), or
    (the index of the empty last line, None) when neither follows."""
    footer = footer_start(text, lines[top].start)
    for index in range(top, len(lines) - 1):
        line = lines[index]
        if footer is not None and line.start >= footer:
            return index, Part.FOOTER
        if _quoted_mail_begins(lines, index):
            begins = _rule_above(text, line.start)
            return next(i for i in range(index + 1) if lines[i].start == begins), Part.QUOTED_MAIL
    return len(lines) - 1, None


def _quoted_mail_begins(lines, index):
    line = lines[index].text
    if WROTE.match(line) or ORIGINAL.match(line):
        return True
    header = HEADER_LINE.match(line)
    if header and header["field"].lower() == "from" and _header_block(lines, index) is not None:
        return True
    # Mail programs break a long "On ... wrote:" line in two.
    return bool(WROTE.match(f"{line} {lines[index + 1].text}"))


def _rule_above(text, start):
    """``start``, where a line begins, moved up to a rule drawn above it, over blank lines."""
    at = start
    while at > 0:
        above = text.rfind("\n", 0, at - 1) + 1
        line = text[above:at].strip()
        if line and not RULE.match(line):
            break
        if line:
            start = above
        at = above
    return start


def _greeting(lines, candidates):
    """(the index of a line that is nothing but a greeting, or None; (start, end,
    Part.GREETING) of the greeting found in one of ``candidates``, or None)."""
    for index in candidates:
        line = lines[index]
        found = GREETING.match(line.text)
        if found:
            rest = line.text[found.end() :]
            if not rest.strip():
                return index, (line.start, line.end, Part.GREETING)
            # The greeting and the spaces after it; the words after them stay.
            words_at = line.at + len(line.text) - len(rest.lstrip())
            return None, (line.at, words_at, Part.GREETING)
    return None, None


def _signature(lines, said, request_begins):
    """The index of the line the signature begins on, or None.

    Walking up from the end over a few short lines that are not part of the request, it
    begins at the sign-off (or "-- ") found there: the last one, or an earlier one still
    when only lines that are not sentences stand between ("Kind regards, / Jo / Thanks
    again"). Unless it is unmistakable ("Kind regards"), it needs some of the request (from
    ``request_begins``, the index of its first line) before it: a letter opening "Thanks for
    your reply." is not all signature. Without a sign-off, only the "Sent from my iPhone"
    lines that end the text.
    """
    starts, signature_lines, sentence = [], 0, False
    for index in reversed(said):
        line = lines[index].text
        if SIGN_OFF.match(line) or SIGNATURE_DELIMITER.match(line):
            if starts and sentence:
                break
            starts.append(index)
            sentence = False
        elif signature_lines < SIGNATURE_LINES and _signature_line(line):
            signature_lines += 1
            sentence = sentence or line.endswith(".")
        else:
            break
    for start in reversed(starts):
        if request_begins < start or _unmistakable(lines[start].text):
            return start
    sent_from = None
    for index in reversed(said):
        if not SENT_FROM.match(lines[index].text):
            break
        sent_from = index
    return sent_from if sent_from is not None and request_begins < sent_from else None


def _unmistakable(line):
    """Whether ``line`` is a sign-off that never begins a letter ("Kind regards")."""
    sign_off = SIGN_OFF.match(line)
    return sign_off is not None and " ".join(sign_off["phrase"].lower().split()) in SIGN_OFFS


def _signature_line(line):
    """Whether ``line`` could be part of a signature: short, and neither a question nor one
    of a list of them ("(020) 8359 2000" is a telephone number, not item 20)."""
    if len(line) > SIGNATURE_WIDTH or line.endswith("?"):
        return False
    for marker in QUESTION_MARKERS.values():
        item = marker.match(line)
        if item and _LETTER.search(item.group(2)):
            return False
    return True


def _quoted_lines(lines, top, end):
    """(start, end, Part.QUOTED_MAIL) of each run of ">" lines from ``top`` to ``end``."""
    runs = []
    for line in lines[top:end]:
        if not line.text.startswith(QUOTED):
            continue
        if runs and runs[-1][1] == line.start:
            runs[-1] = (runs[-1][0], line.end, Part.QUOTED_MAIL)
        else:
            runs.append((line.start, line.end, Part.QUOTED_MAIL))
    return runs
