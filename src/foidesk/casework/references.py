"""Request references: a configurable scheme, each number taken once, safe under concurrency.

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
        fields = [
            (name, spec)
            for _, name, spec, _ in string.Formatter().parse(scheme)
            if name is not None
        ]
    except ValueError:
        raise ValidationError("The reference format has an unmatched { or }.") from None
    literals = [text for text, _, _, _ in string.Formatter().parse(scheme)]
    if not all(LITERAL.match(text) for text in literals):
        raise ValidationError(
            "Use only letters, digits, hyphens, underscores and full stops around "
            "{number} and {year}."
        )
    names = [name for name, _ in fields]
    if "number" not in names:
        raise ValidationError("The reference format must include {number}.")
    for name, spec in fields:
        if name not in ALLOWED_FIELDS:
            raise ValidationError(f"{{{name}}} is not allowed: use {{number}} and {{year}} only.")
        if name == "number" and not NUMBER_SPEC.match(spec):
            raise ValidationError("Write {number} or a padded form such as {number:05d}.")
        if name == "year" and spec:
            raise ValidationError("Write {year} without a format.")
