"""What a response must say before it is sent, and its outcome for the statistics.

docs/law/refusals-and-exemptions.md and docs/law/responses.md (FOIA s.1, s.16 and s.17; EIR
reg 9, 12 and 14; FOISA s.15, s.16, s.17 and s.19; EISR reg 9, 10 and 13). The checks work on
plain data, so the app can run them on a draft before it is approved and the rules can be read
and tested without Django.
"""

import re
from dataclasses import dataclass
from datetime import date

from foidesk.law.exemptions import exemption, parent_regime
from foidesk.law.labels import Labelled
from foidesk.law.regimes import Regime


class Held(Labelled):
    """Whether the authority holds the information a question asks for."""

    YES = "yes", "Yes"
    PARTLY = "partly", "Partly"
    NO = "no", "No"


class Decision(Labelled):
    """What is decided about one question."""

    RELEASED = "released", "Released"
    PARTLY_RELEASED = "partly_released", "Partly released"
    WITHHELD = "withheld", "Withheld"
    NOT_HELD = "not_held", "Not held"
    PUBLISHED = "published", "Already published"
    NCND = "ncnd", "Neither confirmed nor denied"


class Outcome(Labelled):
    """A response's initial outcome, as the official statistics name it."""

    GRANTED_IN_FULL = "granted_in_full", "Granted in full"
    PARTIALLY_WITHHELD = "partially_withheld", "Partially withheld"
    WITHHELD_IN_FULL = "withheld_in_full", "Withheld in full"
    NOT_HELD = "not_held", "Information not held"
    REFUSED_COST = "refused_cost", "Refused on cost (s.12)"
    REFUSED_VEXATIOUS = "refused_vexatious", "Refused as vexatious (s.14(1))"
    REFUSED_REPEATED = "refused_repeated", "Refused as repeated (s.14(2))"


# A refusal of the request as such outranks what happened to its parts, and among those a
# vexatious or repeated request outranks cost: s.14 disposes of the request whatever it
# would cost. EIR 12(4)(b) covers both cost and vexatiousness, so it cannot be told apart
# here and counts as an exception like any other (withheld).
PROCEDURAL_OUTCOMES = (
    (("foia-14-1", "foisa-14-1"), Outcome.REFUSED_VEXATIOUS),
    (("foia-14-2", "foisa-14-2"), Outcome.REFUSED_REPEATED),
    (("foia-12-1", "foisa-12-1"), Outcome.REFUSED_COST),
)

# s.39 sends environmental information to the regulations, so an EIR response may cite it
# to explain why it was not answered under the Act.
ROUTES_TO = {"foia-39-1": Regime.EIR, "foisa-39-2": Regime.EISR}

NOT_HELD_WORDS = re.compile(
    r"\bnot\s+(?:held|hold)\b"
    r"|n[’']t\s+hold\b"
    r"|\bholds?\s+no\b"
    r"|\bno\s+(?:such\s+|relevant\s+|recorded\s+)?(?:information|data|records?)\s+"
    r"(?:is\s+|are\s+|was\s+|were\s+)?held\b",
    re.IGNORECASE,
)
WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class PublicInterestTest:
    """The public interest test as a letter gives it: factors both ways, then a conclusion."""

    for_disclosure: tuple[str, ...] = ()
    for_withholding: tuple[str, ...] = ()
    conclusion: str = ""

    @property
    def missing(self):
        """The parts not yet given, in words."""
        parts = []
        if not _given(self.for_disclosure):
            parts.append("the factors for disclosure")
        if not _given(self.for_withholding):
            parts.append("the factors for withholding")
        if _blank(self.conclusion):
            parts.append("a conclusion")
        return parts


