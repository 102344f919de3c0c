"""Responses: decisions, exemptions and their public interest tests, answer tables, the
letter, and the checks (FOIA s.17, s.16) that must pass before a response is approved or sent.

Views, the API and the command line call these. Every change writes the case's timeline.
"""

import dataclasses

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
from foidesk.responses import documents, letter, tables
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
    """The response as foidesk.law sees it, to check against FOIA s.17 and s.16: the
    decisions, and the letter's plain text as it would be sent now, in the authority's
    wording, so that the law reads what the requester will read.

    LetterError when a block of the letter cannot be written.
    """
    return dataclasses.replace(_decided(case), letter=compose_letter(case).text)


def _decided(case):
    """The decisions alone, without the letter: all the outcome is counted from."""
    uses = {use.exemption: use for use in case.exemption_uses.all()}
    response = response_of(case)
    return law.ResponseFacts(
        regime=case.regime,
        questions=tuple(_question_facts(decision, uses) for decision in decisions_of(case)),
        advice_and_assistance=response.advice_and_assistance,
        extension_applied=_extension_applied(case),
        estimated_date=response.estimated_date,
    )


def _extension_applied(case):
    return case.clock_events.filter(kind=ClockEvent.Kind.EXTENSION).exists()


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
    """Everything the law finds the response still lacks, in its decisions or in the words
    of its letter, in plain words; empty when it may go. A letter block that cannot be
    written is itself the problem, since the letter cannot then be read.

    Subject access responses answer to the Data Protection Act 2018, whose refusal rules
    foidesk does not check yet, so they are not held back here.
    """
    if case.regime == "sar":
        return []
    try:
        return law.problems(facts(case))
    except letter.LetterError as failed:
        return [
            f"{failed} Until an administrator corrects it, the letter cannot be written or checked."
        ]


def outcome(case):
    return law.outcome(_decided(case))


def unchecked_copies(case):
    """A sentence for each request some decisions were copied from and no officer has saved
    since: a copied answer may no longer be true of this request."""
    decisions = (
        Decision.objects.filter(question__request=case)
        .exclude(copied_from="")
        .select_related("question")
        .order_by("question__number")
    )
    copied = {}
    for decision in decisions:
        copied.setdefault(decision.copied_from, []).append(decision.question.number)
    found = []
    for source, numbers in copied.items():
        labels = _and([f"Q{number}" for number in numbers])
        if len(numbers) == 1:
            found.append(
                f"{labels} was copied from {source}: check it is still true and save it "
                "before this response goes for approval or is sent."
            )
        else:
            found.append(
                f"{labels} were copied from {source}: check each is still true and save it "
                "before this response goes for approval or is sent."
            )
    return found


def before_approval(case):
    """Everything that holds the response back from approval and sending: what the law
    still requires of it, then the copied decisions still to be checked."""
    return problems(case) + unchecked_copies(case)


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


def compose_letter(case, letter_date=None):
    """The response letter, from the case's decisions, in the authority's wording."""
    return letter.compose(_context(case, letter_date), _block_texts())


def _block_texts():
    overrides = dict(LetterBlock.objects.values_list("key", "text"))
    return {key: overrides.get(key) or letter.default_text(key) for key in letter.BLOCK_KEYS}


def letter_block_problems(key, text):
    """Why an administrator's ``text`` for letter block ``key`` would leave a letter short of
    what the law requires (``letter.wording_problems``), the other blocks as they are in
    force. LetterError when a letter cannot be written with it.
    """
    return letter.wording_problems(key, text, _block_texts())


def _context(case, letter_date=None):
    authority = casework.current_authority()
    response = response_of(case)
    decisions = decisions_of(case)
    catalogue = catalogue_for(case)
    wording = dict(LocalWording.objects.values_list("exemption", "wording"))
    day = letter_date or response.sent_on or timezone.localdate()
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
        "received_on": _long_date(uk_date(case.received_at)),
        "request_paragraphs": [p.strip() for p in case.body.split("\n\n") if p.strip()],
        "regime_title": law.Regime(case.regime).rules.title,
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
        "estimated_date": _estimated_date(case, response),
    }


def _estimated_date(case, response):
    """The estimated date, as the letter writes it, when this response is the notice that
    puts off the public interest test (FOIA s.17(2)); otherwise empty."""
    deferred = law.public_interest_deferred(case.regime, _extension_applied(case))
    return _long_date(response.estimated_date) if deferred and response.estimated_date else ""


def _long_date(day):
    return f"{day.day} {day:%B %Y}"


def _held(decisions):
    held = {decision.held for decision in decisions}
    if held == {"no"}:
        return "no"
    return "yes" if held <= {"yes"} else "partly"


def _question_context(decision, catalogue):
    return {
        "number": decision.question.number,
        "text": decision.question.text,
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


def render_letter(case, extension):
    """The letter as ``extension`` (html, docx or pdf) bytes."""
    composed = compose_letter(case)
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


@workflow.guard("submit_for_approval")
@workflow.guard("approve")
@workflow.guard("mark_sent")
def _copied_decisions_must_be_checked(case):
    """An officer vouches for every answer that goes out. Not a statutory rule, so it lives
    here rather than in foidesk.law: the law asks what the letter says, not who checked it."""
    unchecked = unchecked_copies(case)
    if unchecked:
        raise workflow.TransitionRefused(" ".join(unchecked))


@workflow.guard("mark_sent")
def _approval_first(case):
    if case.state == workflow.State.DRAFTING and casework.current_authority().approval_required:
        raise workflow.TransitionRefused(
            "Responses here are approved before they are sent: send it for approval first."
        )
