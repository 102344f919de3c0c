from django.contrib.auth.decorators import permission_required
from django.shortcuts import render

from foidesk.accounts import permissions
from foidesk.accounts.roles import titles_of


@permission_required(permissions.VIEW_STAFF_PAGES, raise_exception=True)
def home(request):
    return render(
        request,
        "casework/home.html",
        {
            "role_titles": titles_of(request.user),
            "service_areas": request.user.service_areas.filter(is_active=True),
        },
    )
