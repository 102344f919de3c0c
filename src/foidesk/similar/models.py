"""What the similarity index derives and the database must hold: the round-robins."""

from django.db import models

from foidesk.casework.models import Request


class RoundRobinMember(models.Model):
    """A request that is one of a round-robin: near-identical requests from different
    requesters. Derived data, regrouped whenever the similarity index is rebuilt."""

    request = models.OneToOneField(Request, on_delete=models.CASCADE, related_name="round_robin")
    # The group's first request (smallest id): the same for every member.
    group = models.PositiveBigIntegerField(db_index=True)

    def __str__(self):
        return f"{self.request.reference} in round-robin {self.group}"
