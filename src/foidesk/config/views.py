"""The public pages every installation has, and the error pages."""

from django.shortcuts import render


def home(request):
    return render(request, "pages/home.html")


def accessibility(request):
    return render(request, "pages/accessibility.html")


def privacy(request):
    return render(request, "pages/privacy.html")


def csrf_failure(request, reason=""):
    # The usual cause is a form left open past its session, or cookies blocked.
    return render(request, "pages/csrf_failure.html", status=403)


def bad_request(request, exception):
    return render(request, "400.html", status=400)


def permission_denied(request, exception):
    return render(request, "403.html", status=403)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)
