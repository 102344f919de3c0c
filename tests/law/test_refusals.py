"""What a response must say (LAW.md section 6) and its outcome (LAW.md section 7).

The reference letter (Barnet ref 5973764) is the valid case; each rule is then broken alone.
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
    outcome,
    problems,
)
from foidesk.law.refusals import DECISIONS, HELD, OUTCOMES

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
    rights_included=True,
)


def with_question(facts, number, **changes):
    questions = tuple(
        dataclasses.replace(q, **changes) if q.number == number else q for q in facts.questions
    )
    return dataclasses.replace(facts, questions=questions)


def only(*questions, **changes):
    facts = ResponseFacts(regime="foi", questions=questions, rights_included=True)
    return dataclasses.replace(facts, **changes)


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
    """LAW.md section 7: some released, Q3's spend withheld under s.43(2)."""
    assert outcome(LETTER) == "partially_withheld"


# (a) The public interest test ---------------------------------------------------------------


def test_a_qualified_exemption_needs_a_public_interest_test():
    """LAW.md section 6; FOIA s.17(3): the notice gives the public interest reasons."""
    facts = with_question(LETTER, 3, public_interest=None)
    assert problems(facts) == [
        "Q3: section 43(2) is subject to the public interest test but none is given: give "
        "the factors for disclosure, the factors for withholding and a conclusion "
        "(FOIA s.17(3))"
    ]


def test_the_public_interest_test_needs_factors_both_ways_and_a_conclusion():
    """LAW.md section 6 (the reference letter's three parts); FOIA s.17(3)."""
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
    """LAW.md section 5: absolute = no public interest test (FOIA s.2(3))."""
    assert problems(only(withheld_under("foia-41-1", public_interest=None))) == []


def test_an_eir_exception_is_weighed_with_the_presumption_in_favour_of_disclosure():
    """LAW.md section 5; EIR reg 12(1)(b), 12(2) and reg 14(3)(b)."""
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
    """LAW.md section 6; FOIA s.17(1): say that an exemption applies, which one and why."""
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
    """LAW.md section 6; FOIA s.16: with a s.12 refusal, say how to narrow the request."""
    facts = only(
        withheld_under("foia-12-1", number=1),
        withheld_under("foia-12-1", number=2),
        advice_and_assistance="",
    )
    assert problems(facts) == [
        "Q1, Q2: section 12(1) is relied on without advice and assistance: say how the "
        "request could be narrowed to come within the cost limit (FOIA s.16)"
    ]
    advised = dataclasses.replace(facts, advice_and_assistance="Ask for one year only.")
    assert problems(advised) == []


def test_a_foisa_cost_refusal_needs_advice_under_section_15():
    """LAW.md section 2; FOISA s.12 with the duty to advise and assist in s.15."""
    facts = only(withheld_under("foisa-12-1"), regime="foisa")
    assert problems(facts) == [
        "Q1: section 12(1) is relied on without advice and assistance: say how the request "
        "could be narrowed to come within the cost limit (FOISA s.15)"
    ]


def test_a_request_too_general_under_the_eir_needs_advice_under_regulation_9():
    """LAW.md section 5; EIR reg 12(4)(c) applies only once reg 9 advice is given."""
    facts = only(withheld_under("eir-12-4-c"), regime="eir")
    assert problems(facts) == [
        "Q1: regulation 12(4)(c) is relied on without advice and assistance: help the "
        "requester to say more precisely what information they want (EIR reg 9)"
    ]


# (d) The public interest extension ----------------------------------------------------------


def test_a_public_interest_extension_needs_an_estimated_date():
    """LAW.md sections 2 and 6; FOIA s.17(2): say the test is not finished, give a date."""
    notice = only(withheld_under("foia-43-2", public_interest=None), extension_applied=True)
    assert problems(notice) == [
        "The response applies a public interest extension without an estimated date: give "
        "the date by which a decision is expected (FOIA s.17(2))"
    ]
    dated = dataclasses.replace(notice, estimated_date=date(2020, 3, 13))
    assert problems(dated) == []


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
    """LAW.md section 2: FOISA, 20 working days, no public interest extension (s.10(1))."""
    facts = only(q(), regime="foisa", extension_applied=True, estimated_date=date(2020, 3, 13))
    assert problems(facts) == [
        "The response applies an extension, but FOISA allows none: respond within 20 "
        "working days (FOISA s.10(1))"
    ]


def test_an_eir_extension_is_fixed_at_40_working_days_so_needs_no_date():
    """LAW.md section 2; EIR reg 7(1): the extension is for complexity and volume."""
    facts = only(withheld_under("eir-12-5-e"), regime="eir", extension_applied=True)
    assert problems(facts) == []


# (e) Review and ICO rights ------------------------------------------------------------------


def test_every_refusal_gives_review_and_ico_rights():
    """LAW.md sections 4 and 6; FOIA s.17(7): internal review procedure and s.50 right."""
    facts = dataclasses.replace(LETTER, rights_included=False)
    assert problems(facts) == [
        "Q3: the response refuses information but does not give the requester's rights: add "
        "the internal review procedure and the right to complain to the Information "
        "Commissioner (FOIA s.17(7))"
    ]


