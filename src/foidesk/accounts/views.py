from django.contrib.auth import views as auth_views
from django.shortcuts import render

from foidesk.accounts.forms import SignInForm


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


def signed_out(request):
    return render(request, "accounts/signed_out.html")
