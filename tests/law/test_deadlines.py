"""Worked deadlines, each checked by hand against a calendar (docs/law/time-limits.md and
docs/law/internal-reviews-and-complaints.md)."""

from datetime import UTC, date, datetime

import pytest

from foidesk.law import (
    AuthoritySettings,
    ClockError,
    ClockEvent,
    Event,
    ExtensionRefused,
    Nation,
    NonWorkingDayReceipt,
    Override,
    deadline,
)


def due(regime, received, *events, **settings):
    return deadline(regime, received, events, AuthoritySettings(**settings)).due


def test_the_reference_letter_received_17_january_2020_was_due_14_february():
    """Barnet ref 5973764: received Fri 17 Jan 2020, answered on the due date. FOIA s.10(1)."""
    result = deadline("foi", date(2020, 1, 17))
    assert result.due == date(2020, 2, 14)
    assert result.steps[1] == "Received Fri 17 Jan 2020 (day 0)"
    assert result.steps[2] == "Day 1: Mon 20 Jan 2020"
    assert result.steps[-1] == "Due: Fri 14 Feb 2020 (day 20)"


def test_christmas_and_new_year_skip_scotlands_2_january_for_an_english_council():
    """FOIA s.10(6): a bank holiday in any part of the UK is not a working day (LTT47)."""
    result = deadline("foi", date(2019, 12, 20))
    assert result.due == date(2020, 1, 23)
    assert "Not counted: Wed 25 Dec 2019 — Christmas Day (every UK nation)" in result.steps
    assert "Not counted: Thu 2 Jan 2020 — New Year Holiday (Scotland)" in result.steps
    # Counting England's bank holidays alone would give a day too early.
    assert due("sar", date(2019, 12, 20)) != result.due


def test_st_andrews_day_and_a_boxing_day_substitute():
    """Mon 30 Nov 2020 (Scotland) and Mon 28 Dec 2020 (Boxing Day moved off a Saturday)."""
    result = deadline("foi", date(2020, 11, 27))
    assert result.due == date(2020, 12, 30)
    assert "Not counted: Mon 30 Nov 2020 — Saint Andrew's Day (Scotland)" in result.steps
    assert any(
        step.startswith("Not counted: Mon 28 Dec 2020 — Boxing Day") for step in result.steps
    )


def test_st_patricks_day_is_not_a_working_day_anywhere_under_foia():
    result = deadline("foi", date(2020, 3, 13))
    assert result.due == date(2020, 4, 15)
    assert "Not counted: Tue 17 Mar 2020 — Saint Patrick's Day (Northern Ireland)" in result.steps


def test_twelfth_of_july_and_scotlands_august_bank_holiday():
    result = deadline("foi", date(2021, 7, 9))
    assert result.due == date(2021, 8, 10)
    assert "Not counted: Mon 12 Jul 2021 — Battle of the Boyne (Northern Ireland)" in result.steps
    assert "Not counted: Mon 2 Aug 2021 — Summer Bank Holiday (Scotland)" in result.steps


def test_easter_monday_counts_in_scotland_but_not_under_foia():
    """FOISA s.73 counts Scottish bank holidays only: Easter Monday is a working day there."""
    received = date(2020, 4, 9)
    scottish = deadline("foisa", received)
    assert scottish.due == date(2020, 5, 11)
    assert "Day 1: Mon 13 Apr 2020" in scottish.steps
    assert due("foi", received) == date(2020, 5, 12)


def test_a_saturday_receipt_makes_monday_day_1_as_the_ico_reads_it():
    result = deadline("foi", date(2020, 1, 18))
    assert result.due == date(2020, 2, 14)
    assert "so the next working day is day 1" in result.steps[1]


def test_the_authority_may_treat_the_next_working_day_as_the_date_of_receipt():
    later = NonWorkingDayReceipt.NEXT_WORKING_DAY_IS_RECEIPT
    result = deadline(
        "foi", date(2020, 1, 18), settings=AuthoritySettings(non_working_day_receipt=later)
    )
    assert result.due == date(2020, 2, 17)
    assert "treated as received on Mon 20 Jan 2020 (day 0)" in result.steps[1]
    assert due("foi", date(2020, 1, 17), non_working_day_receipt=later) == date(2020, 2, 14)


def test_a_receipt_time_is_read_in_uk_time():
    """An email at 23:59 BST on 30 June is received on 30 June, whatever the server's zone."""
    assert deadline("foi", datetime(2020, 6, 30, 22, 59, tzinfo=UTC)).received == date(2020, 6, 30)
    assert deadline("foi", datetime(2020, 6, 30, 23, 30, tzinfo=UTC)).received == date(2020, 7, 1)
    with pytest.raises(ValueError, match="time zone"):
        deadline("foi", datetime(2020, 6, 30, 23, 30))


