"""What arrives and what is sent: every message kept, raw, before anything reads it.

A message in is stored as it came (``InboundMessage.raw_file``) and only then parsed. What
cannot be read, or should not be trusted, waits as an ``IntakeProblem`` for an officer;
nothing received is dropped. Every message in or out of a case is ``Correspondence``.
"""

import uuid

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.db import models
from django.utils import timezone
from django.utils.text import get_valid_filename

from foidesk.casework.models import Request


def raw_message_path(message, filename):
    """inbound/YYYY/MM/DD/<random>.eml, by the day it came: the name a message gives itself
    is the sender's, so it is not used."""
    return f"inbound/{timezone.now():%Y/%m/%d}/{uuid.uuid4().hex}.eml"


class InboundMessage(models.Model):
    """One message received, exactly as received."""

    class Channel(models.TextChoices):
        SMTP = "smtp", "Email (SMTP)"
        IMAP = "imap", "Email (mailbox)"
        FILE = "file", "Email file"
        API = "api", "API"

    class Outcome(models.TextChoices):
        RECEIVED = "received", "Received, not yet read"
        NEW_REQUEST = "new_request", "Logged as a new request"
        REPLY = "reply", "Added to a request"
        AUTO_REPLY = "auto_reply", "Automatic reply"
        BOUNCE = "bounce", "Bounced message"
        ABUSE_REPORT = "abuse_report", "Abuse report"
        PROBLEM = "problem", "Waiting for an officer"

    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    raw_file = models.FileField(
        max_length=300, upload_to=raw_message_path, help_text="The message as it came."
    )
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    envelope_from = models.CharField(max_length=500, blank=True)
    envelope_to = models.TextField(blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.RECEIVED)
    # Read once for the list of automatic email, so that the list need not read every one.
    subject = models.CharField(max_length=500, blank=True)
    sender = models.CharField(max_length=500, blank=True)
    request = models.ForeignKey(
        Request, null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound"
    )

    AUTOMATIC = (Outcome.AUTO_REPLY, Outcome.BOUNCE, Outcome.ABUSE_REPORT)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self):
        return f"Message {self.pk} ({self.get_outcome_display()})"


class IntakeProblem(models.Model):
    """A message no request could be made from without a person: why, and what was done."""

    message = models.OneToOneField(InboundMessage, on_delete=models.CASCADE, related_name="problem")
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["resolved_at", "-created_at"]

    def __str__(self):
        return f"Problem with message {self.message_id}"


class Correspondence(models.Model):
    """A message in or out of a request, with its Message-ID for threading replies."""

    class Direction(models.TextChoices):
        IN = "in", "Received"
        OUT = "out", "Sent"

    class Kind(models.TextChoices):
        REQUEST = "request", "The request"
        REPLY = "reply", "Message from the requester"
        ACKNOWLEDGEMENT = "acknowledgement", "Acknowledgement"
        CLARIFICATION = "clarification", "Clarification request"
        FEE_NOTICE = "fee_notice", "Fees notice"
        EXTENSION = "extension", "Extension notice"
        RESPONSE = "response", "Response"

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        QUEUED = "queued", "Waiting to be sent"
        SENT = "sent", "Sent"
        RETRYING = "retrying", "Not sent yet: trying again"
        FAILED = "failed", "Could not be sent"

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="correspondence")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField(auto_now_add=True)
    subject = models.CharField(max_length=500, blank=True)
    sender = models.CharField(max_length=500, blank=True)
    recipient = models.CharField(max_length=500, blank=True)
    body = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    message_id = models.CharField(max_length=500, blank=True, db_index=True)
    inbound = models.ForeignKey(
        InboundMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RECEIVED)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["request", "at", "id"]
        verbose_name_plural = "correspondence"

    def __str__(self):
        return f"{self.request.reference}: {self.get_kind_display()}"


def attachment_path(attachment, filename):
    """attachments/REF/<message>/<name> for a file received, outgoing/REF/<message>/<name> for
    one sent."""
    message = attachment.correspondence
    folder = "attachments" if message.direction == Correspondence.Direction.IN else "outgoing"
    # Storage keeps letters, digits, "-", "_" and "." of a name; a sender's name may have none,
    # and the file is kept all the same.
    try:
        filename = get_valid_filename(filename)
    except SuspiciousFileOperation:
        filename = "attachment"
    return f"{folder}/{message.request.reference}/{message.pk}/{filename}"


class Attachment(models.Model):
    """A file that came with a message, or was sent with one; stored, never run."""

    correspondence = models.ForeignKey(
        Correspondence, on_delete=models.CASCADE, related_name="attachments"
    )
    filename = models.CharField(max_length=300)
    content_type = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    # Empty for a file too large to keep apart from its message (the raw message holds it).
    file = models.FileField(max_length=300, upload_to=attachment_path, blank=True)
    dangerous = models.BooleanField(default=False)

    def __str__(self):
        return self.filename
