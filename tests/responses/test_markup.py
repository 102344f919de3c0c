"""The letter markup's escaping: text from outside the authority is tried on any text."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from foidesk.responses import markup


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
