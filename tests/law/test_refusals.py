"""What a response must say (docs/law/refusals-and-exemptions.md, docs/law/responses.md) and
its outcome (docs/law/responses.md, the outcome for the statistics).

The reference letter (Barnet ref 5973764) is the valid case; each rule is then broken alone,
in the decisions or in the letter's words.
"""

import dataclasses
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from foidesk.law import (
    PublicInterestTest,
    QuestionDecision,
    ResponseFacts,
    catalogue,
    exemption,
    outcome,
    problems,
)
from foidesk.law.refusals import Decision, Held, Outcome

KNOWN = {e.key for e in catalogue()}
OPEN_BARNET_CSG = "https://open.barnet.gov.uk/dataset/customer-and-support-group-csg-contract"

LETTER_PUBLIC_INTEREST = PublicInterestTest(
    for_disclosure=(
        "Transparency",
        "Legitimate public interest in understanding how public money is spent.",
    ),
    for_withholding=(
        "Necessity for the council to be able to negotiate the best deal with public money",
        "Disclosing individually negotiated contract prices would be likely to harm the "
        "commercial interests of the council and its contractors in a competitive market "
        "place and future competitive procurement",
    ),
    conclusion=(
        "In all the circumstances of the case, the public interest in maintaining the "
        "exemption outweighs the public interest in disclosing the information."
    ),
)

# The reference letter's words, with the exemption cited as foidesk's letter cites it: Barnet
# wrote "Section 43 (Prejudicial to commercial interests) subsection 2", and the check reads
# a citation, not a description of one.
BARNET_BODY = """Our ref: 5973764

Thank you for your request received on 17 January 2020, for the following information:

> Q1. Which IT systems are used in the department specifically to provide core case
management systems?

We have processed this request under the Freedom of Information Act 2000.

RESPONSE

I can confirm that London Borough of Barnet holds the information you requested.

Adults- Mosaic is the case management system and is also used for electronic document
storage. The supplier is Servelec HSE. We currently have around 415 system users.

We have a 10 year contract for Mosaic which runs until 2023 We are withholding spend details
as this information is commercially sensitive.

We consider that the qualified exemption set out in section 43(2) (Prejudicial to commercial
interests) applies to the information requested. Therefore, we have decided to withhold the
information.

In applying this exemption, we have had to balance the public interest in withholding the
information against the interest in favour of disclosure.

Factors in favour of disclosure

- Transparency
- Legitimate public interest in understanding how public money is spent.

Factors in favour of withholding

- Necessity for the council to be able to negotiate the best deal with public money
- Disclosing individually negotiated contract prices would be likely to harm the commercial
interests of the council and its contractors in a competitive market place and future
competitive procurement

In all the circumstances of the case, the public interest in maintaining the exemption
outweighs the public interest in disclosing the information.

Family Services use LiquidLogic with 350 users. This is provided as part of the Capita
contract details of which can be found at:

https://open.barnet.gov.uk/dataset/customer-and-support-group-csg-contract

Further information

If you are interested in the data that the council holds you may wish to visit Open Barnet,
the council's data portal: http://open.barnet.gov.uk/

Advice and Assistance : Direct Marketing

If you are a company that intends to use the names and contact details of council officers
(or other officers) provided in this response for direct marketing, you need to be registered
with the Information Commissioner to process personal data for this purpose.
"""

RIGHTS = """Your rights

If you are unhappy with the way your request for information has been handled, you can
request a review within the next 40 working days by writing to the Information Management
Team at: foi@barnet.gov.uk <mailto:foi@barnet.gov.uk>.

If, having exhausted our review procedure, you remain dissatisfied with the handling of your
request or complaint, you will have a right to appeal to the Information Commissioner at: The
Information Commissioner's Office, Wycliffe House, Water Lane, Wilmslow, Cheshire, SK9 5AF.
There is no charge for making an appeal.
"""

SCOTTISH_RIGHTS = """Your rights

If you are unhappy with the way your request for information has been handled, you can ask
us to review our response within 40 working days by writing to the Information Management
Team.

If you remain dissatisfied after our review, you can appeal to the Scottish Information
Commissioner within six months: Scottish Information Commissioner, Kinburn Castle,
Doubledykes Road, St Andrews, Fife, KY16 9DS.
"""

SCOTTISH = ("foisa", "eisr", "foisa-review", "eisr-review")

LETTER = ResponseFacts(
    regime="foi",
    questions=(
        QuestionDecision(
            number=1,
            held="yes",
            decision="released",
            answer="Adults: Mosaic, supplied by Servelec HSE, is the case management system and "
            "is also used for electronic document storage. Family Services use LiquidLogic.",
        ),
        QuestionDecision(
            number=2,
            held="yes",
            decision="released",
            answer="Adults: around 415 system users. Family Services: 350 users.",
        ),
        QuestionDecision(
            number=3,
            held="yes",
            decision="partly_released",
            exemptions=("foia-43-2",),
            answer="Mosaic was first implemented on 1st April 2017. LiquidLogic is provided "
            "as part of the Capita contract.",
            reasons="We are withholding spend details as this information is commercially "
            "sensitive.",
            public_interest=LETTER_PUBLIC_INTEREST,
            published_at=OPEN_BARNET_CSG,
        ),
        QuestionDecision(
            number=4,
            held="yes",
            decision="published",
            answer="We have a 10 year contract for Mosaic which runs until 2023. LiquidLogic "
            "is provided as part of the Capita contract, details of which are published.",
            published_at=OPEN_BARNET_CSG,
        ),
    ),
    advice_and_assistance="If you are interested in the data that the council holds you may "
    "wish to visit Open Barnet, the council's data portal: http://open.barnet.gov.uk/",
    letter=BARNET_BODY + "\n" + RIGHTS,
)


