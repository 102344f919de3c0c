"""Email intake: raw bytes to a ParsedMessage, for a corpus of awkward real-world mail.

Every message here is built in the test (EmailMessage / email.mime, or raw bytes written by
hand where the library would refuse to produce something so broken).
"""

import io
import zipfile
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage, Message
from email.mime.application import MIMEApplication
from email.mime.base import MIMEBase
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from foidesk.casework import references
from foidesk.intake import parsing
from foidesk.intake.parsing import (
    AUTO_REPLY,
    BOUNCE,
    MB,
    REQUEST,
    Attachment,
    ParsedMessage,
    attachments,
    html_to_text,
    message_ids_in,
    parse,
    reading,
    references_in,
    safe_filename,
    sniff_type,
)

REQUEST_TEXT = """Dear London Borough of Barnet,

Please provide the following information:

1. The name of each case management system used by Adults and Family Services.
2. The annual cost of each system.

Yours faithfully,
Jo Bloggs
"""

# Small files that are what they say (or, for the .exe, what they hide).
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 48
EXE += b"This program cannot be run in DOS mode.\r\r\n$" + b"\x00" * 64
TNEF = b"\x78\x9f\x3e\x22\x01\x00\x01\x06\x90\x08\x00" + b"\x00" * 32


def ooxml(folder, *extra):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}/document.xml", "<document/>")
        for name in extra:
            archive.writestr(name, b"\x00\x01")
    return buffer.getvalue()


DOCX = ooxml("word")
DOCM = ooxml("word", "word/vbaProject.bin")
XLSX = ooxml("xl")


def email(
    text=REQUEST_TEXT,
    subject="Freedom of Information request - Social care systems",
    sender="Jo Bloggs <Jo.Bloggs@Example.ORG>",
    **headers,
):
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "FOI Team <foi@barnet.gov.uk>"
    message["Subject"] = subject
    message["Date"] = "Fri, 17 Jan 2020 09:30:00 +0000"
    message["Message-ID"] = "<request-1@example.org>"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    if text is not None:
        message.set_content(text)
    return message


def raw(*lines, body=b""):
    """A message written by hand, byte for byte, for what libraries refuse to write."""
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


# --- ordinary mail -----------------------------------------------------------------------


def test_a_plain_text_request():
    parsed = parse(email().as_bytes())
    assert parsed.subject == "Freedom of Information request - Social care systems"
    assert parsed.from_name == "Jo Bloggs"
    assert parsed.from_address == "jo.bloggs@example.org"
    assert parsed.to == ["foi@barnet.gov.uk"]
    assert parsed.date == datetime(2020, 1, 17, 9, 30, tzinfo=UTC)
    assert parsed.message_id == "<request-1@example.org>"
    assert parsed.text == REQUEST_TEXT.strip()
    assert parsed.kind == REQUEST
    assert parsed.problems == []
    assert parsed.attachments == []


def test_a_whatdotheyknow_request():
    parsed = parse(email(sender="Jo Bloggs <request-123456-abcdef@whatdotheyknow.com>").as_bytes())
    assert parsed.from_name == "Jo Bloggs"
    assert parsed.from_address == "request-123456-abcdef@whatdotheyknow.com"
    assert parsed.via_whatdotheyknow
    assert parsed.kind == REQUEST
    assert "2. The annual cost of each system." in parsed.text
    # Its numbers (123456 in the address, list numbers in the text) are not our references.
    assert references_in(parsed, references.pattern()) == []


def test_an_ordinary_sender_is_not_whatdotheyknow():
    assert not parse(email().as_bytes()).via_whatdotheyknow


def test_an_html_only_body_becomes_readable_text():
    html = """<html><head><style>p { color: red; }</style><title>Ignore me</title></head>
    <body><p>Dear&nbsp;FOI team,</p>
    <p>Please send:<br>1. the costs &amp; fees<br>2. the &pound;5 &eacute;l&eacute;ments</p>
    <script>document.write("tracking")</script>
    <table><tr><th>System</th><th>Cost</th></tr><tr><td>Mosaic</td><td>&pound;1,000</td></tr></table>
    <p>See <a href="https://www.barnet.gov.uk/foi">the disclosure log</a>.</p></body></html>"""
    message = email(text=None)
    message.set_content(html, subtype="html")
    parsed = parse(message.as_bytes())
    assert parsed.text == (
        "Dear FOI team,\n\n"
        "Please send:\n1. the costs & fees\n2. the £5 éléments\n\n"
        "System | Cost\nMosaic | £1,000\n\n"
        "See the disclosure log (https://www.barnet.gov.uk/foi)."
    )


def test_html_quoted_replies_and_lists_are_kept():
    text = html_to_text(
        "<div>Thanks, see my answers.</div><ol><li>Yes</li><li>No<ul><li>not held</li></ul>"
        "</li></ol><blockquote><p>Our ref: 5973764</p><blockquote>older</blockquote>"
        "</blockquote><p>Jo</p>"
    )
    assert text == (
        "Thanks, see my answers.\n\n1. Yes\n2. No\n  - not held\n\n"
        "> Our ref: 5973764\n>\n> > older\n\nJo"
    )


