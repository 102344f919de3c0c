"""Splitting a request into its questions, as requesters number them."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foidesk.casework.questions import split_questions
from foidesk.demo import REFERENCE_CASE
from tests.casework.letters import (
    GREETINGS,
    NUMBERED,
    NUMBERED_QUESTIONS,
    PERSONAL,
    QUOTED_REPLY,
    SIGNATURES,
    SIGNED_LETTERS,
    UNNUMBERED,
    WHATDOTHEYKNOW_FOOTER,
    letter,
)


def test_the_reference_letters_request_splits_into_q1_to_q4():
    questions = split_questions(REFERENCE_CASE["body"])
    assert [number for number, _ in questions] == [1, 2, 3, 4]
    assert questions[0][1].startswith("Which IT systems are used in the department")
    assert questions[1][1] == (
        "For each system identified in Q1 please could you let us know how many users their are?"
    )
    assert questions[3][1].endswith("the date the contract ends?")
    assert not any("Row titles" in text for _, text in questions)


@pytest.mark.parametrize(
    "text",
    [
        "Please tell me:\n1) how many\n2) how much",
        "Please tell me:\n1. how many\n2. how much",
        "Please tell me:\n(a) how many\n(b) how much",
        "Please tell me:\nQuestion 1: how many\nQuestion 2: how much",
        "Please tell me:\n- how many\n- how much",
        "Please tell me:\n• how many\n• how much",
    ],
)
def test_each_numbering_style(text):
    assert split_questions(text) == [(1, "how many"), (2, "how much")]


def test_a_question_runs_on_to_the_next_marker_or_a_blank_line():
    text = "1. How many staff\nwork in the team?\n2. What is the budget?\n\nThank you."
    assert split_questions(text) == [
        (1, "How many staff\nwork in the team?"),
        (2, "What is the budget?"),
    ]


def test_sub_items_of_another_style_stay_inside_their_question():
    text = "1. For each school:\n(a) pupils\n(b) staff\n2. The total"
    assert split_questions(text) == [
        (1, "For each school:\n(a) pupils\n(b) staff"),
        (2, "The total"),
    ]


def test_text_without_a_list_is_one_question():
    assert split_questions("  How much did the new bridge cost?  ") == [
        (1, "How much did the new bridge cost?")
    ]
    assert split_questions("   ") == []


# --- the request itself, without its wrapping ----------------------------------------------


@pytest.mark.parametrize(("text", "questions"), SIGNED_LETTERS.values(), ids=SIGNED_LETTERS)
def test_the_questions_of_a_signed_letter_are_the_requests_own_words(text, questions):
    assert split_questions(text) == questions


@pytest.mark.parametrize(("text", "questions"), SIGNED_LETTERS.values(), ids=SIGNED_LETTERS)
def test_no_question_holds_anything_of_the_requester(text, questions):
    asked = " ".join(question for _, question in split_questions(text))
    assert [personal for personal in PERSONAL if personal in asked] == []


def test_a_sign_off_under_the_last_item_is_not_part_of_it():
    text = "1. How many?\n2. How much?\nKind regards\nPat Doe\n07700 900456"
    assert split_questions(text) == [(1, "How many?"), (2, "How much?")]


@pytest.mark.parametrize("greeting", GREETINGS)
def test_a_greeting_is_not_part_of_the_only_question(greeting):
    assert split_questions(letter(UNNUMBERED, greeting=greeting)) == [(1, UNNUMBERED)]


def test_a_greeting_on_the_requests_own_line_leaves_the_request():
    assert split_questions("Dear Sir, how many potholes were reported in 2023?") == [
        (1, "how many potholes were reported in 2023?")
    ]


def test_an_opening_of_nothing_but_standard_phrases_is_not_a_question():
    text = letter(
        "I am writing to request under the Freedom of Information Act 2000 the following "
        f"information.\n\n{UNNUMBERED}\n\nThank you for your help.",
        signature="Yours faithfully,\nPat Doe",
    )
    assert split_questions(text) == [(1, UNNUMBERED)]


def test_an_opening_that_names_what_it_asks_is_the_request():
    request = (
        "I am writing under the Freedom of Information Act 2000 to request the number of "
        "potholes reported in 2023."
    )
    assert split_questions(letter(request, signature="Regards,\nPat Doe")) == [(1, request)]


def test_a_letter_of_nothing_but_standard_phrases_is_kept_as_its_question():
    text = "I am writing to make a request under the Freedom of Information Act."
    assert split_questions(text) == [(1, text)]


def test_the_request_above_a_quoted_earlier_message_is_the_question():
    text = f"Please could you also tell me how many were repaired?\n\n{QUOTED_REPLY}"
    assert split_questions(text) == [(1, "Please could you also tell me how many were repaired?")]


def test_numbered_items_in_a_quoted_message_are_not_questions():
    text = "Thank you. What did the repairs cost?\n\nOn 3 March 2024, FOI Team wrote:\n> 1. Q1\n"
    assert split_questions(text) == [(1, "Thank you. What did the repairs cost?")]


def test_the_whatdotheyknow_footer_is_not_part_of_the_last_question():
    text = f"{NUMBERED}\n\n{WHATDOTHEYKNOW_FOOTER}"
    assert split_questions(text) == NUMBERED_QUESTIONS


def test_a_letter_that_is_all_wrapping_has_no_questions():
    assert split_questions("Dear Sir,\n\nKind regards,\nPat Doe") == []
    assert split_questions(QUOTED_REPLY) == []


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_splits_into_numbered_questions_without_raising(text):
    questions = split_questions(text)
    assert [number for number, _ in questions] == list(range(1, len(questions) + 1))
    assert all(isinstance(question, str) for _, question in questions)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(
                [*GREETINGS, *SIGNATURES.values(), WHATDOTHEYKNOW_FOOTER, QUOTED_REPLY]
            ),
            st.sampled_from(["", "1. How many?", "(a) How much?", "- Which?", "Q2 When?", ">"]),
            st.text(max_size=40),
        ),
        max_size=12,
    )
)
def test_any_letter_made_of_the_parts_of_letters_splits_without_raising(parts):
    assert isinstance(split_questions("\n".join(parts)), list)
