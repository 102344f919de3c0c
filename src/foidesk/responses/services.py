"""Responses: decisions, exemptions and their public interest tests, answer tables, the
letter, and the checks (FOIA s.17, s.16) that must pass before a response is approved or sent.

Views, the API and the command line call these. Every change writes the case's timeline.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from foidesk import law
from foidesk.accounts import permissions
from foidesk.casework import services as casework
from foidesk.casework import workflow
from foidesk.casework.models import ClockEvent
from foidesk.intake import outgoing
from foidesk.intake.models import Correspondence
from foidesk.law.dates import uk_date
from foidesk.responses import documents, letter, markup, tables
from foidesk.responses.models import (
    AnswerSheet,
    Decision,
    ExemptionUse,
    LetterBlock,
    LocalWording,
    Outcome,
    Response,
)

SCOTTISH = {"foisa", "eisr", "foisa-review", "eisr-review"}


class ResponseError(Exception):
    """A change to a response that cannot be made as asked; the message says why."""


def _require(actor, case):
    if not actor.has_perm(permissions.HANDLE_REQUEST, case):
        raise PermissionDenied("Only FOI officers prepare responses.")


def response_of(case):
    return Response.objects.get_or_create(request=case)[0]


def decisions_of(case):
    """A Decision for each question, made when first asked for (held and released)."""
    existing = {d.question_id: d for d in Decision.objects.filter(question__request=case)}
    decisions = []
    for question in case.questions.all():
        decision = existing.get(question.pk) or Decision.objects.create(question=question)
        decision.question = question
        decisions.append(decision)
    return decisions


def catalogue_for(case):
    """The exemptions that can be cited under the case's regime, in citation order."""
    if case.regime == "sar":
        return {}
    return law.for_regime(case.regime)


def record_decision(case, actor, number, *, held, outcome, answer, exemptions, published_at):
    _require(actor, case)
    unknown = [key for key in exemptions if key not in catalogue_for(case)]
    if unknown:
        raise ResponseError(
            f"{', '.join(unknown)} cannot be cited under the {law.Regime(case.regime).rules.title}."
        )
    question = case.questions.get(number=number)
    with transaction.atomic():
        Decision.objects.update_or_create(
            question=question,
            defaults={
                "held": held,
                "outcome": outcome,
                "answer": answer.strip(),
                "exemptions": list(exemptions),
                "published_at": published_at.strip(),
                # Saved by an officer: no longer only a copy of another case's answer.
                "copied_from": "",
            },
        )
        for key in exemptions:
            ExemptionUse.objects.get_or_create(request=case, exemption=key)
        _forget_unused_exemptions(case)
        cited = ", ".join(law.exemption(key).citation for key in exemptions)
        casework.record(
            case,
            actor,
            "decision",
            f"Q{number}: {Outcome(outcome).label}" + (f" ({cited})" if cited else ""),
        )


def _forget_unused_exemptions(case):
    used = {key for decision in decisions_of(case) for key in decision.exemptions}
    case.exemption_uses.exclude(exemption__in=used).delete()


def record_exemption_use(case, actor, key, *, reasons, for_disclosure, for_withholding, conclusion):
    """Why an exemption applies and, for a qualified one, the public interest test."""
    _require(actor, case)
    use = case.exemption_uses.filter(exemption=key).first()
    if use is None:
        raise ResponseError("Cite the exemption on a question before explaining it.")
    use.reasons = reasons.strip()
    use.for_disclosure = _lines(for_disclosure)
    use.for_withholding = _lines(for_withholding)
    use.conclusion = conclusion.strip()
    use.save()
    casework.record(case, actor, "exemption", f"Reasons for {law.exemption(key).citation} recorded")


def _lines(text):
    return "\n".join(line.strip(" -•\t") for line in text.splitlines() if line.strip(" -•\t"))


