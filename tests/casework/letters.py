"""Requests as requesters send them, signed as real ones are, for the tests of what is taken
off them and of what contributors see."""

NAME = "Cuthbert Brambleworth"
EMAIL = "cuthbert.b@example.org"
ADDRESS = "Flat 3\n27 Acacia Avenue\nLittle Snoring\nNR21 0AB"
# Any of these in what a contributor sees would tell them who asked.
PERSONAL = [
    "Cuthbert",
    "Brambleworth",
    "cuthbert.b",
    "07700",
    "900123",
    "01328",
    "Acacia",
    "Little Snoring",
    "NR21",
    "request-912345",
]

NUMBERED = (
    "1. How many potholes were reported on council roads in 2023?\n"
    "2. How many of them were repaired within 28 days?"
)
NUMBERED_QUESTIONS = [
    (1, "How many potholes were reported on council roads in 2023?"),
    (2, "How many of them were repaired within 28 days?"),
]
UNNUMBERED = (
    "How many potholes were reported on council roads in 2023, and how many of them were "
    "repaired within 28 days?"
)

GREETINGS = [
    "Dear Sir/Madam,",
    "Dear FOI Officer",
    "Dear London Borough of Barnet,",
    "Hello",
    "To whom it may concern",
    "Good morning,",
]
SIGNATURES = {
    "kind regards, name, phone, street and town": (
        "Kind regards\nCuthbert Brambleworth\n07700 900123\n"
        "27 Acacia Avenue, Little Snoring NR21 0AB"
    ),
    "yours sincerely and an address block": (
        "Yours sincerely\n\nCuthbert Brambleworth\nFlat 3\n27 Acacia Avenue\nLittle Snoring\n"
        "Fakenham\nNorfolk\nNR21 0AB\nTel: 01328 123456\ncuthbert.b@example.org"
    ),
    "many thanks, name (Mr), email and phone": (
        "Many thanks, Cuthbert Brambleworth (Mr)\ncuthbert.b@example.org | 07700 900123"
    ),
    "thanks, name, mobile, sent from my iPhone": (
        "Thanks\nCuthbert\nMobile: 07700 900123\n\nSent from my iPhone"
    ),
    "the signature delimiter": "-- \nCuthbert Brambleworth\nParish councillor\n07700 900123",
}
WHATDOTHEYKNOW_FOOTER = (
    "-------------------------------------------------------------------\n\n"
    "Please use this email address for all replies to this request:\n"
    "request-912345-0a1b2c3d@whatdotheyknow.com\n\n"
    "Is foi@barnet.gov.uk the wrong address for Freedom of Information requests to London "
    "Borough of Barnet? If so, please contact us using this form:\n"
    "https://www.whatdotheyknow.com/change_request/new?body=barnet\n\n"
    "Disclaimer: This message and any reply that you make will be published on the Internet.\n"
    "-------------------------------------------------------------------\n"
)
QUOTED_REPLY = (
    "On Fri, 17 Jan 2020 at 10:12, Cuthbert Brambleworth <cuthbert.b@example.org> wrote:\n"
    "> Dear Sir/Madam,\n> I asked last year about potholes.\n> Cuthbert, 07700 900123\n"
)


def letter(body, *, greeting="Dear Sir/Madam,", signature="", below="", gap="\n\n"):
    """A request as sent: a greeting, the request, its signature ``gap`` below it, then
    whatever comes below the signature (quoted mail, a footer)."""
    text = f"{greeting}\n\n{body}"
    if signature:
        text += gap + signature
    if below:
        text += "\n\n" + below
    return text + "\n"


# Every way a contributor's request can come signed: name -> (text, its questions).
SIGNED_LETTERS = {
    **{
        f"{style}, numbered": (letter(NUMBERED, signature=signature), NUMBERED_QUESTIONS)
        for style, signature in SIGNATURES.items()
    },
    **{
        f"{style}, unnumbered": (letter(UNNUMBERED, signature=signature), [(1, UNNUMBERED)])
        for style, signature in SIGNATURES.items()
    },
    "a sign-off right under the last item": (
        letter(
            NUMBERED, signature=SIGNATURES["kind regards, name, phone, street and town"], gap="\n"
        ),
        NUMBERED_QUESTIONS,
    ),
    "WhatDoTheyKnow": (
        letter(
            UNNUMBERED,
            greeting="Dear London Borough of Barnet,",
            signature="Yours faithfully,\n\nCuthbert Brambleworth",
            below=WHATDOTHEYKNOW_FOOTER,
        ),
        [(1, UNNUMBERED)],
    ),
    "a reply quoting earlier mail": (
        letter(NUMBERED, signature="Regards,\nCuthbert", below=QUOTED_REPLY),
        NUMBERED_QUESTIONS,
    ),
}