def test_preformatted_html_keeps_its_lines():
    assert html_to_text("<p>Costs:</p><pre>Mosaic   1,000\nLiquidLogic  2,000</pre>") == (
        "Costs:\n\nMosaic   1,000\nLiquidLogic  2,000"
    )


def test_an_unclosed_head_does_not_hide_the_body():
    assert html_to_text("<html><head><title>x</title><body><p>Hello</p>") == "Hello"


@pytest.mark.parametrize("encoding", ["base64", "quoted-printable"])
def test_transfer_encoded_bodies_are_decoded(encoding):
    text = "Café £10 = ten pounds; “quoted” — a line long enough to need wrapping " * 3
    message = email(text=None)
    message.set_content(text, cte=encoding)
    assert encoding in message.as_string()
    assert parse(message.as_bytes()).text == text.strip()


# --- charsets ----------------------------------------------------------------------------


def test_iso_8859_1_is_honoured():
    parsed = parse(
        raw(
            b"From: jo@example.org",
            b"Subject: =?iso-8859-1?q?Caf=E9_costs?=",
            b"Content-Type: text/plain; charset=iso-8859-1",
            b"Content-Transfer-Encoding: 8bit",
            body=b"The caf\xe9 cost \xa3100.",
        )
    )
    assert parsed.subject == "Café costs"
    assert parsed.text == "The café cost £100."
    assert parsed.charset_fallbacks == []


def test_windows_1252_is_honoured():
    parsed = parse(
        raw(
            b"From: jo@example.org",
            b"Content-Type: text/plain; charset=windows-1252",
            b"Content-Transfer-Encoding: 8bit",
            body=b"\x93Quoted\x94 and \x80500 \x96 don\x92t",
        )
    )
    assert parsed.text == "“Quoted” and €500 – don’t"
    assert parsed.charset_fallbacks == []


def test_latin_1_with_windows_1252_bytes_is_read_as_windows_1252():
    parsed = parse(
        raw(
            b"From: jo@example.org",
            b"Content-Type: text/plain; charset=ISO-8859-1",
            b"Content-Transfer-Encoding: 8bit",
            body=b"\x93Quoted\x94 \x80500 caf\xe9",
        )
    )
    assert parsed.text == "“Quoted” €500 café"
    assert any("windows-1252" in note for note in parsed.charset_fallbacks)


def test_a_wrongly_declared_charset_falls_back_to_windows_1252():
    parsed = parse(
        raw(
            b"From: jo@example.org",
            b"Content-Type: text/plain; charset=utf-8",
            b"Content-Transfer-Encoding: 8bit",
            body=b"It cost \xa3100 at the caf\xe9.",
        )
    )
    assert parsed.text == "It cost £100 at the café."
    assert parsed.charset_fallbacks
    assert parsed.problems == []


def test_an_unknown_charset_falls_back_to_utf_8():
    parsed = parse(
        raw(
            b"From: jo@example.org",
            b"Content-Type: text/plain; charset=x-klingon",
            b"Content-Transfer-Encoding: 8bit",
            body="It cost £100 at the café.".encode(),
        )
    )
    assert parsed.text == "It cost £100 at the café."
    assert any("x-klingon" in note for note in parsed.charset_fallbacks)


def test_utf_8_labelled_as_latin_1_is_read_as_utf_8():
    parsed = parse(
        raw(
            b"From: jo@example.org",
            b"Content-Type: text/plain; charset=iso-8859-1",
            b"Content-Transfer-Encoding: 8bit",
            body="£100 at the café".encode(),
        )
    )
    assert parsed.text == "£100 at the café"


def test_a_codec_that_is_not_a_charset_is_not_used():
    # unicode-escape would turn the requester's "\\n" into a line break.
    parsed = parse(
        raw(
            b"From: jo@example.org",
            b"Content-Type: text/plain; charset=unicode-escape",
            body=b"C:\\new\\folder",
        )
    )
    assert parsed.text == "C:\\new\\folder"


# --- structure and attachments -----------------------------------------------------------


def nested_message():
    """mixed > (alternative > (plain, related > (html, inline image)), PDF)."""
    message = email(text="Please see the attached scan.\n\nOur ref: 5973764")
    message.add_alternative(
        '<p>Please see the attached <b>scan</b>.</p><img src="cid:logo">', subtype="html"
    )
    message.get_payload()[1].add_related(PNG, "image", "png", cid="<logo>")
    message.add_attachment(PDF, "application", "pdf", filename="scan.pdf")
    return message


def test_nested_multipart_prefers_plain_text_and_keeps_every_file():
    parsed = parse(nested_message().as_bytes())
    assert parsed.text == "Please see the attached scan.\n\nOur ref: 5973764"
    assert [(a.filename, a.sniffed_type) for a in parsed.attachments] == [
        ("attachment-1.png", "png"),
        ("scan.pdf", "pdf"),
    ]
    assert parsed.attachments[1].data == PDF
    assert parsed.attachments[1].size == len(PDF)
    assert parsed.problems == []


