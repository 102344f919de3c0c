r"""The small markup response letters are written in, and its renderings.

Letter blocks are plain text with just enough structure for a letter:

    ## Heading            (### and #### for smaller ones)
    > quoted text         (the request, as the requester wrote it)
    - a bullet point
    **bold words**
    [words](https://a.link)
    \*                   a backslash before \ * [ ] # > - keeps that character as itself

A blank line ends a paragraph. Nothing else is special, so an administrator editing a
block cannot break the page, and every rendering (HTML, plain text, DOCX) reads the same.
Text from outside the authority (the requester's name and address, the words of their
request) goes in through ``escape``, so that it always reads as the plain text it is.
"""

import html
import re
from dataclasses import dataclass, replace

# The characters that can start markup; escape() puts a backslash before each.
SPECIAL = re.compile(r"([\\*\[\]#>-])")
ESCAPED = re.compile(r"\\([\\*\[\]#>-])")
# An escaped character is consumed whole, so it can neither open nor close bold or a link.
INLINE = re.compile(
    r"\\(?P<escaped>[\\*\[\]#>-])"
    r"|\*\*(?P<bold>(?:\\.|[^\\])+?)\*\*"
    r"|\[(?P<text>(?:\\.|[^\]\\])+)\]\((?P<url>[^)\s]+)\)"
)
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


def escape(text):
    """``text`` as markup that renders as exactly that text, on one line.

    Line breaks become spaces: a line of its own could otherwise begin a heading, quote or
    bullet, and a blank line end the paragraph it was put in.
    """
    return SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


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
    found, plain, at = [], [], 0

    def end_plain():
        if "".join(plain):
            found.append(Run("".join(plain)))
        plain.clear()

    for match in INLINE.finditer(text):
        plain.append(text[at : match.start()])
        if match.group("escaped"):
            plain.append(match.group("escaped"))
        elif match.group("bold"):
            end_plain()
            found.append(Run(_unescaped(match.group("bold")), bold=True))
        elif SAFE_LINK.match(match.group("url")):
            end_plain()
            found.append(Run(_unescaped(match.group("text")), link=match.group("url")))
        else:
            plain.append(_unescaped(match.group(0)))
        at = match.end()
    plain.append(text[at:])
    end_plain()
    return tuple(found)


def _unescaped(text):
    return ESCAPED.sub(r"\1", text)


def rewritten(blocks, change):
    """``blocks`` with ``change`` applied to the text of each run: the words as read, with
    no markup left in them to hide a word from it."""

    def runs_of(items):
        return tuple(replace(run, text=change(run.text)) for run in items)

    changed = []
    for block in blocks:
        if isinstance(block, Bullets):
            changed.append(Bullets(tuple(runs_of(item) for item in block.items)))
        else:
            changed.append(replace(block, runs=runs_of(block.runs)))
    return changed


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
    parts = []
    for run in items:
        text = html.escape(run.text)
        if run.link:
            text = f'<a href="{html.escape(run.link)}">{text}</a>'
        if run.bold:
            text = f"<strong>{text}</strong>"
        parts.append(text)
    return "".join(parts)


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
