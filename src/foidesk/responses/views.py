"""Response pages: decide each question, explain each exemption, shape the answer tables,
read the letter, download it as it stands or as it was sent, and send it."""

import io
import zipfile

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from foidesk.accounts import permissions
from foidesk.casework import access, workflow
from foidesk.casework import services as casework
from foidesk.casework.models import Request
from foidesk.intake.outgoing import OutgoingError
from foidesk.responses import (
    filecheck,
    formats,
    forms,
    letter,
    sending,
    services,
    tables,
)
from foidesk.responses.models import AnswerSheet
from foidesk.web.pages import form_page, posted

# What refuses a change or a sending, each with a message for the officer.
REFUSALS = (
    services.ResponseError,
    letter.LetterError,
    workflow.TransitionRefused,
    casework.CaseworkError,
    OutgoingError,
)


# The letter quotes the requester's words, so a response is read only by those who may see
# the requester, and prepared by officers.
READ = (permissions.VIEW_REQUESTER,)
EDIT = (permissions.VIEW_REQUESTER, permissions.HANDLE_REQUEST)


def _back(case):
    return redirect("responses:overview", reference=case.reference)


@access.request_page(*READ)
def overview(request, case):
    try:
        composed = services.compose_letter(case)
        problem = None
    except letter.LetterError as failed:
        composed, problem = None, str(failed)
    catalogue = services.catalogue_for(case)
    decisions = [
        (
            decision,
            ", ".join(catalogue[key].citation for key in decision.exemptions if key in catalogue),
        )
        for decision in services.decisions_of(case)
    ]
    seen, changed = None, []
    if case.state == workflow.State.AWAITING_APPROVAL:
        seen, changed = services.changed_since_seen(case, request.user)
    copied_decisions, copied_sheets = services.copied_parts(case)
    return render(
        request,
        "responses/overview.html",
        {
            "case": case,
            "decisions": decisions,
            "uses": case.exemption_uses.all(),
            "catalogue": catalogue,
            "sheets": case.answer_sheets.all(),
            "problems": services.before_approval(case),
            "outcome": services.outcome_label(case),
            "letter": composed,
            "letter_problem": problem,
            "edits": request.user.has_perm(permissions.HANDLE_REQUEST, case)
            and not services.not_editable(case),
            "locked": services.not_editable(case),
            "response": services.response_of(case),
            "versions": sending.versions(case),
            "seen": seen,
            "changed": changed,
            "copied_decisions": copied_decisions,
            "copied_sheets": [(sheet, services.years_named(sheet)) for sheet in copied_sheets],
            "next_steps": _next_steps(request.user, case),
            "letter_formats": [formats.FORMATS[name] for name in ["docx", "pdf", "html"]],
            "answer_formats": [formats.FORMATS[name] for name in formats.ANSWER_FORMATS],
        },
    )


# The workflow's steps the response page offers, when they can be taken now.
RESPONSE_STEPS = ["submit_for_approval", "approve", "return_for_changes", "send_by_email"]


def _next_steps(user, case):
    steps = []
    case_type = workflow.case_type_of(case)
    for name in RESPONSE_STEPS:
        action = case_type.action(name)
        allowed = case.state in action.from_states and user.has_perm(action.permission, case)
        if allowed and not casework.refusal(case, name):
            steps.append(action)
    if not any(step.page for step in steps) and user.has_perm(workflow.HANDLE, case):
        # Where the response cannot be emailed it can still be recorded as sent.
        recorded = case_type.action("mark_sent")
        if case.state in recorded.from_states and not casework.refusal(case, "mark_sent"):
            steps.append(recorded)
    return steps


@access.request_page(*EDIT)
def confirm_copied(request, case):
    """The officer has read every copied answer and says each is still true."""
    if request.method != "POST":
        raise Http404
    if request.POST.get("checked") != "yes":
        messages.error(
            request, "Tick the box to say you have checked every copied answer is still true."
        )
    else:
        try:
            services.confirm_copied(case, request.user)
        except REFUSALS as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, "The copied answers are checked.")
    return _back(case)


@access.request_page(*EDIT)
def decision(request, case, number):
    question = get_object_or_404(case.questions, number=number)
    current = next(d for d in services.decisions_of(case) if d.question_id == question.pk)
    form = forms.DecisionForm(
        posted(request),
        catalogue=services.catalogue_for(case),
        initial={
            "held": current.held,
            "outcome": current.outcome,
            "answer": current.answer,
            "exemptions": current.exemptions,
            "published_at": current.published_at,
        },
    )

    def save(answers):
        services.record_decision(case, request.user, number, **answers)
        return f"Q{number} saved."

    return _response_form(
        request,
        case,
        "responses/decision.html",
        form,
        save,
        question=question,
        contributions=question.contributions.select_related("service_area"),
    )


