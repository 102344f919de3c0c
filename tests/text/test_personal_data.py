"""Finding personal data before anything is published (docs/law/personal-data.md): the requester's
own details in every form, and anyone's that a council should not publish by accident."""

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from foidesk.text.personal_data import Finding, Requester, find

CUTHBERT = Requester(
    name="Cuthbert Brambleworth",
    emails=("cuthbert.b@example.com",),
    postal_address="12 Acacia Avenue\nFinchley\nLondon N3 2XY",
    phones=("07700 900123",),
)
BARNET = ["2 Bristol Avenue, Colindale, London NW9 4EW", "foi@barnet.gov.uk", "020 8359 2000"]


def found(text, requester=CUTHBERT, allowed=()):
    return [(text[f.start : f.end], f.kind) for f in find(text, requester, allowed)]


def kinds(text, requester=CUTHBERT, allowed=()):
    return [kind for _, kind in found(text, requester, allowed)]


# Signatures as requesters sign


def test_kind_regards_name_phone_and_address():
    text = (
        "Please send the report.\n\nKind regards\nCuthbert Brambleworth\n07700 900123\n"
        "12 Acacia Avenue, Finchley N3 2XY\n"
    )
    assert found(text) == [
        ("Cuthbert Brambleworth", "requester_name"),
        ("07700 900123", "requester_phone"),
        ("12 Acacia Avenue, Finchley N3 2XY", "requester_address"),
    ]
    assert all(f.requester for f in find(text, CUTHBERT))


def test_yours_sincerely_with_an_address_block():
    text = "Yours sincerely,\n\nMr C. J. Brambleworth\n12 Acacia Avenue\nFinchley\nLondon\nn3 2xy\n"
    assert found(text) == [
        ("Mr C. J. Brambleworth", "requester_name"),
        ("12 Acacia Avenue", "requester_address"),
        ("n3 2xy", "requester_postcode"),
    ]


def test_many_thanks_name_with_title_after_and_email_bar_phone():
    zoe = Requester(name="Zoë O'Neill", emails=("zoe.oneill@example.org",))
    text = "Many thanks,\nZoe O’Neill (Ms)\nzoe.oneill@example.org | +44 (0)20 7946 0000"
    assert found(text, zoe) == [
        ("Zoe O’Neill", "requester_name"),
        ("zoe.oneill@example.org", "requester_email"),
        ("+44 (0)20 7946 0000", "phone"),
    ]


def test_thanks_then_the_first_name_and_a_mobile():
    text = "Thanks\nCuthbert\nMobile: 07700 900 123"
    assert found(text) == [
        ("Cuthbert", "requester_name"),
        ("07700 900 123", "requester_phone"),
    ]
    assert find(text, CUTHBERT)[0].reason == "the requester's first name"


def test_a_first_name_alone_in_the_text_is_not_taken_for_the_requester():
    robin = Requester(name="Robin Baker")
    assert found("How many robin and Robin Hood statues does the council own?", robin) == []
    assert found("Cheers,\nRobin", robin) == [("Robin", "requester_name")]
    assert found("Dear Robin,", robin) == [("Robin", "requester_name")]


# Every form of the name


def test_the_name_in_a_title_is_found():
    title = "Freedom of Information request - Cuthbert Brambleworth"
    assert found(title) == [("Cuthbert Brambleworth", "requester_name")]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("CUTHBERT BRAMBLEWORTH", "the requester's name"),
        ("Cuthbert James Brambleworth", "the requester's name"),
        ("Ms Brambleworth", "the requester's title and surname"),
        ("Mr. Brambleworth", "the requester's title and surname"),
        ("C. Brambleworth", "the requester's initials and surname"),
        ("C Brambleworth", "the requester's initials and surname"),
        ("CJ Brambleworth", "the requester's initials and surname"),
        ("C.J. Brambleworth", "the requester's initials and surname"),
        ("Brambleworth, Cuthbert", "the requester's name"),
        ("brambleworth", "the requester's surname"),
    ],
)
def test_each_form_of_the_name_is_found_whole(text, reason):
    findings = find(f"A letter from {text}'s office.", CUTHBERT)
    assert [(f.start, f.end - f.start, f.reason) for f in findings] == [(14, len(text), reason)]


