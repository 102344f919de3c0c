"""The authority, its service areas and (as casework grows) the requests it handles."""

from django.db import models
from django.db.models import Q


class Nation(models.TextChoices):
    """The UK nation whose law and bank holidays govern the authority."""

    ENGLAND = "england", "England"
    WALES = "wales", "Wales"
    SCOTLAND = "scotland", "Scotland"
    NORTHERN_IRELAND = "northern-ireland", "Northern Ireland"


class Authority(models.Model):
    """The one public authority this installation serves (a single row, id 1)."""

    SINGLETON_ID = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_ID, editable=False)
    name = models.CharField(max_length=200, help_text="For example: London Borough of Barnet")
    team_name = models.CharField(
        max_length=200,
        default="Information Management Team",
        help_text="The team that answers requests, as it signs its letters.",
    )
    postal_address = models.TextField(help_text="Where requests and reviews can be posted.")
    email = models.EmailField(help_text="Where requests and reviews can be emailed.")
    website = models.URLField(blank=True)
    nation = models.CharField(max_length=20, choices=Nation.choices, default=Nation.ENGLAND)

    class Meta:
        verbose_name_plural = "authority"
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="authority_is_a_single_row"),
        ]

    def __str__(self):
        return self.name


class ServiceArea(models.Model):
    """A part of the authority that holds information and answers questions routed to it."""

    name = models.CharField(max_length=200, unique=True)
    is_active = models.BooleanField(
        default=True, help_text="Inactive areas keep their history but take no new work."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name
