from django.urls import path

from foidesk.casework import views

app_name = "casework"

urlpatterns = [
    path("", views.home, name="home"),
]