def with_question(facts, number, **changes):
    questions = tuple(
        dataclasses.replace(q, **changes) if q.number == number else q for q in facts.questions
    )
    return dataclasses.replace(facts, questions=questions)


def letter_for(facts, rights=True):
    """A letter that states everything ``facts`` decide, in the words of foidesk's letter."""
    parts = ["Thank you for your request.", "RESPONSE"]
    for question in facts.questions:
        parts.append(f"Q{question.number}. {question.answer}")
        if question.published_at:
            parts.append(f"This information is already published, at {question.published_at}.")
        for key in question.exemptions:
            if key in KNOWN:
                cited = exemption(key)
                parts.append(
                    f"{cited.title}\n\nWe consider that the "
                    f"{cited.kind} exemption set out in {cited.citation} applies to "
                    f"Q{question.number}."
                )
        test = question.public_interest
        if test:
            parts += ["Factors in favour of disclosure", *(f"- {f}" for f in test.for_disclosure)]
            parts += ["Factors in favour of withholding", *(f"- {f}" for f in test.for_withholding)]
            parts.append(test.conclusion)
    if facts.estimated_date:
        parts.append(
            "We have not yet reached a decision on the public interest; we expect to do so by "
            f"{facts.estimated_date.day} {facts.estimated_date:%B %Y}."
        )
    if facts.advice_and_assistance:
        parts += ["Advice and assistance", facts.advice_and_assistance]
    if rights:
        parts.append(SCOTTISH_RIGHTS if facts.regime in SCOTTISH else RIGHTS)
    return "\n\n".join(parts)


def only(*questions, rights=True, **changes):
    """A response of ``questions`` whose letter says all they decide (and the rights)."""
    facts = dataclasses.replace(ResponseFacts(regime="foi", questions=questions), **changes)
    if "letter" in changes:
        return facts
    return dataclasses.replace(facts, letter=letter_for(facts, rights=rights))


def without(facts, *words):
    """``facts`` with each of ``words`` taken out of its letter."""
    for taken in words:
        facts = reworded(facts, taken, "")
    return facts


def reworded(facts, old, new):
    """``facts`` with ``old`` (which its letter must have) written as ``new`` in the letter."""
    assert old in facts.letter
    return dataclasses.replace(facts, letter=facts.letter.replace(old, new))


def q(number=1, held="yes", decision="released", answer="The answer.", **rest):
    return QuestionDecision(number=number, held=held, decision=decision, answer=answer, **rest)


def withheld_under(*keys, number=1, **rest):
    rest.setdefault("public_interest", LETTER_PUBLIC_INTEREST)
    return q(number, decision="withheld", answer="", exemptions=keys, **rest)


# The reference letter ---------------------------------------------------------------------


def test_the_reference_letter_says_everything_the_law_asks():
    """Barnet 5973764: s.43(2) with its public interest test, a pointer to the published
    contract, review and ICO rights. FOIA s.17(1), (3), (7); s.21 pattern."""
    assert problems(LETTER) == []


def test_the_reference_letter_was_partially_withheld():
    """docs/law/responses.md: some released, Q3's spend withheld under s.43(2)."""
    assert outcome(LETTER) == "partially_withheld"


# (a) The public interest test ---------------------------------------------------------------


def test_a_qualified_exemption_needs_a_public_interest_test():
    """FOIA s.17(3): the notice gives the public interest reasons
    (docs/law/refusals-and-exemptions.md)."""
    facts = with_question(LETTER, 3, public_interest=None)
    assert problems(facts) == [
        "Q3: section 43(2) is subject to the public interest test but none is given: give "
        "the factors for disclosure, the factors for withholding and a conclusion "
        "(FOIA s.17(3))"
    ]


def test_the_public_interest_test_needs_factors_both_ways_and_a_conclusion():
    """docs/law/refusals-and-exemptions.md (the reference letter's three parts); FOIA s.17(3)."""
    half = PublicInterestTest(for_disclosure=("Transparency",), for_withholding=(" ",))
    assert problems(with_question(LETTER, 3, public_interest=half)) == [
        "Q3: section 43(2) is subject to the public interest test but the test is missing "
        "the factors for withholding and a conclusion: add them (FOIA s.17(3))"
    ]
    no_conclusion = dataclasses.replace(LETTER_PUBLIC_INTEREST, conclusion="")
    assert problems(with_question(LETTER, 3, public_interest=no_conclusion)) == [
        "Q3: section 43(2) is subject to the public interest test but the test is missing "
        "a conclusion: add it (FOIA s.17(3))"
    ]


def test_an_absolute_exemption_needs_no_public_interest_test():
    """docs/law/refusals-and-exemptions.md: absolute = no public interest test (FOIA s.2(3))."""
    assert problems(only(withheld_under("foia-41-1", public_interest=None))) == []


def test_an_eir_exception_is_weighed_with_the_presumption_in_favour_of_disclosure():
    """docs/law/refusals-and-exemptions.md; EIR reg 12(1)(b), 12(2) and reg 14(3)(b)."""
    facts = only(withheld_under("eir-12-5-e", public_interest=None), regime="eir")
    assert problems(facts) == [
        "Q1: regulation 12(5)(e) is subject to the public interest test but none is given: "
        "give the factors for disclosure, the factors for withholding and a conclusion, "
        "weighed with a presumption in favour of disclosure (EIR reg 12(1)(b), 12(2) and 14(3)(b))"
    ]


