"""The response letter: its blocks, in the reference letter's order, each a small template.

Blocks are sandboxed Jinja2 producing the letter markup of ``markup.py``. An administrator
may replace any block's wording (``LetterBlock``); what they write can use only the values
the letter provides, never Python, and a block that fails to render says which and why. Nor
may their wording leave a letter without what the law requires of it: ``wording_problems``
writes made-up refusals with it and asks foidesk.law.
"""

import functools
import re
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from foidesk import law
from foidesk.responses import markup

DEFAULTS = Path(__file__).parent / "letter_blocks"
# The blocks in the order the letter gives them; "exemption" repeats, one for each relied on.
ORDER = [
    ("letterhead", "Letterhead: team, authority, address, date and reference"),
    ("addressee", "The requester's name and address, and the salutation"),
    ("correction", "What a corrected response corrects, and when the first was sent"),
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


@functools.lru_cache(maxsize=256)
def _compiled(text):
    # Compiling a block costs more than rendering it, and a page composes a letter several
    # times (to show it, and to check it before each step it offers).
    return _environment.from_string(text)


def render_block(key, text, context):
    """The markup of one block; LetterError naming the block when its template fails."""
    try:
        return _compiled(text).render(context)
    except TemplateError as problem:
        title = dict(ORDER)[key]
        raise LetterError(f"The block “{title}” cannot be used: {problem}.") from None


def compose(context, texts, rewrite=None):
    """The letter for ``context``, with ``texts`` giving each block's template;
    ``rewrite``, if given, changes each piece of the letter's text once it is read (the
    disclosure log takes the requester out of it so)."""
    parts = []
    for key in BLOCK_KEYS:
        if key == "exemption":
            parts.extend(
                render_block(key, texts[key], {**context, "use": use})
                for use in context["exemptions"]
            )
        else:
            parts.append(render_block(key, texts[key], context))
    blocks = markup.parse("\n\n".join(parts))
    return Letter(
        reference=context["reference"],
        title=f"Response to request {context['reference']}",
        blocks=markup.rewritten(blocks, rewrite) if rewrite else blocks,
    )


SAMPLE_CONTRACTS = "https://www.example.gov.uk/contracts"
SAMPLE_TEST = law.PublicInterestTest(
    for_disclosure=("Transparency",),
    for_withholding=("The council's negotiating position",),
    conclusion="The public interest favours withholding the information.",
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
        "correction": {
            "version": 2,
            "previous_date": "14 February 2020",
            "reason": "The number of users we gave was wrong.",
        },
        "valediction": "Yours sincerely",
        "officer": "Olu Officer",
        "outcome": "partially_withheld",
        "received_on": "17 January 2020",
        "request_paragraphs": [
            "Please tell me:",
            "1. Which systems do you use?",
            "2. What did they cost?",
            "3. Where are the contracts for them?",
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
            {
                "number": 3,
                "text": "Where are the contracts for them?",
                "answer": "",
                "outcome": "published",
                "citations": "",
                "published_at": SAMPLE_CONTRACTS,
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
                "for_disclosure": list(SAMPLE_TEST.for_disclosure),
                "for_withholding": list(SAMPLE_TEST.for_withholding),
                "conclusion": SAMPLE_TEST.conclusion,
                "questions": "Q2",
            }
        ],
        "workbook": "1234567-answers.xlsx",
        "further_information": "Our data portal: [data.example.gov.uk](https://data.example.gov.uk)",
        "advice_and_assistance": "You could narrow your request to one year.",
        "direct_marketing": True,
        "scotland": False,
        "estimated_date": "",
    }


def preview(key, text):
    """The block ``key`` written with ``text``, on the sample response, as HTML."""
    context = sample_context()
    if key == "exemption":
        context = {**context, "use": context["exemptions"][0]}
    return markup.to_html(markup.parse(render_block(key, text, context)))


@dataclass(frozen=True)
class Sample:
    """A made-up response: the letter's values, and the decisions they stand for."""

    name: str
    context: dict
    facts: law.ResponseFacts


def samples():
    """Made-up responses that between them ask a letter for all the law requires of it: the
    exemption, its public interest test, where information is published, advice and
    assistance, the estimated date of an extension, and the rights under each Act."""
    return [
        _sample("a refusal under FOIA", "foi", "foia-43-2"),
        _sample("a refusal under FOISA", "foisa", "foisa-33-1-b"),
        _sample("a refusal on cost under FOIA", "foi", "foia-12-1"),
        _sample(
            "a notice extending the time for the public interest test under FOIA",
            "foi",
            "foia-43-2",
            estimated_date=date(2020, 3, 13),
        ),
    ]


def _sample(name, regime, key, estimated_date=None):
    """The preview's response, with Q2 withheld under ``key``."""
    found = law.exemption(key)
    context = sample_context()
    withheld = {**context["questions"][1], "citations": found.citation}
    use = {
        **context["exemptions"][0],
        "key": key,
        "heading": f"{found.citation[0].upper()}{found.citation[1:]}: {found.title}",
        "citation": found.citation,
        "title": found.title,
        "kind": found.kind,
        "noun": "exception" if found.is_exception else "exemption",
        "procedural": found.kind == "procedural",
        "wording": found.wording,
        "public_interest_test": found.public_interest_test,
    }
    context.update(
        regime_title=law.Regime(regime).rules.title,
        scotland=law.Regime(regime).rules.scottish,
        questions=[context["questions"][0], withheld, context["questions"][2]],
        exemptions=[use],
        estimated_date=f"{estimated_date.day} {estimated_date:%B %Y}" if estimated_date else "",
        # The direct marketing paragraph names the Information Commissioner, so a letter
        # without it is the one that shows whether the rights block still does.
        direct_marketing=False,
    )
    weighed = found.public_interest_test and estimated_date is None
    facts = law.ResponseFacts(
        regime=regime,
        questions=(
            law.QuestionDecision(number=1, held="yes", decision="released", answer="Mosaic."),
            law.QuestionDecision(
                number=2,
                held="yes",
                decision="withheld",
                exemptions=(key,),
                public_interest=SAMPLE_TEST if weighed else None,
            ),
            law.QuestionDecision(
                number=3, held="yes", decision="published", published_at=SAMPLE_CONTRACTS
            ),
        ),
        advice_and_assistance=context["advice_and_assistance"],
        extension_applied=estimated_date is not None,
        estimated_date=estimated_date,
    )
    return Sample(name=name, context=context, facts=facts)


def wording_problems(key, text, texts):
    """Why block ``key`` may not read ``text``, the other blocks reading as ``texts`` does.

    Each sample letter (``samples``) is written with it and checked by foidesk.law; what the
    law finds that foidesk's own wording for the block would not leave is this wording's
    doing. Each problem once, with the first sample that shows it; empty when the wording
    may be used. LetterError when a sample letter cannot be written with it.
    """
    found, seen = [], set()
    for sample in samples():
        shipped = _sample_problems(sample, {**texts, key: default_text(key)})
        for problem in _sample_problems(sample, {**texts, key: text}):
            if problem not in shipped and problem not in seen:
                seen.add(problem)
                found.append(
                    f"This wording would leave {sample.name} incomplete, as the made-up "
                    f"response shows: {problem}"
                )
    return found


def _sample_problems(sample, texts):
    written = compose(sample.context, texts)
    return law.problems(replace(sample.facts, letter=written.text))
