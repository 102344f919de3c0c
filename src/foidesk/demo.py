"""The demo installation: London Borough of Barnet, its service areas, its staff, the
reference letter's case 5973764 (published in the disclosure log) and a generated caseload
of about 200 requests.

Loading is idempotent: running it again changes nothing that is already there.
"""

import random
import tomllib
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from foidesk.accounts.models import User
from foidesk.accounts.roles import Role
from foidesk.casework import services
from foidesk.casework.models import Authority, Request, ServiceArea
from foidesk.config.generated import secret_in
from foidesk.publication import services as publication
from foidesk.publication.models import DisclosureEntry
from foidesk.responses import sending, tables
from foidesk.responses import services as responses
from foidesk.responses.models import SentResponse
from foidesk.similar import services as similar_requests

AUTHORITY = {
    "name": "London Borough of Barnet",
    "team_name": "Information Management Team",
    "postal_address": "2 Bristol Avenue, Colindale, London NW9 4EW",
    "email": "foi@barnet.gov.uk",
    "website": "https://www.barnet.gov.uk",
    "nation": "england",
}
SERVICE_AREAS = ["Adults Services", "Family Services"]

# The request answered by the reference letter (London Borough of Barnet, ref 5973764).
REFERENCE_CASE = {
    "reference": "5973764",
    "regime": "foi",
    "subject": "IT systems in adults' and children's social care",
    "requested_format": "Microsoft Excel, one worksheet for Adults and one for Childrens",
    "body": """\
I am writing to you under the Freedom of Information Act 2000 to request the following information.

Please could you provide answers the following questions in Microsoft Excel format with one \
worksheet for Adults Service and one Childrens Services:

Q1. Which IT systems are used in the department specifically to provide core case management \
systems and any other supporting software holding information on individuals supported by your \
adults/children care services? For example, document management, RAS etc. Please provide name of \
system, supplier and type. e.g core case management system, electronic document management etc.

Q2. For each system identified in Q1 please could you let us know how many users their are?

Q3. For each system identified in Q1 please could you let us know when each of these systems were \
first implemented and how much has been spent on them each year for the last 5 years? Please \
breakdown the total cost of each into licence fees, annual support, professional services \
(training, implementation, consulting etc).

Q4. For each system identified in Q1 please could you let us know what the length of the current \
contract is and the date the contract ends?

Please could you provide the answers to these questions above in Microsoft Excel format with a \
separate worksheet for Adults and Childrens, please could you use the following Row titles and a \
Column for each system? (happy to provide a template as below if required).
""",
}
REFERENCE_REQUESTER = {
    "name": "Sam Requester",
    "email": "sam.requester@example.com",
    "postal_address": "12 Example Road\nFinchley\nN3 9ZZ",
}
LONDON = ZoneInfo("Europe/London")
# When each step of 5973764 happened, London time on working days: received on Friday
# 17 January 2020 and logged that morning, both service areas asked on the Monday, their
# answers in by their internal due date (7 February), the response drafted and sent for
# approval on Thursday 13 February, approved and sent on the due date, Friday 14 February.
HISTORY = {
    "logged": datetime(2020, 1, 17, 10, 40, tzinfo=LONDON),
    "asked": datetime(2020, 1, 20, 9, 30, tzinfo=LONDON),
    "Adults Services": datetime(2020, 2, 4, 15, 20, tzinfo=LONDON),
    "Family Services": datetime(2020, 2, 6, 11, 5, tzinfo=LONDON),
    "drafted": datetime(2020, 2, 13, 10, 0, tzinfo=LONDON),
    "submitted": datetime(2020, 2, 13, 16, 10, tzinfo=LONDON),
    "approved": datetime(2020, 2, 14, 10, 15, tzinfo=LONDON),
    "sent": datetime(2020, 2, 14, 14, 30, tzinfo=LONDON),
}
# username: (role, service area, first name, last name)
USERS = {
    "officer": (Role.OFFICER, None, "Olu", "Officer"),
    "contributor.adults": (Role.CONTRIBUTOR, "Adults Services", "Ade", "Adults"),
    "contributor.family": (Role.CONTRIBUTOR, "Family Services", "Fran", "Family"),
    "approver": (Role.APPROVER, None, "Ash", "Approver"),
    "admin": (Role.ADMIN, None, "Alex", "Admin"),
}


def password_in(data_dir):
    """The demo users' password, made once and kept in the data folder."""
    return secret_in(data_dir / "demo-password", 12)