def test_the_name_as_the_app_stores_it_with_title_comma_or_letters_after():
    for name in ["Mr Cuthbert Brambleworth", "Brambleworth, Cuthbert", "Cuthbert Brambleworth MBE"]:
        requester = Requester(name=name)
        assert found("From Cuthbert Brambleworth.", requester) == [
            ("Cuthbert Brambleworth", "requester_name")
        ]


def test_accents_apostrophes_and_hyphens_are_matched_loosely():
    zoe = Requester(name="Zoë O'Neill")
    assert kinds("Zoe ONeill and ZOË O NEILL and Ms O’Neill", zoe) == ["requester_name"] * 3
    jane = Requester(name="Jane Whitlock-Price")
    assert found("Jane Whitlock Price wrote; Ms Whitlock agreed", jane) == [
        ("Jane Whitlock Price", "requester_name"),
        ("Ms Whitlock", "requester_name"),
    ]
    # A stored name without its accent still finds the name written with one.
    assert found("Signed: Zoë O'Neill", Requester(name="Zoe O'Neill")) == [
        ("Zoë O'Neill", "requester_name")
    ]


def test_positions_are_of_the_original_text_with_combining_accents():
    text = "From Zoe\u0308 O'Neill today"
    [finding] = find(text, Requester(name="Zoë O'Neill"))
    assert text[finding.start : finding.end] == "Zoe\u0308 O'Neill"


def test_a_surname_that_is_an_everyday_word_counts_alone_only_as_a_name():
    hall = Requester(name="Jane Hall")
    text = (
        "The Town Hall opens in May. Hall Lane is shut. Hallmarks are fine, and so is the hall. "
        "I asked Hall about it. Ms Hall and J. Hall wrote."
    )
    assert found(text, hall) == [
        ("Hall", "requester_name"),
        ("Ms Hall", "requester_name"),
        ("J. Hall", "requester_name"),
    ]
    assert text.index("Hall about") == find(text, hall)[0].start


def test_an_uncommon_surname_is_found_alone_in_any_case():
    assert kinds("the brambleworth family and BRAMBLEWORTH") == ["requester_name"] * 2
    assert found("Brambleworths Ltd and Brambleworthy") == []


def test_a_requester_with_a_month_for_a_surname_is_not_found_in_dates():
    may = Requester(name="Theresa May")
    assert found("Received in May 2020, due 1 May. In May we replied.", may) == []
    assert found("We wrote to Mrs May and she replied.", may) == [("Mrs May", "requester_name")]


def test_the_everyday_surname_with_an_initial_a_is_not_the_article():
    green = Requester(name="Anne Green")
    assert found("A Green Belt review. A. Green agreed.", green) == [("A. Green", "requester_name")]


def test_an_organisation_is_found_by_its_whole_name_only():
    acme = Requester(name="Acme Research Ltd")
    assert found("Asked by ACME Research Ltd. Capita Ltd does research.", acme) == [
        ("ACME Research Ltd", "requester_name")
    ]


# Email addresses


def test_the_requesters_email_in_any_case_and_spelt_out():
    text = (
        "Write to Cuthbert.B@Example.com, cuthbert.b at example dot com, "
        "cuthbert.b [at] example [dot] com, or cuthbert.b(at)example.com"
    )
    assert kinds(text) == ["requester_email"] * 4


def test_anyones_email_is_found_and_one_with_the_surname_is_the_requesters():
    assert found("Copy pat.doe@example.net and pat[at]example.net") == [
        ("pat.doe@example.net", "email"),
        ("pat[at]example.net", "email"),
    ]
    [finding] = find("or brambleworth.c@work.example", CUTHBERT)
    assert (finding.start, finding.kind, finding.requester) == (3, "requester_name", True)


# Telephone numbers


@pytest.mark.parametrize(
    "number",
    [
        "020 8359 2000",
        "0208 359 2000",
        "(020) 8359 2000",
        "020-8359-2000",
        "02083592000",
        "+44 20 8359 2000",
        "+44 (0)20 8359 2000",
        "+442083592000",
        "0044 20 8359 2000",
        "01223 456789",
        "(01223) 456 789",
        "0161 496 0000",
        "07700 900123",
        "07700-900-123",
        "+44 7700 900123",
        "0300 123 4567",
        "0800 123 4567",
        "0800 123 456",
    ],
)
def test_uk_telephone_numbers_in_every_form(number):
    assert found(f"Ring {number}.", Requester()) == [(number, "phone")]