def update_response(case, actor, **fields):
    """The parts of the letter that belong to the whole response (advice, further
    information, the direct marketing paragraph, the estimated date)."""
    _require(actor, case)
    response = response_of(case)
    for name, value in fields.items():
        setattr(response, name, value.strip() if isinstance(value, str) else value)
    response.save()
    casework.record(case, actor, "response", "Response details edited")


def save_sheet(case, actor, sheet, position=None, replace=None):
    """Store ``sheet`` (a tables.Sheet) as one of the case's answer sheets."""
    _require(actor, case)
    cells = {
        f"{row}:{column}": {
            "kind": cell.kind,
            "value": cell.value,
            "exemption": cell.exemption,
            "link": cell.link,
        }
        for (row, column), cell in sheet.cells.items()
        if cell.kind != "empty"
    }
    stored = replace or AnswerSheet(request=case)
    stored.name = sheet.name
    stored.columns = list(sheet.columns)
    stored.rows = list(sheet.rows)
    stored.cells = cells
    if position is not None:
        stored.position = position
    elif stored.pk is None:
        stored.position = case.answer_sheets.count()
    stored.save()
    casework.record(case, actor, "answer_table", f"Answer sheet “{sheet.name}” saved")
    return stored


def answer_table(case):
    """The case's answer sheets as a tables.AnswerTable, with a footnote per exemption."""
    sheets = [
        tables.Sheet(
            name=stored.name,
            columns=list(stored.columns),
            rows=list(stored.rows),
            cells={
                tuple(int(part) for part in key.split(":")): tables.Cell(**cell)
                for key, cell in stored.cells.items()
            },
        )
        for stored in case.answer_sheets.all()
    ]
    return tables.AnswerTable(sheets=sheets, footnotes=_footnotes(case, sheets))


def _footnotes(case, sheets):
    by_citation = {exemption.citation: exemption for exemption in catalogue_for(case).values()}
    notes = {}
    for sheet in sheets:
        for cell in sheet.cells.values():
            if cell.kind == "withheld" and cell.exemption in by_citation:
                found = by_citation[cell.exemption]
                notes[cell.exemption] = (
                    f"Withheld under {found.full_citation} ({found.title}); "
                    "the response letter explains why."
                )
    return notes


def workbook_name(case):
    return f"{case.reference}-answers"


def facts(case):
    """The response as foidesk.law sees it, to check against FOIA s.17 and s.16."""
    uses = {use.exemption: use for use in case.exemption_uses.all()}
    response = response_of(case)
    return law.ResponseFacts(
        regime=case.regime,
        questions=tuple(_question_facts(decision, uses) for decision in decisions_of(case)),
        advice_and_assistance=response.advice_and_assistance,
        rights_included=bool(_rendered("rights", _context(case)).strip()),
        extension_applied=case.clock_events.filter(kind=ClockEvent.Kind.EXTENSION).exists(),
        estimated_date=response.estimated_date,
    )


def _question_facts(decision, uses):
    tests = [_public_interest(uses.get(key)) for key in decision.exemptions if _qualified(key)]
    return law.QuestionDecision(
        number=decision.question.number,
        held=decision.held,
        decision=decision.outcome,
        exemptions=tuple(decision.exemptions),
        answer=decision.answer,
        reasons=" ".join(uses[key].reasons for key in decision.exemptions if key in uses),
        # Every qualified exemption on the question needs its test; one missing is enough.
        public_interest=None if not tests or None in tests else tests[0],
        published_at=decision.published_at,
    )


def _qualified(key):
    return law.exemption(key).public_interest_test


def _public_interest(use):
    if use is None:
        return None
    return law.PublicInterestTest(
        for_disclosure=tuple(use.for_disclosure.splitlines()),
        for_withholding=tuple(use.for_withholding.splitlines()),
        conclusion=use.conclusion,
    )


def problems(case):
    """Everything the response still lacks, in plain words; empty when it may go.

    Subject access responses answer to the Data Protection Act 2018, whose refusal rules
    foidesk does not check yet, so they are not held back here.
    """
    if case.regime == "sar":
        return []
    return law.problems(facts(case)) + unanswered_cells(case)


