"""HTML to text: :func:`html_to_text`, readable text from an HTML body, its paragraphs,
line breaks, lists, tables and links kept and its quotes marked."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from foidesk.intake.parsing.charsets import _clean_body


def html_to_text(markup: str) -> str:
    """Readable text from an HTML body: paragraphs and line breaks kept, quotes marked."""
    converter = _HtmlText()
    try:
        converter.feed(markup)
        converter.close()
        text = converter.text()
    except Exception:
        # html.parser still rejects a few malformed declarations; stripping tags keeps
        # the words, which is what matters.
        text = _strip_tags(markup)
    return _clean_body(re.sub(r"\n{3,}", "\n\n", text))


def _strip_tags(markup):
    markup = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", markup)
    markup = re.sub(r"(?i)<br\s*/?>|</(p|div|tr|li|h[1-6])\s*>", "\n", markup)
    return html.unescape(re.sub(r"<[^>]*>", " ", markup))


HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# Quote marks and list indents stop growing here: thousands of nested <blockquote>s would
# otherwise make text quadratic in size.
MAX_MARKS = 10


class _HtmlText(HTMLParser):
    SKIPPED = {"script", "style", "title", "template", "noscript", "head"}
    # Elements whose start and end each put a blank line in the text.
    PARAGRAPHS = {"p", "pre", "blockquote", "table", *HEADINGS}
    # Elements that start and end a line.
    BLOCKS = {
        "address", "article", "aside", "caption", "center", "dd", "div", "dl", "dt",
        "fieldset", "figcaption", "figure", "footer", "form", "header", "hr", "li", "main",
        "nav", "section", "tr",
    }  # fmt: skip
    SPACES = re.compile(r"\s+")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self._lines = []  # (blockquote depth, text) of finished lines
        self._line = []
        self._has_text = False  # the current line has more than whitespace and markers
        self._skip = 0
        self._quote = 0
        self._pre = 0
        self._lists = []  # one [kind, items so far] per open list
        self._cells = []  # cells so far in the current row, one per open table
        self._links = []  # (href, text inside the link) per open link

    # A <head> left open would otherwise hide the whole body: <body> closes it.
    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self._skip = 0
            return
        if tag in self.SKIPPED:
            self._skip += 1
            return
        if self._skip:
            return
        if tag == "br":
            self._end_line(keep_empty=True)
        elif tag in ("ul", "ol"):
            self._list_boundary()
            self._lists.append([tag, 0])
        elif tag == "li":
            self._block()
            self._list_item()
        elif tag in self.PARAGRAPHS:
            self._paragraph()
            if tag == "blockquote":
                self._quote += 1
            elif tag == "pre":
                self._pre += 1
            elif tag == "table":
                self._cells.append(0)
        elif tag in ("td", "th"):
            self._cell()
        elif tag in self.BLOCKS:
            self._block()
            if tag == "tr" and self._cells:
                self._cells[-1] = 0
        elif tag == "a":
            self._links.append([dict(attrs).get("href") or "", ""])

    def handle_endtag(self, tag):
        if tag in self.SKIPPED:
            self._skip = max(0, self._skip - 1)
            return
        if self._skip:
            return
        if tag in ("ul", "ol"):
            if self._lists:
                self._lists.pop()
            self._list_boundary()
        elif tag in self.PARAGRAPHS:
            self._paragraph()
            if tag == "blockquote":
                self._quote = max(0, self._quote - 1)
            elif tag == "pre":
                self._pre = max(0, self._pre - 1)
            elif tag == "table" and self._cells:
                self._cells.pop()
        elif tag in self.BLOCKS:
            self._block()
        elif tag == "a" and self._links:
            href, text = self._links.pop()
            # Requesters paste links to what they want; keep the address, once.
            if href.startswith(("http://", "https://")) and href not in text:
                self._write(f" ({href})")

    def handle_data(self, data):
        if self._skip:
            return
        # Only the innermost link's text is kept, and only its start: enough to see whether
        # the text already shows the address, without quadratic work on unclosed links.
        if self._links and len(self._links[-1][1]) < 2000:
            self._links[-1][1] += data
        self._write(data)

    def _write(self, data):
        if self._pre:
            for number, piece in enumerate(data.split("\n")):
                if number:
                    self._end_line(keep_empty=True)
                self._append(piece)
            return
        data = self.SPACES.sub(" ", data)
        if not self._line or self._line[-1].endswith(" "):
            data = data.lstrip()
        self._append(data)

    def _append(self, data):
        if data:
            self._line.append(data)
            self._has_text = self._has_text or not data.isspace()

    def _list_item(self):
        if not self._lists:
            self._line.append("- ")
            return
        kind_and_count = self._lists[-1]
        kind_and_count[1] += 1
        indent = "  " * min(len(self._lists) - 1, MAX_MARKS)
        marker = f"{kind_and_count[1]}. " if kind_and_count[0] == "ol" else "- "
        self._line.append(indent + marker)

    def _cell(self):
        if self._cells:
            if self._cells[-1] and self._has_text:
                self._line.append(" | ")
            self._cells[-1] += 1
        elif self._has_text:
            self._line.append(" ")

    def _end_line(self, keep_empty=False):
        line = "".join(self._line)
        self._line, self._has_text = [], False
        # Leading spaces can only be a nested list's indent: text is stripped as it comes.
        line = line.rstrip()
        if line or keep_empty:
            self._lines.append((self._quote, line))

    def _block(self):
        if self._has_text:
            self._end_line()
        self._line, self._has_text = [], False

    def _list_boundary(self):
        # A list stands apart from the text around it; a list inside a list does not.
        if self._lists:
            self._block()
        else:
            self._paragraph()

    def _paragraph(self):
        self._block()
        if self._lines and self._lines[-1][1]:
            self._lines.append((self._quote, ""))

    def text(self):
        self._block()
        lines, following = [], 0
        for depth, line in reversed(self._lines):
            if line:
                following = depth
            else:
                # A blank line after a quote belongs to the shallower side, so that text
                # after a quotation does not look quoted.
                depth = min(depth, following)
            lines.append(("> " * min(depth, MAX_MARKS) + line).rstrip())
        return "\n".join(reversed(lines))
