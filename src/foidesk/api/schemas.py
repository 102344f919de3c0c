"""The shapes of the JSON API. Other systems rely on these names: change them with care."""

from datetime import date, datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from ninja import Schema
from pydantic import Field, field_validator

from foidesk import law
from foidesk.casework.case_types import CLOCK_ACTIONS
from foidesk.law.regimes import REQUESTS


def one_of(members):
    """The codes of ``members`` (a foidesk.law list) as the type of a field."""
    return Literal[tuple(member.value for member in members)]


Regime = one_of(REQUESTS)
# The clock events an action records: a change of regime is recorded by editing the request.
EventKind = one_of(CLOCK_ACTIONS.values())


class RequesterIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(default="", max_length=254)
    address: str = ""

    @field_validator("email")
    @classmethod
    def email_is_an_address(cls, value):
        if value:
            try:
                validate_email(value)
            except ValidationError:
                raise ValueError("enter an email address like name@example.com") from None
        return value


class RequestIn(Schema):
    regime: Regime
    received_at: datetime
    requester: RequesterIn
    subject: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1)
    requested_format: str = Field(default="", max_length=200)

    @field_validator("received_at")
    @classmethod
    def received_at_has_a_time_zone(cls, value):
        if value.tzinfo is None:
            raise ValueError("give the time zone, e.g. 2020-01-17T10:12:00+00:00")
        return value


class QuestionOut(Schema):
    number: int
    text: str


class RequestOut(Schema):
    reference: str
    state: str
    due_on: date | None
    questions: list[QuestionOut]


class TimelineEventOut(Schema):
    at: datetime
    actor: str | None
    kind: str
    description: str


class RequesterOut(Schema):
    name: str
    email: str
    address: str


class SentFileOut(Schema):
    name: str
    format: str
    sha256: str


class SentOut(Schema):
    version: int
    on: date
    at: datetime | None
    method: str
    status: str
    files: list[SentFileOut]


class RequestDetail(RequestOut):
    timeline: list[TimelineEventOut]
    sent: list[SentOut] = []
    requester: RequesterOut | None = None


class RequestSummary(Schema):
    reference: str
    subject: str
    regime: str
    state: str
    received_at: datetime
    due_on: date | None
    assigned_officer: str | None


class RequestPage(Schema):
    items: list[RequestSummary]
    count: int
    page: int
    pages: int


class EventIn(Schema):
    kind: EventKind
    date: date
    note: str = ""


# The workflow's actions a system may take through the API; sending has its own call.
Action = Literal[
    "start",
    "draft",
    "submit_for_approval",
    "approve",
    "return_for_changes",
    "close",
    "withdraw",
    "lapse",
    "correct",
]


# A field called "date" with a default would shadow the type in its own annotation.
OptionalDate = date | None


class ActionIn(Schema):
    note: str = ""
    date: OptionalDate = None


class SendIn(Schema):
    method: Literal["email", "post", "hand", "other"]
    date: OptionalDate = None


class SendOut(Schema):
    status: Literal["queued", "sent"]
    version: int


class Problem(Schema):
    loc: list[str]
    msg: str


class Problems(Schema):
    detail: list[Problem]


class DecisionIn(Schema):
    held: one_of(law.Held)
    decision: one_of(law.Decision)
    answer: str = ""
    exemptions: list[str] = []
    published_at: str = Field(default="", max_length=500)


class DecisionOut(Schema):
    number: int
    held: str
    decision: str
    answer: str
    exemptions: list[str]
    published_at: str
    problems: list[str]


class IntakeOut(Schema):
    reference: str | None = None
    problem_id: int | None = None
    outcome: str


class IntakeProblemOut(Schema):
    id: int
    received_at: datetime
    reason: str
    channel: str
    size: int


class DisclosureEntryOut(Schema):
    reference: str
    title: str
    regime: str
    outcome: str
    topic: str
    service_areas: list[str]
    received_on: str
    responded_on: str
    published_at: str
    url: str
    snippet_html: str


class DisclosurePage(Schema):
    items: list[DisclosureEntryOut]
    count: int
    more: bool
    page: int
    pages: int


class SimilarRequestOut(Schema):
    reference: str
    subject: str
    state: str
    score: float
    shared_terms: list[str]
    published: bool
    round_robin_alike: int


class KeepIn(Schema):
    finding: str
    reason: str = Field(min_length=1, max_length=500)


class PublishIn(Schema):
    title: str | None = Field(default=None, max_length=200)
    topic: str = Field(default="", max_length=100)
    files: list[str] | None = None
    keep: list[KeepIn] = []
    remove: list[str] = []


class FindingOut(Schema):
    finding: str
    part: str
    kind: str
    reason: str
    words: str
    requester: bool
    hidden_content: bool
    may_be_kept: bool


class ReleasedFileOut(Schema):
    key: str
    name: str
    description: str


class PublishPreviewOut(Schema):
    title: str
    request: str
    response: str
    files: list[ReleasedFileOut]
    findings: list[FindingOut]


class PublishedOut(Schema):
    reference: str
    url: str
    title: str
    files: list[str]