@dataclass(frozen=True)
class QuestionDecision:
    """The decision on one numbered question of a request.

    ``held`` is "yes", "no" or "partly"; ``decision`` one of ``Decision``; ``exemptions``
    the catalogue keys relied on; ``published_at`` where information already published can
    be found; ``concerns_emissions`` whether the information is on emissions (EIR reg 12(9)).
    """

    number: int
    held: str
    decision: str
    exemptions: tuple[str, ...] = ()
    answer: str = ""
    reasons: str = ""
    public_interest: PublicInterestTest | None = None
    published_at: str = ""
    concerns_emissions: bool = False


@dataclass(frozen=True)
class ResponseFacts:
    """What a response says, as far as the law cares.

    ``letter`` is the plain text of the letter as it will be sent. What a notice must state
    (the exemption, the public interest test, the advice, where the information is published,
    the requester's rights, the estimated date) is looked for there, in its words, so that a
    decision recorded but worded away, by an officer or by an administrator's letter blocks,
    is still caught.

    ``extension_applied`` with ``estimated_date`` is the notice that takes a public interest
    extension (FOIA s.17(2)): the test is still being weighed, so its factors and conclusion
    belong to the later response, which does not itself apply an extension.
    """

    regime: str
    questions: tuple[QuestionDecision, ...]
    advice_and_assistance: str = ""
    letter: str = ""
    extension_applied: bool = False
    estimated_date: date | None = None


@dataclass(frozen=True)
class _Law:
    """How each regime words and sources the same duty."""

    name: str
    short: str
    relief: str
    duty: str
    confirm: str
    named: str
    specifies: str
    public_interest: str
    presumption: str
    advice: str
    rights: str
    review_in_words: str
    appeal_in_words: str
    regulator_names: tuple[str, ...]
    published: str
    ncnd: str
    ncnd_example: str
    emissions: str
    not_held_key: str = ""

    @property
    def rights_in_words(self):
        return f"{self.review_in_words} and {self.appeal_in_words}"

    @property
    def regulator(self):
        return f"the {self.regulator_names[0]}"


# The Data (Use and Access) Act 2025 ss.117-119 replace the Information Commissioner with the
# Information Commission, on a day not yet appointed. A letter naming either is right for
# FOIA and the EIR until then and after, so both are accepted rather than one chosen by date.
INFORMATION_COMMISSIONER = ("Information Commissioner", "Information Commission")
SCOTTISH_INFORMATION_COMMISSIONER = ("Scottish Information Commissioner",)

LAWS = {
    Regime.FOI: _Law(
        name="FOIA",
        short="FOIA",
        relief="exemption",
        duty="FOIA s.1(1)",
        confirm="FOIA s.1(1)(a)",
        named="FOIA s.17(1)",
        specifies="FOIA s.17(1)(b)",
        public_interest="FOIA s.17(3)",
        presumption="",
        advice="FOIA s.16",
        rights="FOIA s.17(7)",
        review_in_words="the internal review procedure",
        appeal_in_words="the right to complain to the Information Commissioner",
        regulator_names=INFORMATION_COMMISSIONER,
        published="FOIA s.21",
        ncnd="FOIA s.1(1)(a) and s.17(1)",
        ncnd_example="section 43(2) with section 43(3)",
        emissions="",
    ),
    Regime.EIR: _Law(
        name="the EIR",
        short="EIR",
        relief="exception",
        duty="EIR reg 5(1)",
        confirm="EIR reg 12(4)(a) and reg 14(3)(a)",
        named="EIR reg 14(3)(a)",
        specifies="EIR reg 14(3)(a)",
        public_interest="EIR reg 12(1)(b) and reg 14(3)(b)",
        presumption="EIR reg 12(1)(b), 12(2) and 14(3)(b)",
        advice="EIR reg 9",
        rights="EIR reg 14(5)",
        review_in_words="the right to ask for an internal review",
        appeal_in_words="the right to complain to the Information Commissioner",
        regulator_names=INFORMATION_COMMISSIONER,
        published="EIR reg 6(1)(b)",
        ncnd="EIR reg 12(6)",
        ncnd_example="regulation 12(5)(a) with regulation 12(6)",
        emissions="EIR reg 12(9)",
        not_held_key="eir-12-4-a",
    ),
    Regime.FOISA: _Law(
        name="FOISA",
        short="FOISA",
        relief="exemption",
        duty="FOISA s.1(1)",
        confirm="FOISA s.17(1)",
        named="FOISA s.16(1)",
        specifies="FOISA s.16(1)(c)",
        public_interest="FOISA s.16(2)",
        presumption="",
        advice="FOISA s.15",
        rights="FOISA s.19",
        review_in_words="the right to ask for a review",
        appeal_in_words="the right to apply to the Scottish Information Commissioner",
        regulator_names=SCOTTISH_INFORMATION_COMMISSIONER,
        published="FOISA s.25",
        ncnd="FOISA s.18(1)",
        ncnd_example="section 33(1)(b) with section 18(1)",
        emissions="",
    ),
    Regime.EISR: _Law(
        name="the EISR",
        short="EISR",
        relief="exception",
        duty="EISR reg 5(1)",
        confirm="EISR reg 10(4)(a) and reg 13",
        named="EISR reg 13",
        specifies="EISR reg 13(b)",
        public_interest="EISR reg 10(1)(b) and reg 13",
        presumption="EISR reg 10(1)(b), 10(2) and 13",
        advice="EISR reg 9",
        rights="EISR reg 13(e)",
        review_in_words="the right to ask for a review",
        appeal_in_words="the right to apply to the Scottish Information Commissioner",
        regulator_names=SCOTTISH_INFORMATION_COMMISSIONER,
        published="EISR reg 6(1)(b)",
        ncnd="EISR reg 10(8)",
        ncnd_example="regulation 10(5)(a) with regulation 10(8)",
        emissions="EISR reg 10(6)",
        not_held_key="eisr-10-4-a",
    ),
}

