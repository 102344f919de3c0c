"""The response letter: its blocks, in the reference letter's order, each a small template.

Blocks are sandboxed Jinja2 producing the letter markup of ``markup.py``. An administrator
may replace any block's wording (``LetterBlock``); what they write can use only the values
the letter provides, never Python, and a block that fails to render says which and why.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from foidesk.responses import markup

DEFAULTS = Path(__file__).parent / "letter_blocks"
# The blocks in the order the letter gives them; "exemption" repeats, one for each relied on.
ORDER = [
    ("letterhead", "Letterhead: team, authority, address, date and reference"),
    ("addressee", "The requester's name and address, and the salutation"),
    ("opening", "The request, quoted, and the law it was handled under"),
    ("held", "Whether the information is held"),
    ("answers", "The answer to each question"),
    ("exemption", "One section for each exemption relied on"),
    ("further_information", "What is already published, and where"),
    ("advice", "Advice and assistance (FOIA s.16)"),
    ("direct_marketing", "The direct marketing paragraph"),
    ("rights", "Review and Information Commissioner rights (FOIA s.17(7))"),
    ("sign_off", "Sign-off: the officer, the team and the authority"),
]
BLOCK_KEYS = [key for key, _ in ORDER]

_environment = SandboxedEnvironment(
    autoescape=False, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True
)


class LetterError(Exception):
    """A letter block that cannot be rendered; the message names it and the problem."""


@dataclass(frozen=True)
class Letter:
    reference: str
    title: str
    blocks: list

    @property
    def html(self):
        return markup.to_html(self.blocks)

    @property
    def text(self):
        return markup.to_text(self.blocks)


# Titles a name may begin with, written with or without a full stop; a letter to a titled
# name greets the title and surname ("Dear Ms Smith"), as British letters do.
TITLES = {
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "dr",
    "prof",
    "professor",
    "rev",
    "revd",
    "reverend",
    "cllr",
    "councillor",
}
# For a letter to nobody by name: an erased requester, no name given, or the copy of the
# letter published in the disclosure log. The usual British greeting to an unknown reader.
UNNAMED = "Dear Sir or Madam"


def salutation(name):
    """How a letter to ``name`` begins: "Dear Ms Smith" for "Ms Jane Smith", "Dear Sam
    Requester" for a name with no title, and UNNAMED when there is no name to use.

    The surname is the last word with any lower-case particles before it ("Mr Ludwig van
    Beethoven": "Dear Mr van Beethoven"); after a title, anything from a comma or bracket
    on is left out ("Dr Jane Smith, PhD": "Dear Dr Smith").
    """
    words = str(name or "").split()
    if not words:
        return UNNAMED
    title, rest = words[0], " ".join(words[1:])
    if title.rstrip(".").lower() not in TITLES:
        return "Dear " + " ".join(words)
    named = re.split(r"[,(]", rest, maxsplit=1)[0].split()
    if not named:
        # A title alone names nobody; a title then only a bracket or comma is left as given.
        return f"Dear {' '.join(words)}" if rest else UNNAMED
    start = len(named) - 1
    # In a name written all in lower case the case says nothing about particles.
    if any(word[:1].isupper() for word in named):
        while start > 0 and named[start - 1][:1].islower():
            start -= 1
    return f"Dear {title} {' '.join(named[start:])}"


def valediction(greeting):
    """How a letter beginning ``greeting`` ends: "Yours faithfully" to a reader not named,
    "Yours sincerely" to one who is."""
    return "Yours faithfully" if greeting == UNNAMED else "Yours sincerely"


def default_text(key):
    return (DEFAULTS / f"{key}.txt").read_text()


def render_block(key, text, context):
    """The markup of one block; LetterError naming the block when its template fails."""
    try:
        return _environment.from_string(text).render(context)
    except TemplateError as problem:
        title = dict(ORDER)[key]
        raise LetterError(f"The block “{title}” cannot be used: {problem}.") from None


def compose(context, texts):
    """The letter for ``context``, with ``texts`` giving each block's template."""
    parts = []
    for key in BLOCK_KEYS:
        if key == "exemption":
            parts.extend(
                render_block(key, texts[key], {**context, "use": use})
                for use in context["exemptions"]
            )
        else:
            parts.append(render_block(key, texts[key], context))
    return Letter(
        reference=context["reference"],
        title=f"Response to request {context['reference']}",
        blocks=markup.parse("\n\n".join(parts)),
    )


def sample_context():
    """A made-up response with one of everything, to try a block's wording on."""
    return {
        "authority": {
            "name": "Example Council",
            "team_name": "Information Management Team",
            "postal_address": "1 Town Hall Square, Exampleton, EX1 1AA",
            "address_lines": ["1 Town Hall Square", "Exampleton", "EX1 1AA"],
            "email": "foi@example.gov.uk",
        },
        "reference": "1234567",
        "letter_date": "14 February 2020",
        "addressee": {
            "name": "Ms Jane Smith",
            "address_lines": ["10 High Street", "Exampleton", "EX1 2BB"],
        },
        "salutation": "Dear Ms Smith",
        "valediction": "Yours sincerely",
        "officer": "Olu Officer",
        "outcome": "partially_withheld",
        "received_on": "17 January 2020",
        "request_paragraphs": [
            "Please tell me:",
            "1. Which systems do you use?",
            "2. What did they cost?",
        ],
        "regime_title": "Freedom of Information Act 2000",
        "held": "yes",
        "questions": [
            {
                "number": 1,
                "text": "Which systems do you use?",
                "answer": "Mosaic.",
                "outcome": "released",
                "citations": "",
                "published_at": "",
            },
            {
                "number": 2,
                "text": "What did they cost?",
                "answer": "",
                "outcome": "withheld",
                "citations": "section 43(2)",
                "published_at": "",
            },
        ],
        "exemptions": [
            {
                "key": "foia-43-2",
                "heading": "Section 43(2): Commercial interests",
                "citation": "section 43(2)",
                "title": "Commercial interests",
                "kind": "qualified",
                "noun": "exemption",
                "procedural": False,
                "wording": "Disclosure would be likely to prejudice commercial interests.",
                "reasons": "The prices were negotiated individually.",
                "public_interest_test": True,
                "for_disclosure": ["Transparency"],
                "for_withholding": ["The council's negotiating position"],
                "conclusion": "The public interest favours withholding the information.",
                "questions": "Q2",
            }
        ],
        "workbook": "1234567-answers.xlsx",
        "further_information": "Our data portal: [data.example.gov.uk](https://data.example.gov.uk)",
        "advice_and_assistance": "You could narrow your request to one year.",
        "direct_marketing": True,
        "scotland": False,
    }


def preview(key, text):
    """The block ``key`` written with ``text``, on the sample response, as HTML."""
    context = sample_context()
    if key == "exemption":
        context = {**context, "use": context["exemptions"][0]}
    return markup.to_html(markup.parse(render_block(key, text, context)))
