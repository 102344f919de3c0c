"""Django form errors become GOV.UK error summary and error message parameters."""

from datetime import date

import pytest
from django import forms

from foidesk.web.forms import DateInputField, error_message, error_summary


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


class ReceivedForm(forms.Form):
    received = DateInputField(description="the date the request was received")


def test_a_date_is_read_from_its_three_boxes():
    form = ReceivedForm({"received-day": " 7 ", "received-month": "1", "received-year": "2020"})
    assert form.is_valid()
    assert form.cleaned_data["received"] == date(2020, 1, 7)


def test_an_initial_date_fills_the_three_boxes():
    form = ReceivedForm(initial={"received": date(2020, 1, 17)})
    assert form["received"].value() == {"day": "17", "month": "1", "year": "2020"}


def test_the_summary_links_to_the_box_that_is_wrong():
    form = ReceivedForm({"received-day": "17", "received-month": "", "received-year": "2020"})
    assert not form.is_valid()
    assert error_summary(form)["errorList"] == [
        {
            "text": "The date the request was received must include a month",
            "href": "#id_received-month",
        }
    ]


@pytest.mark.parametrize(
    ("day", "month", "year", "box"),
    [
        ("99999999999999999999", "1", "2020", "day"),
        ("17", "99999999999999999999", "2020", "day"),
        ("17", "1", "١٢٣٤", "year"),
        ("١٧", "1", "2020", "day"),
        ("17", "１", "2020", "month"),
        ("-1", "1", "2020", "day"),
        ("17", "-1", "2020", "month"),
        ("1 7", "1", "2020", "day"),
        ("17\x00", "1", "2020", "day"),
        ("17", "1", "+202", "year"),
        ("0", "1", "2020", "day"),
        ("31", "2", "2024", "day"),
    ],
)
def test_a_date_that_cannot_be_is_explained_at_the_box_to_fix(day, month, year, box):
    form = ReceivedForm({"received-day": day, "received-month": month, "received-year": year})
    assert not form.is_valid()
    assert error_summary(form)["errorList"] == [
        {
            "text": "The date the request was received must be a real date",
            "href": f"#id_received-{box}",
        }
    ]