GENERATED_CASES = 200
REQUEST_TEMPLATES = Path(__file__).with_name("demo_requests.toml")
# How many generated cases end in each state, and the actions that take them there.
STATE_MIX = {
    "new": 20,
    "awaiting_clarification": 8,
    "awaiting_fee": 4,
    "in_progress": 38,
    "awaiting_contributions": 36,
    "drafting": 26,
    "awaiting_approval": 10,
    "awaiting_dispatch": 4,
    "responded": 30,
    "closed": 18,
    "withdrawn": 3,
    "lapsed": 3,
}
FAKE_NAMES = ["Alex Morgan", "Jo Bennett", "Chris Hale", "Sam Okafor", "Pat Rowe", "Kim Doyle"]


@transaction.atomic
def load(password, generated=GENERATED_CASES):
    """Load everything the demo needs; what is already there is left as it is."""
    _load_staff(password)
    if not Request.objects.filter(reference=REFERENCE_CASE["reference"]).exists():
        _load_reference_case()
    if Request.objects.count() <= 1:
        _generate_caseload(random.Random(5973764), generated)  # noqa: S311 (sample data)
    _publish_reference_case()
    if similar_requests.current_build() is None:
        similar_requests.rebuild()


def _publish_reference_case():
    """Barnet's answer in the disclosure log, as a council would publish it."""
    case = Request.objects.get(reference=REFERENCE_CASE["reference"])
    if not DisclosureEntry.objects.filter(request=case).exists():
        publication.publish(
            case,
            User.objects.get(username="officer"),
            title=REFERENCE_CASE["subject"],
            topic="Social care IT systems",
            files=["letter", "answers"],
        )


def _load_staff(password):
    Authority.objects.update_or_create(id=Authority.SINGLETON_ID, defaults=AUTHORITY)
    areas = {name: ServiceArea.objects.get_or_create(name=name)[0] for name in SERVICE_AREAS}
    for username, (role, area, first_name, last_name) in USERS.items():
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@demo.foidesk.invalid",
            },
        )
        if created:
            user.set_password(password)
            user.save()
        user.groups.add(Group.objects.get(name=role))
        if area:
            user.service_areas.add(areas[area])


def _load_reference_case():
    """Barnet's request, answered as the council answered it on 14 February 2020, each step
    recorded when it happened (HISTORY), so that its timeline is the case's history."""
    officer = User.objects.get(username="officer")
    with services.happened_at(HISTORY["logged"]):
        case = services.log_request(
            officer,
            regime=REFERENCE_CASE["regime"],
            channel="email",
            received_at=datetime(2020, 1, 17, 10, 12, tzinfo=UTC),
            subject=REFERENCE_CASE["subject"],
            body=REFERENCE_CASE["body"],
            requested_format=REFERENCE_CASE["requested_format"],
            requester=REFERENCE_REQUESTER,
            reference=REFERENCE_CASE["reference"],
        )
        services.assign(case, officer, officer)
        services.take_action(case, officer, "start")
    questions = list(case.questions.all())
    with services.happened_at(HISTORY["asked"]):
        asked = {
            area: services.request_contribution(
                case,
                officer,
                ServiceArea.objects.get(name=area),
                questions,
                instructions="Please answer for your service, one column for each system.",
                due_on=date(2020, 2, 7),
            )
            for area in SERVICE_AREAS
        }
    for area in SERVICE_AREAS:
        with services.happened_at(HISTORY[area]):
            contributor = User.objects.get(service_areas__name=area)
            services.answer_contribution(asked[area], contributor, CONTRIBUTIONS[area])
    with services.happened_at(HISTORY["drafted"]):
        services.take_action(case, officer, "draft")
        _answer_as_barnet_did(case, officer)
    with services.happened_at(HISTORY["submitted"]):
        services.take_action(case, officer, "submit_for_approval")
    with services.happened_at(HISTORY["approved"]):
        services.take_action(case, User.objects.get(username="approver"), "approve")
    with services.happened_at(HISTORY["sent"]):
        # Barnet emailed it from its own system: recorded as sent from another system.
        sending.record_sent(case, officer, on=date(2020, 2, 14), method=SentResponse.Method.OTHER)


