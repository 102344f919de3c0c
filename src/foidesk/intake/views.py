"""The public request form, and the officers' intake pages: problem messages, automatic
email, .eml files, and email that could not be sent."""

import hashlib
import logging

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from foidesk import file_types
from foidesk.accounts import permissions
from foidesk.intake import forms, outgoing, services
from foidesk.intake.models import InboundMessage, IntakeProblem
from foidesk.law.dates import show
from foidesk.similar import services as similar_requests
from foidesk.similar.index import SimilarityError

logger = logging.getLogger(__name__)

# Requests one email address may make through the form in an hour: enough for a person,
# too few for a program flooding the team.
REQUESTS_PER_HOUR = 5


def request_form(request):
    form = forms.PublicRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if form.is_spam():
            # Tell a program nothing it could learn from; log nothing.
            return redirect("intake:received")
        answers = [] if request.POST.get("suggested") else _published_answers(form)
        if answers:
            return render(request, "intake/request_form.html", {"form": form, "answers": answers})
        if _too_many(form.cleaned_data["email"] or form.cleaned_data["postal_address"]):
            form.add_error(
                None,
                "You have sent several requests in the last hour. Wait an hour and try again, "
                "or email us instead.",
            )
        else:
            case = services.request_from_form(form.cleaned_data)
            request.session["received"] = {
                "reference": case.reference,
                "due": show(case.due_on) if case.due_on else "",
                "email": bool(form.cleaned_data["email"]),
            }
            return redirect("intake:received")
    return render(request, "intake/request_form.html", {"form": form})


def _published_answers(form):
    """Published answers to requests like this one, shown once before it is sent."""
    try:
        return similar_requests.similar_to_text(form.cleaned_data["request"], AnonymousUser())
    except similar_requests.NotBuiltYet:
        return []
    except SimilarityError:
        logger.exception("Published answers could not be looked for")
        return []


def _too_many(address):
    key = "form-requests:" + hashlib.sha256(address.strip().casefold().encode()).hexdigest()
    cache.add(key, 0, 60 * 60)
    try:
        sent = cache.incr(key)
    except ValueError:
        cache.set(key, 1, 60 * 60)
        sent = 1
    return sent > REQUESTS_PER_HOUR


def received(request):
    details = request.session.get("received")
    return render(request, "intake/received.html", {"details": details})


@permissions.require(permissions.HANDLE_REQUEST)
def problems(request):
    waiting = IntakeProblem.objects.filter(resolved_at__isnull=True).select_related("message")
    done = IntakeProblem.objects.filter(resolved_at__isnull=False).select_related(
        "message", "resolved_by"
    )[:20]
    return render(request, "intake/problems.html", {"waiting": waiting, "done": done})


@permissions.require(permissions.HANDLE_REQUEST)
def problem(request, pk):
    found = get_object_or_404(IntakeProblem.objects.select_related("message"), pk=pk)
    if request.method == "POST":
        choice = request.POST.get("resolution", "")
        if choice == "log":
            case = services.log_problem_as_request(found, request.user)
            messages.success(request, f"Logged as request {case.reference}.")
            return redirect("casework:request", reference=case.reference)
        if choice == "set_aside":
            services.resolve(found, request.user, "Set aside by an officer")
            messages.success(request, "Set aside. The message is kept.")
            return redirect("intake:problems")
    return render(request, "intake/problem.html", {"problem": found})


# Automatic email comes in floods (a holiday's out-of-office replies); the newest are the
# ones an officer is looking for.
AUTOMATIC_SHOWN = 200


@permissions.require(permissions.HANDLE_REQUEST)
def automatic(request):
    kept = InboundMessage.objects.filter(outcome__in=InboundMessage.AUTOMATIC)
    return render(
        request,
        "intake/automatic.html",
        {
            "kept": kept.select_related("request")[:AUTOMATIC_SHOWN],
            "count": kept.count(),
            "shown": AUTOMATIC_SHOWN,
        },
    )


@permissions.require(permissions.HANDLE_REQUEST)
def automatic_message(request, pk):
    message = get_object_or_404(
        InboundMessage.objects.filter(outcome__in=InboundMessage.AUTOMATIC), pk=pk
    )
    if request.method == "POST":
        case = services.log_automatic_as_request(message, request.user)
        messages.success(request, f"Logged as request {case.reference}.")
        return redirect("casework:request", reference=case.reference)
    return render(request, "intake/automatic_message.html", {"message": message})


@permissions.require(permissions.HANDLE_REQUEST)
def raw_message(request, pk):
    message = get_object_or_404(InboundMessage, pk=pk)
    response = HttpResponse(services.raw_bytes(message), content_type=file_types.EMAIL.content_type)
    response["Content-Disposition"] = f'attachment; filename="message-{message.pk}.eml"'
    return response


@permissions.require(permissions.HANDLE_REQUEST)
def upload_email(request):
    form = forms.EmailFileForm(
        request.POST if request.method == "POST" else None, request.FILES or None
    )
    if request.method == "POST" and form.is_valid():
        message = services.receive(form.cleaned_data["message"].read(), "file")
        if message.request is not None:
            messages.success(
                request, f"{message.get_outcome_display()}: {message.request.reference}."
            )
            return redirect("casework:request", reference=message.request.reference)
        if message.outcome == InboundMessage.Outcome.PROBLEM:
            return redirect("intake:problem", pk=message.problem.pk)
        messages.success(request, message.get_outcome_display())
        return redirect("intake:problems")
    return render(request, "intake/upload.html", {"form": form})


@permissions.require(permissions.HANDLE_REQUEST)
def not_sent(request):
    return render(request, "intake/not_sent.html", {"failed": outgoing.failed()})


@permissions.require(permissions.HANDLE_REQUEST)
def send_again(request, pk):
    sent = get_object_or_404(
        outgoing.failed().select_related("request__requester"),
        pk=pk,
        request__requester__isnull=False,
    )
    form = forms.SendAgainForm(
        request.POST if request.method == "POST" else None, initial={"email": sent.recipient}
    )
    if request.method == "POST" and form.is_valid():
        outgoing.try_again(sent, request.user, form.cleaned_data["email"])
        messages.success(
            request, f"{sent.get_kind_display()} for {sent.request.reference} will be sent again."
        )
        return redirect("intake:not-sent")
    return render(request, "intake/send_again.html", {"sent": sent, "form": form})
