"""Dates as the law and an FOI officer read them."""

import calendar
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def uk_date(moment):
    """The UK date of a receipt: a date as it is, an aware datetime in Europe/London time.

    A request emailed at 23:59 UK time is received that day, whatever the server's clock.
    """
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            raise ValueError("a time of receipt must say its time zone")
        return moment.astimezone(LONDON).date()
    return moment


def add_months(start, months):
    """The same date ``months`` later, or the last day of that month when it has no such date.

    31 January plus one month is 28 (or 29) February (UK GDPR Art 12(3), ICO guidance).
    """
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def day_after(day):
    return day + timedelta(days=1)


def day_before(day):
    return day - timedelta(days=1)


def days_from(start, stop):
    """Each date from ``start`` to ``stop``, both included."""
    for offset in range((stop - start).days + 1):
        yield start + timedelta(days=offset)


def show(day):
    """'Fri 17 Jan 2020': the weekday is what a reader checks a count against."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def parse_iso(text):
    """A date written YYYY-MM-DD; ValueError with a plain message otherwise."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"{text} is not a date: write dates as YYYY-MM-DD, e.g. 2020-01-17"
        ) from None