def test_a_foisa_qualified_exemption_gives_its_public_interest_reasons():
    """FOISA s.16(2): the notice states why the public interest favours withholding."""
    facts = only(withheld_under("foisa-33-1-b", public_interest=None), regime="foisa")
    assert problems(facts)[0].endswith("(FOISA s.16(2))")
    assert problems(facts)[0].startswith("Q1: section 33(1)(b) is subject to the public")


# (b) An exemption for what is withheld ------------------------------------------------------


def test_withholding_needs_an_exemption():
    """FOIA s.17(1): say that an exemption applies, which one and why
    (docs/law/refusals-and-exemptions.md, refusal notices)."""
    facts = with_question(LETTER, 3, exemptions=(), public_interest=None)
    assert problems(facts) == [
        "Q3: part of the information is withheld without an exemption: cite the exemption "
        "that applies and say why (FOIA s.17(1))"
    ]
    assert problems(only(withheld_under())) == [
        "Q1: information is withheld without an exemption: cite the exemption that applies "
        "and say why (FOIA s.17(1))"
    ]


def test_the_eir_speaks_of_exceptions():
    """EIR reg 14(3)(a): the refusal specifies the exception relied on."""
    assert problems(only(withheld_under(), regime="eir")) == [
        "Q1: information is withheld without an exception: cite the exception that applies "
        "and say why (EIR reg 14(3)(a))"
    ]


# (c) Advice and assistance ------------------------------------------------------------------


def test_a_cost_refusal_needs_advice_on_narrowing():
    """docs/law/responses.md; FOIA s.16: with a s.12 refusal, say how to narrow the request."""
    facts = only(
        withheld_under("foia-12-1", number=1),
        withheld_under("foia-12-1", number=2),
        advice_and_assistance="",
    )
    assert problems(facts) == [
        "Q1, Q2: section 12(1) is relied on without advice and assistance: say how the "
        "request could be narrowed to come within the cost limit (FOIA s.16)"
    ]
    advised = only(*facts.questions, advice_and_assistance="Ask for one year only.")
    assert problems(advised) == []


def test_the_advice_recorded_is_given_in_the_letter():
    """FOIA s.16: the advice helps only if the requester reads it, so the letter gives it."""
    advice = "You could ask for the **spend of one year**, which we could answer within the limit."
    facts = only(withheld_under("foia-12-1"), advice_and_assistance=advice)
    assert problems(without(facts, "**spend of one year**")) == [
        "Q1: section 12(1) is relied on, but the letter does not give the advice and "
        "assistance recorded: give it in the letter (FOIA s.16)"
    ]
    # The letter's markup is not the advice's words: bold, capitals and line breaks differ.
    rendered = reworded(
        facts,
        advice,
        "YOU COULD ASK FOR THE SPEND OF\nONE YEAR, which we could answer within the limit.",
    )
    assert problems(rendered) == []


def test_advice_under_regulation_9_is_given_in_the_letter():
    """EIR reg 9 and reg 12(4)(c): the letter helps the requester to say what they want."""
    facts = only(withheld_under("eir-12-4-c"), regime="eir", advice_and_assistance="Name a site.")
    [problem] = problems(without(facts, "Name a site."))
    assert problem.endswith(
        "the letter does not give the advice and assistance recorded: give "
        "it in the letter (EIR reg 9)"
    )


def test_a_foisa_cost_refusal_needs_advice_under_section_15():
    """FOISA s.12 with the duty to advise and assist in s.15
    (docs/law/refusals-and-exemptions.md, the cost limit)."""
    facts = only(withheld_under("foisa-12-1"), regime="foisa")
    assert problems(facts) == [
        "Q1: section 12(1) is relied on without advice and assistance: say how the request "
        "could be narrowed to come within the cost limit (FOISA s.15)"
    ]


def test_a_request_too_general_under_the_eir_needs_advice_under_regulation_9():
    """EIR reg 12(4)(c) applies only once reg 9 advice is given
    (docs/law/refusals-and-exemptions.md)."""
    facts = only(withheld_under("eir-12-4-c"), regime="eir")
    assert problems(facts) == [
        "Q1: regulation 12(4)(c) is relied on without advice and assistance: help the "
        "requester to say more precisely what information they want (EIR reg 9)"
    ]


# (d) The public interest extension ----------------------------------------------------------


def test_a_public_interest_extension_needs_an_estimated_date():
    """FOIA s.17(2): say the test is not finished, give a date (docs/law/time-limits.md,
    extensions; docs/law/refusals-and-exemptions.md, refusal notices)."""
    notice = only(withheld_under("foia-43-2", public_interest=None), extension_applied=True)
    assert problems(notice) == [
        "The response applies a public interest extension without an estimated date: give "
        "the date by which a decision is expected (FOIA s.17(2))"
    ]
    dated = only(*notice.questions, extension_applied=True, estimated_date=date(2020, 3, 13))
    assert problems(dated) == []