def test_fee_days_are_disregarded_both_ends_included():
    """FOIA s.10(2): the days from the fees notice to the payment do not count."""
    result = deadline(
        "foi",
        date(2020, 1, 18),
        [
            ClockEvent(Event.FEE_NOTICE_GIVEN, date(2020, 1, 22)),
            ClockEvent(Event.FEE_RECEIVED, date(2020, 1, 28)),
        ],
    )
    assert result.due == date(2020, 2, 21)
    assert "Day 2: Tue 21 Jan 2020" in result.steps
    assert "Day 3: Wed 29 Jan 2020" in result.steps
    assert any(
        step.startswith("Not counted: Wed 22 Jan 2020 to Tue 28 Jan 2020") for step in result.steps
    )


def test_a_fee_notice_not_yet_paid_stops_the_clock():
    result = deadline(
        "foi", date(2020, 1, 17), [ClockEvent(Event.FEE_NOTICE_GIVEN, date(2020, 1, 22))]
    )
    assert result.due is None
    assert result.stopped_for == "the fee"
    assert result.lapses_on == date(2020, 4, 22)
    assert result.working_days_remaining(date(2020, 2, 1)) is None


def test_clarification_makes_a_new_date_of_receipt():
    """FOIA s.1(3): a fresh 20 working days from the day clarification arrives."""
    result = deadline(
        "foi",
        date(2020, 1, 17),
        [
            ClockEvent(Event.CLARIFICATION_SOUGHT, date(2020, 1, 20)),
            ClockEvent(Event.CLARIFICATION_RECEIVED, date(2020, 1, 27)),
        ],
    )
    assert result.start == date(2020, 1, 27)
    assert result.due == date(2020, 2, 24)
    assert "Clarification received Mon 27 Jan 2020 (day 0)" in result.steps


def test_awaiting_clarification_stops_the_clock_until_it_lapses():
    result = deadline(
        "eir", date(2020, 1, 17), [ClockEvent(Event.CLARIFICATION_SOUGHT, date(2020, 1, 20))]
    )
    assert (result.due, result.stopped_for, result.stopped_since) == (
        None,
        "clarification",
        date(2020, 1, 20),
    )
    assert result.lapses_on == date(2020, 4, 20)


def test_changing_from_foi_to_eir_keeps_the_date_of_receipt():
    result = deadline(
        "foi",
        date(2020, 1, 17),
        [ClockEvent(Event.REGIME_CHANGED, date(2020, 1, 24), regime="eir")],
    )
    assert result.regime == "eir"
    assert result.due == date(2020, 2, 14)
    assert result.steps[0].startswith("Environmental Information Regulations 2004: 20 working days")


@pytest.mark.parametrize(
    ("regime", "extended_due"),
    [("foi", date(2020, 3, 13)), ("eir", date(2020, 3, 13)), ("review", date(2020, 3, 13))],
)
def test_extensions_give_40_working_days_in_all(regime, extended_due):
    """FOIA s.10(3) (ICO: 20 more at most), EIR reg 7(1), s.45 Code part 5 for reviews."""
    result = deadline(regime, date(2020, 1, 17), extended=True)
    assert result.due == date(2020, 2, 14)
    assert result.final_due == result.extended_due == extended_due
    assert "Day 40: Fri 13 Mar 2020" in result.steps


def test_foisa_allows_no_extension():
    """FOISA s.10(1): 20 working days, with no public interest extension
    (docs/law/time-limits.md, extensions)."""
    with pytest.raises(ExtensionRefused, match="FOISA allows no extension"):
        deadline("foisa", date(2020, 1, 17), extended=True)
    told = [ClockEvent(Event.EXTENSION_APPLIED, date(2020, 1, 24))]
    with pytest.raises(ExtensionRefused) as refused:
        deadline("foisa", date(2020, 1, 17), told)
    assert str(refused.value) == "FOISA allows no extension of its 20 working days"


@pytest.mark.parametrize(
    ("regime", "sources"),
    [
        ("foi", "FOIA s.10(3), s.17(2)"),
        ("eir", "EIR reg 7(1), 7(3)"),
        ("eisr", "EISR reg 7(1), 7(2)"),
    ],
)
def test_an_extension_told_on_the_original_due_date_is_applied(regime, sources):
    """FOIA s.10(3) with s.17(2): the notice of a public interest extension is still due by
    day 20 (s.10(1)); EIR reg 7(3) and EISR reg 7(2): the requester is told within the 20
    working days. Received Fri 17 Jan 2020, due Fri 14 Feb 2020, so the last day is 14 Feb."""
    told = [ClockEvent(Event.EXTENSION_APPLIED, date(2020, 2, 14))]
    result = deadline(regime, date(2020, 1, 17), told)
    assert result.extension_applied
    assert result.extension_by == date(2020, 2, 14)
    assert result.final_due == result.extended_due
    assert "The requester was told of the" in result.steps[-1]
    assert result.extension_rule == (
        f"An extension must be given within the first 20 working days ({sources})."
    )