def test_plain_text_is_preferred_whatever_the_order_of_alternatives():
    alternatives = MIMEMultipart("alternative")
    alternatives["From"] = "jo@example.org"
    alternatives.attach(MIMEText("<p>HTML version</p>", "html"))
    alternatives.attach(MIMEText("Plain version", "plain"))
    assert parse(alternatives.as_bytes()).text == "Plain version"


def test_an_empty_plain_alternative_loses_to_the_html_one():
    message = email(text="")
    message.add_alternative("<p>The real request</p>", subtype="html")
    assert parse(message.as_bytes()).text == "The real request"


def test_attachments_are_sniffed_by_their_bytes_not_their_declared_type():
    message = email()
    message.add_attachment(PDF, "application", "octet-stream", filename="scan.pdf")
    message.add_attachment(DOCX, "application", "octet-stream", filename="answers.docx")
    message.add_attachment(XLSX, "application", "octet-stream", filename="costs")
    parsed = parse(message.as_bytes())
    assert [(a.filename, a.content_type, a.sniffed_type) for a in parsed.attachments] == [
        ("scan.pdf", "application/octet-stream", "pdf"),
        ("answers.docx", "application/octet-stream", "docx"),
        ("costs", "application/octet-stream", "xlsx"),
    ]
    assert not any(a.dangerous for a in parsed.attachments)
    assert parsed.problems == []


def test_an_attachment_over_the_limit_keeps_its_size_but_not_its_data():
    message = email()
    scan = PDF + b"\x00" * (10 * MB)
    message.add_attachment(scan, "application", "pdf", filename="scan.pdf")
    parsed = parse(message.as_bytes())
    [attachment] = parsed.attachments
    assert attachment.too_large
    assert attachment.size == len(scan)
    assert attachment.data == b""
    assert attachment.sniffed_type == "pdf"
    assert parsed.problems == ["An attachment, scan.pdf, is larger than 10 MB"]


def test_the_attachment_limit_can_be_set():
    message = email()
    message.add_attachment(PDF, "application", "pdf", filename="scan.pdf")
    assert parse(message.as_bytes(), max_attachment_bytes=10).attachments[0].too_large
    assert not parse(message.as_bytes(), max_attachment_bytes=len(PDF)).attachments[0].too_large


def test_a_message_over_the_limit_keeps_its_headers_only():
    data = email().as_bytes() + b"x" * (25 * MB)
    parsed = parse(data)
    assert parsed.subject == "Freedom of Information request - Social care systems"
    assert parsed.from_address == "jo.bloggs@example.org"
    assert parsed.text == ""
    assert parsed.problems == ["The message is larger than 25 MB"]


def test_a_program_is_dangerous():
    message = email()
    message.add_attachment(EXE, "application", "octet-stream", filename="setup.exe")
    parsed = parse(message.as_bytes())
    [attachment] = parsed.attachments
    assert attachment.dangerous
    assert attachment.sniffed_type == "exe"
    assert parsed.problems == ["An attachment, setup.exe, is a program and could be harmful"]


def test_a_program_renamed_as_a_pdf_is_dangerous():
    message = email()
    message.add_attachment(EXE, "application", "pdf", filename="scan.pdf")
    parsed = parse(message.as_bytes())
    [attachment] = parsed.attachments
    assert attachment.dangerous
    assert attachment.sniffed_type == "exe"
    assert attachment.content_type == "application/pdf"
    assert parsed.problems == [
        "An attachment, scan.pdf, is a program disguised as another kind of file "
        "and could be harmful"
    ]


@pytest.mark.parametrize(
    "filename",
    ["run.js", "invoice.pdf.vbs", "fix.ps1", "tool.bat", "shortcut.lnk", "disk.iso", "x.HTA"],
)
def test_scripts_shortcuts_and_disk_images_are_dangerous(filename):
    message = email()
    message.add_attachment(b"echo hello", "text", "plain", filename=filename)
    parsed = parse(message.as_bytes())
    assert parsed.attachments[0].dangerous
    assert parsed.problems[0].startswith(f"An attachment, {filename}, is a ")


def test_a_trailing_dot_does_not_hide_a_program():
    message = email()
    message.add_attachment(b"@echo off", "text", "plain", filename="setup.exe.")
    assert parse(message.as_bytes()).attachments[0].dangerous


def test_macro_enabled_office_documents_are_dangerous():
    message = email()
    message.add_attachment(DOCM, "application", "octet-stream", filename="answers.docm")
    # Macros hidden in a document named .docx are found in its contents.
    message.add_attachment(DOCM, "application", "octet-stream", filename="costs.docx")
    parsed = parse(message.as_bytes())
    assert [a.dangerous for a in parsed.attachments] == [True, True]
    assert parsed.problems == [
        "An attachment, answers.docm, is an Office document with macros and could be harmful",
        "An attachment, costs.docx, is an Office document with macros and could be harmful",
    ]


@pytest.mark.parametrize("filename", ["costs.xlsm", "slides.pptm", "letter.DOCM"])
def test_a_macro_enabled_name_is_dangerous_whatever_the_contents(filename):
    message = email()
    message.add_attachment(XLSX, "application", "octet-stream", filename=filename)
    assert parse(message.as_bytes()).attachments[0].dangerous


