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
