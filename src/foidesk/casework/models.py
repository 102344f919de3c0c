"""The authority, its service areas and (as casework grows) the requests it handles."""

from django.db import models
from django.db.models import Q

from foidesk import law

NATIONS = [(nation.value, nation.title) for nation in law.Nation]
RECEIPT_RULES = [
    (
        law.NonWorkingDayReceipt.NEXT_WORKING_DAY_IS_DAY_ONE.value,
        "The day of receipt is day 0 and the next working day is day 1 (the ICO's reading)",
    ),
    (
        law.NonWorkingDayReceipt.NEXT_WORKING_DAY_IS_RECEIPT.value,
        "The next working day is treated as the day of receipt (one day later)",
    ),
]


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
    nation = models.CharField(
        max_length=20,
        choices=NATIONS,
        default=law.Nation.ENGLAND.value,
        help_text="Whose bank holidays a subject access request counts.",
    )
    non_working_day_receipt = models.CharField(
        "request received on a weekend or bank holiday",
        max_length=40,
        choices=RECEIPT_RULES,
        default=law.NonWorkingDayReceipt.NEXT_WORKING_DAY_IS_DAY_ONE.value,
    )

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


class WorkingDayOverride(models.Model):
    """A bank holiday added or taken away, for when a proclamation comes after the software.

    Every statutory deadline counts with these applied (foidesk.law.Override).
    """

    day = models.DateField()
    is_holiday = models.BooleanField(
        "not a working day",
        default=True,
        help_text="Ticked: the day is added as a bank holiday. Unticked: it is taken away.",
    )
    nation = models.CharField(
        max_length=20,
        choices=NATIONS,
        blank=True,
        help_text="Leave blank for every UK nation.",
    )
    reason = models.CharField(max_length=200, help_text="For example: proclaimed bank holiday")

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(
                fields=["day", "nation"], name="one_override_per_day_and_nation"
            )
        ]

    def __str__(self):
        change = "added" if self.is_holiday else "removed"
        return f"{self.day:%d %b %Y}: {self.reason} ({change})"

    def as_law(self):
        if self.nation:
            nations = frozenset({law.Nation(self.nation)})
            return law.Override(self.day, self.is_holiday, self.reason, nations)
        return law.Override(self.day, self.is_holiday, self.reason)