def test_the_extension_notice_gives_the_estimated_date_in_the_letter():
    """FOIA s.17(2): the notice itself says by when a decision is expected."""
    notice = only(
        withheld_under("foia-43-2", public_interest=None),
        extension_applied=True,
        estimated_date=date(2020, 3, 13),
    )
    assert "we expect to do so by 13 March 2020" in notice.letter
    assert problems(without(notice, "13 March 2020")) == [
        "The response applies a public interest extension, but the letter does not give the "
        "estimated date, 13 March 2020: say that a decision is expected by then (FOIA s.17(2))"
    ]
    for written in ["13th March 2020", "13/03/2020", "13 MARCH 2020"]:
        assert problems(reworded(notice, "13 March 2020", written)) == [], written
    assert len(problems(reworded(notice, "13 March 2020", "3 March 2020"))) == 1


def test_the_extension_notice_need_not_give_the_test_it_has_not_finished():
    """FOIA s.17(2) and (3): the factors and conclusion belong to the later response."""
    test = LETTER_PUBLIC_INTEREST
    notice = only(
        withheld_under("foia-43-2", public_interest=test),
        extension_applied=True,
        estimated_date=date(2020, 3, 13),
    )
    assert problems(without(notice, test.conclusion, *test.for_disclosure)) == []


def test_a_public_interest_extension_needs_a_qualified_exemption():
    """FOIA s.10(3): the extension is time to weigh the public interest, nothing else."""
    notice = only(
        withheld_under("foia-41-1"), extension_applied=True, estimated_date=date(2020, 3, 13)
    )
    assert problems(notice) == [
        "The response applies a public interest extension, but no question relies on a "
        "qualified exemption: the extension is only for weighing the public interest, so "
        "name the exemption being considered (FOIA s.10(3))"
    ]


def test_foisa_has_no_extension():
    """docs/law/time-limits.md: FOISA, 20 working days, no public interest extension (s.10(1))."""
    facts = only(q(), regime="foisa", extension_applied=True, estimated_date=date(2020, 3, 13))
    assert problems(facts) == [
        "The response applies an extension, but FOISA allows none: respond within 20 "
        "working days (FOISA s.10(1))"
    ]


def test_an_eir_extension_is_fixed_at_40_working_days_so_needs_no_date():
    """docs/law/time-limits.md; EIR reg 7(1): the extension is for complexity and volume."""
    facts = only(withheld_under("eir-12-5-e"), regime="eir", extension_applied=True)
    assert problems(facts) == []


# (e) Review and ICO rights ------------------------------------------------------------------


def test_every_refusal_gives_review_and_ico_rights():
    """docs/law/responses.md; FOIA s.17(7): internal review procedure and s.50 right."""
    facts = only(withheld_under("foia-43-2"), rights=False)
    assert problems(facts) == [
        "Q1: the response refuses information but the letter does not give the requester's "
        "rights: add the internal review procedure and the right to complain to the "
        "Information Commissioner (FOIA s.17(7))"
    ]


def test_naming_the_commissioner_is_not_offering_a_review():
    """FOIA s.17(7)(a): the reference letter's direct marketing paragraph names the
    Information Commissioner, but only its rights paragraphs offer a review."""
    facts = dataclasses.replace(LETTER, letter=BARNET_BODY)
    assert problems(facts) == [
        "Q3: the response refuses information but the letter does not mention a review: add "
        "the internal review procedure (FOIA s.17(7))"
    ]


def test_offering_a_review_is_not_naming_the_commissioner():
    """FOIA s.17(7)(b): the notice gives the right to apply to the Commissioner (s.50)."""
    facts = only(withheld_under("foia-43-2"), rights=False)
    facts = dataclasses.replace(facts, letter=facts.letter + "\n\nYou can ask for a Review.")
    assert problems(facts) == [
        "Q1: the response refuses information but the letter does not name the Information "
        "Commissioner: add the right to complain to the Information Commissioner "
        "(FOIA s.17(7))"
    ]


def test_the_information_commission_is_the_commissioner_by_its_new_name():
    """FOIA s.17(7)(b); the Data (Use and Access) Act 2025 ss.117-119 rename the regulator,
    from a day not yet appointed, so a letter may name either."""
    renamed = reworded(LETTER, "Information Commissioner", "Information Commission")
    assert "Commissioner" not in renamed.letter
    assert problems(renamed) == []


def test_a_scottish_refusal_names_the_scottish_information_commissioner():
    """FOISA s.19(b) and EISR reg 13(e): the applicant applies to the Scottish Information
    Commissioner (FOISA s.47), whom "the Information Commissioner" alone does not name."""
    foisa = only(withheld_under("foisa-33-1-b"), regime="foisa")
    assert problems(foisa) == []
    english = reworded(foisa, SCOTTISH_RIGHTS, RIGHTS)
    assert problems(english) == [
        "Q1: the response refuses information but the letter does not name the Scottish "
        "Information Commissioner: add the right to apply to the Scottish Information "
        "Commissioner (FOISA s.19)"
    ]
    eisr = only(withheld_under("eisr-10-5-e"), regime="eisr")
    [problem] = problems(reworded(eisr, SCOTTISH_RIGHTS, RIGHTS))
    assert problem.endswith("Scottish Information Commissioner (EISR reg 13(e))")


def test_an_english_refusal_does_not_send_the_requester_to_scotland():
    """FOIA s.17(7)(b) and s.50: the Scottish Information Commissioner hears no FOIA case."""
    facts = only(withheld_under("foia-43-2"), rights=False)
    facts = dataclasses.replace(facts, letter=facts.letter + "\n\n" + SCOTTISH_RIGHTS)
    [problem] = problems(facts)
    assert problem.startswith(
        "Q1: the response refuses information but the letter does not "
        "name the Information Commissioner"
    )


