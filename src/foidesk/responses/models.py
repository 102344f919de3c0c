"""What the authority answers: a decision per question, the exemptions relied on with their
public interest tests, the answer tables, and the response letter's own parts.

Exemptions are keys into foidesk.law's catalogue; the law about them lives there.
"""

from django.db import models

from foidesk.casework.models import Question, Request


class Held(models.TextChoices):
    YES = "yes", "Yes"
    PARTLY = "partly", "Partly"
    NO = "no", "No"


class Outcome(models.TextChoices):
    RELEASED = "released", "Released"
    PARTLY_RELEASED = "partly_released", "Partly released"
    WITHHELD = "withheld", "Withheld"
    NOT_HELD = "not_held", "Not held"
    PUBLISHED = "published", "Already published"
    NCND = "ncnd", "Neither confirmed nor denied"


class Decision(models.Model):
    """What the authority decided about one question, and what the letter says of it."""

    question = models.OneToOneField(Question, on_delete=models.CASCADE, related_name="decision")
    held = models.CharField(max_length=10, choices=Held.choices, default=Held.YES)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.RELEASED)
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

    class Meta:
        ordering = ["request", "position", "id"]

    def __str__(self):
        return f"{self.request.reference}: {self.name}"


class Response(models.Model):
    """The parts of the response that belong to the request as a whole, and its sending."""

    class Method(models.TextChoices):
        EMAIL = "email", "Email"
        POST = "post", "Post"
        WHATDOTHEYKNOW = "whatdotheyknow", "WhatDoTheyKnow"

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
    sent_on = models.DateField(null=True, blank=True)
    sent_method = models.CharField(max_length=20, choices=Method.choices, blank=True)

    def __str__(self):
        return f"Response to {self.request.reference}"


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
