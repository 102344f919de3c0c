"""The public deadline calculator: a GOV.UK form over foidesk.law, with the authority's own
bank-holiday changes (docs/law/time-limits.md)."""

from datetime import date

import pytest

from foidesk.casework.models import Authority, WorkingDayOverride
from foidesk.casework.services import deadline_for, deadline_settings

pytestmark = pytest.mark.django_db

URL = "/deadline-calculator/"


def ask(client, regime="foi", day="17", month="1", year="2020"):
    query = {"regime": regime, "received-day": day, "received-month": month, "received-year": year}
    return client.get(URL, {key: value for key, value in query.items() if value is not None})


def test_the_empty_form_asks_its_two_questions(client):
    page = client.get(URL).content.decode()
    assert "Which law was the request made under?" in page
    assert 'name="received-day"' in page
    assert "There is a problem" not in page


def test_the_reference_letter_date_gives_14_february_2020(client, authority):
    page = ask(client).content.decode()
    assert "A response is due by Friday 14 February 2020" in page
    assert "Day 1: Mon 20 Jan 2020" in page
    assert "Friday 13 March 2020: 40 working days in all" in page


@pytest.mark.parametrize(
    ("query", "message", "anchor"),
    [
        ({"regime": None}, "Select the law", "id_regime_0"),
        (
            {"day": "", "month": "", "year": ""},
            "Enter the date the request was received",
            "id_received-day",
        ),
        (
            {"month": ""},
            "The date the request was received must include a month",
            "id_received-month",
        ),
        ({"day": "", "year": ""}, "must include a day and year", "id_received-day"),
        ({"year": "20"}, "Year must include 4 numbers", "id_received-year"),
        ({"day": "31", "month": "2"}, "must be a real date", "id_received-day"),
        ({"day": "x"}, "must be a real date", "id_received-day"),
        ({"day": "99999999999999999999"}, "must be a real date", "id_received-day"),
        ({"month": "9223372036854775807"}, "must be a real date", "id_received-day"),
        ({"year": "٢٠٢٠"}, "must be a real date", "id_received-year"),
        ({"month": "-1"}, "must be a real date", "id_received-month"),
        (
            {"year": "1899"},
            "must be between 1 January 2000 and 31 December 2099",
            "id_received-day",
        ),
        ({"regime": "mars"}, "Select the law", "id_regime_0"),
    ],
)
def test_mistakes_are_explained_and_linked_to_the_box(client, query, message, anchor):
    response = ask(client, **query)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    assert f'href="#{anchor}"' in page
    assert f'id="{anchor}"' in page


def test_what_was_typed_is_kept_when_there_is_a_mistake(client):
    page = ask(client, day="31", month="2", year="2020").content.decode()
    assert 'value="31"' in page
    assert 'value="2020"' in page


def test_an_authoritys_added_holiday_moves_the_calculated_date(client, authority):
    WorkingDayOverride.objects.create(day=date(2020, 1, 24), reason="Proclaimed bank holiday")
    page = ask(client).content.decode()
    assert "A response is due by Monday 17 February 2020" in page
    assert "Proclaimed bank holiday (every UK nation)" in page


def test_subject_access_counts_the_authoritys_own_nation(authority):
    authority.nation = "scotland"
    authority.save()
    assert deadline_for("sar", date(2025, 12, 2)).due == date(2026, 1, 5)


def test_an_override_for_one_nation_applies_there_only(authority):
    WorkingDayOverride.objects.create(
        day=date(2020, 1, 2), is_holiday=False, nation="scotland", reason="not proclaimed"
    )
    assert deadline_for("foi", date(2019, 12, 20)).due == date(2020, 1, 22)
    assert deadline_for("foisa", date(2019, 12, 20)).due == date(2020, 1, 22)


def test_the_authoritys_reading_of_a_weekend_receipt_is_used(authority):
    assert deadline_for("foi", date(2020, 1, 18)).due == date(2020, 2, 14)
    authority.non_working_day_receipt = "next-working-day-is-receipt"
    authority.save()
    assert deadline_for("foi", date(2020, 1, 18)).due == date(2020, 2, 17)


def test_without_an_authority_the_icos_reading_and_england_are_the_defaults():
    assert not Authority.objects.exists()
    settings = deadline_settings()
    assert settings.nation == "england"
    assert settings.non_working_day_receipt == "next-working-day-is-day-one"