# Where a sheet has more cells than this with no answer, it is named once with a count.
CELLS_NAMED = 3
SAY_WHY = "or say why (withheld, not held or published elsewhere)"


def unanswered_cells(case):
    """Each answer-sheet cell left empty, in plain words.

    A requester who asks for a sheet per service and a column per system asks every
    question of each: so once the answer is given as sheets, every cell of every sheet must
    say something, a value or why there is none (withheld, not held, or published
    elsewhere), and the workbook and the letter then cover the same ground. Nothing here
    guesses at prose: whether each service area's answer in a question's text covers every
    service is for the officer to read, and a request answered without sheets is checked
    only against the law. This is not a statutory rule (FOIA s.1(1) asks for the
    information, not a shape), so it lives here rather than in foidesk.law.
    """
    found = []
    for sheet in answer_table(case).sheets:
        empty = [
            (row, column)
            for row in range(len(sheet.rows))
            for column in range(len(sheet.columns))
            if sheet.cell(row, column).kind == tables.EMPTY
        ]
        if len(empty) > CELLS_NAMED:
            row, column = empty[0]
            found.append(
                f"Sheet “{sheet.name}” has {len(empty)} cells with no answer, the first "
                f"row “{sheet.rows[row]}”, column “{sheet.columns[column]}”: give each "
                f"its answer, {SAY_WHY}"
            )
        else:
            found.extend(
                f"Sheet “{sheet.name}”, row “{sheet.rows[row]}”, column "
                f"“{sheet.columns[column]}” has no answer: give it, {SAY_WHY}"
                for row, column in empty
            )
    return found


def _decision_facts(case):
    """The decisions alone, as foidesk.law sees them: all that the outcome depends on.

    The letter is worded by its outcome, and facts() reads the letter (its rights block),
    so the outcome is worked out from these, never from facts(): a letter that needed its
    own words to find its outcome would compose itself without end.
    """
    uses = {use.exemption: use for use in case.exemption_uses.all()}
    return law.ResponseFacts(
        regime=case.regime,
        questions=tuple(_question_facts(decision, uses) for decision in decisions_of(case)),
    )


def outcome(case):
    return law.outcome(_decision_facts(case))


OUTCOME_LABELS = {
    "granted_in_full": "Granted in full",
    "partially_withheld": "Partially withheld",
    "withheld_in_full": "Withheld in full",
    "not_held": "Information not held",
    "refused_cost": "Refused on cost (s.12)",
    "refused_vexatious": "Refused as vexatious (s.14(1))",
    "refused_repeated": "Refused as repeated (s.14(2))",
}


def outcome_label(case):
    """The outcome as official statistics name it, once the response is complete."""
    if case.regime == "sar" or problems(case):
        return ""
    return OUTCOME_LABELS[outcome(case)]


def compose_letter(case, letter_date=None, addressed=True):
    """The response letter, from the case's decisions, in the authority's wording.

    ``addressed`` is the letter as sent, to the requester by name and address; without it,
    the letter as the disclosure log publishes it, to nobody in particular.
    """
    return letter.compose(_context(case, letter_date, addressed), _block_texts())


def _block_texts():
    overrides = dict(LetterBlock.objects.values_list("key", "text"))
    return {key: overrides.get(key) or letter.default_text(key) for key in letter.BLOCK_KEYS}


def _rendered(key, context):
    return letter.render_block(key, _block_texts()[key], context)


