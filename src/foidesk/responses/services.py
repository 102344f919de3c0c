"""Responses: decisions, exemptions and their public interest tests, answer tables, the
letter, and the checks (FOIA s.17, s.16) that must pass before a response is approved or sent.

Views, the API and the command line call these. Every change writes the case's timeline.
"""

import dataclasses
import re

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from foidesk import law
from foidesk.accounts import permissions
from foidesk.casework import services as casework
from foidesk.casework import workflow
from foidesk.casework.models import Request, TimelineEvent
from foidesk.law.dates import uk_date
from foidesk.responses import changes, documents, formats, letter, markup, tables
from foidesk.responses.models import (
    AnswerSheet,
    ApprovalDecision,
    Decision,
    ExemptionUse,
    LetterBlock,
    LocalWording,
    Response,
    SheetUpload,
)


class ResponseError(Exception):
    """A change to a response that cannot be made as asked; the message says why."""


def _require(actor, case):
    """The actor may change this response, and the response may still change."""
    casework.require(actor, permissions.HANDLE_REQUEST, case)
    refusal = not_editable(case)
    if refusal:
        raise ResponseError(refusal)


def not_editable(case):
    """Why the response cannot change now, or "" when it can."""
    # Read afresh: sending moves the state on in the background.
    case.state = Request.objects.filter(pk=case.pk).values_list("state", flat=True).get()
    if case.state in workflow.RESPONSE_EDITABLE_STATES:
        return ""
    if case.state == workflow.State.SENDING:
        return (
            "The response is being sent by email, so it cannot change now: wait until the "
            "mail server accepts it, then correct it if it needs to change."
        )
    if case.state in {workflow.State.RESPONDED, workflow.State.CLOSED}:
        return (
            "This response has been sent, and what was sent is kept as it went. To change "
            "it, choose “Correct the response” on the request's page: the correction is "
            "approved and sent as a new version."
        )
    return (
        f"This request is {workflow.State(case.state).label.lower()}: its response cannot change."
    )


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
            TimelineEvent.Kind.DECISION,
            f"Q{number}: {law.Decision(outcome).label}" + (f" ({cited})" if cited else ""),
        )
        recheck_approval(case)


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
    with transaction.atomic():
        use.save()
        casework.record(
            case,
            actor,
            TimelineEvent.Kind.EXEMPTION,
            f"Reasons for {law.exemption(key).citation} recorded",
        )
        recheck_approval(case)


def _lines(text):
    return "\n".join(line.strip(" -•\t") for line in text.splitlines() if line.strip(" -•\t"))


def update_response(case, actor, **fields):
    """The parts of the letter that belong to the whole response (advice, further
    information, the direct marketing paragraph, the estimated date)."""
    _require(actor, case)
    response = response_of(case)
    for name, value in fields.items():
        setattr(response, name, value.strip() if isinstance(value, str) else value)
    with transaction.atomic():
        response.save()
        casework.record(case, actor, TimelineEvent.Kind.RESPONSE, "Response details edited")
        recheck_approval(case)


def keep_upload(case, actor, filename, data):
    """Keep a file of answer sheets as it came, before anything reads it."""
    casework.require(actor, permissions.HANDLE_REQUEST, case)
    return SheetUpload.objects.create(
        request=case,
        uploaded_by=actor,
        filename=filename[:300],
        size=len(data),
        file=ContentFile(data, name=filename),
    )


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
    # Saved by an officer: no longer only a copy of another case's sheet.
    stored.copied_from = ""
    if position is not None:
        stored.position = position
    elif stored.pk is None:
        stored.position = case.answer_sheets.count()
    with transaction.atomic():
        stored.save()
        casework.record(
            case, actor, TimelineEvent.Kind.ANSWER_TABLE, f"Answer sheet “{sheet.name}” saved"
        )
        recheck_approval(case)
    return stored


def reshape_sheet(case, actor, stored, *, name, columns, rows):
    """Rename a sheet, or change its column headings and row titles, keeping its answers:
    with as many rows (or columns) as before each keeps its place, so a title is reworded;
    otherwise each answer follows its title, and an answer whose title went is dropped."""
    current = next(
        sheet
        for sheet, kept in zip(answer_table(case).sheets, case.answer_sheets.all(), strict=True)
        if kept.pk == stored.pk
    )
    row_of = _new_places(current.rows, rows)
    column_of = _new_places(current.columns, columns)
    cells = {
        (row_of[row], column_of[column]): cell
        for (row, column), cell in current.cells.items()
        if row in row_of and column in column_of
    }
    return save_sheet(case, actor, tables.Sheet(name, columns, rows, cells), replace=stored)