# Which law sends information from one regime to the other, by (request's, exemption's).
CROSSING = {
    (Regime.FOI, Regime.EIR): "FOIA s.39; EIR reg 5",
    (Regime.EIR, Regime.FOI): "EIR reg 5; FOIA s.39",
    (Regime.FOISA, Regime.EISR): "FOISA s.39(2); EISR reg 5",
    (Regime.EISR, Regime.FOISA): "EISR reg 5; FOISA s.39(2)",
}
ENVIRONMENTAL = {Regime.FOI: Regime.EIR, Regime.FOISA: Regime.EISR}
BORDER = "FOIA s.80; FOISA s.3"


def problems(facts):
    """Everything a response must still fix before it is sent, as plain sentences.

    Each names the question (or the response), says what to do, and ends with its source in
    brackets. Never raises on odd data: an unknown value is itself a problem. The decisions
    are checked first, then that ``facts.letter`` states what they require it to.
    """
    try:
        regime = Regime(facts.regime)
        base = parent_regime(regime)
    except ValueError:
        return [
            f"The response's regime {facts.regime!r} has no refusal rules here: use foi, eir, "
            "foisa or eisr, or a review of one; subject access is refused under the Data "
            "Protection Act 2018, schedules 2-4 (docs/law/refusals-and-exemptions.md)"
        ]
    law = LAWS[base]
    questions = tuple(facts.questions)
    if not questions:
        return [
            "The response records no questions: record a decision on each part of the "
            f"request ({law.duty})"
        ]
    weighing_later = public_interest_deferred(regime, facts.extension_applied)
    letter = _words(facts.letter)
    found = []
    for question in questions:
        found += _question_problems(question, base, law, weighing_later, letter)
    found += _citation_problems(questions, base, law, letter)
    found += _advice_problems(facts, questions, base, law, letter)
    found += _rights_problems(questions, base, law, letter)
    found += _extension_problems(facts, questions, regime, letter)
    return found


def public_interest_deferred(regime, extension_applied):
    """Whether the response is the notice that takes a public interest extension, so gives an
    estimated date instead of the test (FOIA s.17(2)): FOIA alone lets the weighing run past
    the time for the response; FOISA has no extension, and the EIR's is for volume.
    """
    return regime == Regime.FOI and bool(extension_applied)