@pytest.mark.parametrize(
    ("regime", "sources"),
    [
        ("foi", "FOIA s.10(3), s.17(2)"),
        ("eir", "EIR reg 7(1), 7(3)"),
        ("eisr", "EISR reg 7(1), 7(2)"),
    ],
)
def test_an_extension_told_the_day_after_the_original_due_date_is_refused(regime, sources):
    """FOIA s.10(3) with s.17(2), EIR reg 7(3), EISR reg 7(2): told on Sat 15 Feb 2020, the day
    after the 20th working day, it is too late to extend."""
    told = [ClockEvent(Event.EXTENSION_APPLIED, date(2020, 2, 15))]
    with pytest.raises(ExtensionRefused) as refused:
        deadline(regime, date(2020, 1, 17), told)
    assert str(refused.value) == (
        "An extension must be given within the first 20 working days, by Fri 14 Feb 2020; "
        f"it is too late to extend now ({sources})"
    )


def test_the_day_to_extend_by_moves_with_a_clarification():
    """FOIA s.1(3): clarification received on Mon 27 Jan 2020 is the new date of receipt, so
    the 20 working days, and with them the last day to extend (s.10(3), s.17(2)), end on
    Mon 24 Feb 2020."""
    clarified = [
        ClockEvent(Event.CLARIFICATION_SOUGHT, date(2020, 1, 20)),
        ClockEvent(Event.CLARIFICATION_RECEIVED, date(2020, 1, 27)),
    ]
    assert deadline("foi", date(2020, 1, 17), clarified).extension_by == date(2020, 2, 24)
    on_the_day = [*clarified, ClockEvent(Event.EXTENSION_APPLIED, date(2020, 2, 24))]
    assert deadline("foi", date(2020, 1, 17), on_the_day).extension_applied
    too_late = [*clarified, ClockEvent(Event.EXTENSION_APPLIED, date(2020, 2, 25))]
    with pytest.raises(ExtensionRefused, match="by Mon 24 Feb 2020; it is too late"):
        deadline("foi", date(2020, 1, 17), too_late)


def test_a_subject_access_extension_is_told_within_the_first_month():
    """UK GDPR Art 12(3): the data subject is told of an extension within one month of
    receipt. Received Tue 3 Sep 2024, due Thu 3 Oct 2024 (the ICO's example)."""
    received = date(2024, 9, 3)
    assert deadline("sar", received).extension_by == date(2024, 10, 3)
    told = [ClockEvent(Event.EXTENSION_APPLIED, date(2024, 10, 4))]
    with pytest.raises(ExtensionRefused) as refused:
        deadline("sar", received, told)
    assert str(refused.value) == (
        "An extension must be given within the first month, by Thu 3 Oct 2024; it is too "
        "late to extend now (UK GDPR Art 12(3))"
    )


def test_an_internal_reviews_extension_has_no_day_to_be_told_by():
    """The s.45 Code of Practice (2018), part 5, sets a review's 20 and 20 further working
    days as guidance; foidesk does not refuse its extension told later
    (docs/adr/0007-readings-of-the-time-limits.md)."""
    told = [ClockEvent(Event.EXTENSION_APPLIED, date(2020, 2, 17))]
    result = deadline("review", date(2020, 1, 17), told)
    assert result.final_due == date(2020, 3, 13)
    assert result.extension_by is None


def test_there_is_no_day_to_extend_by_where_the_law_allows_no_extension():
    """FOISA s.10(1): no extension, so no day by which to give one."""
    result = deadline("foisa", date(2020, 1, 17))
    assert result.extension_by is None
    assert result.extension_rule == "FOISA allows no extension of its 20 working days."


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        (date(2024, 9, 3), date(2024, 10, 3)),  # the ICO's example
        (date(2025, 1, 31), date(2025, 2, 28)),  # no 31 February: the last day
        (date(2024, 1, 31), date(2024, 2, 29)),  # leap year
        (date(2024, 8, 31), date(2024, 9, 30)),  # received on a Saturday: counted all the same
        (date(2024, 11, 25), date(2024, 12, 27)),  # Christmas and Boxing Day: next working day
    ],
)
def test_subject_access_is_one_calendar_month(received, expected):
    """UK GDPR Art 12(3) and 12A (docs/law/time-limits.md, subject access requests)."""
    assert due("sar", received) == expected


