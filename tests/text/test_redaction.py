"""What is taken out of a request before it is published (docs/law/personal-data.md)."""

from foidesk.text.redaction import REMOVED, redact, redact_letter


def test_a_reply_quoting_earlier_mail_keeps_only_the_new_text():
    text = (
        "Please also include 2022.\n\n"
        "On 3 March 2024, FOI Team <foi@barnet.gov.uk> wrote:\n"
        "> Thank you for your request.\n"
    )
    redacted = redact(text)
    # A reader is told something was taken out, not left to wonder.
    assert redacted.text == f"Please also include 2022.\n\n{REMOVED}"
    assert redacted.removals[0].reason == "a quoted earlier message"


def test_contact_details_in_the_text_are_removed_wherever_they_are():
    redacted = redact("Call me on 020 8359 2000 or write to pat@example.com, SW1A 1AA.")
    assert "020 8359 2000" not in redacted.text
    assert "pat@example.com" not in redacted.text
    assert "SW1A 1AA" not in redacted.text
    assert REMOVED in redacted.text


def test_the_requesters_name_and_surname_go_but_ordinary_words_stay():
    redacted = redact(
        "I, Robin Baker, ask how many bakers the council licensed. Mr Baker thanks you.",
        name="Robin Baker",
    )
    assert "Robin Baker" not in redacted.text
    assert "Mr Baker" not in redacted.text
    assert "bakers" in redacted.text


def test_the_requester_in_any_form_and_anyones_personal_data_go_from_a_request():
    redacted = redact(
        "From R. Baker (DOB 01/02/1980, NI AB 12 34 56 C), 4 Elm Road, Leeds LS6 2AB: bakers?",
        name="Robin Baker",
    )
    assert redacted.text == f"From {REMOVED} (DOB {REMOVED}, NI {REMOVED}), {REMOVED}: bakers?"


def test_a_letter_loses_only_the_requester():
    letter = "Dear Mr Baker, we wrote to Pat Doe at pat@example.org and R. Baker at robin@b.org."
    redacted = redact_letter(letter, name="Robin Baker", emails=["robin@b.org"])
    assert redacted.text == (
        f"Dear {REMOVED}, we wrote to Pat Doe at pat@example.org and {REMOVED} at {REMOVED}."
    )


def test_a_closing_question_after_thanks_is_part_of_the_request():
    text = "Thanks.\n1. How many libraries are open?\n2. Which close on Sundays?"
    assert redact(text).text == text


def test_a_sign_off_and_a_few_short_lines_after_it_are_the_signature():
    text = "How many libraries are open?\n\nKind regards,\nPat Doe\nParish councillor\n"
    redacted = redact(text)
    assert redacted.text == f"How many libraries are open?\n\n{REMOVED}"
    assert [r.reason for r in redacted.removals] == ["the sign-off and signature"]
    assert redacted.removed_lines() == ["Pat Doe", "Parish councillor"]


def test_a_long_address_block_under_the_sign_off_is_the_signature_too():
    text = (
        "How many libraries are open?\n\nYours sincerely\n\nPat Doe\nFlat 3\n27 Acacia Avenue\n"
        "Little Snoring\nFakenham\nNorfolk\nNR21 0AB\nTel: 01328 123456"
    )
    assert redact(text).text == f"How many libraries are open?\n\n{REMOVED}"


def test_the_greeting_stays_and_the_header_of_a_pasted_email_goes():
    text = (
        "From: Pat Doe <pat@example.org>\nSent: 1 March 2024 09:00\nTo: FOI\n"
        "Subject: Libraries\n\nDear Barnet Council,\n\nHow many libraries are open?"
    )
    redacted = redact(text)
    assert redacted.text == f"{REMOVED}\nDear Barnet Council,\n\nHow many libraries are open?"
    assert redacted.removals[0].reason == "the email's header"


def test_a_subject_line_in_the_request_does_not_take_the_rest_with_it():
    text = "Subject: Libraries\n\nHow many libraries are open?"
    assert redact(text).text == text


def test_the_preview_escapes_what_it_marks():
    redacted = redact("Write to <b>me</b> at pat@example.com")
    preview = redacted.preview_html()
    assert "&lt;b&gt;me&lt;/b&gt;" in preview
    assert '<del class="foidesk-removed" title="an email address">pat@example.com</del>' in preview
