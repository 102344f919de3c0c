"""Request letters as requesters write and sign them, made up for the tests: numbered and
unnumbered, names in the subject, a sign-off straight under the last question, and the
signature styles seen in real letters ("Kind regards / name / phone / street, town
postcode", "Yours sincerely" with an address block, "Many thanks, name (Ms) / email |
phone", "Thanks" then name and "Mobile:").

Each letter is built from a requester and a style, so every requester detail the tests look
for is one the letter really carries.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Person:
    first: str
    last: str
    title: str
    email: str
    phone: str
    street: str
    town: str
    postcode: str

    @property
    def name(self):
        return f"{self.first} {self.last}"

    def details(self):
        """Every detail of the requester that must never be published: the surname, the
        email, the phone's digits, the street and the postcode."""
        return [self.last, self.email, self.phone, self.street, self.postcode]


PEOPLE = [
    Person(
        "Cuthbert",
        "Brambleworth",
        "Mr",
        "c.brambleworth@example.org",
        "07700 900123",
        "14 Larkspur Close",
        "Hexham",
        "NE46 3QT",
    ),
    Person(
        "Jane",
        "Whitlock-Price",
        "Ms",
        "jane.wp@example.net",
        "020 7946 0321",
        "12 Acacia Avenue",
        "London",
        "N3 2XY",
    ),
    Person(
        "Siobhan",
        "O'Callaghan",
        "Ms",
        "siobhan.oc@example.com",
        "0161 496 0754",
        "3 Quarry Lane",
        "Stockport",
        "SK4 1PL",
    ),
    Person(
        "Zoë",
        "Featherstonehaugh",
        "Dr",
        "zfeather@example.co.uk",
        "+44 7700 900456",
        "Flat 2, 9 Mill Road",
        "Cambridge",
        "CB1 2AB",
    ),
    Person(
        "Rahul",
        "Venkataraman",
        "Mr",
        "rahul.v@example.org",
        "01632 960 888",
        "27 Orchard Way",
        "Leicester",
        "LE2 7FG",
    ),
    Person(
        "Morag",
        "MacLachlan",
        "Mrs",
        "morag@example.scot",
        "0131 496 0022",
        "8 Thistle Street",
        "Edinburgh",
        "EH2 1DF",
    ),
]

QUESTIONS = [
    "How many potholes were reported to the council in 2019?",
    "How many of those were repaired within 28 days?",
    "What did the council spend on pothole repairs in 2019?",
]


def _numbered(questions):
    return "\n".join(f"{number}. {text}" for number, text in enumerate(questions, 1))


def kind_regards(person):
    return (
        f"Kind regards\n{person.name}\n{person.phone}\n"
        f"{person.street}, {person.town} {person.postcode}"
    )


def yours_sincerely(person):
    return (
        f"Yours sincerely,\n\n{person.title} {person.name}\n{person.street}\n{person.town}\n"
        f"{person.postcode}"
    )


def many_thanks(person):
    return f"Many thanks,\n{person.name} ({person.title})\n{person.email} | {person.phone}"


def thanks_mobile(person):
    return f"Thanks\n{person.first} {person.last}\nMobile: {person.phone}"


def best_wishes_email(person):
    return f"Best wishes,\n{person.first}\n\n{person.name}\nEmail: {person.email}"


SIGN_OFFS = [kind_regards, yours_sincerely, many_thanks, thanks_mobile, best_wishes_email]


@dataclass(frozen=True)
class Letter:
    person: Person
    subject: str
    body: str


def letters():
    """At least 30 letters: each requester in each signature style, numbered or not, with
    their name in the subject for some and a sign-off straight under the last question."""
    made = []
    for index, person in enumerate(PEOPLE):
        for style_number, sign_off in enumerate(SIGN_OFFS):
            variant = (index + style_number) % 3
            greeting = ["Dear Sir or Madam,", "Dear FOI Officer", "Hello,"][variant]
            if variant == 0:
                # Numbered, the sign-off straight under the last question.
                body = f"{greeting}\n\n{_numbered(QUESTIONS)}\n{sign_off(person)}"
            elif variant == 1:
                # Unnumbered: the whole request in a paragraph.
                body = (
                    f"{greeting}\n\nUnder the Freedom of Information Act 2000, please tell me "
                    f"how many potholes were reported in 2019 and what the repairs cost.\n\n"
                    f"{sign_off(person)}"
                )
            else:
                body = (
                    f"{greeting}\n\nPlease could you tell me:\n\n{_numbered(QUESTIONS)}\n\n"
                    f"{sign_off(person)}"
                )
            subject = (
                f"Freedom of Information request - {person.name}"
                if style_number % 2 == 0
                else "Potholes reported and repaired"
            )
            made.append(Letter(person, subject, body))
    return made
