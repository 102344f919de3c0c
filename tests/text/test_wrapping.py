"""The wrapping of a request, taken off: greeting, signature, quoted mail, the footer."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foidesk.text.wrapping import (
    Part,
    Unwrapped,
    footer_start,
    only_standard_phrases,
    unwrap,
)
from tests.casework.letters import (
    GREETINGS,
    NUMBERED,
    QUOTED_REPLY,
    SIGNATURES,
    UNNUMBERED,
    WHATDOTHEYKNOW_FOOTER,
    letter,
)


def taken_off(text):
    """[(what was taken off, why)]."""
    return [(text[start:end], part) for start, end, part in unwrap(text).removed]


@pytest.mark.parametrize("signature", SIGNATURES.values(), ids=SIGNATURES)
def test_each_signature_is_taken_off_whole_from_its_sign_off(signature):
    text = letter(NUMBERED, signature=signature)
    unwrapped = unwrap(text)
    assert unwrapped.body == NUMBERED
    assert taken_off(text)[-1] == (f"{signature}\n", Part.SIGNATURE)


@pytest.mark.parametrize("greeting", GREETINGS)
def test_each_greeting_is_taken_off_with_its_line(greeting):
    text = letter(UNNUMBERED, greeting=greeting)
    assert unwrap(text).body == UNNUMBERED
    assert taken_off(text) == [(f"{greeting}\n", Part.GREETING)]


def test_a_greeting_goes_but_the_request_on_its_line_stays():
    text = "Dear FOI team, please tell me how many bins there are."
    assert unwrap(text).body == "please tell me how many bins there are."
    assert taken_off(text) == [("Dear FOI team, ", Part.GREETING)]


def test_a_line_beginning_like_a_greeting_in_the_request_stays():
    text = "Hi-vis jackets\n\nHow many hi-vis jackets did the council buy in 2023?"
    assert unwrap(text).body == text


def test_a_signature_with_a_name_on_the_sign_off_line_is_taken_off():
    text = "How many libraries are open?\n\nMany thanks, Priya Khan (Ms)\npriya@example.org"
    assert unwrap(text).body == "How many libraries are open?"


def test_a_sign_off_followed_by_questions_is_part_of_the_request():
    text = "Thanks.\n1. How many libraries are open?\n2. Which close on Sundays?"
    assert unwrap(text) == Unwrapped(text, ())


def test_a_telephone_number_in_brackets_is_part_of_the_signature_not_an_item():
    text = "How many libraries are open?\n\nKind regards\nPat Doe\n(020) 8359 2000"
    assert unwrap(text).body == "How many libraries are open?"


def test_a_courtesy_after_the_name_goes_with_the_signature():
    text = "How many libraries are open?\n\nKind regards,\nPat Doe\nThanks again"
    assert taken_off(text) == [("Kind regards,\nPat Doe\nThanks again", Part.SIGNATURE)]


def test_a_letter_opening_with_thanks_is_not_all_signature():
    text = "Thanks for your reply.\nPlease send the 2022 figures too."
    assert unwrap(text).body == text


def test_a_request_going_on_after_an_everyday_thanks_is_kept():
    # Lines broken at 72 characters, as some mail programs send them: one begins "thanks".
    text = (
        "How many parking fines were issued in 2023, and\n"
        "thanks to the new policy on enforcement, how many were cancelled\n"
        "on appeal, by month.\n\nKind regards\nPat Doe"
    )
    assert unwrap(text).body == text.split("\n\nKind")[0]


def test_a_sign_off_that_is_not_followed_by_a_signature_is_kept():
    text = (
        "Thank you for your last answer. I would now like the same figures for each of the "
        "years 2015 to 2019, broken down by ward and by the kind of defect reported."
    )
    assert unwrap(text).body == text


def test_sent_from_my_phone_goes_without_a_sign_off():
    text = "Please include 2022.\n\nSent from my iPhone"
    assert taken_off(text) == [("Sent from my iPhone", Part.SIGNATURE)]


@pytest.mark.parametrize(
    "divider",
    [
        "On 3 March 2024, FOI Team <foi@barnet.gov.uk> wrote:",
        "On Sun, 3 Mar 2024 at 10:00, London Borough of Barnet FOI Team <\n"
        "foi@barnet.gov.uk> wrote:",
        "-----Original Message-----",
        "---------- Forwarded message ---------",
        "________________________________\nFrom: FOI Team <foi@barnet.gov.uk>\nSent: 3 March 2024\n"
        "To: Pat Doe\nSubject: RE: Libraries",
    ],
    ids=["on-wrote", "on-wrote-in-two", "original", "forwarded", "outlook"],
)
def test_quoted_mail_below_the_request_is_taken_off_to_the_end(divider):
    quoted = f"{divider}\n\nDear Pat,\n1. The libraries are listed below.\n"
    text = f"Please also include 2022.\n\n{quoted}"
    assert unwrap(text).body == "Please also include 2022."
    assert taken_off(text) == [(quoted, Part.QUOTED_MAIL)]


def test_quoted_lines_within_the_request_are_taken_off():
    text = "> You asked about libraries.\nWhich ones open on Sundays?\n> Noted."
    assert unwrap(text).body == "Which ones open on Sundays?"
    assert [part for _, part in taken_off(text)] == [Part.QUOTED_MAIL, Part.QUOTED_MAIL]


def test_the_header_of_an_email_pasted_whole_is_taken_off_and_the_request_kept():
    text = (
        "From: Pat Doe <pat@example.org>\nSent: 1 March 2024 09:00\nTo: FOI\n"
        "Subject: Libraries\n\nHow many libraries are open?"
    )
    assert unwrap(text).body == "How many libraries are open?"
    assert taken_off(text)[0][1] == Part.HEADER


def test_from_and_to_lines_of_a_request_are_not_a_header():
    text = "How many buses ran on this route in 2023?\nFrom: Barnet\nTo: Camden"
    assert unwrap(text).body == text


def test_the_whatdotheyknow_footer_and_its_rule_are_taken_off():
    text = f"{UNNUMBERED}\n\n{WHATDOTHEYKNOW_FOOTER}"
    assert unwrap(text).body == UNNUMBERED
    assert taken_off(text) == [(WHATDOTHEYKNOW_FOOTER, Part.FOOTER)]
    assert footer_start(text) == len(UNNUMBERED) + 2
    assert footer_start(UNNUMBERED) is None


@pytest.mark.parametrize(
    ("text", "standard"),
    [
        ("I am writing to request under the Freedom of Information Act 2000 the following:", True),
        ("Under the FOI Act, please could you provide me with the following information.", True),
        ("Thank you for your help.", True),
        ("I am writing under the FOI Act to request the number of potholes repaired.", False),
        ("", False),
    ],
)
def test_standard_phrases_say_nothing_of_what_is_asked(text, standard):
    assert only_standard_phrases(text) is standard


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(
                [*GREETINGS, *SIGNATURES.values(), WHATDOTHEYKNOW_FOOTER, QUOTED_REPLY, NUMBERED]
            ),
            st.sampled_from(["", "> quoted", "From: a", "Sent: b", "-- ", "-----", "\r", "?"]),
            st.text(max_size=40),
        ),
        max_size=12,
    )
)
def test_what_is_taken_off_is_in_order_apart_and_the_body_is_the_rest(parts):
    text = "\n".join(parts)
    unwrapped = unwrap(text)
    kept, at = [], 0
    for start, end, part in unwrapped.removed:
        assert at <= start < end <= len(text)
        assert part in Part
        kept.append(text[at:start])
        at = end
    assert unwrapped.body == "".join([*kept, text[at:]]).strip()


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_unwraps_without_raising(text):
    assert isinstance(unwrap(text).body, str)
