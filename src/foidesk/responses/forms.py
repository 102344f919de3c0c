from django import forms

from foidesk import law
from foidesk.responses.models import Response, SentResponse
from foidesk.web.forms import DateInputField


class DecisionForm(forms.Form):
    held = forms.ChoiceField(choices=law.choices(law.Held), widget=forms.RadioSelect)
    outcome = forms.ChoiceField(
        choices=law.choices(law.Decision),
        widget=forms.RadioSelect,
        error_messages={"required": "Select what is decided about this question"},
    )
    answer = forms.CharField(widget=forms.Textarea, required=False)
    exemptions = forms.MultipleChoiceField(
        choices=[], widget=forms.CheckboxSelectMultiple, required=False
    )
    published_at = forms.URLField(
        required=False,
        max_length=500,
        error_messages={
            "invalid": "Enter the web address where it is published, starting https://"
        },
    )

    def __init__(self, *args, catalogue, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["exemptions"].choices = [
            (key, f"{exemption.citation}: {exemption.title}")
            for key, exemption in catalogue.items()
        ]


class ExemptionUseForm(forms.Form):
    reasons = forms.CharField(widget=forms.Textarea, required=False)
    for_disclosure = forms.CharField(widget=forms.Textarea, required=False)
    for_withholding = forms.CharField(widget=forms.Textarea, required=False)
    conclusion = forms.CharField(widget=forms.Textarea, required=False)


class ResponseDetailsForm(forms.ModelForm):
    estimated_date = DateInputField(
        description="the estimated date the public interest test will end", required=False
    )

    class Meta:
        model = Response
        fields = [
            "advice_and_assistance",
            "further_information",
            "direct_marketing",
            "estimated_date",
        ]


class SheetForm(forms.Form):
    name = forms.CharField(max_length=100, error_messages={"required": "Enter the sheet's name"})
    columns = forms.CharField(
        widget=forms.Textarea,
        error_messages={"required": "Enter at least one column heading"},
    )
    rows = forms.CharField(
        widget=forms.Textarea,
        error_messages={"required": "Enter at least one row title"},
    )

    @staticmethod
    def lines(text):
        return [line.strip() for line in text.splitlines() if line.strip()]


class UploadForm(forms.Form):
    workbook = forms.FileField(
        error_messages={"required": "Choose a CSV or Excel (.xlsx) file to upload"}
    )
    visible_only = forms.BooleanField(required=False)


class SentForm(forms.Form):
    """A response sent another way than by foidesk's own email."""

    on = DateInputField(description="the date the response was sent")
    method = forms.ChoiceField(
        choices=[
            (method.value, method.label)
            for method in SentResponse.Method
            if method != SentResponse.Method.EMAIL
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the response was sent"},
    )