def outcome(facts):
    """The initial outcome reported in the official statistics (docs/law/responses.md).

    Precedence: a request refused as vexatious, then as repeated, then on cost (s.14, s.12
    or FOISA s.12, s.14 relied on by any question); otherwise from the decisions: some
    information withheld and some given (released or pointed to where published), or any
    partly released, is partially withheld; only withheld or neither confirmed nor denied
    (with or without parts not held) is withheld in full; given with nothing withheld is
    granted in full, parts not held notwithstanding; nothing held is not held.
    """
    questions = tuple(facts.questions)
    if not questions:
        raise ValueError("a response with no questions has no outcome: record the decisions")
    decisions = {q.decision for q in questions}
    unknown = decisions - set(Decision)
    if unknown:
        raise ValueError(
            f"unknown decision {sorted(map(str, unknown))}: use one of {', '.join(Decision)}"
        )
    relied = {key for q in questions if q.decision != Decision.RELEASED for key in q.exemptions}
    for keys, result in PROCEDURAL_OUTCOMES:
        if relied.intersection(keys):
            return result
    given = decisions & {Decision.RELEASED, Decision.PUBLISHED}
    kept = decisions & {Decision.WITHHELD, Decision.NCND}
    if Decision.PARTLY_RELEASED in decisions or (given and kept):
        return Outcome.PARTIALLY_WITHHELD
    if kept:
        return Outcome.WITHHELD_IN_FULL
    if given:
        return Outcome.GRANTED_IN_FULL
    return Outcome.NOT_HELD


def _question_problems(question, base, law, weighing_later, letter):
    label = f"Q{question.number}"
    decision = question.decision
    found = []
    if question.held not in Held:
        found.append(
            f"{label}: whether the information is held must be 'yes', 'no' or 'partly', not "
            f"{question.held!r} ({law.confirm})"
        )
    if decision not in Decision:
        found.append(
            f"{label}: {decision!r} is not a decision: use one of {', '.join(Decision)} "
            "(docs/law/responses.md)"
        )
    cited, unknown = _resolve(question.exemptions)
    for key in unknown:
        found.append(
            f"{label}: {key!r} is not in the exemptions catalogue: choose the {law.relief} "
            "from the catalogue (docs/law/refusals-and-exemptions.md)"
        )
    found += _crossing_problems(label, cited, base, law)
    relied = [e for e in cited if e.regime == base] if decision != Decision.RELEASED else []

    if decision == Decision.RELEASED:
        listed = [e for e in cited if e.key not in ROUTES_TO]
        if listed:
            found.append(
                f"{label}: the information is released in full, yet {_cite(listed)} "
                f"{_is(listed)} listed: remove {_it(listed)}, or record the decision as "
                f"partly released ({law.named})"
            )
    if decision in (Decision.WITHHELD, Decision.PARTLY_RELEASED) and not question.exemptions:
        what = "information is" if decision == Decision.WITHHELD else "part of the information is"
        found.append(
            f"{label}: {what} withheld without an {law.relief}: cite the {law.relief} that "
            f"applies and say why ({law.named})"
        )
    if decision == Decision.NCND and not any(e.ncnd for e in relied):
        found.append(
            f"{label}: neither confirming nor denying needs an {law.relief} that allows it, "
            f"such as {law.ncnd_example}: cite one, or say whether the information is held "
            f"({law.ncnd})"
        )
    if decision == Decision.NOT_HELD:
        found += _not_held_problems(label, question, relied, law)
    if question.held == Held.NO and decision in (
        Decision.RELEASED,
        Decision.PARTLY_RELEASED,
        Decision.WITHHELD,
    ):
        found.append(
            f"{label}: the information is recorded as not held, so it cannot be "
            f"{decision.replace('_', ' ')}: record the decision as not held, or correct "
            f"whether it is held ({law.confirm})"
        )
    if decision == Decision.PUBLISHED or any(e.key in ("foia-21-1", "foisa-25-1") for e in relied):
        found += _published_problems(label, question, law, letter)
    if decision in (Decision.RELEASED, Decision.PARTLY_RELEASED) and _blank(question.answer):
        found.append(
            f"{label}: the information is released but the answer is empty: give the "
            f"information, or change the decision ({law.duty})"
        )
    if (
        decision in (Decision.WITHHELD, Decision.PARTLY_RELEASED, Decision.NCND, Decision.PUBLISHED)
        and not weighing_later
    ):
        found += _public_interest_problems(label, question, relied, law)
        found += _stated_public_interest_problems(label, question, relied, law, letter)
    if question.concerns_emissions:
        for e in relied:
            if e.not_for_emissions:
                found.append(
                    f"{label}: {e.citation} cannot be used to withhold information on "
                    f"emissions: release it or rely on another exception "
                    f"({LAWS[e.regime].emissions})"
                )
    return found