def test_a_zip_holding_a_program_is_dangerous():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("invoices/invoice.pdf.exe", EXE)
    message = email()
    message.add_attachment(buffer.getvalue(), "application", "zip", filename="invoices.zip")
    parsed = parse(message.as_bytes())
    assert parsed.attachments[0].dangerous
    assert parsed.problems == [
        "An attachment, invoices.zip, contains a program (invoice.pdf.exe) and could be harmful"
    ]


def test_winmail_dat_is_kept_and_flagged_for_an_officer():
    message = email()
    message.add_attachment(TNEF, "application", "ms-tnef", filename="winmail.dat")
    parsed = parse(message.as_bytes())
    [attachment] = parsed.attachments
    assert attachment.sniffed_type == "tnef"
    assert not attachment.dangerous
    assert attachment.data == TNEF
    assert parsed.problems == [attachments.TNEF_PROBLEM]
    assert "Microsoft format" in attachments.TNEF_PROBLEM
    assert "officer should check" in attachments.TNEF_PROBLEM


def test_attachment_names_cannot_climb_out_of_a_folder_or_lie_about_their_type():
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("C:\\Users\\jo\\scan.pdf") == "scan.pdf"
    assert safe_filename("invoice\u202efdp.exe") == "invoicefdp.exe"
    assert safe_filename("..") == ""
    message = email()
    message.add_attachment(PDF, "application", "pdf", filename="../../scan.pdf")
    assert parse(message.as_bytes()).attachments[0].filename == "scan.pdf"


@pytest.mark.parametrize(
    ("data", "filename", "kind"),
    [
        (PDF, "x", "pdf"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "x", "jpeg"),
        (b"GIF89a\x01\x00", "x", "gif"),
        (PNG, "x", "png"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old.doc", "ole"),
        (TNEF, "winmail.dat", "tnef"),
        (EXE, "x.pdf", "exe"),
        (DOCX, "x", "docx"),
        (b"MZ is a text file that starts oddly", "notes.txt", "text"),
        (b"WScript.Echo 1", "a.vbs", "script"),
        (b"", "empty.txt", "empty"),
    ],
)
def test_sniffing(data, filename, kind):
    assert sniff_type(data, filename) == kind


def test_a_forwarded_request_is_reachable():
    inner = email(subject="FOI: social care systems", sender="Sam Smith <sam@example.net>")
    outer = MIMEMultipart()
    outer["From"] = "Colleague <colleague@barnet.gov.uk>"
    outer["To"] = "foi@barnet.gov.uk"
    outer["Subject"] = "Fwd: FOI: social care systems"
    outer.attach(MIMEText("This came to the wrong inbox.", "plain", "utf-8"))
    outer.attach(MIMEMessage(inner))
    parsed = parse(outer.as_bytes())
    assert parsed.text == "This came to the wrong inbox."
    [forwarded] = parsed.forwarded
    assert isinstance(forwarded, ParsedMessage)
    assert forwarded.subject == "FOI: social care systems"
    assert forwarded.from_address == "sam@example.net"
    assert forwarded.text == REQUEST_TEXT.strip()


def test_a_base64_encoded_forwarded_message_is_decoded_as_outlook_sends_it():
    inner = email(subject="FOI: social care systems").as_bytes()
    forwarded = MIMEApplication(inner, "rfc822")  # base64 by default
    forwarded.replace_header("Content-Type", "message/rfc822")
    outer = MIMEMultipart()
    outer["From"] = "colleague@barnet.gov.uk"
    outer.attach(forwarded)
    assert b"Content-Transfer-Encoding: base64" in outer.as_bytes()
    parsed = parse(outer.as_bytes())
    assert parsed.forwarded[0].subject == "FOI: social care systems"
    assert parsed.forwarded[0].text == REQUEST_TEXT.strip()


def test_problems_in_a_forwarded_message_are_reported():
    inner = email()
    inner.add_attachment(EXE, "application", "octet-stream", filename="setup.exe")
    outer = email(text="Fwd")
    outer.add_attachment(inner)
    parsed = parse(outer.as_bytes())
    assert parsed.problems == [
        "In a forwarded message, an attachment, setup.exe, is a program and could be harmful"
    ]


def test_forwarding_is_followed_to_a_sane_depth():
    message = email(text="the original")
    for level in range(10):
        outer = email(text=f"level {level}")
        outer.add_attachment(message)
        message = outer
    parsed = parse(message.as_bytes())
    depth = 0
    while parsed.forwarded:
        parsed, depth = parsed.forwarded[0], depth + 1
    assert depth == parsing.MAX_FORWARD_DEPTH
    assert "A forwarded message is nested too deeply to read" in parsed.problems


def test_an_empty_body():
    parsed = parse(email(text="").as_bytes())
    assert parsed.text == ""
    assert parsed.kind == REQUEST
    parsed = parse(raw(b"From: jo@example.org", b"Subject: nothing"))
    assert parsed.text == ""
    assert parsed.subject == "nothing"


# --- malformed headers -------------------------------------------------------------------


@pytest.mark.parametrize("many_parts", [parsing.MANY_PARTS, -1])  # modern policy, compat32
def test_a_from_with_no_address(monkeypatch, many_parts):
    monkeypatch.setattr(reading, "MANY_PARTS", many_parts)
    parsed = parse(raw(b"From: Jo Bloggs", b"Subject: FOI", body=b"Please send..."))
    assert parsed.from_name == "Jo Bloggs"
    assert parsed.from_address == ""
    assert parsed.problems == ["The sender's email address could not be read"]
    assert parsed.text == "Please send..."


def test_a_date_that_cannot_be_read():
    parsed = parse(raw(b"From: jo@example.org", b"Date: sometime last Tuesday", body=b"x"))
    assert parsed.date is None
    assert parsed.text == "x"


def test_a_date_without_a_zone_is_taken_as_utc():
    parsed = parse(raw(b"From: jo@example.org", b"Date: Fri, 17 Jan 2020 09:30:00 -0000"))
    assert parsed.date == datetime(2020, 1, 17, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "subject"),
    [
        (b"Subject: Caf\xc3\xa9 costs", "Café costs"),  # raw UTF-8
        (b"Subject: Caf\xe9 costs \x93FOI\x94", "Café costs “FOI”"),  # raw Windows-1252
    ],
)
def test_raw_8_bit_headers(header, subject):
    parsed = parse(raw(b"From: Ren\xc3\xa9e <renee@example.org>", header, body=b"x"))
    assert parsed.subject == subject
    assert parsed.from_name == "Renée"
    assert parsed.from_address == "renee@example.org"


