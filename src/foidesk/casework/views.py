from django.shortcuts import render

from foidesk.accounts import permissions
from foidesk.accounts.roles import titles_of


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