def test_a_response_that_refuses_nothing_need_not_give_rights():
    """FOIA s.17(7) applies to refusal notices only."""
    facts = only(q(), q(2, held="no", decision="not_held", answer="This is not held."))
    assert (
        problems(dataclasses.replace(facts, letter="Q1. The answer. Q2. This is not held.")) == []
    )


@pytest.mark.parametrize(
    ("regime", "key", "source"),
    [
        ("eir", "eir-12-5-e", "EIR reg 14(5)"),
        ("foisa", "foisa-33-1-b", "FOISA s.19"),
        ("eisr", "eisr-10-5-e", "EISR reg 13(e)"),
        ("review", "foia-43-2", "FOIA s.17(7)"),
    ],
)
def test_rights_in_every_regime(regime, key, source):
    """EIR reg 14(5), FOISA s.19, EISR reg 13(e) (docs/law/responses.md, the rights)."""
    facts = only(withheld_under(key), regime=regime, rights=False)
    [problem] = problems(facts)
    assert problem.startswith("Q1: the response refuses information")
    assert problem.endswith(f"({source})")
    assert problems(only(withheld_under(key), regime=regime)) == []


def test_procedural_refusals_and_ncnd_need_rights_too():
    """FOIA s.17(5) and s.17(7): a s.12 or s.14 notice is a refusal notice."""
    facts = only(
        withheld_under("foia-14-1"),
        q(
            2,
            decision="ncnd",
            answer="",
            exemptions=("foia-31-1",),
            public_interest=LETTER_PUBLIC_INTEREST,
        ),
        rights=False,
    )
    [problem] = problems(facts)
    assert problem.startswith("Q1, Q2: the response refuses information")


def test_not_held_under_the_eir_and_foisa_is_a_refusal():
    """EIR reg 12(4)(a) with reg 14(5); FOISA s.17(1) notices carry s.19 particulars."""
    eir = only(
        q(held="no", decision="not_held", answer="We do not hold it.", exemptions=("eir-12-4-a",)),
        regime="eir",
        rights=False,
    )
    assert problems(eir)[0].endswith("(EIR reg 14(5))")
    foisa = only(
        q(held="no", decision="not_held", answer="We do not hold it."), regime="foisa", rights=False
    )
    assert problems(foisa)[0].endswith("(FOISA s.19)")


# (e) continued: the letter names what it relies on and gives the test ------------------------


def test_the_letter_names_each_exemption_relied_on():
    """FOIA s.17(1)(b): the notice specifies the exemption in question."""
    facts = without(LETTER, "section 43(2)")
    assert problems(facts) == [
        "Q3: section 43(2) is relied on, but the letter does not name it: say in the letter "
        "that section 43(2) applies (FOIA s.17(1)(b))"
    ]


@pytest.mark.parametrize(
    "written",
    [
        "SECTION 43(2)",
        "Section 43 (2)",
        "section\n43(2)",
        "**section 43(2)**",
        "section 43(2) <https://www.legislation.gov.uk/ukpga/2000/36/section/43>",
    ],
)
def test_a_citation_is_read_whatever_its_case_spacing_or_markup(written):
    """FOIA s.17(1)(b): the citation is the same however the letter set it out."""
    assert problems(reworded(LETTER, "section 43(2)", written)) == []


@pytest.mark.parametrize("written", ["section 43", "section 43(1)", "s.43(2)", "section 143(2)"])
def test_a_citation_is_not_another(written):
    """FOIA s.17(1)(b): the exemption in question, not a neighbour of it."""
    [problem] = problems(reworded(LETTER, "section 43(2)", written))
    assert problem.endswith("(FOIA s.17(1)(b))")


def test_section_22_is_not_named_by_section_22a():
    """FOIA s.17(1)(b): section 22A (research) is a different exemption from section 22."""
    facts = only(withheld_under("foia-22-1"))
    [problem] = problems(reworded(facts, "section 22(1)", "section 22A(1)"))
    assert problem.startswith("Q1: section 22(1) is relied on, but the letter does not name it")


@pytest.mark.parametrize(
    ("regime", "key", "source"),
    [
        ("eir", "eir-12-5-e", "EIR reg 14(3)(a)"),
        ("foisa", "foisa-33-1-b", "FOISA s.16(1)(c)"),
        ("eisr", "eisr-10-5-e", "EISR reg 13(b)"),
    ],
)
def test_every_regime_names_what_it_relies_on(regime, key, source):
    """EIR reg 14(3)(a), FOISA s.16(1)(c), EISR reg 13(b): the exception or exemption relied
    on is given."""
    facts = only(withheld_under(key), regime=regime)
    [problem] = problems(without(facts, exemption(key).citation))
    assert problem == (
        f"Q1: {exemption(key).citation} is relied on, but the letter does not name it: say in "
        f"the letter that {exemption(key).citation} applies ({source})"
    )


def test_the_letter_gives_the_public_interest_test_as_recorded():
    """FOIA s.17(3): the notice states the reasons for the public interest decision, so each
    factor both ways and the conclusion appear in it."""
    facts = without(
        LETTER, "- Transparency", "outweighs the public interest in disclosing the information."
    )
    assert problems(facts) == [
        "Q3: the letter leaves out the factor for disclosure 'Transparency' and the conclusion "
        "of the public interest test for section 43(2): give the whole test in the letter "
        "(FOIA s.17(3))"
    ]