def _not_held_problems(label, question, relied, law):
    found = []
    if question.held in (Held.YES, Held.PARTLY):
        found.append(
            f"{label}: the decision is not held, yet the information is recorded as held "
            f"({question.held!r}): release it or cite an {law.relief} for it, or correct "
            f"whether it is held ({law.confirm})"
        )
    if not NOT_HELD_WORDS.search(str(question.answer or "")):
        found.append(
            f"{label}: the answer does not say that the information is not held: say so "
            f"plainly, e.g. 'We do not hold this information' ({law.confirm})"
        )
    if law.not_held_key and not any(e.key == law.not_held_key for e in relied):
        citation = exemption(law.not_held_key).citation
        found.append(
            f"{label}: under {law.name} information that is not held is refused under "
            f"{citation}: cite it ({law.confirm})"
        )
    return found


def _published_problems(label, question, law, letter):
    if _blank(question.published_at):
        return [
            f"{label}: the answer points to information already published without saying "
            f"where: give the link or the place it is published ({law.published})"
        ]
    if _says(letter, question.published_at):
        return []
    return [
        f"{label}: the letter does not say where the information is published: give "
        f"'{question.published_at.strip()}' in the letter ({law.published})"
    ]


def _public_interest_problems(label, question, relied, law):
    qualified = [e for e in relied if e.public_interest_test]
    if not qualified:
        return []
    presumption = any(e.presumption_of_disclosure for e in qualified)
    source = _public_interest_source(qualified, law)
    weigh = ", weighed with a presumption in favour of disclosure" if presumption else ""
    subject = f"{_cite(qualified)} {_is(qualified)} subject to the public interest test"
    test = question.public_interest
    if test is None:
        return [
            f"{label}: {subject} but none is given: give the factors for disclosure, the "
            f"factors for withholding and a conclusion{weigh} ({source})"
        ]
    missing = test.missing
    if not missing:
        return []
    return [
        f"{label}: {subject} but the test is missing {_and(missing)}: add "
        f"{'it' if len(missing) == 1 else 'them'}{weigh} ({source})"
    ]


def _stated_public_interest_problems(label, question, relied, law, letter):
    """The test as recorded must be the test the letter gives, part by part."""
    qualified = [e for e in relied if e.public_interest_test]
    test = question.public_interest
    if not qualified or test is None:
        return []
    left_out = [
        f"the factor {side} '{_short(factor)}'"
        for side, factors in (
            ("for disclosure", test.for_disclosure),
            ("for withholding", test.for_withholding),
        )
        for factor in factors or ()
        if not _blank(factor) and not _says(letter, factor)
    ]
    if not _blank(test.conclusion) and not _says(letter, test.conclusion):
        left_out.append("the conclusion")
    if not left_out:
        return []
    return [
        f"{label}: the letter leaves out {_and(left_out)} of the public interest test for "
        f"{_cite(qualified)}: give the whole test in the letter "
        f"({_public_interest_source(qualified, law)})"
    ]


def _public_interest_source(qualified, law):
    presumption = any(e.presumption_of_disclosure for e in qualified)
    return law.presumption if presumption else law.public_interest