@access.request_page(*EDIT)
def exemption_use(request, case, key):
    use = get_object_or_404(case.exemption_uses, exemption=key)
    found = services.catalogue_for(case)[key]
    form = forms.ExemptionUseForm(
        posted(request),
        initial={
            "reasons": use.reasons,
            "for_disclosure": use.for_disclosure,
            "for_withholding": use.for_withholding,
            "conclusion": use.conclusion,
        },
    )

    def save(answers):
        services.record_exemption_use(case, request.user, key, **answers)
        return f"{found.citation} saved."

    return _response_form(
        request, case, "responses/exemption_use.html", form, save, exemption=found
    )


@access.request_page(*EDIT)
def details(request, case):
    response = services.response_of(case)
    form = forms.ResponseDetailsForm(posted(request), instance=response)

    def save(answers):
        services.update_response(case, request.user, **answers)
        return "Response details saved."

    return _response_form(request, case, "responses/details.html", form, save)


def _response_form(request, case, template, form, save, **context):
    return form_page(
        request,
        template,
        form,
        save,
        done=reverse("responses:overview", kwargs={"reference": case.reference}),
        refusals=REFUSALS,
        context={"case": case, **context},
    )


@access.request_page(*EDIT)
def sheet(request, case, pk=None):
    """A new sheet (its headings and row titles), or an existing one's cells as a grid."""
    stored = get_object_or_404(case.answer_sheets, pk=pk) if pk else None
    if stored is None:
        return _new_sheet(request, case)
    problem = None
    if request.method == "POST":
        cells = {
            (row, column): tables.parse_cell_text(request.POST.get(f"cell-{row}-{column}", ""))
            for row in range(len(stored.rows))
            for column in range(len(stored.columns))
        }
        edited = tables.Sheet(stored.name, stored.columns, stored.rows, cells)
        try:
            services.save_sheet(case, request.user, edited, replace=stored)
        except REFUSALS as refused:
            problem = str(refused)
        else:
            messages.success(request, f"Sheet “{stored.name}” saved.")
            return _back(case)
    current = services.answer_table(case).sheets[list(case.answer_sheets.all()).index(stored)]
    grid = [
        [tables.cell_text(current.cell(row, column)) for column in range(len(stored.columns))]
        for row in range(len(stored.rows))
    ]
    return render(
        request,
        "responses/sheet.html",
        {"case": case, "sheet": stored, "grid": grid, "problem": problem},
    )


@access.request_page(*EDIT)
def sheet_shape(request, case, pk):
    """Change a sheet's name, column headings and row titles."""
    stored = get_object_or_404(case.answer_sheets, pk=pk)
    form = forms.SheetForm(
        posted(request),
        initial={
            "name": stored.name,
            "columns": "\n".join(stored.columns),
            "rows": "\n".join(stored.rows),
        },
    )

    def save(answers):
        services.reshape_sheet(
            case,
            request.user,
            stored,
            name=answers["name"],
            columns=form.lines(answers["columns"]),
            rows=form.lines(answers["rows"]),
        )
        return f"Sheet “{answers['name']}” saved."

    return form_page(
        request,
        "responses/sheet_shape.html",
        form,
        save,
        done=reverse("responses:sheet", kwargs={"reference": case.reference, "pk": stored.pk}),
        refusals=REFUSALS,
        context={"case": case, "sheet": stored},
    )


def _new_sheet(request, case):
    form = forms.SheetForm(posted(request))
    if request.method == "POST" and form.is_valid():
        made = tables.Sheet(
            form.cleaned_data["name"],
            form.lines(form.cleaned_data["columns"]),
            form.lines(form.cleaned_data["rows"]),
            {},
        )
        try:
            stored = services.save_sheet(case, request.user, made)
        except REFUSALS as refused:
            return render(
                request,
                "responses/new_sheet.html",
                {"case": case, "form": form, "problem": str(refused)},
            )
        return redirect("responses:sheet", reference=case.reference, pk=stored.pk)
    return render(request, "responses/new_sheet.html", {"case": case, "form": form})


@access.request_page(*EDIT)
def upload(request, case):
    """Sheets filled in elsewhere, as CSV or XLSX. The file is kept before it is read, so a
    file that cannot be read is not lost."""
    form = forms.UploadForm(posted(request), request.FILES or None)
    problem = None
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["workbook"]
        data = upload_file.read(tables.MAX_FILE_BYTES + 1)
        kept = services.keep_upload(case, request.user, upload_file.name, data)
        hidden = filecheck.check(upload_file.name, data)
        try:
            if hidden and not form.cleaned_data["visible_only"]:
                raise tables.TableError(
                    "The file holds more than its visible cells: "
                    + " ".join(str(found) for found in hidden)
                    + " Tick “Read only the visible cells” to leave the rest behind, or "
                    "remove it from the file and upload it again."
                )
            sheets = _read_sheets(upload_file.name, data, visible_only=bool(hidden))
            for read in sheets:
                same_name = case.answer_sheets.filter(name=read.name).first()
                services.save_sheet(case, request.user, read, replace=same_name)
        except tables.TableError as unreadable:
            problem = f"{unreadable.message} (The file is kept as {kept.file.name}.)"
        except REFUSALS as refused:
            problem = str(refused)
        else:
            messages.success(request, f"{len(sheets)} sheet(s) read from {upload_file.name}.")
            return _back(case)
    return render(
        request, "responses/upload.html", {"case": case, "form": form, "problem": problem}
    )