def _context(case, letter_date=None, addressed=True):
    authority = casework.current_authority()
    response = response_of(case)
    decisions = decisions_of(case)
    catalogue = catalogue_for(case)
    wording = dict(LocalWording.objects.values_list("exemption", "wording"))
    day = letter_date or response.sent_on or timezone.localdate()
    requester = case.requester if addressed else None
    greeting = letter.salutation(requester.name if requester else "")
    officer = case.assigned_officer
    # The outcome from the decisions alone, never through facts(), which renders blocks
    # of this letter (see _decision_facts).
    decided = _decision_facts(case)
    return {
        "authority": {
            "name": authority.name,
            "team_name": authority.team_name,
            "postal_address": authority.postal_address,
            "address_lines": [line.strip() for line in authority.postal_address.split(",")],
            "email": authority.email,
        },
        "reference": case.reference,
        "letter_date": _long_date(day),
        "addressee": _addressee(requester),
        "salutation": markup.escape(greeting),
        "valediction": letter.valediction(greeting),
        "officer": markup.escape(officer.get_full_name()) if officer else "",
        "received_on": _long_date(uk_date(case.received_at)),
        "request_paragraphs": [markup.escape(p) for p in case.body.split("\n\n") if p.strip()],
        "regime_title": law.Regime(case.regime).rules.title,
        "outcome": law.outcome(decided) if decided.questions else "",
        "held": _held(decisions),
        "questions": [_question_context(d, catalogue) for d in decisions],
        "exemptions": [
            _exemption_context(use, catalogue, wording, decisions)
            for use in case.exemption_uses.all()
            if use.exemption in catalogue
        ],
        "workbook": f"{workbook_name(case)}.xlsx" if case.answer_sheets.exists() else "",
        "further_information": response.further_information,
        "advice_and_assistance": response.advice_and_assistance,
        "direct_marketing": response.direct_marketing,
        "scotland": case.regime in SCOTTISH,
    }


def _long_date(day):
    return f"{day.day} {day:%B %Y}"


def _addressee(requester):
    """Whom the letter is to, ``requester`` or nobody (None): their words, like those of
    their request, are text and never the letter's markup."""
    if requester is None:
        return {"name": "", "address_lines": []}
    lines = requester.postal_address.replace("\n", ",").split(",")
    return {
        "name": markup.escape(requester.name),
        "address_lines": [markup.escape(line) for line in lines if line.strip()],
    }


def _held(decisions):
    # Where every question is neither confirmed nor denied, the duty to confirm or deny
    # (FOIA s.1(1)(a)) is excluded for all of it: the letter may not open by saying
    # whether anything is held.
    if decisions and all(decision.outcome == Outcome.NCND for decision in decisions):
        return "ncnd"
    held = {decision.held for decision in decisions}
    if held == {"no"}:
        return "no"
    return "yes" if held <= {"yes"} else "partly"


def _question_context(decision, catalogue):
    return {
        "number": decision.question.number,
        "text": markup.escape(decision.question.text),
        "answer": decision.answer,
        "outcome": decision.outcome,
        "citations": _and(
            [catalogue[key].citation for key in decision.exemptions if key in catalogue]
        ),
        "published_at": decision.published_at,
    }


def _exemption_context(use, catalogue, wording, decisions):
    found = catalogue[use.exemption]
    numbers = [f"Q{d.question.number}" for d in decisions if use.exemption in d.exemptions]
    return {
        "key": use.exemption,
        "heading": f"{found.citation[0].upper()}{found.citation[1:]}: {found.title}",
        "citation": found.citation,
        "title": found.title,
        "kind": found.kind,
        "noun": "exception" if found.regime in {"eir", "eisr"} else "exemption",
        "procedural": found.kind == "procedural",
        "wording": wording.get(use.exemption, found.wording),
        "reasons": use.reasons,
        "public_interest_test": found.public_interest_test,
        "for_disclosure": use.for_disclosure.splitlines(),
        "for_withholding": use.for_withholding.splitlines(),
        "conclusion": use.conclusion,
        "questions": _and(numbers) or "the information requested",
    }


def _and(items):
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def render_letter(case, extension, addressed=True):
    """The letter as ``extension`` (html, docx or pdf) bytes (``addressed``: compose_letter)."""
    composed = compose_letter(case, addressed=addressed)
    if extension == "docx":
        return documents.to_docx(composed)
    if extension == "pdf":
        return documents.to_pdf(composed)
    return documents.html_page(composed).encode()