def _crossing_problems(label, cited, base, law):
    found = []
    for e in cited:
        if e.regime == base or ROUTES_TO.get(e.key) == base:
            continue
        crossing = CROSSING.get((base, e.regime))
        other = LAWS[e.regime]
        if crossing and ENVIRONMENTAL.get(base) == e.regime:
            found.append(
                f"{label}: {e.citation} is an exception under the {e.act}, but this request "
                f"is handled under {law.name}: if the information is environmental, handle it "
                f"under {other.name}; if not, cite a {law.short} exemption ({crossing})"
            )
        elif crossing:
            found.append(
                f"{label}: {e.citation} is an exemption under the {e.act}, but this request "
                f"is handled under {law.name}: withhold environmental information under an "
                f"{law.short} exception instead ({crossing})"
            )
        else:
            found.append(
                f"{label}: {e.citation} is from the {e.act}, but this request is handled "
                f"under {law.name}: Scottish public authorities answer under FOISA or the "
                f"EISR, all others under FOIA or the EIR ({BORDER})"
            )
    return found


def _citation_problems(questions, base, law, letter):
    """Each exemption relied on is named in the letter by its citation."""
    relying = {}
    for question in questions:
        if question.decision == Decision.RELEASED:
            continue
        for e in _resolve(question.exemptions)[0]:
            if e.regime == base:
                relying.setdefault(e, []).append(question)
    return [
        f"{_labels(asked)}: {e.citation} is relied on, but the letter does not name it: say "
        f"in the letter that {e.citation} applies ({law.specifies})"
        for e, asked in relying.items()
        if not _says(letter, e.citation)
    ]


def _advice_problems(facts, questions, base, law, letter):
    needing = {}
    for question in questions:
        if question.decision == Decision.RELEASED:
            continue
        cited, _ = _resolve(question.exemptions)
        for e in cited:
            if e.regime == base and e.advice_needed:
                needing.setdefault(e, []).append(question)
    if not needing:
        return []
    if not _blank(facts.advice_and_assistance):
        if _says(letter, facts.advice_and_assistance):
            return []
        advised = list(needing)
        asked = [q for q in questions if any(q in needing[e] for e in advised)]
        return [
            f"{_labels(asked)}: {_cite(advised)} {_is(advised)} relied on, but the letter does "
            f"not give the advice and assistance recorded: give it in the letter ({law.advice})"
        ]
    found = []
    for e, asked in needing.items():
        if e.advice_needed == "narrowing":
            what = "say how the request could be narrowed to come within the cost limit"
        else:
            what = "help the requester to say more precisely what information they want"
        found.append(
            f"{_labels(asked)}: {e.citation} is relied on without advice and assistance: "
            f"{what} ({law.advice})"
        )
    return found


def _rights_problems(questions, base, law, letter):
    refused = [q for q in questions if _refuses(q, base)]
    if not refused:
        return []
    review = _says(letter, "review")
    regulator = _names_regulator(letter, law)
    if review and regulator:
        return []
    if not review and not regulator:
        missing = f"does not give the requester's rights: add {law.rights_in_words}"
    elif not review:
        missing = f"does not mention a review: add {law.review_in_words}"
    else:
        missing = f"does not name {law.regulator}: add {law.appeal_in_words}"
    return [
        f"{_labels(refused)}: the response refuses information but the letter {missing} "
        f"({law.rights})"
    ]


def _names_regulator(letter, law):
    """Whether the letter names the regulator ``law`` sends complaints to.

    Another regulator's name that contains this one's does not count: "Scottish Information
    Commissioner" in a FOIA letter would send the requester to the wrong regulator.
    """
    mine = [_words(name) for name in law.regulator_names]
    for other in LAWS.values():
        for theirs in map(_words, other.regulator_names):
            if theirs not in mine and any(name in theirs for name in mine):
                while theirs in letter:
                    letter = letter.replace(theirs, " ")
    return any(name in letter for name in mine)


