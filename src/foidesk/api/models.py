from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    """A bearer token another system uses to act as a member of staff.

    Only a hash of the token is kept: the token itself is shown once, when it is made.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=200, blank=True, help_text="What the token is for.")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=12, editable=False, help_text="To tell tokens apart.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    def __str__(self):
        return f"{self.prefix}… ({self.user})"
