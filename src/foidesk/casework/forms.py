from datetime import date

from django import forms

from foidesk.config.forms import DateInputField

CALCULATOR_REGIMES = [
    ("foi", "Freedom of Information Act 2000"),
    ("eir", "Environmental Information Regulations 2004"),
    ("foisa", "Freedom of Information (Scotland) Act 2002"),
    ("eisr", "Environmental Information (Scotland) Regulations 2004"),
    ("sar", "Subject access request (UK GDPR)"),
    ("review", "Internal review of a Freedom of Information response"),
]
CALCULATOR_HINTS = {
    "foi": "Most requests to public bodies in England, Wales and Northern Ireland",
    "eir": "Requests about the environment, such as planning, pollution or land",
    "sar": "A request for your own personal data",
}


class DeadlineCalculatorForm(forms.Form):
    regime = forms.ChoiceField(
        choices=CALCULATOR_REGIMES,
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
