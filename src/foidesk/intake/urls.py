from django.urls import path

from foidesk.intake import views

app_name = "intake"

urlpatterns = [
    path("request/", views.request_form, name="request"),
    path("request/received/", views.received, name="received"),
    path("staff/intake/", views.problems, name="problems"),
    path("staff/intake/<int:pk>/", views.problem, name="problem"),
    path("staff/intake/messages/<int:pk>/raw/", views.raw_message, name="raw"),
    path("staff/intake/upload/", views.upload_email, name="upload"),
    path("staff/intake/automatic/", views.automatic, name="automatic"),
    path("staff/intake/automatic/<int:pk>/", views.automatic_message, name="automatic-message"),
    path("staff/intake/not-sent/", views.not_sent, name="not-sent"),
    path("staff/intake/not-sent/<int:pk>/", views.send_again, name="send-again"),
]
