"""Casework pages. Each view reads its form, calls a service and shows the result."""

import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from foidesk.accounts import permissions
from foidesk.accounts.models import User
from foidesk.accounts.roles import Role
from foidesk.casework import caseload, forms, services, workflow
from foidesk.casework.models import Contribution, Request
from foidesk.casework.workflow import State
from foidesk.config.pages import form_page, posted
from foidesk.publication import services as publication
from foidesk.publication import similar_requests
from foidesk.publication.models import DisclosureEntry
from foidesk.publication.similarity import SimilarityError

logger = logging.getLogger(__name__)

# Actions that ask for a date and a note before they are taken; the rest ask for a note.
CLOCK_ACTIONS = set(services.CLOCK_ACTIONS)


@permissions.require(permissions.VIEW_STAFF_PAGES)
def home(request):
    """Officers and approvers land on the caseload; contributors on their contributions."""
    if request.user.has_perm(permissions.VIEW_CASELOAD):
        return caseload_page(request)
    return contributions(request)


def caseload_page(request):
    today = timezone.localdate()
    found = _find_by_reference(request)
    if found is not None:
        return found
    view = request.GET.get("view", caseload.default_view(request.user))
    view = view if view in caseload.VIEW_NAMES else "open"
    sort = request.GET.get("sort", "due")
    sort = sort if sort in caseload.SORTS else "due"
    requests = caseload.listing(
        request.user,
        today,
        view,
        sort=sort,
        state=request.GET.get("state", ""),
        officer=request.GET.get("officer", ""),
    )
    page = Paginator(requests, caseload.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "casework/caseload.html",
        {
            "views": caseload.VIEWS,
            "view": view,
            "counts": caseload.counts(request.user, today),
            "page": page,
            "rows": caseload.rows(page.object_list, today),
            "sort": sort,
            "sorts": caseload.SORTS,
            "state": request.GET.get("state", ""),
            "states": [s for s in State if s in workflow.OPEN_STATES],
            "officer": request.GET.get("officer", ""),
            "officers": _officers(),
            "can_log": request.user.has_perm(permissions.LOG_REQUEST),
        },
    )


def _find_by_reference(request):
    reference = request.GET.get("reference", "").strip()
    if not reference:
        return None
    found = permissions.visible_requests(request.user, Request.objects.filter(reference=reference))
    if found.exists():
        return redirect("casework:request", reference=reference)
    messages.error(request, f"There is no request with the reference {reference}.")
    return redirect("casework:home")


def _officers():
    return User.objects.filter(groups__name=Role.OFFICER, is_active=True).order_by(
        "first_name", "username"
    )


@permissions.require(permissions.LOG_REQUEST)
def log_request(request):
    """Log a request; one that is already overdue is logged with its acknowledgement only
    once the officer has seen the warning and confirmed."""
    form = forms.LogRequestForm(posted(request), initial={"regime": "foi"})
    was_due = None
    if request.method == "POST" and form.is_valid():
        if form.acknowledges():
            was_due = services.already_overdue(form.cleaned_data["regime"], form.received_at())
        if was_due is not None and not form.cleaned_data["confirm_overdue"]:
            return render(request, "casework/log_request.html", {"form": form, "was_due": was_due})
        logged = services.log_request(
            request.user,
            regime=form.cleaned_data["regime"],
            channel=form.cleaned_data["channel"],
            received_at=form.received_at(),
            subject=form.cleaned_data["subject"],
            body=form.cleaned_data["body"],
            requested_format=form.cleaned_data["requested_format"],
            requester=form.requester(),
            acknowledge=form.cleaned_data["acknowledge"],
        )
        messages.success(
            request,
            f"Request {logged.reference} logged, with {logged.questions.count()} questions.",
        )
        return redirect("casework:request", reference=logged.reference)
    return render(request, "casework/log_request.html", {"form": form, "was_due": None})


def _case(request, reference):
    requests = Request.objects.select_related("requester")
    return permissions.request_or_404(request.user, requests, reference)


