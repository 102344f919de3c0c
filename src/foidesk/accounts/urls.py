from django.contrib.auth import views as auth_views
from django.urls import path

from foidesk.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="sign-out"),
    path("signed-out/", views.signed_out, name="signed-out"),
]