def test_a_long_factor_left_out_is_quoted_short():
    """FOIA s.17(3): the officer can tell which factor is missing without the whole of it."""
    first_line = (
        "- Disclosing individually negotiated contract prices would be likely to harm the "
        "commercial"
    )
    [problem] = problems(without(LETTER, first_line))
    assert problem == (
        "Q3: the letter leaves out the factor for withholding 'Disclosing individually "
        "negotiated contract prices would be…' of the public interest test for section "
        "43(2): give the whole test in the letter (FOIA s.17(3))"
    )


def test_the_eir_test_in_the_letter_is_weighed_with_the_presumption():
    """EIR reg 14(3)(b) with reg 12(2): the matters considered, with the presumption."""
    facts = only(withheld_under("eir-12-5-e"), regime="eir")
    [problem] = problems(without(facts, "- Transparency"))
    assert problem == (
        "Q1: the letter leaves out the factor for disclosure 'Transparency' of the public "
        "interest test for regulation 12(5)(e): give the whole test in the letter "
        "(EIR reg 12(1)(b), 12(2) and 14(3)(b))"
    )


def test_an_absolute_exemption_has_no_test_to_give():
    """FOIA s.2(3) and s.17(3): only a qualified exemption's notice gives the test."""
    facts = only(withheld_under("foia-41-1", public_interest=LETTER_PUBLIC_INTEREST))
    assert problems(without(facts, "- Transparency")) == []


# (f) Not held -------------------------------------------------------------------------------


def test_not_held_must_say_so():
    """docs/law/responses.md; FOIA s.1(1)(a): the duty to confirm or deny that it is held."""
    facts = only(q(held="no", decision="not_held", answer="Please see the attached."))
    assert problems(facts) == [
        "Q1: the answer does not say that the information is not held: say so plainly, e.g. "
        "'We do not hold this information' (FOIA s.1(1)(a))"
    ]


@pytest.mark.parametrize(
    "answer",
    [
        "The council does not hold this information.",
        "This information is not held.",
        "We don't hold records of this.",
        "No recorded information is held.",
        "The department holds no information on this.",
    ],
)
def test_the_ways_an_answer_says_not_held(answer):
    """FOIA s.1(1)(a)."""
    assert problems(only(q(held="no", decision="not_held", answer=answer))) == []


def test_not_held_cannot_be_held():
    """FOIA s.1(1)(a): information that is held is released or withheld, never not held."""
    facts = only(q(held="yes", decision="not_held", answer="We do not hold this."))
    assert problems(facts) == [
        "Q1: the decision is not held, yet the information is recorded as held ('yes'): "
        "release it or cite an exemption for it, or correct whether it is held (FOIA s.1(1)(a))"
    ]


def test_information_not_held_cannot_be_withheld():
    """FOIA s.1(1)(a)."""
    facts = only(withheld_under("foia-43-2", held="no"))
    assert problems(facts) == [
        "Q1: the information is recorded as not held, so it cannot be withheld: record the "
        "decision as not held, or correct whether it is held (FOIA s.1(1)(a))"
    ]


def test_not_held_under_the_eir_cites_regulation_12_4_a():
    """EIR reg 12(4)(a) is the exception, cited under reg 14(3)(a)
    (docs/law/refusals-and-exemptions.md)."""
    facts = only(q(held="no", decision="not_held", answer="Not held."), regime="eir")
    assert problems(facts) == [
        "Q1: under the EIR information that is not held is refused under regulation "
        "12(4)(a): cite it (EIR reg 12(4)(a) and reg 14(3)(a))"
    ]


# (g) The wrong regime -----------------------------------------------------------------------


def test_an_eir_exception_on_a_foia_request():
    """FOIA s.39 sends environmental information to the EIR, reg 5
    (docs/law/refusals-and-exemptions.md)."""
    facts = only(withheld_under("eir-12-5-e"))
    assert problems(facts) == [
        "Q1: regulation 12(5)(e) is an exception under the Environmental Information "
        "Regulations 2004, but this request is handled under FOIA: if the information is "
        "environmental, handle it under the EIR; if not, cite a FOIA exemption "
        "(FOIA s.39; EIR reg 5)"
    ]


def test_a_foia_exemption_on_an_eir_request():
    """EIR reg 5 and FOIA s.39: environmental information is refused under an EIR exception
    (docs/law/refusals-and-exemptions.md)."""
    facts = only(withheld_under("foia-43-2", "eir-12-5-e"), regime="eir")
    assert problems(facts) == [
        "Q1: section 43(2) is an exemption under the Freedom of Information Act 2000, but "
        "this request is handled under the EIR: withhold environmental information under an "
        "EIR exception instead (EIR reg 5; FOIA s.39)"
    ]


def test_section_39_may_be_cited_on_an_eir_response():
    """FOIA s.39: it is how a response explains that the EIR applies instead."""
    facts = only(withheld_under("foia-39-1", "eir-12-5-e"), regime="eir")
    assert problems(facts) == []


def test_a_scottish_exemption_on_a_foia_request():
    """FOISA has its own numbering, for Scottish authorities
    (docs/law/refusals-and-exemptions.md)."""
    [problem] = problems(only(withheld_under("foisa-33-1-b", "foia-43-2")))
    assert problem.startswith("Q1: section 33(1)(b) is from the Freedom of Information")
    assert problem.endswith("(FOIA s.80; FOISA s.3)")


# (h) Neither confirm nor deny ---------------------------------------------------------------