@permissions.require(permissions.VIEW_STAFF_PAGES)
def request_page(request, reference):
    case = _case(request, reference)
    user = request.user
    actions, not_yet = [], []
    for action in workflow.available(case.state):
        if not user.has_perm(action.permission, case):
            continue
        # Two actions taken on the same page (sending, and recording as sent) show once.
        listed = actions + [refused_action for refused_action, _ in not_yet]
        if action.page and any(action.page == other.page for other in listed):
            continue
        refused = services.refusal(case, action.name)
        if refused:
            not_yet.append((action, refused))
        else:
            actions.append(action)
    handles = user.has_perm(permissions.HANDLE_REQUEST, case)
    contributions = list(
        case.contributions.select_related("service_area", "answered_by").prefetch_related(
            "questions"
        )
    )
    # Once the last service area has answered, drafting is the next step: offer it here.
    all_answered = (
        case.state == State.AWAITING_CONTRIBUTIONS
        and contributions
        and all(asked.status == Contribution.Status.ANSWERED for asked in contributions)
        and any(action.name == "draft" for action in actions)
    )
    return render(
        request,
        "casework/request.html",
        {
            "case": case,
            "subject": publication.subject_shown_to(user, case),
            "deadline": services.deadline_of(case),
            "working_days_left": _working_days_left(case),
            "show_requester": user.has_perm(permissions.VIEW_REQUESTER, case),
            "handles": handles,
            "actions": actions,
            "not_yet": not_yet,
            "details_needed": CLOCK_ACTIONS
            | {"withdraw", "lapse", "return_for_changes", "correct"},
            "questions": case.questions.all(),
            "contributions": contributions,
            "all_answered": all_answered,
            "timeline": case.timeline.select_related("actor").all(),
            "similar": _similar(case, user),
            "can_copy": handles and case.is_open,
            "disclosure": DisclosureEntry.objects.filter(request=case).first(),
            "assign_form": forms.AssignForm(
                officers=_officers(), initial={"officer": case.assigned_officer_id}
            )
            if handles and case.is_open
            else None,
        },
    )


def _similar(case, user):
    try:
        return similar_requests.similar_to(case, user)
    except similar_requests.NotBuiltYet as waiting:
        return str(waiting)
    except SimilarityError:
        logger.exception("Similar requests could not be found for request %s", case.pk)
        return None


def _working_days_left(case):
    # Shown for open requests only; counting a closed one's (years back) costs day by day.
    if case.due_on is None or not case.is_open:
        return None
    return services.calendar_of(case.regime).working_days_between(timezone.localdate(), case.due_on)


@permissions.require(permissions.VIEW_STAFF_PAGES)
def action(request, reference, name):
    case = _case(request, reference)
    try:
        chosen = workflow.find(name)
    except workflow.TransitionRefused:
        raise Http404("There is no such action.") from None
    if not request.user.has_perm(chosen.permission, case):
        raise PermissionDenied(permissions.REFUSALS[chosen.permission])
    if chosen.page:
        return redirect(chosen.page, reference=case.reference)
    form_class = forms.ClockActionForm if name in CLOCK_ACTIONS else forms.NoteForm
    form = form_class(posted(request), initial={"on": timezone.localdate()})
    problem = None
    if request.method == "POST" and form.is_valid():
        try:
            services.take_action(
                case,
                request.user,
                name,
                on=form.cleaned_data.get("on"),
                note=form.cleaned_data["note"],
                notify=form.cleaned_data.get("notify", False),
            )
        except services.NoteMissing as missing:
            form.add_error("note", str(missing))
        except (workflow.TransitionRefused, services.CaseworkError) as refused:
            problem = str(refused)
        else:
            messages.success(request, f"{chosen.label}: done.")
            return redirect("casework:request", reference=case.reference)
    return render(
        request,
        "casework/action.html",
        {
            "case": case,
            "action": chosen,
            "form": form,
            "problem": problem,
            "clock": name in CLOCK_ACTIONS,
            "deadline": services.deadline_of(case) if name == "extend" else None,
            "today": timezone.localdate(),
        },
    )


@require_POST
@permissions.require(permissions.VIEW_STAFF_PAGES)
def assign(request, reference):
    case = _case(request, reference)
    form = forms.AssignForm(request.POST, officers=_officers())
    if form.is_valid():
        try:
            services.assign(case, request.user, form.cleaned_data["officer"])
        except services.CaseworkError as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, "Assignment saved.")
    else:
        messages.error(request, "Choose an officer from the list.")
    return redirect("casework:request", reference=case.reference)


