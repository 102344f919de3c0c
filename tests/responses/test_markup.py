"""The letter markup's escaping, and the salutation worked out from a requester's name.

Both take text from outside the authority, so both are tried on any text at all.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from foidesk.responses import markup
from foidesk.responses.letter import UNNAMED, salutation, valediction


@given(st.text())
def test_escaped_text_renders_as_exactly_that_text(text):
    blocks = markup.parse(markup.escape(text))
    plain = " ".join(text.split())
    assert markup.to_text(blocks) == plain + "\n"
    assert blocks == ([markup.Paragraph((markup.Run(plain),))] if plain else [])


@given(st.text(), st.text())
def test_escaped_text_cannot_end_the_markup_it_is_put_in(before, inside):
    """Bold and links written round escaped text stay bold and links of exactly it."""
    inside = " ".join(inside.split()) or "x"
    blocks = markup.parse(
        f"**{markup.escape(inside)}** [{markup.escape(before) or 'y'}](https://ico.org.uk)"
    )
    runs = blocks[0].runs
    assert runs[0] == markup.Run(inside, bold=True)
    assert runs[-1].link == "https://ico.org.uk"
    assert runs[-1].text == (" ".join(before.split()) or "y")


@pytest.mark.parametrize(
    "text",
    ["**Bob**", "[x](https://evil.example)", "## Heading", "> quoted", "- bullet", "* star"],
)
def test_what_looks_like_markup_is_shown_as_written(text):
    html = markup.to_html(markup.parse(markup.escape(text)))
    assert html == f"<p>{text.replace('>', '&gt;')}</p>"


def test_the_markup_an_administrator_writes_still_works():
    blocks = markup.parse(
        r"## Rights" + "\n\n" + r"Write to **us** \*now\* at [ICO](https://ico.org.uk)"
    )
    assert blocks[0] == markup.Heading(2, (markup.Run("Rights"),))
    assert blocks[1].runs == (
        markup.Run("Write to "),
        markup.Run("us", bold=True),
        markup.Run(" *now* at "),
        markup.Run("ICO", link="https://ico.org.uk"),
    )


@pytest.mark.parametrize(
    ("name", "greeting"),
    [
        ("Ms Jane Smith", "Dear Ms Smith"),
        ("Sam Requester", "Dear Sam Requester"),
        ("  Sam   Requester ", "Dear Sam Requester"),
        ("Mr John Smith", "Dear Mr Smith"),
        ("Mrs Ada Lovelace", "Dear Mrs Lovelace"),
        ("Miss Jo Bennett", "Dear Miss Bennett"),
        ("Mx Alex Morgan", "Dear Mx Morgan"),
        ("Dr. Jane Smith, PhD", "Dear Dr. Smith"),
        ("Prof Ana de la Cruz", "Dear Prof de la Cruz"),
        ("Professor Ludwig van Beethoven", "Dear Professor van Beethoven"),
        ("Rev Mary Ann Jones", "Dear Rev Jones"),
        ("Cllr Pat Rowe (Barnet)", "Dear Cllr Rowe"),
        ("ms jane smith", "Dear ms smith"),
        ("Ms Smith", "Dear Ms Smith"),
        ("Smith, Jane", "Dear Smith, Jane"),
        ("Msgr Jane Smith", "Dear Msgr Jane Smith"),
        ("Ms", UNNAMED),
        ("", UNNAMED),
        ("   ", UNNAMED),
        (None, UNNAMED),
    ],
)
def test_the_salutation_greets_a_title_and_surname_else_the_name_as_given(name, greeting):
    assert salutation(name) == greeting


def test_a_letter_to_nobody_by_name_ends_faithfully():
    assert valediction(UNNAMED) == "Yours faithfully"
    assert valediction("Dear Ms Smith") == "Yours sincerely"


@given(st.text())
def test_the_salutation_never_fails_and_uses_only_the_names_words(name):
    greeting = salutation(name)
    assert greeting.startswith("Dear ")
    assert greeting == " ".join(greeting.split())
    if greeting != UNNAMED:
        words = name.split()
        assert all(word in words or word in name for word in greeting.split()[1:])
