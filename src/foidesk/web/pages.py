"""What every form page in foidesk does: show the form, and on a valid POST call a service.

A service that refuses (a state that does not allow the change, a date that cannot be)
raises one of the page's refusal exceptions; its message becomes the page's error summary,
so a person's mistake is explained on the page rather than turned into an error.
"""

from django.contrib import messages
from django.shortcuts import redirect, render


def posted(request):
    """The form data of a POST, even an empty one (a button alone), else None."""
    return request.POST if request.method == "POST" else None


def form_page(request, template, form, save, *, done, refusals, context):
    """Render ``template`` with ``form``; a valid POST calls ``save(cleaned_data)``, which
    returns the message to show, and then goes to ``done`` (a URL)."""
    problem = None
    if request.method == "POST" and form.is_valid():
        try:
            message = save(form.cleaned_data)
        except refusals as refused:
            problem = str(refused)
        else:
            messages.success(request, message)
            return redirect(done)
    return render(request, template, {**context, "form": form, "problem": problem})