def _new_places(old, new):
    """Where each old position goes: the same place when the count is unchanged, else the
    place of the same title."""
    if len(old) == len(new):
        return {index: index for index in range(len(old))}
    places = {title: index for index, title in reversed(list(enumerate(new)))}
    return {index: places[title] for index, title in enumerate(old) if title in places}


def delete_sheet(case, actor, sheet):
    _require(actor, case)
    with transaction.atomic():
        sheet.delete()
        casework.record(
            case, actor, TimelineEvent.Kind.ANSWER_TABLE, f"Answer sheet “{sheet.name}” removed"
        )
        recheck_approval(case)


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
    return case.clock_events.filter(kind=law.Event.EXTENSION_APPLIED).exists()


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
        return law.problems(facts(case)) + unanswered_cells(case)
    except letter.LetterError as failed:
        return [
            f"{failed} Until an administrator corrects it, the letter cannot be written or checked."
        ]


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


def outcome(case):
    return law.outcome(_decided(case))


def before_approval(case):
    """Everything that holds the response back from approval and sending: what the law
    still requires of it, then the copied decisions still to be checked."""
    return problems(case) + unchecked_copies(case)


def outcome_label(case):
    """The outcome as official statistics name it, once the response is complete."""
    if case.regime == "sar" or problems(case):
        return ""
    return outcome(case).label


def compose_letter(case, letter_date=None, addressed=True, request_text=None, rewrite=None):
    """The response letter, from the case's decisions, in the authority's wording.

    ``addressed`` is the letter as sent, to the requester by name and address; without it,
    the letter as the disclosure log publishes it, to nobody in particular, quoting
    ``request_text`` (the request with the requester taken out) and with ``rewrite`` applied
    to each piece of its text (see letter.compose).
    """
    context = _context(case, letter_date, addressed)
    if request_text is not None:
        context["request_paragraphs"] = _paragraphs(request_text)
    return letter.compose(context, _block_texts(), rewrite)


def _paragraphs(text):
    return [markup.escape(part) for part in text.split("\n\n") if part.strip()]


def _block_texts():
    overrides = dict(LetterBlock.objects.values_list("key", "text"))
    return {key: overrides.get(key) or letter.default_text(key) for key in letter.BLOCK_KEYS}


def letter_block_problems(key, text):
    """Why an administrator's ``text`` for letter block ``key`` would leave a letter short of
    what the law requires (``letter.wording_problems``), the other blocks as they are in
    force. LetterError when a letter cannot be written with it.
    """
    return letter.wording_problems(key, text, _block_texts())


def _context(case, letter_date=None, addressed=True):
    authority = casework.current_authority()
    response = response_of(case)
    decisions = decisions_of(case)
    catalogue = catalogue_for(case)
    wording = dict(LocalWording.objects.values_list("exemption", "wording"))
    day = letter_date or _date_sent(case) or timezone.localdate()
    requester = case.requester if addressed else None
    greeting = letter.salutation(requester.name if requester else "")
    officer = case.assigned_officer
    # The outcome from the decisions alone, never through facts(), which composes this
    # very letter.
    decided = _decided(case)
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
        "correction": _correction(case, response),
        "salutation": markup.escape(greeting),
        "valediction": letter.valediction(greeting),
        "officer": markup.escape(officer.get_full_name()) if officer else "",
        "received_on": _long_date(uk_date(case.received_at)),
        "request_paragraphs": _paragraphs(case.body),
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
        "scotland": law.Regime(case.regime).rules.scottish,
        "estimated_date": _estimated_date(case, response),
    }


def _correction(case, response):
    """While a sent response is being corrected: what the letter corrects, or None."""
    if not response.correction_reason:
        return None
    previous = (
        case.sent_responses.filter(status="sent")
        .order_by("-version")
        .only("version", "sent_on")
        .first()
    )
    if previous is None:
        return None
    return {
        "version": previous.version + 1,
        "previous_date": _long_date(previous.sent_on),
        "reason": markup.escape(response.correction_reason),
    }


def _date_sent(case):
    """A response sent, and not being corrected, is dated the day its last version went."""
    if case.state not in {workflow.State.RESPONDED, workflow.State.CLOSED}:
        return None
    return (
        case.sent_responses.filter(status="sent")
        .order_by("-version")
        .values_list("sent_on", flat=True)
        .first()
    )