CONTRIBUTIONS = {
    "Adults Services": "Mosaic (Servelec HSE): case management and electronic document storage. "
    "Around 415 users. Implemented 1 April 2017. 10-year contract, to 2023. Spend figures "
    "attached, but they are commercially sensitive.",
    "Family Services": "LiquidLogic, our case management system, 350 users. Provided as part "
    "of the Capita contract, which is published on Open Barnet.",
}
CAPITA_CONTRACT = "https://open.barnet.gov.uk/dataset/customer-and-support-group-csg-contract"
# The reference letter's answers, question by question: (outcome, exemptions, answer, link).
BARNET_ANSWERS = {
    1: (
        "released",
        [],
        "Adults: Mosaic is the case management system and is also used for electronic "
        "document storage. The supplier is Servelec HSE.\n\nFamily Services use LiquidLogic "
        "as their case management system. This is provided as part of the Capita contract.",
        "",
    ),
    2: (
        "released",
        [],
        "Adults: we currently have around 415 Mosaic users.\n\nFamily Services: LiquidLogic "
        "has 350 users.",
        "",
    ),
    3: (
        "partly_released",
        ["foia-43-2"],
        "Adults: Mosaic was first implemented on 1st April 2017. We are withholding spend "
        "details as this information is commercially sensitive.\n\nFamily Services: "
        "LiquidLogic is provided as part of the Capita contract, details of which can be "
        f"found at: [{CAPITA_CONTRACT}]({CAPITA_CONTRACT})",
        CAPITA_CONTRACT,
    ),
    4: (
        "published",
        [],
        "Adults: we have a 10 year contract for Mosaic which runs until 2023.\n\nFamily "
        "Services: LiquidLogic is provided as part of the Capita contract, details of which "
        "are published.",
        CAPITA_CONTRACT,
    ),
}
FACTORS_FOR = [
    "Transparency",
    "Legitimate public interest in understanding how public money is spent.",
]
FACTORS_AGAINST = [
    "Necessity for the council to be able to negotiate the best deal with public money",
    "Disclosing individually negotiated contract prices would be likely to harm the commercial "
    "interests of the council and its contractors in a competitive market place and future "
    "competitive procurement",
]
SPEND_YEARS = ["2014/15", "2015/16", "2016/17", "2017/18", "2018/19"]
SPEND_ROWS = [
    f"{kind} {year}"
    for year in SPEND_YEARS
    for kind in ["Licence fees", "Annual support", "Professional services"]
]


def _answer_as_barnet_did(case, officer):
    for number, (outcome, exemptions, answer, link) in BARNET_ANSWERS.items():
        responses.record_decision(
            case,
            officer,
            number,
            held="yes",
            outcome=outcome,
            answer=answer,
            exemptions=exemptions,
            published_at=link,
        )
    responses.record_exemption_use(
        case,
        officer,
        "foia-43-2",
        reasons="We are withholding spend details as this information is commercially sensitive.",
        for_disclosure="\n".join(FACTORS_FOR),
        for_withholding="\n".join(FACTORS_AGAINST),
        conclusion="In all the circumstances of the case, the public interest in maintaining the "
        "exemption outweighs the public interest in disclosing the information.",
    )
    responses.update_response(
        case,
        officer,
        further_information="If you are interested in the data that the council holds you may "
        "wish to visit Open Barnet, the council's data portal. This brings together all our "
        "published datasets and other information of interest on one searchable database for "
        "anyone, anywhere to access. [http://open.barnet.gov.uk/](http://open.barnet.gov.uk/)",
        direct_marketing=True,
    )
    for sheet in _barnet_sheets():
        responses.save_sheet(case, officer, sheet)


def _barnet_sheets():
    withheld = tables.Cell("withheld", exemption="section 43(2)")
    adults_rows = ["System name", "Supplier", "Type", "Number of users", "First implemented"]
    adults_values = [
        "Mosaic",
        "Servelec HSE",
        "Case management and electronic document storage",
        "Around 415",
        "1 April 2017",
    ]
    rows = [*adults_rows, *SPEND_ROWS, "Contract length", "Contract end date"]
    adults = {(row, 0): tables.Cell("value", value) for row, value in enumerate(adults_values)}
    adults.update({(row, 0): withheld for row in range(len(adults_rows), len(rows) - 2)})
    adults[(len(rows) - 2, 0)] = tables.Cell("value", "10 years")
    adults[(len(rows) - 1, 0)] = tables.Cell("value", "2023")
    # The council gave no date for LiquidLogic: it pointed to the published Capita contract
    # for everything about it but its users, so "First implemented" points there too, as
    # the spend and contract rows do, rather than saying "not held", which Barnet never said.
    published = tables.Cell("published", link=CAPITA_CONTRACT)
    childrens_values = [
        "LiquidLogic",
        "Provided as part of the Capita contract",
        "Case management system",
        "350",
    ]
    childrens = {
        (row, 0): tables.Cell("value", value) for row, value in enumerate(childrens_values)
    }
    childrens.update({(row, 0): published for row in range(len(childrens_values), len(rows))})
    return [
        tables.Sheet("Adults", ["Mosaic"], rows, adults),
        tables.Sheet("Childrens", ["LiquidLogic"], rows, childrens),
    ]


