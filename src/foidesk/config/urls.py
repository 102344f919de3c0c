from django.contrib import admin
from django.urls import include, path

from foidesk.api.api import api
from foidesk.casework import views as casework_views
from foidesk.config import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path(
        "deadline-calculator/",
        casework_views.deadline_calculator,
        name="deadline-calculator",
    ),
    path("staff/", include("foidesk.casework.urls")),
    path("staff/requests/<str:reference>/response/", include("foidesk.responses.urls")),
    path("account/", include("foidesk.accounts.urls")),
    path("", include("foidesk.intake.urls")),
    path("", include("foidesk.publication.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

handler400 = views.bad_request
handler403 = views.permission_denied
handler404 = views.page_not_found