def _estimated_date(case, response):
    """The estimated date, as the letter writes it, when this response is the notice that
    puts off the public interest test (FOIA s.17(2)); otherwise empty."""
    deferred = law.public_interest_deferred(case.regime, _extension_applied(case))
    return _long_date(response.estimated_date) if deferred and response.estimated_date else ""


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
    if decisions and all(decision.outcome == law.Decision.NCND for decision in decisions):
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
        "noun": "exception" if found.is_exception else "exemption",
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
    """The current draft of the letter as ``extension`` (one of formats.LETTER_FORMATS)."""
    return letter_file(compose_letter(case), extension)


def letter_file(composed, extension):
    """A composed letter as the bytes of ``extension``'s file."""
    if extension == "docx":
        return documents.to_docx(composed)
    if extension == "pdf":
        return documents.to_pdf(composed)
    if extension == "txt":
        return composed.text.encode()
    return documents.html_page(composed).encode()


def file_name(case, extension):
    """What a response's file is called when it is downloaded or sent."""
    found = formats.FORMATS[extension]
    stem = workbook_name(case) if found.part == "answers" else f"{case.reference}-response"
    return f"{stem}.{found.suffix}"


def render_answers(case, extension):
    """The answer tables as ``extension`` (xlsx, ods or csv, a zip of one file a sheet)."""
    table = answer_table(case)
    title = f"Answers to request {case.reference}"
    if extension == "ods":
        return tables.to_ods(table, title)
    if extension == "csv":
        return tables.to_csv_zip(table)
    return tables.to_xlsx(table, title)


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
            copied_from=source.reference,
        )
    theirs, mine_response = response_of(source), response_of(case)
    mine_response.advice_and_assistance = theirs.advice_and_assistance
    mine_response.further_information = theirs.further_information
    mine_response.direct_marketing = theirs.direct_marketing
    mine_response.save()
    casework.record(
        case,
        actor,
        TimelineEvent.Kind.RESPONSE,
        f"Response started from {source.reference}'s: check each part is still true",
    )
    # With an answer to start from, drafting is what comes next.
    for action in ["start", "draft"]:
        if casework.refusal(case, action) == "":
            casework.take_action(case, actor, action)
    recheck_approval(case)


def copied_parts(case):
    """The decisions and sheets still as they were copied from another request."""
    decisions = [decision for decision in decisions_of(case) if decision.copied_from]
    sheets = list(case.answer_sheets.exclude(copied_from=""))
    return decisions, sheets


# A year or a financial year in a row title or heading: "2014", "2014/15", "2014-2015".
YEARS = re.compile(r"\b((?:19|20)\d{2})(?:\s*[/-]\s*(?:\d{2}|(?:19|20)\d{2}))?\b")


def years_named(sheet):
    """The years an answer sheet's headings and row titles name, as written, in order."""
    found = [
        match.group(0) for title in [*sheet.columns, *sheet.rows] for match in YEARS.finditer(title)
    ]
    return list(dict.fromkeys(found))


def _stale_years(case, sheet):
    """For a sheet copied from an earlier year's request, the years it names (which are
    then probably the wrong ones for this request); otherwise none."""
    source = Request.objects.filter(reference=sheet.copied_from).first()
    if source is None or uk_date(source.received_at).year == uk_date(case.received_at).year:
        return []
    return years_named(sheet)


def unchecked_copies(case):
    """What is still only a copy of another request's answer, a sentence for each request
    decisions were copied from and for each copied sheet: a copied answer may no longer be
    true of this request, so an officer checks it before it goes for approval or is sent."""
    decisions, sheets = copied_parts(case)
    copied = {}
    for decision in decisions:
        copied.setdefault(decision.copied_from, []).append(decision.question.number)
    found = []
    for source, numbers in copied.items():
        labels = _and([f"Q{number}" for number in numbers])
        if len(numbers) == 1:
            found.append(
                f"{labels} was copied from {source}: check it is still true and save it, or "
                "confirm the copied answers, before this response goes for approval or is sent."
            )
        else:
            found.append(
                f"{labels} were copied from {source}: check each is still true and save it, "
                "or confirm the copied answers, before this response goes for approval or is "
                "sent."
            )
    for sheet in sheets:
        years = _stale_years(case, sheet)
        if years:
            found.append(
                f"Sheet “{sheet.name}” was copied from {sheet.copied_from}, made in another "
                f"year, and names {_and(years)}: change its row titles to the years this "
                "request asks about, or confirm they are right."
            )
        else:
            found.append(
                f"Sheet “{sheet.name}” was copied from {sheet.copied_from}: check its answers "
                "are still true and save it, or confirm the copied answers."
            )
    return found


