from django import forms

from foidesk import law
from foidesk.law.regimes import INFORMATION
from foidesk.web.forms import DateInputField


class LogFilterForm(forms.Form):
    """Search and filters for the public disclosure log (a GET form)."""

    q = forms.CharField(required=False, max_length=500)
    published_from = DateInputField(description="the earliest date published", required=False)
    published_to = DateInputField(description="the latest date published", required=False)
    service_area = forms.ChoiceField(required=False)
    outcome = forms.ChoiceField(
        required=False, choices=[("", "Any outcome"), *law.choices(law.Outcome)]
    )
    regime = forms.ChoiceField(required=False, choices=[("", "Any law"), *law.choices(INFORMATION)])
    topic = forms.CharField(required=False, max_length=100)

    def __init__(self, *args, service_areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_area"].choices = [("", "Any service area")] + [
            (name, name) for name in service_areas
        ]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("published_from"), cleaned.get("published_to")
        if start and end and start > end:
            self.add_error(
                "published_to", "The latest date must be the same as or after the earliest"
            )
        return cleaned

    def filters(self):
        chosen = {
            name: self.cleaned_data.get(name)
            for name in [
                "published_from",
                "published_to",
                "service_area",
                "outcome",
                "regime",
                "topic",
            ]
        }
        return {name: value for name, value in chosen.items() if value}


TAKE_OUT, KEEP = "take_out", "keep"


class PublishForm(forms.Form):
    """The title, topic and files; and for each concern that may be kept, take it out or
    keep it with a reason."""

    title = forms.CharField(
        max_length=200, error_messages={"required": "Enter a title for the disclosure log"}
    )
    topic = forms.CharField(max_length=100, required=False)
    files = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, choices=[]
    )

    def __init__(self, *args, files=(), concerns=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].choices = [(key, description) for key, _, description in files]
        self.concerns = [concern for concern in concerns if concern.may_be_kept]
        for concern in self.concerns:
            self.fields[f"decision-{concern.key}"] = forms.ChoiceField(
                choices=[(TAKE_OUT, "Take it out"), (KEEP, "Keep it")],
                widget=forms.RadioSelect,
                error_messages={"required": f"Choose whether to take out {concern.sentence()}"},
            )
            self.fields[f"reason-{concern.key}"] = forms.CharField(required=False, max_length=500)

    def decisions(self):
        """For each concern: (its field, its reason's field)."""
        return [
            (concern, self[f"decision-{concern.key}"], self[f"reason-{concern.key}"])
            for concern in self.concerns
        ]

    def clean(self):
        cleaned = super().clean()
        for concern in self.concerns:
            keeping = cleaned.get(f"decision-{concern.key}") == KEEP
            if keeping and not cleaned.get(f"reason-{concern.key}", "").strip():
                self.add_error(
                    f"reason-{concern.key}",
                    "Say why it is kept: the reason is recorded with what is published",
                )
        return cleaned

    def choices(self):
        """(keys to take out, {key: reason} kept)."""
        take_out, keep = [], {}
        for concern in self.concerns:
            if self.cleaned_data.get(f"decision-{concern.key}") == KEEP:
                keep[concern.key] = self.cleaned_data[f"reason-{concern.key}"]
            else:
                take_out.append(concern.key)
        return take_out, keep


class UnpublishForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea,
        error_messages={"required": "Say why the entry is taken down; the reason is kept"},
    )
