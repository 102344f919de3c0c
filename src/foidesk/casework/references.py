"""Request references: a configurable scheme, each number taken once, safe under concurrency,
and found again in the text of a reply.

The default is a plain sequence of 7 digits (5973764). The counter row is locked while a
number is taken, so two officers logging at the same moment get different numbers; a
number already used (say, by an imported case) is skipped, never reused
(``ReferenceCounter.allocate``).
"""

import re
import string

from django.core.exceptions import ValidationError

ALLOWED_FIELDS = {"number", "year"}
NUMBER_SPEC = re.compile(r"^(0\d+d)?$")
# References appear in web addresses and email subjects: letters, digits, - _ . only.
LITERAL = re.compile(r"^[A-Za-z0-9._-]*$")


def validate_format(scheme):
    """Raise ValidationError unless ``scheme`` is made of text, {number} and {year}."""
    try:
        _pieces(scheme)
    except ValueError as problem:
        raise ValidationError(str(problem)) from None


def _pieces(scheme):
    """The (text, field, spec) pieces of ``scheme``, the field None after the last text;
    ValueError saying what is wrong unless it is made of text, {number} and {year}."""
    try:
        pieces = [(text, name, spec) for text, name, spec, _ in string.Formatter().parse(scheme)]
    except ValueError:
        raise ValueError("The reference format has an unmatched { or }.") from None
    if not all(LITERAL.match(text) for text, _, _ in pieces):
        raise ValueError(
            "Use only letters, digits, hyphens, underscores and full stops around "
            "{number} and {year}."
        )
    fields = [(name, spec) for _, name, spec in pieces if name is not None]
    if "number" not in [name for name, _ in fields]:
        raise ValueError("The reference format must include {number}.")
    for name, spec in fields:
        if name not in ALLOWED_FIELDS:
            raise ValueError(f"{{{name}}} is not allowed: use {{number}} and {{year}} only.")
        if name == "number" and not NUMBER_SPEC.match(spec):
            raise ValueError("Write {number} or a padded form such as {number:05d}.")
        if name == "year" and spec:
            raise ValueError("Write {year} without a format.")
    return pieces


# What says a bare number is a reference: "Our ref", "FOI", "Request".
CUE = (
    r"(?<![A-Za-z0-9])"
    r"(?:ref(?:erence)?s?|foi(?:a|sa)?|eir|eisr|sar|request|case|enquiry)"
    r"(?![A-Za-z])"
)
# What may stand between the cue and the number: "Our ref: ", "ref no. ", "Case #",
# "Reference number - ". Bounded, so that a long run of punctuation cannot make the search
# slow.
FILLER = r"[\s:#./-]{0,4}(?:(?:no|nos|num|number|id|is)(?![A-Za-z])\.?[\s:#./-]{0,4})?"


def pattern(scheme="{number}", *, digits=7):
    """A regex finding references of ``scheme`` in text, such as an email's.

    A scheme with letters in it ("FOI-{year}-{number:04d}") is its own cue and matches
    anywhere, case as written. A scheme of bare numbers ("{number}", the default: ``digits``
    digits) matches only after a cue such as "Our ref", "FOI" or "Request", because a bare
    number is as likely a phone number or an amount. The reference is group "reference".
    ValueError, as validate_format says, for a scheme that is not a reference format.
    """
    pieces = _pieces(scheme)
    has_letters = any(re.search("[A-Za-z]", text) for text, _, _ in pieces)
    text_free = not any(text for text, _, _ in pieces)
    names = [name for _, name, _ in pieces if name is not None]
    body = []
    for text, name, spec in pieces:
        body.append(re.escape(text))
        if name == "year":
            body.append(r"\d{4}")
        elif name == "number":
            padded = re.fullmatch(r"0(\d+)d", spec)
            if padded:
                body.append(rf"\d{{{int(padded.group(1))},}}")
            elif text_free and len(names) == 1:
                body.append(rf"\d{{{digits}}}")
            else:
                body.append(r"\d+")
    reference = "".join(body)
    if has_letters:
        return re.compile(rf"(?<![A-Za-z0-9])(?P<reference>{reference})(?![A-Za-z0-9])")
    return re.compile(rf"(?i:{CUE}{FILLER})(?P<reference>{reference})(?![0-9])")