@pytest.mark.parametrize("number", ["07700 900 123", "+44 7700 900123", "0044-7700-900-123"])
def test_the_requesters_number_is_found_by_its_digits(number):
    assert kinds(f"Ring {number}") == ["requester_phone"]
    stored_abroad = Requester(phones=["+44 (0) 7700 900123"])
    assert kinds(f"Ring {number}", stored_abroad) == ["requester_phone"]


def test_a_requesters_number_from_abroad():
    assert kinds("Call +353 87 123 4567", Requester(phones=["+353871234567"])) == [
        "requester_phone"
    ]


# Addresses and postcodes


def test_an_address_with_a_house_number_and_postcode_is_found():
    text = "The tenant at 14 Elm Road, Colindale, London NW9 4EW complained."
    assert found(text, Requester()) == [("14 Elm Road, Colindale, London NW9 4EW", "address")]
    assert kinds("Flat 3, 7b St John's Close\nLeeds LS6 2AB", Requester()) == ["address"]


def test_an_address_without_a_house_number_or_postcode_is_not_anyones_personal_data():
    text = (
        "Wycliffe House, Water Lane, Wilmslow, Cheshire, SK9 5AF. Kinburn Castle, Doubledykes "
        "Road, St Andrews KY16 9DS. The works at 14 Elm Road are done; the depot is in NW9 4EW."
    )
    assert found(text, Requester()) == []


def test_the_requesters_postcode_in_any_spacing_or_case_but_not_their_town():
    text = "Residents of Finchley, London near N3 2XY, n32xy and N3  2XY"
    assert found(text) == [
        ("N3 2XY", "requester_postcode"),
        ("n32xy", "requester_postcode"),
        ("N3  2XY", "requester_postcode"),
    ]


def test_the_requesters_house_line_however_the_street_is_written():
    assert kinds("at 12 acacia ave. and at 12, Acacia Avenue") == ["requester_address"] * 2
    assert found("Acacia Avenue needs resurfacing") == []


def test_a_house_name_is_the_requesters_detail_when_there_is_no_number():
    rose = Requester(postal_address="Rose Cottage, Little Snoring, Norfolk, NR21 0AA")
    assert found("Near Rose Cottage in Little Snoring", rose) == [
        ("Rose Cottage", "requester_address")
    ]


# National Insurance numbers and dates of birth


@pytest.mark.parametrize("number", ["AB123456C", "AB 12 34 56 C", "ab 123456 c", "JG-10-37-42-A"])
def test_national_insurance_numbers(number):
    [finding] = find(f"NI no. {number} on file", Requester())
    assert (finding.kind, finding.reason) == ("ni_number", "a National Insurance number")


@pytest.mark.parametrize("text", ["QQ123456C", "BG123456A", "AB123456E", "AB12345C", "ABC123456D"])
def test_what_only_looks_like_a_national_insurance_number(text):
    assert found(text, Requester()) == []


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("DOB: 12/03/1985", "12/03/1985"),
        ("D.O.B. 12.03.85", "12.03.85"),
        ("date of birth - 3rd March 1985", "3rd March 1985"),
        ("Date of Birth\n1985-03-12", "1985-03-12"),
        ("born on 12 March 1985", "12 March 1985"),
        ("born March 12, 1985", "March 12, 1985"),
        ("his birth date is 12 Mar", "12 Mar"),
    ],
)
def test_dates_of_birth(text, date):
    assert found(text, Requester()) == [(date, "date_of_birth")]


# The authority's own details


def test_the_authoritys_own_details_are_allowed_however_written():
    letter = (
        "Information Management Team, London Borough of Barnet,\n2 Bristol Avenue, Colindale,\n"
        "London NW9 4EW. Email FOI@barnet.gov.uk or call (020) 8359-2000; by post to 2 Bristol "
        "Avenue, Colindale, NW9 4EW."
    )
    assert found(letter, Requester(), allowed=BARNET) == []
    assert kinds(letter, Requester()) == ["address", "email", "phone", "address"]


def test_the_commissioners_details_are_always_allowed():
    text = "The Information Commissioner's Office (telephone: 0303 123 1113)"
    assert found(text, Requester()) == []


