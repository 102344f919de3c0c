"""The small markup response letters are written in, and its renderings.

Letter blocks are plain text with just enough structure for a letter:

    ## Heading            (### and #### for smaller ones)
    > quoted text         (the request, as the requester wrote it)
    - a bullet point
    **bold words**
    [words](https://a.link)

A blank line ends a paragraph. Nothing else is special, so an administrator editing a
block cannot break the page, and every rendering (HTML, plain text, DOCX) reads the same.
"""

import re
from dataclasses import dataclass
from html import escape

INLINE = re.compile(r"\*\*(?P<bold>.+?)\*\*|\[(?P<text>[^\]]+)\]\((?P<url>[^)\s]+)\)")
# Only these kinds of link reach a letter; anything else stays as text.
SAFE_LINK = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    link: str = ""


@dataclass(frozen=True)
class Heading:
    level: int
    runs: tuple


@dataclass(frozen=True)
class Paragraph:
    runs: tuple


@dataclass(frozen=True)
class Bullets:
    items: tuple  # of tuples of Runs


@dataclass(frozen=True)
class Quote:
    runs: tuple


def parse(markup):
    """The blocks of ``markup``: headings, paragraphs and bullet lists."""
    blocks, lines, bullets = [], [], []
    quoting = False

    def end_paragraph():
        if lines:
            text = runs(" ".join(lines))
            blocks.append(Quote(text) if quoting else Paragraph(text))
            lines.clear()

    def end_bullets():
        if bullets:
            blocks.append(Bullets(tuple(bullets)))
            bullets.clear()

    for raw in markup.splitlines():
        line = raw.strip()
        heading = re.match(r"^(#{2,4})\s+(.*)$", line)
        if line.startswith(">") != quoting and lines:
            end_paragraph()
        if line.startswith(">"):
            quoting, line = True, line[1:].strip()
            if not line:
                end_paragraph()
                continue
        elif line:
            quoting = False
        if not line:
            end_paragraph()
            end_bullets()
        elif heading:
            end_paragraph()
            end_bullets()
            blocks.append(Heading(len(heading.group(1)), runs(heading.group(2))))
        elif line.startswith(("- ", "* ")):
            end_paragraph()
            bullets.append(runs(line[2:].strip()))
        else:
            end_bullets()
            lines.append(line)
    end_paragraph()
    end_bullets()
    return blocks


def runs(text):
    """The inline runs of ``text``: plain, bold and linked."""
    found, at = [], 0
    for match in INLINE.finditer(text):
        if match.start() > at:
            found.append(Run(text[at : match.start()]))
        if match.group("bold"):
            found.append(Run(match.group("bold"), bold=True))
        elif SAFE_LINK.match(match.group("url")):
            found.append(Run(match.group("text"), link=match.group("url")))
        else:
            found.append(Run(match.group(0)))
        at = match.end()
    if at < len(text):
        found.append(Run(text[at:]))
    return tuple(found)


def to_html(blocks, heading_offset=0):
    """HTML for ``blocks``; headings start at h2 (plus ``heading_offset``)."""
    parts = []
    for block in blocks:
        if isinstance(block, Heading):
            level = min(block.level + heading_offset, 6)
            parts.append(f"<h{level}>{_html_runs(block.runs)}</h{level}>")
        elif isinstance(block, Paragraph):
            parts.append(f"<p>{_html_runs(block.runs)}</p>")
        elif isinstance(block, Quote):
            parts.append(f"<blockquote><p>{_html_runs(block.runs)}</p></blockquote>")
        else:
            items = "".join(f"<li>{_html_runs(item)}</li>" for item in block.items)
            parts.append(f"<ul>{items}</ul>")
    return "\n".join(parts)


def _html_runs(items):
    html = []
    for run in items:
        text = escape(run.text)
        if run.link:
            text = f'<a href="{escape(run.link)}">{text}</a>'
        if run.bold:
            text = f"<strong>{text}</strong>"
        html.append(text)
    return "".join(html)


def to_text(blocks):
    """Plain text for ``blocks``: for email bodies and for reading a letter in a terminal."""
    parts = []
    for block in blocks:
        if isinstance(block, Heading):
            parts.append(
                _text_runs(block.runs).upper() if block.level == 2 else _text_runs(block.runs)
            )
        elif isinstance(block, Paragraph):
            parts.append(_text_runs(block.runs))
        elif isinstance(block, Quote):
            parts.append("> " + _text_runs(block.runs))
        else:
            parts.append("\n".join(f"- {_text_runs(item)}" for item in block.items))
    return "\n\n".join(parts) + "\n"


def _text_runs(items):
    return "".join(
        f"{run.text} <{run.link}>" if run.link and run.link != run.text else run.text
        for run in items
    )
