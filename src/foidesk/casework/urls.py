from django.urls import path

from foidesk.casework import views

app_name = "casework"

urlpatterns = [
    path("", views.home, name="home"),
    path("requests/new/", views.log_request, name="log-request"),
    path("requests/<str:reference>/", views.request_page, name="request"),
    path("requests/<str:reference>/actions/<str:name>/", views.action, name="action"),
    path("requests/<str:reference>/assign/", views.assign, name="assign"),
    path("requests/<str:reference>/details/", views.edit_details, name="details"),
    path("requests/<str:reference>/questions/", views.edit_questions, name="questions"),
    path(
        "requests/<str:reference>/contributions/new/",
        views.new_contribution,
        name="new-contribution",
    ),
    path("contributions/", views.contributions, name="contributions"),
    path("contributions/<int:pk>/", views.contribution, name="contribution"),
]