def confirm_copied(case, actor):
    """An officer has read every copied answer and sheet and says each is still true."""
    _require(actor, case)
    decisions, sheets = copied_parts(case)
    if not decisions and not sheets:
        raise ResponseError("Nothing here is still only a copy: there is nothing to confirm.")
    with transaction.atomic():
        Decision.objects.filter(pk__in=[d.pk for d in decisions]).update(copied_from="")
        AnswerSheet.objects.filter(pk__in=[s.pk for s in sheets]).update(copied_from="")
        parts = [f"Q{d.question.number}" for d in decisions] + [f"sheet “{s.name}”" for s in sheets]
        casework.record(
            case,
            actor,
            TimelineEvent.Kind.RESPONSE,
            f"Copied answers checked as still true: {_and(parts)}",
        )


# Approval is of the words: what the approver saw is kept, and a change after approval
# takes the response back to them.


def snapshot(case):
    """Every part of the response as words, by a label a person understands: what an
    approver approves, and what a sent version keeps, to compare with later."""
    catalogue = catalogue_for(case)
    parts = {}
    for decision in decisions_of(case):
        number = f"Q{decision.question.number}"
        parts[f"{number}: whether held"] = decision.get_held_display()
        parts[f"{number}: decision"] = decision.get_outcome_display()
        parts[f"{number}: exemptions"] = ", ".join(
            catalogue[key].citation for key in decision.exemptions if key in catalogue
        )
        parts[f"{number}: answer"] = decision.answer
        parts[f"{number}: where published"] = decision.published_at
    for use in case.exemption_uses.all():
        if use.exemption not in catalogue:
            continue
        cited = catalogue[use.exemption].citation
        cited = cited[0].upper() + cited[1:]
        parts[f"{cited}: reasons"] = use.reasons
        parts[f"{cited}: factors for disclosure"] = "; ".join(use.for_disclosure.splitlines())
        parts[f"{cited}: factors for withholding"] = "; ".join(use.for_withholding.splitlines())
        parts[f"{cited}: conclusion"] = use.conclusion
    for sheet in answer_table(case).sheets:
        named = f"Sheet “{sheet.name}”"
        parts[f"{named}: columns"] = " | ".join(sheet.columns)
        parts[f"{named}: row titles"] = " | ".join(sheet.rows)
        for row, row_title in enumerate(sheet.rows):
            for column, heading in enumerate(sheet.columns):
                label = f"{named}: {row_title} / {heading}"
                if label in parts:
                    label += f" (row {row + 1})"
                parts[label] = tables.cell_text(sheet.cell(row, column))
    response = response_of(case)
    parts["Advice and assistance"] = response.advice_and_assistance
    parts["Further information"] = response.further_information
    parts["Direct marketing paragraph"] = "Included" if response.direct_marketing else "Left out"
    parts["Estimated date"] = _long_date(response.estimated_date) if response.estimated_date else ""
    try:
        # Dated the day of receipt, so that a day passing is not a change of words.
        parts[changes.LETTER] = compose_letter(case, letter_date=uk_date(case.received_at)).text
    except letter.LetterError as problem:
        parts[changes.LETTER] = str(problem)
    return parts


def last_approval_decision(case, by=None):
    """The approver's latest decision on this response (``by`` one approver), or None."""
    decisions = ApprovalDecision.objects.filter(request=case)
    if by is not None:
        decisions = decisions.filter(decided_by=by)
    return decisions.order_by("-decided_at", "-id").first()


def changed_since_approval(case):
    """What changed since the response was approved, while it is ready to send."""
    approved = case.approval_decisions.filter(kind=ApprovalDecision.Kind.APPROVED).last()
    if approved is None:
        return []
    return changes.between(approved.snapshot, snapshot(case))


def changed_since_seen(case, approver):
    """For an approver: what changed since they last approved or returned this response
    (or, if they never have, since any approver last did), with that decision."""
    seen = last_approval_decision(case, approver) or last_approval_decision(case)
    if seen is None:
        return None, []
    return seen, changes.between(seen.snapshot, snapshot(case))


def recheck_approval(case):
    """After any change: an approved response that no longer says what was approved goes
    back for approval (or to drafting where none is required), the timeline saying what
    changed. Returns the changes found."""
    state = Request.objects.filter(pk=case.pk).values_list("state", flat=True).first()
    if state != workflow.State.AWAITING_DISPATCH:
        return []
    found = changed_since_approval(case)
    if found:
        casework.take_action(
            case,
            casework.SYSTEM,
            "approval_lapsed",
            note="What changed since it was approved: " + changes.describe(found),
        )
    return found


def recheck_approvals():
    """After the letter's wording or the authority's details change: every response ready
    to send is checked again."""
    ready = Request.objects.filter(state=workflow.State.AWAITING_DISPATCH)
    return sum(bool(recheck_approval(case)) for case in ready)
