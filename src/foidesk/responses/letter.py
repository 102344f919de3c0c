"""The response letter: its blocks, in the reference letter's order, each a small template.

Blocks are sandboxed Jinja2 producing the letter markup of ``markup.py``. An administrator
may replace any block's wording (``LetterBlock``); what they write can use only the values
the letter provides, never Python, and a block that fails to render says which and why.
"""

from dataclasses import dataclass
from pathlib import Path

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from foidesk.responses import markup

DEFAULTS = Path(__file__).parent / "letter_blocks"
# The blocks in the order the letter gives them; "exemption" repeats, one for each relied on.
ORDER = [
    ("letterhead", "Letterhead: team, authority, address, date and reference"),
    ("opening", "The request, quoted, and the law it was handled under"),
    ("held", "Whether the information is held"),
    ("answers", "The answer to each question"),
    ("exemption", "One section for each exemption relied on"),
    ("further_information", "What is already published, and where"),
    ("advice", "Advice and assistance (FOIA s.16)"),
    ("direct_marketing", "The direct marketing paragraph"),
    ("rights", "Review and Information Commissioner rights (FOIA s.17(7))"),
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