def test_a_response_that_refuses_nothing_need_not_give_rights():
    """FOIA s.17(7) applies to refusal notices only."""
    facts = only(q(), q(2, held="no", decision="not_held", answer="This is not held."))
    assert problems(dataclasses.replace(facts, rights_included=False)) == []


@pytest.mark.parametrize(
    ("regime", "key", "source"),
    [
        ("eir", "eir-12-5-e", "EIR reg 14(5)"),
        ("foisa", "foisa-33-1-b", "FOISA s.19"),
        ("eisr", "eisr-10-5-e", "EISR reg 13"),
        ("review", "foia-43-2", "FOIA s.17(7)"),
    ],
)
def test_rights_in_every_regime(regime, key, source):
    """LAW.md section 4; EIR reg 14(5), FOISA s.19, EISR reg 13."""
    facts = only(withheld_under(key), regime=regime, rights_included=False)
    [problem] = problems(facts)
    assert problem.startswith("Q1: the response refuses information")
    assert problem.endswith(f"({source})")


def test_procedural_refusals_and_ncnd_need_rights_too():
    """FOIA s.17(5) and s.17(7): a s.12 or s.14 notice is a refusal notice."""
    facts = only(
        withheld_under("foia-14-1"),
        q(2, decision="ncnd", answer="", exemptions=("foia-31-1",)),
        rights_included=False,
    )
    facts = with_question(facts, 2, public_interest=LETTER_PUBLIC_INTEREST)
    [problem] = problems(facts)
    assert problem.startswith("Q1, Q2: the response refuses information")


def test_not_held_under_the_eir_and_foisa_is_a_refusal():
    """EIR reg 12(4)(a) with reg 14(5); FOISA s.17(1) notices carry s.19 particulars."""
    eir = only(
        q(held="no", decision="not_held", answer="We do not hold it.", exemptions=("eir-12-4-a",)),
        regime="eir",
        rights_included=False,
    )
    assert problems(eir)[0].endswith("(EIR reg 14(5))")
    foisa = dataclasses.replace(eir, regime="foisa")
    foisa = with_question(foisa, 1, exemptions=())
    assert problems(foisa)[0].endswith("(FOISA s.19)")


# (f) Not held -------------------------------------------------------------------------------


def test_not_held_must_say_so():
    """LAW.md section 6; FOIA s.1(1)(a): the duty to confirm or deny that it is held."""
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
    """LAW.md section 5; EIR reg 12(4)(a) is the exception, cited under reg 14(3)(a)."""
    facts = only(q(held="no", decision="not_held", answer="Not held."), regime="eir")
    assert problems(facts) == [
        "Q1: under the EIR information that is not held is refused under regulation "
        "12(4)(a): cite it (EIR reg 12(4)(a) and reg 14(3)(a))"
    ]


# (g) The wrong regime -----------------------------------------------------------------------


def test_an_eir_exception_on_a_foia_request():
    """LAW.md section 5; FOIA s.39 sends environmental information to the EIR (reg 5)."""
    facts = only(withheld_under("eir-12-5-e"))
    assert problems(facts) == [
        "Q1: regulation 12(5)(e) is an exception under the Environmental Information "
        "Regulations 2004, but this request is handled under FOIA: if the information is "
        "environmental, handle it under the EIR; if not, cite a FOIA exemption "
        "(FOIA s.39; EIR reg 5)"
    ]


def test_a_foia_exemption_on_an_eir_request():
    """LAW.md section 5; EIR reg 5 and FOIA s.39: environmental information is refused
    under an EIR exception."""
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
    """LAW.md sections 1 and 5: FOISA has its own numbering, for Scottish authorities."""
    [problem] = problems(only(withheld_under("foisa-33-1-b", "foia-43-2")))
    assert problem.startswith("Q1: section 33(1)(b) is from the Freedom of Information")
    assert problem.endswith("(FOIA s.80; FOISA s.3)")


# (h) Neither confirm nor deny ---------------------------------------------------------------


def test_ncnd_needs_an_exemption_that_allows_it():
    """LAW.md section 5: s.43(3) covers s.43(2) only; FOIA s.1(1)(a), s.17(1)."""
    facts = only(q(decision="ncnd", answer="", exemptions=("foia-43-1",)))
    facts = with_question(facts, 1, public_interest=LETTER_PUBLIC_INTEREST)
    assert problems(facts) == [
        "Q1: neither confirming nor denying needs an exemption that allows it, such as "
        "section 43(2) with section 43(3): cite one, or say whether the information is held "
        "(FOIA s.1(1)(a) and s.17(1))"
    ]
    allowed = with_question(facts, 1, exemptions=("foia-43-2",))
    assert problems(allowed) == []


