"""The disclosure log: answered requests published, without their requester's identity.

An entry is the published face of one case. Each publication or edit is a new version;
earlier versions are kept. Search indexes hold the current version of published entries.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse

from foidesk.casework.models import Request


class DisclosureEntryQuerySet(models.QuerySet):
    def live(self):
        """The entries the public can see: published and not taken down."""
        return self.filter(published_at__isnull=False, unpublished_at__isnull=True)


class DisclosureEntry(models.Model):
    request = models.OneToOneField(Request, on_delete=models.PROTECT, related_name="disclosure")
    current = models.ForeignKey(
        "DisclosureVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    unpublished_at = models.DateTimeField(null=True, blank=True)
    unpublished_reason = models.TextField(blank=True)

    objects = DisclosureEntryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "disclosure log entries"
        indexes = [models.Index(fields=["-published_at"], name="entry_published")]

    def __str__(self):
        return f"Disclosure of {self.request.reference}"

    def get_absolute_url(self):
        """The entry's public page: the disclosure log's address for the request."""
        return reverse("publication:entry", kwargs={"reference": self.request.reference})

    @property
    def is_live(self):
        return self.published_at is not None and self.unpublished_at is None


class DisclosureVersion(models.Model):
    """What the public sees of a case, as published at one time; never changed afterwards."""

    entry = models.ForeignKey(DisclosureEntry, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=200)
    request_text = models.TextField()
    response_text = models.TextField()
    response_html = models.TextField(blank=True)
    regime = models.CharField(max_length=20)
    outcome = models.CharField(max_length=30, blank=True)
    topic = models.CharField(max_length=100, blank=True)
    service_areas = models.JSONField(default=list)
    received_on = models.DateField()
    responded_on = models.DateField(null=True, blank=True)
    removed = models.JSONField(default=list, help_text="What was taken out, for the record.")
    kept = models.JSONField(
        default=list,
        help_text="What was found and published all the same, with the officer's reason.",
    )

    class Meta:
        ordering = ["entry", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "number"], name="one_version_number")
        ]

    def __str__(self):
        return f"{self.entry.request.reference} version {self.number}"


def disclosure_file_path(released, filename):
    """disclosure/REF/v<version>/<name>."""
    version = released.version
    return f"disclosure/{version.entry.request.reference}/v{version.number}/{filename}"


class DisclosureFile(models.Model):
    """A file released with a version: the letter, the answer tables, releasable attachments."""

    version = models.ForeignKey(DisclosureVersion, on_delete=models.CASCADE, related_name="files")
    filename = models.CharField(max_length=300)
    content_type = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    file = models.FileField(max_length=300, upload_to=disclosure_file_path)

    def __str__(self):
        return self.filename
