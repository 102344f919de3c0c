"""Splitting a request into its questions, as requesters number them."""

import pytest

from foidesk.casework.questions import split_questions
from foidesk.demo import REFERENCE_CASE


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