def test_a_requesters_detail_is_found_even_among_the_allowed():
    staff = Requester(name="Pat Doe", emails=["foi@barnet.gov.uk"])
    assert kinds("Write to foi@barnet.gov.uk", staff, allowed=BARNET) == ["requester_email"]
    assert kinds("Write to pat@barnet.gov.uk", staff, allowed=BARNET) == ["email"]


# No false alarms on ordinary FOI text

# From Barnet's response to request 5973764.
REFERENCE_LETTER = """\
Assurance Group
London Borough of Barnet,
2 Bristol Avenue, Colindale,
London NW9 4EW
14 February 2020
Our ref: 5973764

Thank you for your request received on 17 January 2020, for the following information:

Q3. For each system identified in Q1 please could you let us know when each of these systems \
were first implemented and how much has been spent on them each year for the last 5 years?

Adults- Mosaic is the case management system and is also used for electronic document storage. \
The supplier is Servelec HSE. We currently have around 415 system users. Mosaic was first \
implemented on 1st April 2017.

We have a 10 year contract for Mosaic which runs until 2023 We are withholding spend details as \
this information is commercially sensitive.

We consider that the qualified exemption set out in Section 43 (Prejudicial to commercial \
interests) subsection 2 applies to the information requested.

Family Services use LiquidLogic with 350 users. This is provided as part of the Capita contract \
details of which can be found at: https://open.barnet.gov.uk/dataset/customer-and-support-group-\
csg-contract

If you are unhappy with the way your request for information has been handled, you can request \
a review within the next 40 working days by writing to the Information Management Team at: \
[foi@barnet.gov.uk](mailto:foi@barnet.gov.uk). Or by post to Information Management Team (FOI) \
London Borough of Barnet, 2 Bristol Avenue, Colindale, NW9 4EW

If, having exhausted our review procedure, you remain dissatisfied with the handling of your \
request or complaint, you will have a right to appeal to the Information Commissioner at: The \
Information Commissioner's Office, Wycliffe House, Water Lane, Wilmslow, Cheshire, SK9 5AF \
(telephone: 0303 123 1113; website [www.ico.org.uk](http://www.ico.org.uk)). There is no charge \
for making an appeal.
"""


def test_no_false_alarms_on_the_reference_letter():
    sam = Requester(
        name="Sam Requester",
        emails=["sam.requester@example.com"],
        postal_address="12 Example Road\nFinchley\nN3 9ZZ",
    )
    assert find(REFERENCE_LETTER, sam, allowed=BARNET) == []


@pytest.mark.parametrize(
    "text",
    [
        "Spend in 2014/15, 2019-20 and Q1 2021/22 was £1,234,567.89 (up 12.5%).",
        "We withhold it under section 43(2) and regulation 12(4)(b) of the EIR.",
        "Please quote reference 5973764 or FOI-2020-00123.",
        "The contract began on 01/04/2017 and ends 31.03.2027; it was signed 14 February 2020.",
        "Open 09:00-17:00, 0.5 FTE, 10,000 residents, 1,200 users in 2023.",
        "Births registered in 1985: 3,200. Born in Barnet: see table 12.",
    ],
)
def test_no_false_alarms_on_ordinary_foi_text(text):
    assert find(text, CUTHBERT, allowed=BARNET) == []


# Whatever the text


def test_nothing_known_of_the_requester_finds_nothing_of_theirs():
    assert [f for f in find("Cuthbert Brambleworth, N3 2XY", Requester()) if f.requester] == []
    assert find("", CUTHBERT) == []


@given(st.text(), st.text(max_size=40), st.text(max_size=40))
def test_find_never_raises_and_findings_are_in_order_and_apart(text, name, address):
    requester = Requester(name=name, emails=[name], postal_address=address, phones=[address])
    findings = find(text, requester, allowed=[address])
    assert all(isinstance(f, Finding) and 0 <= f.start < f.end <= len(text) for f in findings)
    assert all(a.end <= b.start for a, b in itertools.pairwise(findings))


@given(st.text(alphabet="Ab1 ,.@-'()+\n", max_size=200))
def test_find_never_raises_on_text_made_of_the_characters_patterns_look_for(text):
    find(text, Requester(name="A B-C", emails=["a@b.c"], phones=["01"]), allowed=["AB1 1AB"])