def _generate_caseload(rng, count):
    templates = tomllib.loads(REQUEST_TEMPLATES.read_text())["request"]
    staff = {
        "officer": User.objects.get(username="officer"),
        "approver": User.objects.get(username="approver"),
        "Adults Services": User.objects.get(username="contributor.adults"),
        "Family Services": User.objects.get(username="contributor.family"),
    }
    today = timezone.localdate()
    states = [state for state, count in STATE_MIX.items() for _ in range(count)]
    for state in states[:count]:
        template = rng.choice(templates)
        _generate_case(rng, template, state, staff, today)


def _generate_case(rng, template, state, staff, today):
    officer = staff["officer"]
    closed = state in {"responded", "closed"}
    # Open requests mostly within their 20 working days, a few past them, as in a real team.
    days_ago = rng.randint(35, 300) if closed else min(rng.randint(0, 19), rng.randint(0, 26))
    received_on = services.calendar().working_days_before(today, days_ago) if days_ago else today
    received_at = timezone.make_aware(
        datetime.combine(received_on, time(rng.randint(7, 17), rng.randint(0, 59)))
    )
    body = "Please could you tell me:\n\n" + "\n".join(
        f"{number}. {question}" for number, question in enumerate(template["questions"], 1)
    )
    case = services.log_request(
        officer,
        regime=rng.choices(["foi", "eir", "sar"], weights=[85, 10, 5])[0],
        channel=rng.choice(["email", "email", "email", "web", "whatdotheyknow", "post"]),
        received_at=min(received_at, timezone.now()),
        subject=template["subject"],
        body=body,
        requester={
            "name": rng.choice(FAKE_NAMES),
            "email": f"requester{rng.randint(100, 999)}@example.com",
        },
    )
    if rng.random() < 0.8:
        services.assign(case, officer, officer)
    for step in _path_to(state):
        _take(step, case, staff, template, received_on, today)


def _path_to(state):
    """The actions that lead a new request to ``state``."""
    answered = ["start", "contribute", "answer", "draft", "decide"]
    approved = [*answered, "submit_for_approval", "approve"]
    return {
        "new": [],
        "awaiting_clarification": ["seek_clarification"],
        "awaiting_fee": ["start", "fee_notice"],
        "in_progress": ["start"],
        "awaiting_contributions": ["start", "contribute"],
        "drafting": answered,
        "awaiting_approval": [*answered, "submit_for_approval"],
        "awaiting_dispatch": approved,
        "responded": [*approved, "mark_sent"],
        "closed": [*approved, "mark_sent", "close"],
        "withdrawn": ["withdraw"],
        "lapsed": ["seek_clarification", "lapse"],
    }[state]


def _take(step, case, staff, template, received_on, today):
    officer = staff["officer"]
    if step == "contribute":
        area = ServiceArea.objects.get(name=template["area"])
        services.request_contribution(case, officer, area, case.questions.all())
    elif step == "answer":
        for asked in case.contributions.all():
            services.answer_contribution(
                asked, staff[asked.service_area.name], "Answered from our records; see attached."
            )
    elif step == "decide":
        for question in case.questions.all():
            responses.record_decision(
                case,
                officer,
                question.number,
                held="yes",
                outcome="released",
                answer="The figures are in the attached workbook.",
                exemptions=[],
                published_at="",
            )
    elif step in {"seek_clarification", "fee_notice"}:
        services.take_action(case, officer, step, on=min(received_on + timedelta(days=2), today))
    elif step == "mark_sent":
        # Answered within the 20 working days, as most are.
        on = min(services.calendar().working_days_after(received_on, 18), today)
        sending.record_sent(case, officer, on=on, method=SentResponse.Method.OTHER)
    else:
        actor = staff["approver"] if step == "approve" else officer
        services.take_action(case, actor, step)
