from django.shortcuts import render

from foidesk.accounts import permissions
from foidesk.accounts.roles import titles_of
from foidesk.casework import services
from foidesk.casework.forms import CALCULATOR_HINTS, DeadlineCalculatorForm


@permissions.require(permissions.VIEW_STAFF_PAGES)
def home(request):
    return render(
        request,
        "casework/home.html",
        {
            "role_titles": titles_of(request.user),
            "service_areas": request.user.service_areas.filter(is_active=True),
        },
    )


def deadline_calculator(request):
    """Public: when is a response due? A GET form, so it works without JavaScript."""
    form = DeadlineCalculatorForm(request.GET or None)
    result = None
    if form.is_valid():
        result = services.deadline_for(form.cleaned_data["regime"], form.cleaned_data["received"])
    return render(
        request,
        "casework/deadline_calculator.html",
        {"form": form, "result": result, "hints": CALCULATOR_HINTS},
    )
