"""The text as indexed and shown, the same on both databases: control characters taken out,
the database's marks around matches turned into <mark> elements, and the leading words of an
entry listed without words to match."""

import html
import re

SNIPPET_WORDS = 30

# Marks around matches in the database's snippet: control characters, which indexed text
# never contains (they are taken out), so that the text can be escaped and the marks then
# turned into <mark> elements.
START, STOP = "\x02", "\x03"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean(text):
    return _CONTROL.sub(" ", text or "")


def _marked_html(fragment):
    """Escape the database's fragment, then turn its marks into <mark> elements."""
    escaped = html.escape(fragment.replace("\u2026", "...").strip(), quote=True)
    escaped = escaped.replace(START, "<mark>").replace(STOP, "</mark>")
    return escaped.replace("...", "\u2026")


def _best(*fragments):
    """The fragment with the most matches marked; the first when none has more."""
    fragments = [fragment or "" for fragment in fragments]
    return max(fragments, key=lambda fragment: fragment.count(START))


def _leading_words(text, count=SNIPPET_WORDS):
    words = _clean(text).split()
    fragment = " ".join(words[:count])
    return html.escape(fragment + ("\u2026" if len(words) > count else ""), quote=True)
