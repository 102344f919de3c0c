"""Sending the response, and keeping each version of it exactly as it went.

By email, the letter is the message (plain text and HTML) with the letter as PDF and Word
and the answer tables attached, queued to the outgoing mail: the request is "responded"
when the mail server accepts it, not before. Sent another way (post, by hand, from another
system), the officer records the day it went. Either way a SentResponse keeps the files
that went, with their SHA-256, the recipient and the time, and what every part of the
response said; a correction is the next version, with its reason, and the timeline says
what changed since the last.
"""

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from foidesk.casework import services as casework
from foidesk.casework import workflow
from foidesk.casework.models import TimelineEvent, moment
from foidesk.intake import outgoing
from foidesk.intake.models import Correspondence
from foidesk.law.dates import show, uk_date
from foidesk.responses import changes, filecheck, formats, services
from foidesk.responses.models import SentFile, SentResponse
from foidesk.responses.services import ResponseError

Method = SentResponse.Method
Status = SentResponse.Status
# The words a requester's format choice is recognised by; the workbook is Excel otherwise.
ANSWER_FORMAT_WORDS = {"ods": ("opendocument", "libreoffice", ".ods", " ods"), "csv": ("csv",)}


def answers_format(case):
    """The format the answer tables go in: what the requester asked for, else Excel."""
    wanted = f" {case.requested_format.lower()}"
    for extension, words in ANSWER_FORMAT_WORDS.items():
        if any(word in wanted for word in words):
            return extension
    return "xlsx"


def send_by_email(case, actor):
    """Queue the response to the requester by email, as version N; returns the version.

    A change since approval first sends the response back for approval, so what goes is
    what was approved.
    """
    if not (case.requester and case.requester.email):
        raise ResponseError(
            "The requester gave no email address: send the response by post or by hand, "
            "then record it as sent."
        )
    _approved_as_it_stands(case)
    day = timezone.localdate(moment())
    with transaction.atomic():
        casework.take_action(case, actor, "send_by_email")
        composed = services.compose_letter(case, letter_date=day)
        files = _files(case, composed)
        _nothing_hidden(case, files)
        version = _next_version(case)
        reason = services.response_of(case).correction_reason
        sent_email = outgoing.send(
            case,
            Correspondence.Kind.RESPONSE,
            subject=_subject(case, reason),
            text=files["txt"].decode(),
            html=files["html"].decode(),
            files=[
                (services.file_name(case, name), formats.FORMATS[name].content_type, data)
                for name, data in files.items()
                if name in ATTACHED or formats.FORMATS[name].part == "answers"
            ],
            actor=actor,
        )
        sent = SentResponse.objects.create(
            request=case,
            version=version,
            method=Method.EMAIL,
            status=Status.SENDING,
            sent_on=day,
            sent_by=actor,
            recipient=sent_email.recipient,
            reason=reason,
            snapshot=services.snapshot(case),
            correspondence=sent_email,
        )
        attached = {item.filename: item.file.name for item in sent_email.attachments.all()}
        for name, data in files.items():
            stored = attached.get(services.file_name(case, name))
            _keep(sent, case, name, data, stored)
        casework.record(
            case,
            actor,
            TimelineEvent.Kind.RESPONSE_SENT,
            f"Response version {version} queued to send by email",
        )
    return sent


def record_sent(case, actor, *, on, method):
    """Record the response as sent on ``on`` by ``method`` (post, by hand, or from another
    system), keeping the letter as it was written for that day."""
    if method not in {Method.POST, Method.HAND, Method.OTHER}:
        raise ResponseError("Choose how the response was sent: by post, by hand or another way.")
    if on > timezone.localdate():
        raise ResponseError("The date the response was sent must be today or earlier.")
    if on < uk_date(case.received_at):
        raise ResponseError(
            f"The date the response was sent cannot be before the request was received, "
            f"{show(uk_date(case.received_at))}."
        )
    _approved_as_it_stands(case)
    with transaction.atomic():
        label = Method(method).label
        casework.take_action(case, actor, "mark_sent", note=f"{label} on {show(on)}")
        composed = services.compose_letter(case, letter_date=on)
        files = _files(case, composed)
        sent = SentResponse.objects.create(
            request=case,
            version=_next_version(case),
            method=method,
            status=Status.SENT,
            sent_on=on,
            sent_at=moment(),
            sent_by=actor,
            recipient=_postal_recipient(case) if method == Method.POST else "",
            reason=services.response_of(case).correction_reason,
            snapshot=services.snapshot(case),
        )
        for name, data in files.items():
            _keep(sent, case, name, data)
        _responded(case, sent, actor)
    return sent


def _approved_as_it_stands(case):
    """A response changed since its approval goes back for approval before anything goes."""
    found = services.recheck_approval(case)
    if found:
        raise ResponseError(
            "The response has changed since it was approved ("
            + changes.describe(found, limit=3)
            + "), so it has gone back for approval. Nothing was sent."
        )


def try_again(case, actor):
    """Queue once more the email of a response that could not be delivered."""
    sent = (
        case.sent_responses.filter(method=Method.EMAIL, status=Status.NOT_DELIVERED)
        .order_by("-version")
        .first()
    )
    if sent is None or case.state != workflow.State.SENDING:
        raise ResponseError("There is no email of this response waiting to be tried again.")
    outgoing.try_again(sent.correspondence, actor)
    sent.refresh_from_db()
    return sent


