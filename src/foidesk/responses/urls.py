from django.urls import path

from foidesk.responses import views

app_name = "responses"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("questions/<int:number>/", views.decision, name="decision"),
    path("exemptions/<str:key>/", views.exemption_use, name="exemption"),
    path("details/", views.details, name="details"),
    path("sheets/new/", views.sheet, name="new-sheet"),
    path("sheets/upload/", views.upload, name="upload"),
    path("sheets/<int:pk>/", views.sheet, name="sheet"),
    path("sheets/<int:pk>/shape/", views.sheet_shape, name="sheet-shape"),
    path("sheets/<int:pk>/delete/", views.delete_sheet, name="delete-sheet"),
    path("letter.<str:extension>", views.download_letter, name="letter"),
    path("answers.<str:extension>", views.download_answers, name="answers"),
    path("sent/<int:version>/<str:extension>", views.download_sent, name="sent"),
    path("send/", views.send, name="send"),
    path("copy/", views.copy, name="copy"),
    path("copied/", views.confirm_copied, name="confirm-copied"),
]