def test_ncnd_needs_an_exemption_that_allows_it():
    """docs/law/refusals-and-exemptions.md: s.43(3) covers s.43(2) only; FOIA s.1(1)(a), s.17(1)."""
    ncnd = q(
        decision="ncnd",
        answer="",
        exemptions=("foia-43-1",),
        public_interest=LETTER_PUBLIC_INTEREST,
    )
    facts = only(ncnd)
    assert problems(facts) == [
        "Q1: neither confirming nor denying needs an exemption that allows it, such as "
        "section 43(2) with section 43(3): cite one, or say whether the information is held "
        "(FOIA s.1(1)(a) and s.17(1))"
    ]
    allowed = only(dataclasses.replace(ncnd, exemptions=("foia-43-2",)))
    assert problems(allowed) == []


def test_ncnd_under_a_qualified_exemption_weighs_the_public_interest():
    """FOIA s.2(1)(a) and s.17(3)(a): the public interest in confirming or denying."""
    facts = only(q(decision="ncnd", answer="", exemptions=("foia-31-1",)))
    [problem] = problems(facts)
    assert problem.startswith("Q1: section 31(1) is subject to the public interest test")


def test_section_21_cannot_be_neither_confirmed_nor_denied():
    """s.21 has no NCND provision; the response must say where
    (docs/law/refusals-and-exemptions.md)."""
    facts = only(q(decision="ncnd", answer="", exemptions=("foia-21-1",), published_at="x"))
    [problem] = problems(facts)
    assert problem.startswith("Q1: neither confirming nor denying needs an exemption")


# (i) Already published ----------------------------------------------------------------------


def test_published_says_where():
    """docs/law/responses.md: the reference letter's pointer to Open Barnet (the s.21 pattern)."""
    facts = with_question(LETTER, 4, published_at="  ")
    assert problems(facts) == [
        "Q4: the answer points to information already published without saying where: give "
        "the link or the place it is published (FOIA s.21)"
    ]


def test_the_letter_gives_the_link_to_what_is_published():
    """FOIA s.21 pattern (docs/law/responses.md): the reference letter gives the link itself."""
    facts = without(LETTER, OPEN_BARNET_CSG)
    assert problems(facts) == [
        "Q4: the letter does not say where the information is published: give "
        "'https://open.barnet.gov.uk/dataset/customer-and-support-group-csg-contract' in the "
        "letter (FOIA s.21)"
    ]
    # A link rendered as words with its address, as the letter's plain text gives one.
    linked = reworded(LETTER, OPEN_BARNET_CSG, f"the CSG contract <{OPEN_BARNET_CSG}>")
    assert problems(linked) == []


def test_section_21_says_where_whatever_the_decision():
    """FOIA s.21; FOISA s.25: reasonably accessible means the requester can find it."""
    facts = only(withheld_under("foisa-25-1"), regime="foisa")
    assert problems(facts) == [
        "Q1: the answer points to information already published without saying where: give "
        "the link or the place it is published (FOISA s.25)"
    ]


# (j) Emissions ------------------------------------------------------------------------------


def test_information_on_emissions_cannot_be_withheld_under_12_5_d_to_g():
    """docs/law/refusals-and-exemptions.md; EIR reg 12(9)."""
    facts = only(withheld_under("eir-12-5-e", concerns_emissions=True), regime="eir")
    assert problems(facts) == [
        "Q1: regulation 12(5)(e) cannot be used to withhold information on emissions: release "
        "it or rely on another exception (EIR reg 12(9))"
    ]
    assert problems(only(withheld_under("eir-12-5-a", concerns_emissions=True), regime="eir")) == []


def test_the_eisr_bars_the_same_exceptions_for_emissions():
    """EISR reg 10(6)."""
    facts = only(withheld_under("eisr-10-5-g", concerns_emissions=True), regime="eisr")
    [problem] = problems(facts)
    assert problem.endswith("(EISR reg 10(6))")


# Other rules --------------------------------------------------------------------------------


def test_released_in_full_relies_on_no_exemption():
    """docs/law/responses.md: exemptions used are counted, so a released question lists none."""
    facts = with_question(LETTER, 1, exemptions=("foia-43-2",))
    assert problems(facts) == [
        "Q1: the information is released in full, yet section 43(2) is listed: remove it, or "
        "record the decision as partly released (FOIA s.17(1))"
    ]


def test_released_information_is_given():
    """FOIA s.1(1)(b): the duty to communicate the information."""
    facts = with_question(LETTER, 2, answer="")
    assert problems(facts) == [
        "Q2: the information is released but the answer is empty: give the information, or "
        "change the decision (FOIA s.1(1))"
    ]


def test_unknown_values_are_problems_not_errors():
    """Decisions and exemptions come from fixed lists (docs/law/refusals-and-exemptions.md,
    docs/law/responses.md)."""
    facts = only(q(held="maybe", decision="refused", exemptions=("foia-99-1",)))
    assert problems(facts) == [
        "Q1: whether the information is held must be 'yes', 'no' or 'partly', not 'maybe' "
        "(FOIA s.1(1)(a))",
        "Q1: 'refused' is not a decision: use one of released, partly_released, withheld, "
        "not_held, published, ncnd (docs/law/responses.md)",
        "Q1: 'foia-99-1' is not in the exemptions catalogue: choose the exemption from the "
        "catalogue (docs/law/refusals-and-exemptions.md)",
    ]


def test_a_response_needs_its_questions():
    """FOIA s.1(1): every part of the request is answered."""
    assert problems(only()) == [
        "The response records no questions: record a decision on each part of the request "
        "(FOIA s.1(1))"
    ]