def test_an_unterminated_encoded_word_is_kept_as_written():
    parsed = parse(raw(b"From: jo@example.org", b"Subject: =?utf-8?q?Caf=C3=A9 costs", body=b"x"))
    assert parsed.subject == "=?utf-8?q?Caf=C3=A9 costs"


def test_encoded_words_in_an_unknown_charset_are_still_read():
    parsed = parse(
        raw(
            b"From: =?x-klingon?q?J=C3=A9r=C3=B4me?= <j@example.org>",
            b"Subject: =?x-klingon?q?Caf=E9?= =?utf-8?b?wqMxMDA=?= costs",
        )
    )
    assert parsed.from_name == "Jérôme"
    assert parsed.subject == "Café£100 costs"
    assert parsed.charset_fallbacks


@pytest.mark.parametrize(
    "header",
    # Headers on which the standard library's own header classes raise (Python 3.12).
    [b"Message-ID: <[@]>", b"To: a@[", b"Message-ID: <"],
)
def test_headers_that_break_the_modern_policy_are_read_another_way(header):
    parsed = parse(raw(b"From: jo@example.org", b"Subject: FOI", header, body=b"Please send"))
    assert parsed.subject == "FOI"
    assert parsed.from_address == "jo@example.org"
    assert parsed.text == "Please send"
    assert parsed.problems == []


def test_bytes_that_are_not_email_are_a_problem_not_an_exception():
    parsed = parse(b"\x00\x01\x02 this is not an email \xff")
    assert parsed.problems[0] == (
        "The message could not be read as email: it has no From, To, Subject or Date line"
    )
    assert parse(b"").problems == ["The message could not be read as email: it is empty"]


def test_when_the_modern_policy_fails_compat32_reads_the_message(monkeypatch):
    real = reading._parse_bytes

    def modern_fails(data, chosen_policy):
        if chosen_policy is policy.default:
            raise IndexError("boom")
        return real(data, chosen_policy)

    monkeypatch.setattr(reading, "_parse_bytes", modern_fails)
    parsed = parse(email().as_bytes())
    assert parsed.subject == "Freedom of Information request - Social care systems"
    assert parsed.from_address == "jo.bloggs@example.org"
    assert parsed.text == REQUEST_TEXT.strip()
    assert parsed.problems == []


def test_when_no_parser_can_read_it_the_raw_bytes_are_salvaged(monkeypatch):
    def always_fails(data, chosen_policy):
        raise ValueError("boom")

    monkeypatch.setattr(reading, "_parse_bytes", always_fails)
    parsed = parse(email().as_bytes())
    assert parsed.problems == ["The message could not be read as email: boom"]
    assert parsed.subject == "Freedom of Information request - Social care systems"
    assert parsed.from_address == "jo.bloggs@example.org"
    assert "1. The name of each case management system" in parsed.text


@pytest.mark.parametrize(
    ("depth", "problem"),
    [
        (100, "Part of the message is nested too deeply to read"),
        # Deep enough to exhaust the standard library parser's stack.
        (3000, "The message could not be read as email: its parts are nested too deeply"),
    ],
)
def test_deeply_nested_parts_are_a_problem_not_a_crash(depth, problem):
    data = b"From: jo@example.org\r\n" + b"".join(
        b"Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n" % (i, i)
        for i in range(depth)
    )
    parsed = parse(data + b"\r\nhello\r\n")
    assert parsed.problems == [problem]
    assert parsed.from_address == "jo@example.org"


