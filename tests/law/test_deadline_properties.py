"""Properties every deadline must have, whatever the dates (docs/law/time-limits.md)."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from foidesk.law import ClockEvent, Event, deadline

WORKING_DAY_REGIMES = st.sampled_from(["foi", "eir", "foisa", "eisr", "review"])
DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2059, 6, 30))
GAPS = st.integers(min_value=0, max_value=60)


@given(WORKING_DAY_REGIMES, DAYS)
def test_the_due_date_is_a_working_day(regime, received):
    result = deadline(regime, received)
    assert result.calendar.is_working_day(result.due)


@given(WORKING_DAY_REGIMES, DAYS)
def test_exactly_the_time_limit_in_working_days_lies_after_receipt(regime, received):
    """Day 0 is the day of receipt; the due date is the 20th working day after it."""
    result = deadline(regime, received)
    span = [received + timedelta(days=n) for n in range(1, (result.due - received).days + 1)]
    limit = result.regime.rules.limit.working_days
    assert sum(result.calendar.is_working_day(day) for day in span) == limit


@given(st.sampled_from(["foi", "eir", "foisa", "eisr", "review", "sar"]), DAYS, GAPS)
def test_a_later_receipt_never_gives_an_earlier_due_date(regime, received, gap):
    later = received + timedelta(days=gap)
    assert deadline(regime, later).due >= deadline(regime, received).due


@given(st.sampled_from(["foi", "eir", "foisa", "eisr"]), DAYS, GAPS, GAPS)
def test_a_fee_pause_never_shortens_the_time(regime, received, to_notice, to_payment):
    notice = received + timedelta(days=to_notice)
    paid = notice + timedelta(days=to_payment)
    paused = deadline(
        regime,
        received,
        [ClockEvent(Event.FEE_NOTICE_GIVEN, notice), ClockEvent(Event.FEE_RECEIVED, paid)],
    )
    assert paused.due >= deadline(regime, received).due


@given(DAYS)
def test_subject_access_is_due_on_a_working_day_a_month_or_more_later(received):
    result = deadline("sar", received)
    assert result.calendar.is_working_day(result.due)
    assert result.due >= received + timedelta(days=28)
    assert result.due <= received + timedelta(days=31 + 5)


@given(WORKING_DAY_REGIMES, DAYS)
def test_the_remaining_working_days_count_down_to_zero_on_the_due_date(regime, received):
    result = deadline(regime, received)
    limit = result.regime.rules.limit.working_days
    assert result.working_days_remaining(received) == limit
    assert result.working_days_remaining(result.due) == 0
    assert result.working_days_elapsed(result.due) == limit