def _extension_problems(facts, questions, regime, letter):
    if not facts.extension_applied:
        return []
    if regime == Regime.FOISA:
        return [
            "The response applies an extension, but FOISA allows none: respond within 20 "
            "working days (FOISA s.10(1))"
        ]
    if regime != Regime.FOI:
        return []
    found = []
    if facts.estimated_date is None:
        found.append(
            "The response applies a public interest extension without an estimated date: "
            "give the date by which a decision is expected (FOIA s.17(2))"
        )
    elif not any(_says(letter, way) for way in _ways_to_write(facts.estimated_date)):
        found.append(
            "The response applies a public interest extension, but the letter does not give "
            f"the estimated date, {_long_date(facts.estimated_date)}: say that a decision is "
            "expected by then (FOIA s.17(2))"
        )
    weighing = [
        e
        for q in questions
        if q.decision != Decision.RELEASED
        for e in _resolve(q.exemptions)[0]
        if e.public_interest_test and e.regime == Regime.FOI
    ]
    if not weighing:
        found.append(
            "The response applies a public interest extension, but no question relies on a "
            "qualified exemption: the extension is only for weighing the public interest, so "
            "name the exemption being considered (FOIA s.10(3))"
        )
    return found


def _refuses(question, base):
    """Whether the answer to a question is a refusal, which must carry the rights."""
    if question.decision in (Decision.WITHHELD, Decision.PARTLY_RELEASED, Decision.NCND):
        return True
    if question.decision == Decision.RELEASED:
        return False
    # Not held is a refusal under 12(4)(a) / 10(4)(a), and FOISA s.19 covers s.17 notices.
    if question.decision == Decision.NOT_HELD and base in (Regime.EIR, Regime.EISR, Regime.FOISA):
        return True
    # Pointing to published information by citing s.21 is a refusal all the same.
    cited, _ = _resolve(question.exemptions)
    return any(e.regime == base for e in cited)


def _resolve(keys):
    """The catalogue's entries for ``keys``, once each, and the keys it does not know."""
    cited, unknown = [], []
    for key in keys or ():
        try:
            found = exemption(key) if isinstance(key, str) else None
        except KeyError:
            found = None
        if found is None:
            unknown.append(key)
        elif found not in cited:
            cited.append(found)
    return cited, unknown


def _words(text):
    """``text`` as its words alone, in lower case, with a space either side of each.

    A letter states something when its words are there in order, however the letter's
    markup rendered them (bold, links, headings in capitals, bullets, line breaks): "Section
    43(2)" and "section 43 (2)" both give the words "section 43 2".
    """
    words = WORD.findall(str(text or "").casefold())
    return f" {' '.join(words)} "


def _says(letter, phrase):
    """Whether ``letter`` (already ``_words``) has the words of ``phrase``, as whole words;
    a phrase with no words in it (a dash, say) asks for nothing."""
    words = _words(phrase)
    return not words.strip() or words in letter


def _ways_to_write(day):
    """How a letter may write a date: 13 March 2020, 13th March 2020, 13/03/2020."""
    suffix = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}.get(day.day, "th")
    return (_long_date(day), f"{day.day}{suffix} {day:%B %Y}", f"{day:%d/%m/%Y}")


def _long_date(day):
    return f"{day.day} {day:%B %Y}"


def _short(text, limit=60):
    """``text`` on one line, cut after a word to at most ``limit`` characters, to quote."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    return f"{text[:limit].rsplit(' ', 1)[0]}…"


def _given(factors):
    return any(not _blank(factor) for factor in factors or ())


def _blank(text):
    return not str(text or "").strip()


def _cite(exemptions):
    return _and([e.citation for e in exemptions])


def _and(words):
    words = list(words)
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _is(items):
    return "is" if len(items) == 1 else "are"


def _it(items):
    return "it" if len(items) == 1 else "them"


def _labels(questions):
    return ", ".join(f"Q{q.number}" for q in questions)
