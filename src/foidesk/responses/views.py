"""Response pages: decide each question, explain each exemption, shape the answer tables,
read the letter, download it, and record it as sent."""

from django.contrib import messages
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from foidesk.accounts import permissions
from foidesk.casework import workflow
from foidesk.casework.models import Request
from foidesk.config.pages import form_page, posted
from foidesk.responses import forms, letter, services, tables
from foidesk.responses.models import AnswerSheet

LETTER_FORMATS = {
    "html": ("text/html; charset=utf-8", "html"),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    ),
    "pdf": ("application/pdf", "pdf"),
}
TABLE_FORMATS = {
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", "ods"),
    "csv": ("application/zip", "zip"),
}


def _case(request, reference, edit=False):
    """The request, if this user may read its response (the letter quotes the requester's
    words, so only those who may see the requester); ``edit`` for officers only."""
    needs = [(permissions.VIEW_REQUESTER, "Only the FOI team and approvers see a response.")]
    if edit:
        needs.append((permissions.HANDLE_REQUEST, "Only FOI officers prepare responses."))
    return permissions.request_or_404(request.user, Request.objects.all(), reference, *needs)


def _back(case):
    return redirect("responses:overview", reference=case.reference)


@permissions.require(permissions.VIEW_STAFF_PAGES)
def overview(request, reference):
    case = _case(request, reference)
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
            "edits": request.user.has_perm(permissions.HANDLE_REQUEST, case),
            "response": services.response_of(case),
        },
    )


@permissions.require(permissions.VIEW_STAFF_PAGES)
def decision(request, reference, number):
    case = _case(request, reference, edit=True)
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

    return _response_form(request, case, "responses/decision.html", form, save, question=question)


@permissions.require(permissions.VIEW_STAFF_PAGES)
def exemption_use(request, reference, key):
    case = _case(request, reference, edit=True)
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


@permissions.require(permissions.VIEW_STAFF_PAGES)
def details(request, reference):
    case = _case(request, reference, edit=True)
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
        refusals=(services.ResponseError, letter.LetterError),
        context={"case": case, **context},
    )


@permissions.require(permissions.VIEW_STAFF_PAGES)
def sheet(request, reference, pk=None):
    """A new sheet (its headings and row titles), or an existing one's cells as a grid."""
    case = _case(request, reference, edit=True)
    stored = get_object_or_404(case.answer_sheets, pk=pk) if pk else None
    if stored is None:
        return _new_sheet(request, case)
    if request.method == "POST":
        cells = {
            (row, column): tables.parse_cell_text(request.POST.get(f"cell-{row}-{column}", ""))
            for row in range(len(stored.rows))
            for column in range(len(stored.columns))
        }
        edited = tables.Sheet(stored.name, stored.columns, stored.rows, cells)
        services.save_sheet(case, request.user, edited, replace=stored)
        messages.success(request, f"Sheet “{stored.name}” saved.")
        return _back(case)
    current = services.answer_table(case).sheets[list(case.answer_sheets.all()).index(stored)]
    grid = [
        [tables.cell_text(current.cell(row, column)) for column in range(len(stored.columns))]
        for row in range(len(stored.rows))
    ]
    return render(request, "responses/sheet.html", {"case": case, "sheet": stored, "grid": grid})


def _new_sheet(request, case):
    form = forms.SheetForm(posted(request))
    if request.method == "POST" and form.is_valid():
        made = tables.Sheet(
            form.cleaned_data["name"],
            form.lines(form.cleaned_data["columns"]),
            form.lines(form.cleaned_data["rows"]),
            {},
        )
        stored = services.save_sheet(case, request.user, made)
        return redirect("responses:sheet", reference=case.reference, pk=stored.pk)
    return render(request, "responses/new_sheet.html", {"case": case, "form": form})


