"""Taking the requester out of what is published: their name, addresses, signature and
sign-off, quoted email headers and earlier messages, and contact details in the text.

A disclosure log must never identify the requester (LAW.md section 8). An officer sees
each removal highlighted before anything goes live, so the rules lean towards removing.
Pure Python: the caller passes in what it knows of the requester.
"""

import html
import re
from dataclasses import dataclass

from foidesk.publication import personal_data

REMOVED = "[removed]"

SIGN_OFF = re.compile(
    r"^\s*(yours (sincerely|faithfully|truly)|kind(est)? regards|best (regards|wishes)|"
    r"warm regards|many thanks|thanks( again| in advance)?|thank you( in advance)?|regards|"
    r"cheers)\b[\s,.!]*(?P<name>[\w .'-]{1,40})?$",
    re.IGNORECASE,
)
QUOTED_HEADER = re.compile(r"^\s*(from|sent|to|cc|date|subject)\s*:", re.IGNORECASE)
WROTE = re.compile(r"^\s*on .{4,120} wrote:\s*$", re.IGNORECASE)
ORIGINAL = re.compile(r"^\s*-{2,}\s*(original message|forwarded message)\s*-{2,}\s*$", re.I)
# WhatDoTheyKnow ends each request with a rule, then text naming the request's own address.
FOOTER_RULE = re.compile(r"^\s*-{20,}\s*$")
SIGNATURE_LINES = 6
LIST_ITEM = re.compile(r"^(\(?\w{1,3}[.)]|[-*•]|q(uestion)?\s*\d+)\s", re.IGNORECASE)


@dataclass(frozen=True)
class Removal:
    reason: str
    start: int
    end: int


@dataclass(frozen=True)
class Redacted:
    original: str
    text: str
    removals: tuple

    def removed_lines(self):
        """Each line taken out that could identify someone (a bare "Yours faithfully" cannot)."""
        lines = []
        for removal in self.removals:
            for line in self.original[removal.start : removal.end].splitlines():
                line = line.strip(" \t>,")
                sign_off = SIGN_OFF.match(line)
                if len(line) >= 3 and not (sign_off and not sign_off["name"]):
                    lines.append(line)
        return lines

    def preview_html(self):
        """The original with each removal marked, for the officer to check."""
        parts, at = [], 0
        for removal in self.removals:
            parts.append(html.escape(self.original[at : removal.start]))
            parts.append(
                f'<del class="foidesk-removed" title="{html.escape(removal.reason)}">'
                f"{html.escape(self.original[removal.start : removal.end])}</del>"
            )
            at = removal.end
        parts.append(html.escape(self.original[at:]))
        return "".join(parts)


def redact(text, *, name="", emails=(), address=""):
    """``text`` without the requester: ``name``, their ``emails`` and postal ``address``,
    sign-offs and signatures, quoted headers and earlier messages, and anyone's personal
    data (personal_data.find), postcodes included: a request's are the requester's."""
    requester = personal_data.Requester(name=name, emails=emails, postal_address=address)
    return _without(
        text,
        [
            *_block_spans(text),
            *_found_spans(personal_data.find(text, requester)),
            *_spans(personal_data.POSTCODE, text, "a postcode"),
        ],
    )


def redact_letter(text, *, name="", emails=(), address="", request=None):
    """Our own letter without the requester: their name, addresses, and whatever was taken
    out of their ``request`` (a Redacted) where the letter quotes it. The authority's own
    address, email and telephone number stay: they are meant to be read."""
    quoted = request.removed_lines() if request else []
    requester = personal_data.Requester(name=name, emails=emails, postal_address=address)
    found = [f for f in personal_data.find(text, requester) if f.requester]
    return _without(
        text,
        [
            *_found_spans(found),
            *_literal_spans(text, quoted, "removed from the request"),
        ],
    )


def _found_spans(findings):
    return [Removal(finding.reason, finding.start, finding.end) for finding in findings]


def _without(text, spans):
    removals = _merged(spans)
    parts, at = [], 0
    for removal in removals:
        parts.append(text[at : removal.start])
        parts.append(REMOVED)
        at = removal.end
    parts.append(text[at:])
    return Redacted(text, _tidy("".join(parts)), tuple(removals))


def _spans(pattern, text, reason):
    return [Removal(reason, match.start(), match.end()) for match in pattern.finditer(text)]


def _literal_spans(text, needles, reason):
    spans = []
    for needle in needles:
        pattern = re.compile(r"(?<!\w)" + re.escape(needle) + r"(?!\w)", re.IGNORECASE)
        spans.extend(_spans(pattern, text, reason))
    return spans


def _block_spans(text):
    """Whole blocks: quoted earlier messages, header blocks, the footer and the signature."""
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    cut = _cut(lines)
    spans = []
    if cut is not None:
        index, reason = cut
        spans.append(Removal(reason, offsets[index], len(text)))
    body_end = cut[0] if cut is not None else len(lines)
    for index, line in enumerate(lines[:body_end]):
        if line.lstrip().startswith(">"):
            spans.append(Removal("a quoted earlier message", offsets[index], offsets[index + 1]))
    signed = _signature(lines[:body_end])
    if signed is not None:
        spans.append(Removal("the sign-off and signature", offsets[signed], offsets[body_end]))
    return spans


def _signature(lines):
    """Where the closing sign-off starts: the last one, followed only by a few short lines
    that are not part of the request (a name, a job title, a telephone number)."""
    for index in range(len(lines) - 1, -1, -1):
        if SIGN_OFF.match(lines[index]):
            after = [line.strip() for line in lines[index + 1 :] if line.strip()]
            looks_like_request = any(line.endswith("?") or LIST_ITEM.match(line) for line in after)
            short = all(len(line) <= 60 for line in after)
            if len(after) <= SIGNATURE_LINES and short and not looks_like_request:
                return index
            return None
    return None


def _cut(lines):
    """Where the request itself ends and quoted mail or a footer begins, with why."""
    for index, line in enumerate(lines):
        if QUOTED_HEADER.match(line) or WROTE.match(line) or ORIGINAL.match(line):
            return index, "a quoted earlier message"
        if FOOTER_RULE.match(line):
            return index, "the request's own email address and footer"
    return None


def _merged(spans):
    """Overlapping removals as one, in order, keeping the first reason."""
    merged = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if merged and span.start <= merged[-1].end:
            last = merged[-1]
            merged[-1] = Removal(last.reason, last.start, max(last.end, span.end))
        else:
            merged.append(span)
    return merged


def _tidy(text):
    """Runs of removals and the blank lines they leave, collapsed."""
    text = re.sub(r"(\[removed\][\s,]*){2,}", REMOVED + " ", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
