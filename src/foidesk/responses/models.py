"""What the authority answers: a decision per question, the exemptions relied on with their
public interest tests, the answer tables, and the response letter's own parts.

Exemptions are keys into foidesk.law's catalogue; the law about them lives there.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from foidesk import law
from foidesk.casework.models import Question, Request, moment
from foidesk.intake.models import Correspondence


class Decision(models.Model):
    """What the authority decided about one question, and what the letter says of it."""

    question = models.OneToOneField(Question, on_delete=models.CASCADE, related_name="decision")
    held = models.CharField(
        max_length=10, choices=law.choices(law.Held), default=law.Held.YES.value
    )
    # The decision on the question (law.Decision), not the response's outcome (law.Outcome).
    outcome = models.CharField(
        max_length=20, choices=law.choices(law.Decision), default=law.Decision.RELEASED.value
    )
    answer = models.TextField(blank=True, help_text="The answer, as the letter gives it.")
    exemptions = models.JSONField(default=list, blank=True, help_text="Exemption keys.")
    published_at = models.URLField(max_length=500, blank=True)
    copied_from = models.CharField(max_length=40, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.question}: {self.get_outcome_display()}"


class ExemptionUse(models.Model):
    """An exemption relied on in a response: why it applies here and, when it is qualified,
    the public interest test (FOIA s.17(3)). The letter has one section for each."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="exemption_uses")
    exemption = models.CharField(max_length=40)
    reasons = models.TextField(blank=True, help_text="Why the exemption applies here.")
    for_disclosure = models.TextField(blank=True, help_text="One factor a line.")
    for_withholding = models.TextField(blank=True, help_text="One factor a line.")
    conclusion = models.TextField(blank=True)

    class Meta:
        ordering = ["request", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "exemption"], name="one_use_per_exemption")
        ]

    def __str__(self):
        return f"{self.request.reference}: {self.exemption}"


class AnswerSheet(models.Model):
    """One worksheet of an answer table, in the shape the requester asked for.

    ``cells`` maps "row:column" to {"kind", "value", "exemption", "link"}.
    """

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="answer_sheets")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=100)
    columns = models.JSONField(default=list)
    rows = models.JSONField(default=list)
    cells = models.JSONField(default=dict)
    # The request it was copied from, until an officer saves or checks it.
    copied_from = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["request", "position", "id"]

    def __str__(self):
        return f"{self.request.reference}: {self.name}"


def sheet_upload_path(upload, filename):
    """uploads/REF/<when>-<name>."""
    return f"uploads/{upload.request.reference}/{upload.uploaded_at:%Y%m%dT%H%M%S}-{filename}"