def test_subject_access_rolls_over_the_authoritys_own_bank_holidays():
    received = date(2025, 12, 2)
    assert due("sar", received, nation=Nation.ENGLAND) == date(2026, 1, 2)
    assert due("sar", received, nation=Nation.SCOTLAND) == date(2026, 1, 5)


def test_subject_access_extension_is_three_months_in_all():
    result = deadline("sar", date(2025, 1, 31), extended=True)
    assert result.extended_due == date(2025, 4, 30)


def test_subject_access_clarification_pauses_the_month():
    """UK GDPR Art 12A: the days from asking to receiving, both included, do not count."""
    result = deadline(
        "sar",
        date(2025, 1, 31),
        [
            ClockEvent(Event.CLARIFICATION_SOUGHT, date(2025, 2, 3)),
            ClockEvent(Event.CLARIFICATION_RECEIVED, date(2025, 2, 10)),
        ],
    )
    assert result.due == date(2025, 3, 10)  # 28 Feb + 8 days = Sat 8 Mar, then Monday


def test_subject_access_fee_starts_the_month_when_paid():
    result = deadline(
        "sar",
        date(2025, 1, 6),
        [
            ClockEvent(Event.FEE_NOTICE_GIVEN, date(2025, 1, 7)),
            ClockEvent(Event.FEE_RECEIVED, date(2025, 1, 14)),
        ],
    )
    assert result.due == date(2025, 2, 14)


def test_subject_access_clarification_needs_the_day_it_was_sought():
    with pytest.raises(ClockError, match="give that date too"):
        deadline(
            "sar", date(2025, 1, 6), [ClockEvent(Event.CLARIFICATION_RECEIVED, date(2025, 1, 9))]
        )


@pytest.mark.parametrize(
    ("events", "message"),
    [
        (
            [ClockEvent(Event.CLARIFICATION_RECEIVED, date(2020, 1, 10))],
            "before the request was received",
        ),
        (
            [
                ClockEvent(Event.FEE_NOTICE_GIVEN, date(2020, 1, 25)),
                ClockEvent(Event.FEE_RECEIVED, date(2020, 1, 20)),
            ],
            "the fee was paid on 2020-01-20, before the fee notice was given on 2020-01-25",
        ),
        ([ClockEvent(Event.FEE_RECEIVED, date(2020, 1, 20))], "no fee notice was given"),
    ],
)
def test_events_that_cannot_have_happened_are_refused(events, message):
    with pytest.raises(ClockError, match=message):
        deadline("foi", date(2020, 1, 17), events)


def test_internal_reviews_have_no_fees():
    with pytest.raises(ClockError, match="fees do not stop the clock"):
        deadline(
            "review", date(2020, 1, 17), [ClockEvent(Event.FEE_NOTICE_GIVEN, date(2020, 1, 20))]
        )


@pytest.mark.parametrize(
    ("regime", "days"), [("eir-review", 40), ("foisa-review", 20), ("eisr-review", 20)]
)
def test_review_time_limits(regime, days):
    """EIR reg 11(4): 40 working days; FOISA s.21(1) and EISR reg 16(4): 20."""
    result = deadline(regime, date(2020, 1, 17))
    assert result.steps[-1].endswith(f"(day {days})")


def test_a_proclaimed_holiday_added_late_moves_the_deadline():
    proclaimed = Override(date(2020, 1, 24), is_holiday=True, reason="Proclaimed bank holiday")
    result = deadline("foi", date(2020, 1, 17), settings=AuthoritySettings(overrides=(proclaimed,)))
    assert result.due == date(2020, 2, 17)
    assert (
        "Not counted: Fri 24 Jan 2020 — Proclaimed bank holiday (every UK nation)" in result.steps
    )


def test_a_day_removed_in_every_nation_counts_again():
    removed = Override(
        date(2020, 1, 2), is_holiday=False, reason="", nations=frozenset({Nation.SCOTLAND})
    )
    assert due("foi", date(2019, 12, 20), overrides=(removed,)) == date(2020, 1, 22)


def test_working_days_elapsed_and_remaining():
    result = deadline("foi", date(2020, 1, 17))
    assert result.working_days_elapsed(date(2020, 1, 17)) == 0
    assert result.working_days_remaining(date(2020, 1, 17)) == 20
    assert result.working_days_elapsed(date(2020, 2, 8)) == 15  # a Saturday
    assert result.working_days_remaining(date(2020, 2, 8)) == 5
    assert result.working_days_remaining(date(2020, 2, 14)) == 0
    assert result.working_days_remaining(date(2020, 2, 18)) == -2