def test_a_message_of_thousands_of_parts_is_read_quickly_with_compat32():
    message = email(sender="=?utf-8?q?Ren=C3=A9e?= <renee@example.org>")
    for number in range(parsing.MANY_PARTS + 1):
        message.add_attachment(b"x", "application", "octet-stream", filename=f"{number}.bin")
    parsed = parse(message.as_bytes())
    assert parsed.from_name == "Renée"
    assert parsed.text == REQUEST_TEXT.strip()
    assert len(parsed.attachments) == parsing.MANY_PARTS + 1
    assert any("compat32" in note for note in parsed.diagnostics)


def test_a_thousand_harmful_attachments_make_a_short_list_of_problems():
    message = email()
    for number in range(100):
        message.add_attachment(EXE, "application", "octet-stream", filename=f"{number}.exe")
    parsed = parse(message.as_bytes())
    assert all(attachment.dangerous for attachment in parsed.attachments)
    assert len(parsed.problems) == parsing.MAX_PROBLEMS + 1
    assert parsed.problems[-1] == parsing.TOO_MANY_PROBLEMS


def test_a_multipart_without_a_boundary_shows_its_text_as_it_arrived():
    parsed = parse(
        raw(b"From: jo@example.org", b"Content-Type: multipart/mixed", body=b"Please send X")
    )
    assert parsed.text == "Please send X"
    assert parsed.problems == [
        "The message's parts could not be separated, so its text is shown as it arrived"
    ]


# --- threading: references and message ids -----------------------------------------------


def test_a_reply_quoting_our_reference_is_found():
    reply = email(
        subject="RE: Your request",
        text="Thanks, that is fine.\n\n> Dear Jo Bloggs,\n> Our ref: 5973764\n> Please find...",
    )
    assert references_in(parse(reply.as_bytes()), references.pattern()) == ["5973764"]


@pytest.mark.parametrize(
    "text",
    [
        "Our ref: 5973764",
        "Your Ref 5973764",
        "FOI 5973764",
        "RE: Freedom of Information request - FOI 5973764",
        "ref no. 5973764",
        "Reference number: 5973764",
        "Case #5973764",
        "EIR/5973764",
        "Request 5973764 - social care",
        "(our reference is 5973764)",
        "FOI5973764",
    ],
)
def test_a_reference_after_a_cue_is_found(text):
    parsed = ParsedMessage(text=text)
    assert references_in(parsed, references.pattern("{number}")) == ["5973764"]


@pytest.mark.parametrize(
    "text",
    [
        "Call me on 5973764.",
        "The contract was worth £5973764 in 2019.",
        "5973764",
        "Our ref: 59737640",  # eight digits is not our number
        "preferred 5973764",  # "ref" inside another word is no cue
        "Ref: 597-3764",
    ],
)
def test_a_bare_seven_digit_number_is_not_a_reference(text):
    assert references_in(ParsedMessage(text=text), references.pattern()) == []


def test_references_come_subject_first_in_order_without_repeats():
    parsed = ParsedMessage(
        subject="RE: FOI 1111111",
        text="About FOI 2222222, which follows on from FOI 1111111 and Case 3333333.",
    )
    assert references_in(parsed, references.pattern()) == ["1111111", "2222222", "3333333"]


def test_references_in_a_forwarded_message_come_last():
    parsed = ParsedMessage(text="Ref 2222222", forwarded=[ParsedMessage(subject="FOI 3333333")])
    assert references_in(parsed, references.pattern()) == ["2222222", "3333333"]


def test_a_scheme_with_text_is_its_own_cue():
    pattern = references.pattern("FOI-{year}-{number:04d}")
    parsed = ParsedMessage(
        subject="Your request FOI-2020-0001",
        text="See also FOI-2021-12345 but not XFOI-2020-0002, FOI-2020-01 or 5973764.",
    )
    assert references_in(parsed, pattern) == ["FOI-2020-0001", "FOI-2021-12345"]


def test_a_scheme_of_numbers_only_needs_a_cue():
    pattern = references.pattern("{year}-{number:05d}")
    assert references_in(ParsedMessage(text="Our ref 2020-00042"), pattern) == ["2020-00042"]
    assert references_in(ParsedMessage(text="on 2020-00042"), pattern) == []


@pytest.mark.parametrize(
    ("scheme", "message"),
    [
        ("FOI", "must include {number}"),
        ("{number", "unmatched"),
        ("{case}-{number}", "{case} is not allowed"),
        ("FOI/{number:x}", "letters, digits"),
    ],
)
def test_a_scheme_that_is_not_a_reference_format_is_refused(scheme, message):
    with pytest.raises(ValueError, match=message):
        references.pattern(scheme)


def test_message_ids_for_threading_onto_our_own_mail():
    reply = email(
        subject="RE: Your request",
        In_Reply_To="<Response.5973764@FOIDESK.barnet.gov.uk>",
        References="<request-1@example.org> <Response.5973764@foidesk.barnet.gov.uk>",
    )
    parsed = parse(reply.as_bytes())
    assert parsed.in_reply_to == "<Response.5973764@FOIDESK.barnet.gov.uk>"
    assert message_ids_in(parsed) == [
        "response.5973764@foidesk.barnet.gov.uk",
        "request-1@example.org",
    ]