@pytest.mark.parametrize("regime", ["sar", "nonsense"])
def test_a_regime_without_refusal_rules(regime):
    """Subject access has the Data Protection Act 2018's exemptions
    (docs/law/refusals-and-exemptions.md)."""
    [problem] = problems(dataclasses.replace(LETTER, regime=regime))
    assert problem.startswith(f"The response's regime {regime!r} has no refusal rules here")


def test_every_problem_at_once():
    """The officer sees everything to fix, not one thing at a time
    (docs/law/refusals-and-exemptions.md)."""
    facts = without(
        with_question(LETTER, 3, public_interest=None), "section 43(2)", RIGHTS, "- Transparency"
    )
    facts = with_question(facts, 4, published_at="")
    found = problems(facts)
    assert [problem.split(":")[0] for problem in found] == ["Q3", "Q4", "Q3", "Q3"]
    sources = ("(FOIA s.17(3))", "(FOIA s.21)", "(FOIA s.17(1)(b))", "(FOIA s.17(7))")
    assert list(map(str.endswith, found, sources)) == [True] * 4


# Outcome ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("decisions", "expected"),
    [
        (["released", "published"], "granted_in_full"),
        (["released", "not_held"], "granted_in_full"),
        (["released", "withheld"], "partially_withheld"),
        (["partly_released"], "partially_withheld"),
        (["published", "ncnd"], "partially_withheld"),
        (["withheld", "ncnd"], "withheld_in_full"),
        (["withheld", "not_held"], "withheld_in_full"),
        (["not_held", "not_held"], "not_held"),
    ],
)
def test_the_outcome_follows_the_decisions(decisions, expected):
    """docs/law/responses.md: granted in full, partially withheld, withheld in full, not held."""
    facts = only(*(q(n, decision=d) for n, d in enumerate(decisions, 1)))
    assert outcome(facts) == expected


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (("foia-12-1",), "refused_cost"),
        (("foisa-12-1",), "refused_cost"),
        (("foia-14-1",), "refused_vexatious"),
        (("foia-14-2",), "refused_repeated"),
        (("foia-12-1", "foia-14-1"), "refused_vexatious"),
        (("foia-12-1", "foia-14-2"), "refused_repeated"),
    ],
)
def test_a_procedural_refusal_outranks_the_decisions(keys, expected):
    """docs/law/responses.md: the share refused on cost and as vexatious or repeated."""
    facts = only(q(1), withheld_under(*keys, number=2))
    assert outcome(facts) == expected


def test_manifestly_unreasonable_counts_as_an_exception():
    """docs/law/responses.md: EIR reg 12(4)(b) covers cost and vexatiousness alike, so it cannot
    be put in either share and is counted as withheld."""
    facts = only(withheld_under("eir-12-4-b"), regime="eir")
    assert outcome(facts) == "withheld_in_full"


def test_a_procedural_key_on_a_released_question_does_not_count():
    """docs/law/responses.md: only exemptions relied on are counted."""
    facts = only(q(1, exemptions=("foia-12-1",)))
    assert outcome(facts) == "granted_in_full"


def test_an_outcome_needs_known_decisions():
    with pytest.raises(ValueError, match="no questions"):
        outcome(only())
    with pytest.raises(ValueError, match="unknown decision"):
        outcome(only(q(decision="refused")))


# Properties ---------------------------------------------------------------------------------

KEYS = st.sampled_from([e.key for e in catalogue()] + ["foia-99-1", "", "section 43"])
TEXT = st.sampled_from(["", "  ", "We do not hold this information.", "Some text."]) | st.text()
PUBLIC_INTEREST = st.none() | st.builds(
    PublicInterestTest,
    for_disclosure=st.tuples() | st.tuples(TEXT) | st.tuples(TEXT, TEXT),
    for_withholding=st.tuples() | st.tuples(TEXT),
    conclusion=TEXT,
)
QUESTIONS = st.builds(
    QuestionDecision,
    number=st.integers(min_value=-1, max_value=30),
    held=st.sampled_from([*Held, "maybe", ""]),
    decision=st.sampled_from([*Decision, "refused", ""]),
    exemptions=st.lists(KEYS, max_size=4).map(tuple),
    answer=TEXT,
    reasons=TEXT,
    public_interest=PUBLIC_INTEREST,
    published_at=TEXT,
    concerns_emissions=st.booleans(),
)
REGIMES = st.sampled_from(
    ["foi", "eir", "foisa", "eisr", "review", "eir-review", "foisa-review", "sar", "x", ""]
)
FACTS = st.builds(
    ResponseFacts,
    regime=REGIMES,
    questions=st.lists(QUESTIONS, max_size=5).map(tuple),
    advice_and_assistance=TEXT,
    letter=TEXT,
    extension_applied=st.booleans(),
    estimated_date=st.none() | st.dates(),
)


@given(FACTS)
def test_problems_never_raises_and_every_problem_gives_its_source(facts):
    """docs/law/refusals-and-exemptions.md: every problem says what to do and cites its source."""
    for problem in problems(facts):
        assert isinstance(problem, str)
        assert problem.startswith(("Q", "The response"))
        assert problem.endswith(")")


@given(FACTS)
def test_the_outcome_is_always_one_the_statistics_know(facts):
    """docs/law/responses.md."""
    known = all(question.decision in Decision for question in facts.questions)
    if facts.questions and known:
        assert outcome(facts) in Outcome