def test_ncnd_under_a_qualified_exemption_weighs_the_public_interest():
    """FOIA s.2(1)(a) and s.17(3)(a): the public interest in confirming or denying."""
    facts = only(q(decision="ncnd", answer="", exemptions=("foia-31-1",)))
    [problem] = problems(facts)
    assert problem.startswith("Q1: section 31(1) is subject to the public interest test")


def test_section_21_cannot_be_neither_confirmed_nor_denied():
    """LAW.md section 5: s.21 has no NCND provision; the response must say where."""
    facts = only(q(decision="ncnd", answer="", exemptions=("foia-21-1",), published_at="x"))
    [problem] = problems(facts)
    assert problem.startswith("Q1: neither confirming nor denying needs an exemption")


# (i) Already published ----------------------------------------------------------------------


def test_published_says_where():
    """LAW.md section 6: the reference letter's pointer to Open Barnet (the s.21 pattern)."""
    facts = with_question(LETTER, 4, published_at="  ")
    assert problems(facts) == [
        "Q4: the answer points to information already published without saying where: give "
        "the link or the place it is published (FOIA s.21)"
    ]


def test_section_21_says_where_whatever_the_decision():
    """FOIA s.21; FOISA s.25: reasonably accessible means the requester can find it."""
    facts = only(withheld_under("foisa-25-1"), regime="foisa")
    assert problems(facts) == [
        "Q1: the answer points to information already published without saying where: give "
        "the link or the place it is published (FOISA s.25)"
    ]


# (j) Emissions ------------------------------------------------------------------------------


def test_information_on_emissions_cannot_be_withheld_under_12_5_d_to_g():
    """LAW.md section 5; EIR reg 12(9)."""
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
    """LAW.md section 7: exemptions used are counted, so a released question lists none."""
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
    """LAW.md sections 5 and 7: decisions and exemptions come from fixed lists."""
    facts = only(q(held="maybe", decision="refused", exemptions=("foia-99-1",)))
    assert problems(facts) == [
        "Q1: whether the information is held must be 'yes', 'no' or 'partly', not 'maybe' "
        "(FOIA s.1(1)(a))",
        "Q1: 'refused' is not a decision: use one of released, partly_released, withheld, "
        "not_held, published, ncnd (LAW.md section 7)",
        "Q1: 'foia-99-1' is not in the exemptions catalogue: choose the exemption from the "
        "catalogue (LAW.md section 5)",
    ]


def test_a_response_needs_its_questions():
    """FOIA s.1(1): every part of the request is answered."""
    assert problems(only()) == [
        "The response records no questions: record a decision on each part of the request "
        "(FOIA s.1(1))"
    ]


@pytest.mark.parametrize("regime", ["sar", "nonsense"])
def test_a_regime_without_refusal_rules(regime):
    """LAW.md section 5: subject access has the Data Protection Act 2018's exemptions."""
    [problem] = problems(dataclasses.replace(LETTER, regime=regime))
    assert problem.startswith(f"The response's regime {regime!r} has no refusal rules here")


def test_every_problem_at_once():
    """LAW.md section 6: the officer sees everything to fix, not one thing at a time."""
    facts = dataclasses.replace(
        with_question(LETTER, 3, public_interest=None),
        rights_included=False,
    )
    facts = with_question(facts, 4, published_at="")
    found = problems(facts)
    assert [problem.split(":")[0] for problem in found] == ["Q3", "Q4", "Q3"]
    sources = ("(FOIA s.17(3))", "(FOIA s.21)", "(FOIA s.17(7))")
    assert all(map(str.endswith, found, sources))


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
    """LAW.md section 7: granted in full, partially withheld, withheld in full, not held."""
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
    """LAW.md section 7: the share refused on cost and as vexatious or repeated."""
    facts = only(q(1), withheld_under(*keys, number=2))
    assert outcome(facts) == expected


def test_manifestly_unreasonable_counts_as_an_exception():
    """LAW.md section 7: EIR reg 12(4)(b) covers cost and vexatiousness alike, so it cannot
    be put in either share and is counted as withheld."""
    facts = only(withheld_under("eir-12-4-b"), regime="eir")
    assert outcome(facts) == "withheld_in_full"


def test_a_procedural_key_on_a_released_question_does_not_count():
    """LAW.md section 7: only exemptions relied on are counted."""
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
    held=st.sampled_from([*HELD, "maybe", ""]),
    decision=st.sampled_from([*DECISIONS, "refused", ""]),
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
    rights_included=st.booleans(),
    extension_applied=st.booleans(),
    estimated_date=st.none() | st.dates(),
)


@given(FACTS)
def test_problems_never_raises_and_every_problem_gives_its_source(facts):
    """LAW.md section 6: every problem says what to do and cites its source."""
    for problem in problems(facts):
        assert isinstance(problem, str)
        assert problem.startswith(("Q", "The response"))
        assert problem.endswith(")")


@given(FACTS)
def test_the_outcome_is_always_one_the_statistics_know(facts):
    """LAW.md section 7."""
    known = all(question.decision in DECISIONS for question in facts.questions)
    if facts.questions and known:
        assert outcome(facts) in OUTCOMES
