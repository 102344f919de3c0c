from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A member of staff. Roles are groups (see roles.py); contributors belong to areas."""

    service_areas = models.ManyToManyField(
        "casework.ServiceArea",
        blank=True,
        related_name="members",
        help_text="Contributors answer the questions routed to these service areas.",
    )

    def role_names(self):
        return sorted(self.groups.values_list("name", flat=True))