def _read_sheets(name, data, visible_only=False):
    """The sheets of an uploaded file; ``visible_only``: only its visible cells, so that
    nothing hidden in it can become an answer that is released."""
    if name.lower().endswith(".csv"):
        return [tables.sheet_from_csv(name.rsplit(".", 1)[0], data)]
    if not visible_only:
        return tables.sheets_from_xlsx(data)
    try:
        visible = filecheck.REMEDIES[filecheck.VISIBLE_CELLS_AS_CSV].apply(name, data)
    except filecheck.FileCheckError as unreadable:
        raise tables.TableError(str(unreadable)) from None
    with zipfile.ZipFile(io.BytesIO(visible)) as archive:
        return [
            tables.sheet_from_csv(member.rsplit(".", 1)[0], archive.read(member))
            for member in archive.namelist()
        ]


@access.request_page(*EDIT)
def copy(request, case):
    """Start this response from a similar request's, chosen on the case page."""
    if request.method != "POST":
        raise Http404
    reference = request.POST.get("source", "")
    source = Request.objects.visible_to(request.user).filter(reference=reference).first()
    if source is None:
        messages.error(request, "Choose one of the similar requests listed to copy from.")
        return redirect("casework:request", reference=case.reference)
    refusal = services.not_editable(case)
    if refusal:
        messages.error(request, refusal)
        return redirect("casework:request", reference=case.reference)
    services.copy_from(case, source, request.user)
    messages.success(
        request,
        f"Copied from {source.reference}: check each answer is still true before you save it.",
    )
    return _back(case)


@access.request_page(*EDIT)
def delete_sheet(request, case, pk):
    if request.method != "POST":
        raise Http404
    try:
        services.delete_sheet(
            case, request.user, get_object_or_404(AnswerSheet, request=case, pk=pk)
        )
    except REFUSALS as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "Sheet removed.")
    return _back(case)


@access.request_page(*READ)
def download_letter(request, case, extension):
    """The current draft of the letter."""
    if extension not in formats.LETTER_FORMATS:
        raise Http404
    try:
        body = services.render_letter(case, extension)
    except letter.LetterError as failed:
        messages.error(request, f"The letter cannot be written: {failed}")
        return _back(case)
    return _attachment(body, extension, services.file_name(case, extension))


@access.request_page(*READ)
def download_answers(request, case, extension):
    """The answer tables as they stand."""
    if extension not in formats.ANSWER_FORMATS or not case.answer_sheets.exists():
        raise Http404
    return _attachment(
        services.render_answers(case, extension), extension, services.file_name(case, extension)
    )


@access.request_page(*READ)
def download_sent(request, case, version, extension):
    """A file of a version of the response exactly as it was sent."""
    sent = sending.sent_version(case, version)
    kept = sending.sent_file(sent, extension) if sent else None
    if kept is None:
        raise Http404("That version was not sent in that format.")
    name = kept.name if version == 1 else kept.name.replace(".", f"-v{version}.", 1)
    return _attachment(sending.read(kept), extension, name)


def _attachment(body, extension, filename):
    response = HttpResponse(body, content_type=formats.FORMATS[extension].content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@access.request_page(*EDIT)
def send(request, case):
    """Send the response by email, or record it as sent another way; while an email is
    on its way, say so, and when it could not be delivered, offer to try again."""
    form = forms.SentForm(
        posted(request) if "record" in request.POST else None,
        initial={"on": timezone.localdate()},
    )
    problem = None
    if request.method == "POST":
        try:
            done = _send(request, case, form)
        except REFUSALS as refused:
            problem = str(refused)
        else:
            if done:
                messages.success(request, done)
                return redirect("casework:request", reference=case.reference)
    email_refusal = casework.refusal(case, "send_by_email")
    if not (case.requester and case.requester.email):
        email_refusal = "The requester gave no email address: send it another way, then record it."
    attached = [services.file_name(case, name) for name in ["pdf", "docx"]]
    if case.answer_sheets.exists():
        attached.append(services.file_name(case, sending.answers_format(case)))
    return render(
        request,
        "responses/send.html",
        {
            "case": case,
            "form": form,
            "problem": problem,
            "email_refusal": email_refusal,
            "record_refusal": casework.refusal(case, "mark_sent"),
            "attached": attached,
            "in_flight": sending.in_flight(case),
            "not_delivered": sending.not_delivered(case),
            "correcting": services.response_of(case).correction_reason,
        },
    )


def _send(request, case, form):
    """Take the sending the page's button asked for; the message to show, or None when
    the form has a mistake to show."""
    if "email" in request.POST:
        sent = sending.send_by_email(case, request.user)
        return (
            f"Version {sent.version} of the response is on its way to {sent.recipient}. The "
            "request becomes responded when the mail server accepts it."
        )
    if "try_again" in request.POST:
        sending.try_again(case, request.user)
        return "The email will be tried again."
    if form.is_valid():
        sent = sending.record_sent(case, request.user, **form.cleaned_data)
        return f"Version {sent.version} of the response is recorded as sent."
    return None
