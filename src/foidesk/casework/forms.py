from datetime import date, datetime, time

from django import forms
from django.utils import timezone

from foidesk import law
from foidesk.casework.models import Channel, Question, ServiceArea
from foidesk.law.regimes import CALCULATED, REQUESTS
from foidesk.web.forms import DateInputField, require_reply_address

CALCULATOR_HINTS = {
    "foi": "Most requests to public bodies in England, Wales and Northern Ireland",
    "eir": "Requests about the environment, such as planning, pollution or land",
    "sar": "A request for your own personal data",
}


class DeadlineCalculatorForm(forms.Form):
    regime = forms.ChoiceField(
        choices=law.choices(CALCULATED),
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the law the request was made under",
            "invalid_choice": "Select the law the request was made under",
        },
    )
    received = DateInputField(description="the date the request was received")

    # The bank-holiday data covers these years; a typing slip outside them is caught.
    EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)

    def clean_received(self):
        received = self.cleaned_data["received"]
        if not self.EARLIEST <= received <= self.LATEST:
            raise forms.ValidationError(
                "The date the request was received must be between 1 January 2000 and "
                "31 December 2099"
            )
        return received


class LogRequestForm(forms.Form):
    """A request received by post, phone or pasted from an email, logged by an officer."""

    regime = forms.ChoiceField(
        choices=law.choices(REQUESTS),
        widget=forms.RadioSelect,
        initial="foi",
        error_messages={"required": "Select the law the request is made under"},
    )
    channel = forms.ChoiceField(
        choices=Channel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the request arrived"},
    )
    received_on = DateInputField(description="the date the request was received")
    received_time = forms.TimeField(
        required=False,
        input_formats=["%H:%M", "%H.%M", "%H%M"],
        error_messages={"invalid": "Enter the time as hours and minutes, like 14:30"},
    )
    subject = forms.CharField(
        max_length=200,
        error_messages={
            "required": "Enter a subject, a few words saying what the request is about",
            "max_length": "The subject must be 200 characters or fewer",
        },
    )
    body = forms.CharField(
        widget=forms.Textarea,
        error_messages={"required": "Enter the request, as the requester wrote it"},
    )
    requested_format = forms.CharField(max_length=200, required=False)
    requester_name = forms.CharField(
        max_length=200, error_messages={"required": "Enter the requester's name"}
    )
    requester_email = forms.EmailField(
        required=False,
        error_messages={"invalid": "Enter an email address like name@example.com"},
    )
    requester_address = forms.CharField(widget=forms.Textarea, required=False)
    acknowledge = forms.BooleanField(required=False, initial=True)
    # Shown once the page has warned that the request is already overdue.
    confirm_overdue = forms.BooleanField(required=False)

    def clean_received_on(self):
        received_on = self.cleaned_data["received_on"]
        if received_on > timezone.localdate():
            raise forms.ValidationError(
                "The date the request was received must be today or earlier"
            )
        return received_on

    def clean(self):
        cleaned = super().clean()
        require_reply_address(
            self,
            "requester_email",
            "requester_address",
            "Give an email address or a postal address, so the response can be sent",
        )
        return cleaned

    def acknowledges(self):
        """Whether logging the request emails the requester an acknowledgement."""
        return self.cleaned_data["acknowledge"] and bool(self.cleaned_data["requester_email"])

    def received_at(self):
        """The moment of receipt in UK time; a request without a time is taken at 9am."""
        moment = datetime.combine(
            self.cleaned_data["received_on"], self.cleaned_data["received_time"] or time(9, 0)
        )
        return timezone.make_aware(moment)

    def requester(self):
        return {
            "name": self.cleaned_data["requester_name"],
            "email": self.cleaned_data["requester_email"],
            "postal_address": self.cleaned_data["requester_address"].strip(),
        }


class DetailsForm(forms.Form):
    subject = forms.CharField(
        max_length=200,
        error_messages={
            "required": "Enter a subject, a few words saying what the request is about"
        },
    )
    regime = forms.ChoiceField(choices=law.choices(REQUESTS), widget=forms.RadioSelect)
    requested_format = forms.CharField(max_length=200, required=False)


class ClockActionForm(forms.Form):
    """The day a clock event happened, and a note (the reason, for an extension)."""

    on = DateInputField(description="the date")
    note = forms.CharField(widget=forms.Textarea, required=False)
    notify = forms.BooleanField(required=False, initial=True)


class NoteForm(forms.Form):
    note = forms.CharField(widget=forms.Textarea, required=False)


class QuestionsForm(forms.Form):
    """All the questions in one box, one per paragraph, as the officer reads them."""

    questions = forms.CharField(
        widget=forms.Textarea,
        error_messages={"required": "Enter at least one question"},
    )

    def texts(self):
        return [text.strip() for text in self.cleaned_data["questions"].split("\n\n")]


class ContributionForm(forms.Form):
    service_area = forms.ModelChoiceField(
        queryset=ServiceArea.objects.filter(is_active=True),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Select the service area to ask"},
    )
    questions = forms.ModelMultipleChoiceField(
        queryset=Question.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select the questions the service area should answer"},
    )
    due_on = DateInputField(description="the date the answer is needed by")
    instructions = forms.CharField(widget=forms.Textarea, required=False)

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questions"].queryset = request.questions.all()


class AnswerForm(forms.Form):
    answer = forms.CharField(
        widget=forms.Textarea,
        error_messages={"required": "Enter the answer, or what the service area found"},
    )


class AssignForm(forms.Form):
    officer = forms.ModelChoiceField(queryset=None, required=False, empty_label="Nobody")

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers
        self.fields["officer"].label_from_instance = lambda user: (
            user.get_full_name() or user.get_username()
        )