@permissions.require(permissions.VIEW_STAFF_PAGES)
def edit_details(request, reference):
    case = _case(request, reference)
    if not request.user.has_perm(permissions.HANDLE_REQUEST, case):
        raise PermissionDenied(permissions.REFUSALS[permissions.HANDLE_REQUEST])
    form = forms.DetailsForm(
        posted(request),
        initial={
            "subject": case.subject,
            "regime": case.regime,
            "requested_format": case.requested_format,
        },
    )

    def save(answers):
        services.edit_details(case, request.user, **answers)
        return "Details saved."

    return _case_form(request, case, "casework/details.html", form, save)


@permissions.require(permissions.VIEW_STAFF_PAGES)
def edit_questions(request, reference):
    case = _case(request, reference)
    if not request.user.has_perm(permissions.HANDLE_REQUEST, case):
        raise PermissionDenied(permissions.REFUSALS[permissions.HANDLE_REQUEST])
    current = "\n\n".join(question.text for question in case.questions.all())
    form = forms.QuestionsForm(posted(request), initial={"questions": current})

    def save(answers):
        services.set_questions(case, request.user, form.texts())
        return "Questions saved."

    return _case_form(request, case, "casework/questions.html", form, save)


@permissions.require(permissions.VIEW_STAFF_PAGES)
def new_contribution(request, reference):
    case = _case(request, reference)
    if not request.user.has_perm(permissions.HANDLE_REQUEST, case):
        raise PermissionDenied(permissions.REFUSALS[permissions.HANDLE_REQUEST])
    form = forms.ContributionForm(
        posted(request),
        request=case,
        initial={
            "due_on": services.internal_due_date(case),
            "questions": list(case.questions.all()),
        },
    )

    def save(answers):
        services.request_contribution(
            case,
            request.user,
            answers["service_area"],
            answers["questions"],
            instructions=answers["instructions"],
            due_on=answers["due_on"],
        )
        return f"{answers['service_area']} asked."

    return _case_form(request, case, "casework/new_contribution.html", form, save)


def _case_form(request, case, template, form, save):
    return form_page(
        request,
        template,
        form,
        save,
        done=reverse("casework:request", kwargs={"reference": case.reference}),
        refusals=(services.CaseworkError, workflow.TransitionRefused),
        context={"case": case},
    )


@permissions.require(permissions.VIEW_STAFF_PAGES)
def contributions(request):
    """A contributor's work: what their service areas have been asked, open first."""
    mine = (
        Contribution.objects.filter(service_area__members=request.user)
        .select_related("request__requester", "service_area")
        .prefetch_related("questions")
        .order_by("status", "due_on")
    )
    page = Paginator(mine, caseload.PAGE_SIZE).get_page(request.GET.get("page"))
    for asked in page.object_list:
        asked.subject = publication.subject_shown_to(request.user, asked.request)
    return render(
        request,
        "casework/contributions.html",
        {"page": page, "today": timezone.localdate()},
    )


@permissions.require(permissions.VIEW_STAFF_PAGES)
def contribution(request, pk):
    asked = get_object_or_404(Contribution.objects.select_related("request", "service_area"), pk=pk)
    _case(request, asked.request.reference)
    may_answer = request.user.has_perm(permissions.ANSWER_CONTRIBUTION, asked)
    form = forms.AnswerForm(posted(request))
    problem = None
    if request.method == "POST":
        if not may_answer:
            raise PermissionDenied(permissions.REFUSALS[permissions.ANSWER_CONTRIBUTION])
        if form.is_valid():
            try:
                services.answer_contribution(asked, request.user, form.cleaned_data["answer"])
            except services.CaseworkError as refused:
                problem = str(refused)
            else:
                messages.success(request, f"Your answer for {asked.request.reference} is sent.")
                return redirect(reverse("casework:contributions"))
    return render(
        request,
        "casework/contribution.html",
        {
            "asked": asked,
            "subject": publication.subject_shown_to(request.user, asked.request),
            "form": form,
            "may_answer": may_answer,
            "problem": problem,
        },
    )


def deadline_calculator(request):
    """Public: when is a response due? A GET form, so it works without JavaScript."""
    form = forms.DeadlineCalculatorForm(request.GET or None)
    result = None
    if form.is_valid():
        result = services.deadline_for(form.cleaned_data["regime"], form.cleaned_data["received"])
    return render(
        request,
        "casework/deadline_calculator.html",
        {"form": form, "result": result, "hints": forms.CALCULATOR_HINTS},
    )
