"""Django form errors become GOV.UK error summary and error message parameters."""

from django import forms

from foidesk.config.forms import error_message, error_summary


class RequestForm(forms.Form):
    name = forms.CharField(error_messages={"required": "Enter your name"})
    email = forms.EmailField(
        error_messages={"invalid": "Enter an email address like name@example.com"}
    )

    def clean(self):
        raise forms.ValidationError("Give an email or a postal address")


def test_a_valid_or_unbound_form_has_no_summary():
    assert error_summary(RequestForm()) is None


def test_the_summary_lists_every_problem_linked_to_its_field():
    form = RequestForm({"name": "", "email": "not-an-address"})
    assert not form.is_valid()
    assert error_summary(form) == {
        "titleText": "There is a problem",
        "errorList": [
            {"text": "Give an email or a postal address", "href": "#id_name"},
            {"text": "Enter your name", "href": "#id_name"},
            {"text": "Enter an email address like name@example.com", "href": "#id_email"},
        ],
    }


def test_a_field_error_becomes_the_components_error_message():
    form = RequestForm({"name": "", "email": "a@example.com"})
    form.is_valid()
    assert error_message(form["name"]) == {"text": "Enter your name"}
    assert error_message(form["email"]) is None
