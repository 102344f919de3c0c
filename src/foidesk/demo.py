"""The demo installation: London Borough of Barnet, its service areas and its staff.

Loading is idempotent: running it again changes nothing that is already there.
"""

from django.contrib.auth.models import Group
from django.db import transaction

from foidesk.accounts.models import User
from foidesk.accounts.roles import Role
from foidesk.casework.models import Authority, ServiceArea
from foidesk.config.generated import secret_in

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


@transaction.atomic
def load(password):
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