def test_no_message_ids_in_a_new_message():
    assert message_ids_in(parse(email().as_bytes())) == []


# --- auto-replies and bounces ------------------------------------------------------------


@pytest.mark.parametrize(
    ("subject", "headers"),
    [
        ("Automatic reply: Freedom of Information request", {}),
        ("Out of Office: FOI", {}),
        ("Out of office", {}),
        ("Auto-reply: FOI", {}),
        ("Abwesenheitsnotiz: Anfrage", {}),
        ("RE: FOI", {"Auto-Submitted": "auto-replied"}),
        ("RE: FOI", {"Auto-Submitted": "auto-generated (vacation)"}),
        ("RE: FOI", {"X-Autoreply": "yes"}),
        ("RE: FOI", {"X-Autorespond": "RE: FOI"}),
        ("RE: FOI", {"Precedence": "auto_reply"}),
        ("RE: FOI", {"Precedence": "bulk"}),
        ("RE: FOI", {"X-Auto-Response-Suppress": "All", "In-Reply-To": "<ours@barnet>"}),
    ],
)
def test_auto_replies(subject, headers):
    message = email(subject=subject, text="I am away until Monday.")
    for name, value in headers.items():
        message[name] = value
    assert parse(message.as_bytes()).kind == AUTO_REPLY


@pytest.mark.parametrize(
    ("subject", "headers"),
    [
        ("Out of office hours social care calls", {}),
        ("RE: FOI", {"Auto-Submitted": "no"}),
        ("RE: FOI", {"Precedence": "list"}),
        ("FOI", {"X-Auto-Response-Suppress": "All"}),  # not a reply
    ],
)
def test_people_are_not_auto_replies(subject, headers):
    message = email(subject=subject)
    for name, value in headers.items():
        message[name] = value
    assert parse(message.as_bytes()).kind == REQUEST


def test_a_delivery_status_report_is_a_bounce():
    returned = email(subject="Your FOI response")
    report = MIMEMultipart("report", report_type="delivery-status")
    report["From"] = "Mail Delivery System <MAILER-DAEMON@mx.example.org>"
    report["To"] = "foi@barnet.gov.uk"
    report["Subject"] = "Undelivered Mail Returned to Sender"
    report["Auto-Submitted"] = "auto-replied"
    report.attach(MIMEText("The mail system could not deliver your message.", "plain"))
    status = MIMEBase("message", "delivery-status")
    for fields in ({"Reporting-MTA": "dns; mx.example.org"}, {"Status": "5.1.1"}):
        block = Message()
        for name, value in fields.items():
            block[name] = value
        status.attach(block)
    report.attach(status)
    report.attach(MIMEMessage(returned))
    parsed = parse(report.as_bytes())
    assert parsed.kind == BOUNCE
    assert parsed.text == "The mail system could not deliver your message."
    assert parsed.forwarded[0].subject == "Your FOI response"
    assert parsed.problems == []


def test_a_delivery_status_report_is_a_bounce_whatever_it_is_called():
    report = MIMEMultipart("report", report_type="delivery-status")
    report["From"] = "it@barnet.gov.uk"
    report["Subject"] = "Your message"
    report.attach(MIMEText("Not delivered.", "plain"))
    assert parse(report.as_bytes()).kind == BOUNCE


def test_a_delivery_status_part_makes_a_bounce():
    status = MIMEBase("message", "delivery-status")
    block = Message()
    block["Status"] = "5.1.1"
    status.attach(block)
    outer = MIMEMultipart()
    outer["From"] = "it@barnet.gov.uk"
    outer["Subject"] = "Your message"
    outer.attach(MIMEText("Not delivered.", "plain"))
    outer.attach(status)
    parsed = parse(outer.as_bytes())
    assert parsed.kind == BOUNCE
    assert parsed.attachments == []


@pytest.mark.parametrize(
    ("subject", "sender"),
    [
        ("Undeliverable: FOI 5973764", "Exchange <it@barnet.gov.uk>"),
        ("Delivery Status Notification (Failure)", "mailer@google.example"),
        ("Mail delivery failed: returning message to sender", "root@mx.example.org"),
        ("Returned mail: see transcript for details", "root@mx.example.org"),
        ("Your message", "MAILER-DAEMON@mx.example.org"),
        ("Your message", "postmaster@example.org"),
        ("Your message", "MAILER-DAEMON"),
    ],
)
def test_bounces_by_subject_or_sender(subject, sender):
    parsed = parse(email(subject=subject, sender=sender).as_bytes())
    assert parsed.kind == BOUNCE
    assert parsed.problems == []  # a bounce needs no reply address


def test_a_read_receipt_is_automatic():
    receipt = MIMEMultipart("report", report_type="disposition-notification")
    receipt["From"] = "jo@example.org"
    receipt["Subject"] = "Read: Your FOI response"
    receipt.attach(MIMEText("Your message was read.", "plain"))
    assert parse(receipt.as_bytes()).kind == AUTO_REPLY


