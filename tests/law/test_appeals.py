"""After the response: review requests, the ICO's decision notice, the tribunal
(docs/law/internal-reviews-and-complaints.md)."""

from datetime import date

from foidesk.law.appeals import ico_compliance_by, review_requested_by, tribunal_appeal_by


def test_a_review_may_be_asked_for_within_40_working_days_of_the_response():
    """The reference letter: 'request a review within the next 40 working days'."""
    limit = review_requested_by("foi", date(2020, 2, 14))
    # St Patrick's Day, Good Friday and Easter Monday 2020 do not count.
    assert limit.due == date(2020, 4, 15)
    assert "40 working days" in limit.explanation


def test_a_decision_notice_is_complied_with_within_35_calendar_days():
    assert ico_compliance_by(date(2024, 3, 1)).due == date(2024, 4, 5)


def test_a_tribunal_appeal_is_due_28_days_after_the_notice_was_sent():
    assert tribunal_appeal_by(date(2024, 5, 1)).due == date(2024, 5, 29)


def test_a_tribunal_appeal_due_on_a_holiday_moves_to_the_next_working_day():
    # 28 days after 1 March 2024 is Good Friday; Easter Monday follows the weekend.
    assert tribunal_appeal_by(date(2024, 3, 1)).due == date(2024, 4, 2)