def render_answers(case, extension):
    """The answer tables as ``extension`` (xlsx, ods or csv, a zip of one file a sheet)."""
    table = answer_table(case)
    title = f"Answers to request {case.reference}"
    if extension == "ods":
        return tables.to_ods(table, title)
    if extension == "csv":
        return tables.to_csv_zip(table)
    return tables.to_xlsx(table, title)


def mark_sent(case, actor, *, on, method):
    """Record the response as sent on ``on`` by ``method``; the case is then responded."""
    with transaction.atomic():
        casework.take_action(case, actor, "mark_sent", note=f"Sent by {method} on {on:%d %b %Y}")
        response = response_of(case)
        response.sent_on = on
        response.sent_method = method
        response.save(update_fields=["sent_on", "sent_method"])


@transaction.atomic
def copy_from(case, source, actor):
    """Start ``case``'s response from ``source``'s: each question's decision by number, the
    exemptions with their tests, the answer tables and the letter's other parts, each marked
    as copied so that the officer checks it is still true."""
    _require(actor, case)
    mine = {d.question.number: d for d in decisions_of(case)}
    for theirs in decisions_of(source):
        decision = mine.get(theirs.question.number)
        if decision is None:
            continue
        for field in ["held", "outcome", "answer", "exemptions", "published_at"]:
            setattr(decision, field, getattr(theirs, field))
        decision.copied_from = source.reference
        decision.save()
    usable = catalogue_for(case)
    for use in source.exemption_uses.filter(exemption__in=list(usable)):
        ExemptionUse.objects.update_or_create(
            request=case,
            exemption=use.exemption,
            defaults={
                field: getattr(use, field)
                for field in ["reasons", "for_disclosure", "for_withholding", "conclusion"]
            },
        )
    _forget_unused_exemptions(case)
    for sheet in source.answer_sheets.all():
        AnswerSheet.objects.create(
            request=case,
            position=sheet.position,
            name=sheet.name,
            columns=sheet.columns,
            rows=sheet.rows,
            cells=sheet.cells,
        )
    theirs, mine_response = response_of(source), response_of(case)
    mine_response.advice_and_assistance = theirs.advice_and_assistance
    mine_response.further_information = theirs.further_information
    mine_response.direct_marketing = theirs.direct_marketing
    mine_response.save()
    casework.record(
        case,
        actor,
        "response",
        f"Response started from {source.reference}'s: check each part is still true",
    )


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def send_by_email(case, actor):
    """Email the response to the requester: the letter as the body, with the letter as DOCX
    and PDF and any answer tables as XLSX attached; then it is recorded as sent today."""
    today = timezone.localdate()
    with transaction.atomic():
        mark_sent(case, actor, on=today, method=Response.Method.EMAIL)
        composed = compose_letter(case, letter_date=today)
        text, html = documents.email_bodies(composed)
        files = [
            (f"{case.reference}-response.docx", DOCX, documents.to_docx(composed)),
            (f"{case.reference}-response.pdf", "application/pdf", documents.to_pdf(composed)),
        ]
        if case.answer_sheets.exists():
            files.append((f"{workbook_name(case)}.xlsx", XLSX, render_answers(case, "xlsx")))
        return outgoing.send(
            case,
            Correspondence.Kind.RESPONSE,
            subject=f"Response to your request for information – our ref: {case.reference}",
            text=text,
            html=html,
            files=files,
            actor=actor,
        )


@workflow.guard("submit_for_approval")
@workflow.guard("approve")
@workflow.guard("mark_sent")
def _response_must_be_complete(case):
    """FOIA s.17 and s.16: nothing goes to an approver or a requester until it is complete."""
    missing = problems(case)
    if missing:
        raise workflow.TransitionRefused("The response is not ready yet: " + " ".join(missing))


@workflow.guard("mark_sent")
def _approval_first(case):
    if case.state == workflow.State.DRAFTING and casework.current_authority().approval_required:
        raise workflow.TransitionRefused(
            "Responses here are approved before they are sent: send it for approval first."
        )