@receiver(outgoing.delivered)
def _delivered(sender, correspondence, **kwargs):
    sent = SentResponse.objects.filter(correspondence=correspondence).first()
    if sent is None:
        return
    with transaction.atomic():
        sent.status = Status.SENT
        sent.sent_at = moment()
        sent.save(update_fields=["status", "sent_at"])
        casework.take_action(sent.request, casework.SYSTEM, "delivered")
        _responded(sent.request, sent, casework.SYSTEM)


@receiver(outgoing.queued_again)
def _queued_again(sender, correspondence, **kwargs):
    # From the response page or the list of email not sent, perhaps to a corrected address.
    SentResponse.objects.filter(correspondence=correspondence).update(
        status=Status.SENDING, recipient=correspondence.recipient
    )


@receiver(outgoing.not_delivered)
def _not_delivered(sender, correspondence, **kwargs):
    sent = SentResponse.objects.filter(correspondence=correspondence).first()
    if sent is not None:
        sent.status = Status.NOT_DELIVERED
        sent.save(update_fields=["status"])


def _responded(case, sent, actor):
    """The version has gone: the request is answered, and the timeline says what went."""
    # By email, the day the mail server took it; otherwise the day the officer gives.
    went_on = timezone.localdate(sent.sent_at) if sent.method == Method.EMAIL else sent.sent_on
    casework.mark_responded(case, went_on)
    words = f"Response version {sent.version} sent {sent.get_method_display().lower()}"
    words += f", dated {show(sent.sent_on)}"
    previous = (
        case.sent_responses.filter(status=Status.SENT, version__lt=sent.version)
        .order_by("-version")
        .first()
    )
    if previous is not None:
        words += f". It corrects version {previous.version}"
        if sent.reason:
            words += f": {sent.reason}"
        found = changes.between(previous.snapshot, sent.snapshot)
        words += ". What changed: " + changes.describe(found) if found else ". Nothing else changed"
    casework.record(case, actor, TimelineEvent.Kind.RESPONSE_SENT, words)
    response = services.response_of(case)
    if response.correction_reason:
        response.correction_reason = ""
        response.save(update_fields=["correction_reason"])


def _files(case, composed):
    """Every file of the response, by format: the letter's, and the answer tables'."""
    files = {name: services.letter_file(composed, name) for name in ["pdf", "docx", "html", "txt"]}
    if case.answer_sheets.exists():
        extension = answers_format(case)
        files[extension] = services.render_answers(case, extension)
    return files


def _nothing_hidden(case, files):
    """The files attached are checked as released files are: nothing hidden leaves."""
    found = [
        f"{services.file_name(case, extension)}: {finding}"
        for extension, data in files.items()
        if extension in ATTACHED or formats.FORMATS[extension].part == "answers"
        for finding in filecheck.check(services.file_name(case, extension), data)
    ]
    if found:
        raise ResponseError(
            "A file to be attached holds hidden content, so nothing was sent: " + " ".join(found)
        )


# The letter's files that go as attachments; its HTML and text are the email itself.
ATTACHED = {"pdf", "docx"}


def _keep(sent, case, extension, data, stored=None):
    """Keep one file of a sent version; ``stored`` is the name it is already stored under (as
    an email's attachment), if it is."""
    name = services.file_name(case, extension)
    SentFile.objects.create(
        sent=sent,
        format=extension,
        name=name,
        content_type=formats.FORMATS[extension].content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        file=stored or ContentFile(data, name=name),
    )


def _next_version(case):
    last = case.sent_responses.order_by("-version").values_list("version", flat=True).first()
    return (last or 0) + 1


def _subject(case, correcting):
    if correcting:
        return (
            "Correction to our response to your request for information – our ref: "
            f"{case.reference}"
        )
    return f"Response to your request for information – our ref: {case.reference}"


def _postal_recipient(case):
    requester = case.requester
    if requester is None:
        return ""
    return "\n".join(part for part in [requester.name, requester.postal_address] if part)


def versions(case):
    """The versions of the response that went, oldest first."""
    return case.sent_responses.filter(status=Status.SENT).prefetch_related("files")


def sent_version(case, version=None):
    """Version ``version`` as it went (the latest by default), or None."""
    sent = versions(case)
    if version is not None:
        return sent.filter(version=version).first()
    return sent.order_by("-version").first()


def sent_file(sent, extension):
    """The file of ``sent`` in ``extension``, or None; its bytes are ``read(file)``."""
    return sent.files.filter(format=extension).first()


def read(kept):
    with kept.file.open("rb") as stored:
        return stored.read()


def in_flight(case):
    """The email of the response waiting for the mail server, if there is one."""
    return (
        case.sent_responses.filter(method=Method.EMAIL, status=Status.SENDING)
        .select_related("correspondence")
        .first()
    )


def not_delivered(case):
    """The email of the response foidesk gave up on, while the request is still sending."""
    if case.state != workflow.State.SENDING:
        return None
    return (
        case.sent_responses.filter(method=Method.EMAIL, status=Status.NOT_DELIVERED)
        .select_related("correspondence")
        .order_by("-version")
        .first()
    )
