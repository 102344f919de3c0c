"""Taking the requester out of what is published: their name, addresses, signature and
sign-off, quoted email headers and earlier messages, and contact details in the text.

A disclosure log must never identify the requester (docs/law/personal-data.md, publishing).
An officer sees each removal highlighted before anything goes live, so the rules lean
towards removing.
Pure Python: the caller passes in what it knows of the requester.
"""

import html
import re
from dataclasses import dataclass

from foidesk.text import personal_data
from foidesk.text.wrapping import SIGN_OFF, Part, unwrap

REMOVED = "[removed]"


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


def redact(text, *, name="", emails=(), address="", phones=(), also=()):
    """``text`` without the requester: ``name``, their ``emails``, postal ``address`` and
    ``phones``, sign-offs and signatures, quoted headers and earlier messages, and anyone's
    personal data (personal_data.find), postcodes included: a request's are the
    requester's. ``also``: words an officer chose to take out as well."""
    requester = personal_data.Requester(
        name=name, emails=emails, postal_address=address, phones=phones
    )
    return _without(
        text,
        [
            *_block_spans(text),
            *_found_spans(personal_data.find(text, requester)),
            *_spans(personal_data.POSTCODE, text, "a postcode"),
            *_literal_spans(text, also, "taken out by an officer"),
        ],
    )


def redact_letter(text, *, name="", emails=(), address="", phones=(), request=None, also=()):
    """Our own letter without the requester: their name, addresses, and whatever was taken
    out of their ``request`` (a Redacted) where the letter quotes it. The authority's own
    address, email and telephone number stay: they are meant to be read. ``also``: words an
    officer chose to take out as well."""
    quoted = request.removed_lines() if request else []
    requester = personal_data.Requester(
        name=name, emails=emails, postal_address=address, phones=phones
    )
    found = [f for f in personal_data.find(text, requester) if f.requester]
    return _without(
        text,
        [
            *_found_spans(found),
            *_literal_spans(text, quoted, "removed from the request"),
            *_literal_spans(text, also, "taken out by an officer"),
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
    for needle in (needle for needle in needles if needle.strip()):
        pattern = re.compile(r"(?<!\w)" + re.escape(needle) + r"(?!\w)", re.IGNORECASE)
        spans.extend(_spans(pattern, text, reason))
    return spans


def _block_spans(text):
    """Whole blocks: the email's header, quoted earlier messages, the footer and the
    signature, as text.wrapping finds them. The greeting stays: it names the authority."""
    return [
        Removal(str(part), start, end)
        for start, end, part in unwrap(text).removed
        if part != Part.GREETING
    ]


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