# --- the promises ------------------------------------------------------------------------


def strings_of(parsed):
    yield parsed.subject
    yield parsed.from_name
    yield parsed.from_address
    yield parsed.text
    yield parsed.message_id
    yield parsed.in_reply_to
    yield from parsed.to
    yield from parsed.references
    yield from parsed.problems
    for attachment in parsed.attachments:
        yield attachment.filename
    for inner in parsed.forwarded:
        yield from strings_of(inner)


def assert_well_formed(parsed):
    assert isinstance(parsed, ParsedMessage)
    assert parsed.kind in (REQUEST, AUTO_REPLY, BOUNCE)
    assert parsed.date is None or parsed.date.tzinfo is not None
    for text in strings_of(parsed):
        # Everything must be storable: UTF-8 encodable (no lone surrogates), no NUL.
        text.encode("utf-8")
        assert "\x00" not in text
    for attachment in parsed.attachments:
        assert isinstance(attachment, Attachment)
        assert attachment.too_large or len(attachment.data) == attachment.size
    assert all(problem.strip() for problem in parsed.problems)


SEEDS = [
    email().as_bytes(),
    nested_message().as_bytes(),
    raw(
        b"From: =?utf-8?b?Sm8gQmxvZ2dz?= <jo@example.org>",
        b"Subject: Caf\xe9 =?iso-8859-1?q?=A3?=",
        b'Content-Type: multipart/mixed; boundary="b"',
        body=b"--b\r\nContent-Type: text/html; charset=windows-1252\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\n<p>=93Hi=94<br>there</p>\r\n"
        b"--b\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\n\r\nFOI 5973764\r\n"
        b"--b\r\nContent-Type: application/ms-tnef; name=winmail.dat\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\neJ8+IgEAAQaQCAA=\r\n--b--\r\n",
    ),
]
TOKENS = [
    b"\r\n",
    b"\r\n\r\n",
    b"--",
    b"--b",
    b"=?",
    b"?=",
    b"=?utf-8?b?",
    b"\xff",
    b"\x00",
    b'"',
    b";",
    b"=",
    b"<",
    b">",
    b"Content-Type: multipart/mixed; boundary=b\r\n",
    b"Content-Type: message/rfc822\r\n",
    b"Content-Transfer-Encoding: base64\r\n",
    b"charset=x-unknown",
]


@st.composite
def mutated_messages(draw):
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(min_value=1, max_value=12))):
        position = draw(st.integers(min_value=0, max_value=len(data)))
        action = draw(st.sampled_from(["insert", "delete", "replace", "truncate"]))
        if action == "insert":
            token = draw(st.one_of(st.sampled_from(TOKENS), st.binary(min_size=1, max_size=8)))
            data[position:position] = token
        elif action == "delete":
            del data[position : position + draw(st.integers(min_value=1, max_value=40))]
        elif action == "replace" and position < len(data):
            data[position] = draw(st.integers(min_value=0, max_value=255))
        elif action == "truncate":
            del data[position:]
    return bytes(data)


FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.binary(max_size=5000))
def test_arbitrary_bytes_never_raise(data):
    assert_well_formed(parse(data))


@FUZZ
@given(mutated_messages())
def test_mutated_messages_never_raise(data):
    assert_well_formed(parse(data))


@FUZZ
@given(mutated_messages())
def test_mutated_messages_never_raise_when_read_with_compat32(data):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parsing, "MANY_PARTS", -1)  # every message takes the compat32 path
        parsed = parse(data)
    assert_well_formed(parsed)


@FUZZ
@given(st.text(max_size=2000))
def test_arbitrary_html_becomes_text(markup):
    assert isinstance(html_to_text(markup), str)


def test_a_named_text_part_is_the_text_only_when_there_is_no_other():
    alone = EmailMessage()
    alone["From"] = "sam@example.com"
    alone.set_content("How many bridges?", disposition="inline", filename="request.txt")
    parsed = parse(alone.as_bytes())
    assert parsed.text == "How many bridges?"
    assert [attached.filename for attached in parsed.attachments] == ["request.txt"]

    beside = EmailMessage()
    beside["From"] = "sam@example.com"
    beside.set_content("My request is below.")
    beside.add_attachment("Some notes of mine.", filename="notes.txt")
    parsed = parse(beside.as_bytes())
    assert parsed.text == "My request is below."
    assert [attached.filename for attached in parsed.attachments] == ["notes.txt"]


def test_an_abuse_report_is_its_own_kind():
    report = MIMEMultipart("report", report_type="feedback-report")
    report["From"] = "abuse-reports@mail.example.net"
    report.attach(MIMEText("A user of ours marked this message as spam."))
    assert parse(report.as_bytes()).kind == parsing.ABUSE_REPORT


@pytest.mark.parametrize(
    ("text", "visible"),
    [("\u200b\u200c\u200d\ufeff\u2060\u00ad \t\n\u3164\u2800", False), ("\u200bx", True)],
)
def test_visible_text_is_what_a_reader_could_see(text, visible):
    assert parsing.has_visible_text(text) is visible
