from django import forms
from django.contrib.auth.forms import AuthenticationForm

from foidesk.accounts import services


class SignInForm(AuthenticationForm):
    """Django's sign-in form with GOV.UK wording and a limit on repeated failures."""

    error_messages = {
        "invalid_login": (
            "The username or password is not right. Check them and try again; "
            "both are case-sensitive."
        ),
        "inactive": "This account has been switched off. Ask an administrator to restore it.",
        "throttled": (
            "There have been too many attempts to sign in with this username. Wait 15 "
            "minutes and try again, or ask an administrator to reset your password."
        ),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.fields["username"].widget.attrs.pop("autofocus", None)

    def clean(self):
        username = self.cleaned_data.get("username")
        if username and services.sign_in_blocked(username):
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if username:
                services.record_failed_sign_in(username)
            raise
        if username:
            services.clear_failed_sign_ins(username)
        return cleaned
