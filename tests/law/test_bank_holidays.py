"""The bank holidays behind every working-day count (docs/law/time-limits.md)."""

import json
from datetime import date
from pathlib import Path

import pytest

from foidesk.law import bank_holidays

# GOV.UK's bank-holiday source data (alphagov/calendars, Open Government Licence).
GOV_UK = Path(__file__).parent / "data" / "gov-uk-bank-holidays-2015-2021.json"
DIVISIONS = {
    "england": "england-and-wales",
    "wales": "england-and-wales",
    "scotland": "scotland",
    "northern-ireland": "northern-ireland",
}


def _gov_uk(division, year):
    events = json.loads(GOV_UK.read_text())["divisions"][division][str(year)]
    return {date(*reversed([int(part) for part in e["date"].split("/")])) for e in events}


@pytest.mark.parametrize("nation", DIVISIONS)
@pytest.mark.parametrize("year", range(2015, 2022))
def test_holidays_agree_with_gov_uk_2015_to_2021(nation, year):
    """GOV.UK lists the weekday a holiday is taken; the package also names weekend dates."""
    ours = {day for day in bank_holidays.of_year(nation, year) if day.weekday() < 5}
    assert ours == _gov_uk(DIVISIONS[nation], year)


@pytest.mark.parametrize("nation", bank_holidays.SUBDIVISIONS)
def test_the_shipped_snapshot_is_the_holidays_packages_data(nation):
    package = bank_holidays.from_package(nation, list(bank_holidays.SNAPSHOT_YEARS))
    snapshot = {}
    for year in bank_holidays.SNAPSHOT_YEARS:
        snapshot.update(bank_holidays.of_year(nation, year))
    assert snapshot == package, "regenerate: python -m foidesk.law.bank_holidays"


def test_years_beyond_the_snapshot_come_from_the_package():
    assert bank_holidays.of_year("england", 2070)[date(2070, 12, 25)] == "Christmas Day"


@pytest.mark.parametrize(
    ("nation", "day", "name"),
    [
        ("england", date(2022, 9, 19), "State Funeral of Queen Elizabeth II"),
        ("scotland", date(2023, 5, 8), "Coronation of Charles III"),
        ("northern-ireland", date(2022, 7, 12), "Battle of the Boyne"),
    ],
)
def test_days_added_by_proclamation_or_custom_are_there(nation, day, name):
    assert bank_holidays.of_year(nation, day.year)[day] == name