class SheetUpload(models.Model):
    """A file of answer sheets an officer uploaded, kept as it came before it is read, so
    that a file that cannot be read is not lost."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="sheet_uploads")
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(max_length=300)
    size = models.PositiveIntegerField()
    file = models.FileField(max_length=300, upload_to=sheet_upload_path)

    class Meta:
        ordering = ["request", "uploaded_at", "id"]

    def __str__(self):
        return f"{self.request.reference}: {self.filename}"


class Response(models.Model):
    """The parts of the response that belong to the request as a whole: the draft of what
    will be sent. What was sent is kept apart, as a SentResponse for each version."""

    request = models.OneToOneField(Request, on_delete=models.CASCADE, related_name="response")
    advice_and_assistance = models.TextField(
        blank=True,
        help_text="Advice under FOIA s.16, e.g. how to narrow a request refused on cost.",
    )
    further_information = models.TextField(blank=True)
    direct_marketing = models.BooleanField(
        default=False, help_text="Add the paragraph on direct marketing to officers' names."
    )
    estimated_date = models.DateField(
        null=True, blank=True, help_text="When the public interest test will end (FOIA s.17(2))."
    )
    correction_reason = models.TextField(
        blank=True,
        help_text="While a sent response is being corrected: what was wrong with it. The "
        "next version sent carries it.",
    )

    def __str__(self):
        return f"Response to {self.request.reference}"


class ApprovalDecision(models.Model):
    """An approver's decision on the response, with what it said when they decided.

    What they saw is kept so that an approver asked again sees what changed since, and so
    that nothing changed after approval is sent without a second one.
    """

    class Kind(models.TextChoices):
        APPROVED = "approved", "Approved"
        RETURNED = "returned", "Returned for changes"

    request = models.ForeignKey(
        Request, on_delete=models.CASCADE, related_name="approval_decisions"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(default=moment)
    # {label: value} of every part of the response: see services.snapshot.
    snapshot = models.JSONField()

    class Meta:
        ordering = ["request", "decided_at", "id"]

    def __str__(self):
        return f"{self.request.reference}: {self.get_kind_display()}"


class SentResponse(models.Model):
    """One version of the response as it left the authority, kept exactly as it went.

    Its words and files never change once made; only its delivery (for an email, whether
    the mail server accepted it) moves on. A correction is a new version with its reason.
    """

    class Method(models.TextChoices):
        EMAIL = "email", "By email"
        POST = "post", "By post"
        HAND = "hand", "By hand"
        OTHER = "other", "From another system"

    class Status(models.TextChoices):
        SENDING = "sending", "Waiting for the mail server"
        SENT = "sent", "Sent"
        NOT_DELIVERED = "not_delivered", "Could not be delivered"

    request = models.ForeignKey(Request, on_delete=models.PROTECT, related_name="sent_responses")
    version = models.PositiveSmallIntegerField()
    method = models.CharField(max_length=10, choices=Method.choices)
    status = models.CharField(max_length=15, choices=Status.choices)
    # The letter's date, and for a response recorded as sent another way, the day it went.
    sent_on = models.DateField()
    # When it left: the mail server's acceptance, or when it was recorded as sent.
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The requester's email address or postal address, as it was sent to: personal data.
    recipient = models.TextField(blank=True)
    reason = models.TextField(blank=True, help_text="What this version corrects.")
    snapshot = models.JSONField()
    correspondence = models.OneToOneField(
        Correspondence,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sent_response",
    )

    class Meta:
        ordering = ["request", "version"]
        constraints = [
            models.UniqueConstraint(fields=["request", "version"], name="one_sent_version")
        ]

    def __str__(self):
        return f"{self.request.reference}: version {self.version}"

    # What may change once it exists: its delivery, never its words.
    DELIVERY_FIELDS = frozenset({"status", "sent_at"})

    def save(self, *args, update_fields=None, **kwargs):
        if self.pk is not None and not (
            update_fields is not None and set(update_fields) <= self.DELIVERY_FIELDS
        ):
            raise TypeError("A sent response is kept as it went: make a new version instead.")
        super().save(*args, update_fields=update_fields, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("A sent response is kept as it went: it cannot be deleted.")


def sent_file_path(kept, filename):
    """sent/REF/v<version>/<name>."""
    return f"sent/{kept.sent.request.reference}/v{kept.sent.version}/{filename}"


class SentFile(models.Model):
    """A file of a sent response, exactly as it went, with its SHA-256."""

    sent = models.ForeignKey(SentResponse, on_delete=models.PROTECT, related_name="files")
    # One of formats.FORMATS: "pdf", "docx", "html", "txt" for the letter, or the answer
    # tables' "xlsx", "ods" or "csv".
    format = models.CharField(max_length=10)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    # Under sent/ or, for a file attached to the email, the attachment's own (outgoing/).
    file = models.FileField(max_length=300, upload_to=sent_file_path)

    class Meta:
        ordering = ["sent", "id"]
        constraints = [
            models.UniqueConstraint(fields=["sent", "format"], name="one_sent_file_per_format")
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("A sent file is kept as it went: it cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("A sent file is kept as it went: it cannot be deleted.")


class LetterBlock(models.Model):
    """An administrator's own wording for one block of the response letter.

    Blocks are sandboxed Jinja2 in a small markup (## heading, - bullet, **bold**,
    [text](link)); without a row here the block shipped with foidesk is used.
    """

    key = models.CharField(max_length=40, unique=True)
    text = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.key


class LocalWording(models.Model):
    """The authority's own wording for an exemption in its letters."""

    exemption = models.CharField(max_length=40, unique=True)
    wording = models.TextField()

    def __str__(self):
        return self.exemption
