"""Django forms in the shapes GOV.UK Frontend's components take.

The error summary lists every problem, each linking to its field; a problem that
belongs to no one field links to the form's first field.
"""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError


def field_id(bound_field):
    """The id of the element an error about this field should take the reader to."""
    if hasattr(bound_field.field, "error_anchor"):
        return bound_field.field.error_anchor(bound_field)
    if isinstance(bound_field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"{bound_field.auto_id}_0"
    return bound_field.auto_id or bound_field.html_name


def error_summary(form):
    """Parameters for ``govukErrorSummary``, or None when the form has no errors."""
    if not form.is_bound or not form.errors:
        return None
    first = next(iter(form), None)
    items = [
        {"text": str(message), "href": f"#{field_id(first)}" if first is not None else None}
        for message in form.non_field_errors()
    ]
    for bound_field in form:
        items.extend(
            {"text": str(message), "href": f"#{field_id(bound_field)}"}
            for message in bound_field.errors
        )
    return {"titleText": "There is a problem", "errorList": items}


def error_message(bound_field):
    """The ``errorMessage`` parameter for a field's component, or None."""
    if not bound_field.errors:
        return None
    return {"text": " ".join(str(message) for message in bound_field.errors)}


def require_reply_address(form, email_field, address_field, message):
    """A requester must give somewhere to send the response: an email or a postal address."""
    cleaned = form.cleaned_data
    no_address = not cleaned.get(address_field, "").strip()
    if not cleaned.get(email_field) and no_address and email_field not in form.errors:
        form.add_error(email_field, message)


def radio_items(bound_field, hints=None):
    """The ``items`` of ``govukRadios`` for a choice field, ids matching the error summary."""
    hints = hints or {}
    chosen = bound_field.value()
    return [
        {
            "value": value,
            "text": text,
            "id": f"{bound_field.auto_id}_{index}",
            "hint": {"text": hints[value]} if value in hints else None,
            "checked": chosen is not None and str(chosen) == str(value),
        }
        for index, (value, text) in enumerate(bound_field.field.choices)
    ]


def checkbox_items(bound_field):
    """The ``items`` of ``govukCheckboxes`` for a multiple-choice field."""
    chosen = {str(value) for value in (bound_field.value() or [])}
    return [
        {
            "value": value,
            "text": text,
            "id": f"{bound_field.auto_id}_{index}",
            "checked": str(value) in chosen,
        }
        for index, (value, text) in enumerate(bound_field.field.choices)
    ]


def select_items(bound_field):
    """The ``items`` of ``govukSelect`` for a choice field."""
    chosen = str(bound_field.value() or "")
    return [
        {"value": value, "text": text, "selected": str(value) == chosen}
        for value, text in bound_field.field.choices
    ]


PARTS = ("day", "month", "year")


class DateInputWidget(forms.Widget):
    """Three boxes named NAME-day, NAME-month and NAME-year, as GOV.UK's date input has."""

    def value_from_datadict(self, data, files, name):
        return {part: data.get(f"{name}-{part}", "").strip() for part in PARTS}

    def value_omitted_from_data(self, data, files, name):
        return not any(f"{name}-{part}" in data for part in PARTS)


class DateInputField(forms.Field):
    """A date typed as day, month and year, with the GOV.UK date input's error messages.

    ``description`` names the date in messages, e.g. "the date the request was received".
    """

    widget = DateInputWidget

    def __init__(self, *, description, **kwargs):
        self.description = description
        kwargs.setdefault("error_messages", {}).setdefault("required", f"Enter {description}")
        super().__init__(**kwargs)
        self.part_in_error = "day"

    def to_python(self, value):
        if isinstance(value, date) or value in self.empty_values:
            return value
        if not any(value.values()):
            return None
        missing = [part for part in PARTS if not value[part]]
        subject = self.description[0].upper() + self.description[1:]
        if missing:
            self.part_in_error = missing[0]
            raise ValidationError(f"{subject} must include a {' and '.join(missing)}")
        # int() reads other scripts' digits ("١٢"), so only 0 to 9 count as numbers here.
        not_numbers = [
            part for part in PARTS if not (value[part].isascii() and value[part].isdigit())
        ]
        if not_numbers:
            self.part_in_error = not_numbers[0]
            raise ValidationError(f"{subject} must be a real date")
        if len(value["year"]) != 4:
            self.part_in_error = "year"
            raise ValidationError("Year must include 4 numbers")
        try:
            return date(int(value["year"]), int(value["month"]), int(value["day"]))
        except (ValueError, OverflowError):
            self.part_in_error = "day"
            raise ValidationError(f"{subject} must be a real date") from None

    def prepare_value(self, value):
        if isinstance(value, date):
            return {"day": str(value.day), "month": str(value.month), "year": str(value.year)}
        return value or {}

    def error_anchor(self, bound_field):
        return f"{bound_field.auto_id}-{self.part_in_error}"