@permissions.require(permissions.VIEW_STAFF_PAGES)
def upload(request, reference):
    """Sheets filled in elsewhere, as CSV or XLSX. The file is kept before it is read, so a
    file that cannot be read is not lost."""
    case = _case(request, reference, edit=True)
    form = forms.UploadForm(posted(request), request.FILES or None)
    problem = None
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["workbook"]
        data = upload_file.read(tables.MAX_FILE_BYTES + 1)
        kept = default_storage.save(
            f"uploads/{case.reference}/{timezone.now():%Y%m%dT%H%M%S}-{upload_file.name}",
            ContentFile(data),
        )
        try:
            sheets = _read_sheets(upload_file.name, data)
        except tables.TableError as unreadable:
            problem = f"{unreadable.message} (The file is kept as {kept}.)"
        else:
            for read in sheets:
                same_name = case.answer_sheets.filter(name=read.name).first()
                services.save_sheet(case, request.user, read, replace=same_name)
            messages.success(request, f"{len(sheets)} sheet(s) read from {upload_file.name}.")
            return _back(case)
    return render(
        request, "responses/upload.html", {"case": case, "form": form, "problem": problem}
    )


def _read_sheets(name, data):
    if name.lower().endswith(".csv"):
        return [tables.sheet_from_csv(name.rsplit(".", 1)[0], data)]
    return tables.sheets_from_xlsx(data)


@permissions.require(permissions.VIEW_STAFF_PAGES)
def copy(request, reference):
    """Start this response from a similar request's, chosen on the case page."""
    case = _case(request, reference, edit=True)
    if request.method != "POST":
        raise Http404
    source = Request.objects.filter(reference=request.POST.get("source", "")).first()
    if source is None or not request.user.has_perm(permissions.VIEW_REQUEST, source):
        messages.error(request, "Choose one of the similar requests listed to copy from.")
        return redirect("casework:request", reference=case.reference)
    if not case.is_open:
        messages.error(request, "This request has been answered: its response cannot change.")
        return redirect("casework:request", reference=case.reference)
    services.copy_from(case, source, request.user)
    messages.success(
        request,
        f"Copied from {source.reference}: check each answer is still true before you save it.",
    )
    return _back(case)


@permissions.require(permissions.VIEW_STAFF_PAGES)
def delete_sheet(request, reference, pk):
    case = _case(request, reference, edit=True)
    if request.method != "POST":
        raise Http404
    get_object_or_404(AnswerSheet, request=case, pk=pk).delete()
    messages.success(request, "Sheet removed.")
    return _back(case)


@permissions.require(permissions.VIEW_STAFF_PAGES)
def download_letter(request, reference, extension):
    case = _case(request, reference)
    if extension not in LETTER_FORMATS:
        raise Http404
    try:
        body = services.render_letter(case, extension)
    except letter.LetterError as failed:
        messages.error(request, f"The letter cannot be written: {failed}")
        return _back(case)
    content_type, suffix = LETTER_FORMATS[extension]
    return _attachment(body, content_type, f"{case.reference}-response.{suffix}")


@permissions.require(permissions.VIEW_STAFF_PAGES)
def download_answers(request, reference, extension):
    case = _case(request, reference)
    if extension not in TABLE_FORMATS or not case.answer_sheets.exists():
        raise Http404
    body = services.render_answers(case, extension)
    content_type, suffix = TABLE_FORMATS[extension]
    return _attachment(body, content_type, f"{services.workbook_name(case)}.{suffix}")


def _attachment(body, content_type, filename):
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@permissions.require(permissions.VIEW_STAFF_PAGES)
def send(request, reference):
    case = _case(request, reference, edit=True)
    form = forms.SentForm(posted(request), initial={"on": timezone.localdate()})
    problem = None
    if request.method == "POST" and form.is_valid():
        try:
            services.mark_sent(case, request.user, **form.cleaned_data)
        except workflow.TransitionRefused as refused:
            problem = str(refused)
        else:
            messages.success(request, "The response is recorded as sent.")
            return redirect("casework:request", reference=case.reference)
    return render(request, "responses/send.html", {"case": case, "form": form, "problem": problem})
