from django import forms

from foidesk.intake import parsing
from foidesk.web.forms import require_reply_address

MAX_REQUEST_CHARS = 20_000


class PublicRequestForm(forms.Form):
    """A request for information from the public, in GOV.UK's question patterns."""

    name = forms.CharField(max_length=200, error_messages={"required": "Enter your name"})
    email = forms.EmailField(
        required=False,
        max_length=254,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com"
        },
    )
    postal_address = forms.CharField(widget=forms.Textarea, required=False, max_length=1000)
    request = forms.CharField(
        widget=forms.Textarea,
        max_length=MAX_REQUEST_CHARS,
        error_messages={
            "required": "Enter the information you want",
            "max_length": f"Your request must be {MAX_REQUEST_CHARS:,} characters or fewer",
        },
    )
    preferred_format = forms.CharField(max_length=200, required=False)
    # Left empty by people; filled by programs that fill every box they find.
    website = forms.CharField(required=False)

    def clean_request(self):
        text = self.cleaned_data["request"]
        # Zero-width spaces and the like pass "required", but there is nothing to read.
        if not parsing.has_visible_text(text):
            raise forms.ValidationError(
                "Your request has no words we can read. Enter the information you want"
            )
        return text

    def clean(self):
        cleaned = super().clean()
        require_reply_address(
            self,
            "email",
            "postal_address",
            "Enter an email address or a postal address, so we can reply",
        )
        return cleaned

    def is_spam(self):
        return bool(self.cleaned_data.get("website"))


class EmailFileForm(forms.Form):
    message = forms.FileField(error_messages={"required": "Choose an email file (.eml) to upload"})


class SendAgainForm(forms.Form):
    """The address to send an email foidesk gave up on to: the requester's, corrected."""

    email = forms.EmailField(
        max_length=254,
        error_messages={
            "required": "Enter the requester's email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
