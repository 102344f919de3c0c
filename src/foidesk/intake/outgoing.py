"""Email to requesters: recorded on the case first, then sent by a background task.

Each message is Correspondence with its own Message-ID, so a reply finds its case. A
failure the mail server calls temporary (4xx, a dropped connection) is tried again with
growing pauses; a permanent one (5xx, a refused address, an email that cannot even be
made) is shown on the case and in the list of email not sent, for an officer to act on: by
correcting the address and sending again, or by sending the letter by post.

Other apps learn the outcome from signals, sent with ``correspondence``: ``delivered``
once the mail server has accepted a message, ``not_delivered`` once foidesk has given up on
it, and ``queued_again`` when an officer sends it again (perhaps to a corrected address).
(The response's own record is in the responses app, which this one must not import.)
"""

import logging
import smtplib
from datetime import timedelta
from email.utils import formataddr, make_msgid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import transaction
from django.dispatch import Signal
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone

from foidesk.casework import services as casework
from foidesk.casework.models import TimelineEvent
from foidesk.intake.models import Attachment, Correspondence

logger = logging.getLogger(__name__)

# Pauses before each new attempt at a message the mail server turned away for now.
RETRY_AFTER = [
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
]


delivered = Signal()
not_delivered = Signal()
queued_again = Signal()


class OutgoingError(Exception):
    """A message that cannot be sent as asked; the message says why and what to do."""


def message_id():
    """A new Message-ID, lower-cased: replies are matched on the lower-cased form."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "foidesk.invalid"
    return make_msgid(domain=domain).lower()


def send(case, kind, *, subject, text, html="", files=(), actor=None):
    """Queue an email to the requester; ``files`` are (filename, content_type, bytes)."""
    recipient = case.requester.email if case.requester else ""
    if not recipient:
        raise OutgoingError(
            "The requester gave no email address: send this by post, then record it."
        )
    with transaction.atomic():
        sent = Correspondence.objects.create(
            request=case,
            direction=Correspondence.Direction.OUT,
            kind=kind,
            subject=subject,
            sender=_from(casework.current_authority()),
            recipient=recipient,
            body=text,
            body_html=html,
            message_id=message_id(),
            status=Correspondence.Status.QUEUED,
            sent_by=actor,
        )
        for filename, content_type, data in files:
            Attachment.objects.create(
                correspondence=sent,
                filename=filename,
                content_type=content_type,
                size=len(data),
                file=ContentFile(data, name=filename),
            )
        casework.record(
            case,
            actor,
            TimelineEvent.Kind.EMAIL,
            f"{sent.get_kind_display()} queued to send by email",
        )
        transaction.on_commit(lambda: deliver.enqueue(sent.pk))
    return sent


def _from(authority):
    """The authority's name on foidesk's address, so the requester sees who wrote."""
    if authority.pk is None:
        return settings.DEFAULT_FROM_EMAIL
    return formataddr((authority.name, settings.DEFAULT_FROM_EMAIL))


def send_templated(case, kind, template, context, *, actor=None, subject=None, files=()):
    """Send ``casework/email/<template>.txt`` with the case's reference in its subject."""
    full = {"case": case, "authority": casework.current_authority(), **context}
    text = render_to_string(f"intake/email/{template}.txt", full)
    subject = subject or f"Your request for information – our ref: {case.reference}"
    return send(case, kind, subject=subject, text=text, actor=actor, files=files)


@task
def deliver(correspondence_id):
    """Hand one queued message to the mail server, or plan the next attempt."""
    sent = Correspondence.objects.select_related("request").get(pk=correspondence_id)
    if sent.status not in {Correspondence.Status.QUEUED, Correspondence.Status.RETRYING}:
        return sent.status
    sent.attempts += 1
    try:
        mailers.default.send_messages([_email(sent)])
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as refused:
        _failed(sent, f"The mail server refused the address: {refused}")
    except smtplib.SMTPResponseException as answered:
        if 400 <= answered.smtp_code < 500:
            _retry(sent, f"The mail server said: {answered.smtp_code} {answered.smtp_error!r}")
        else:
            _failed(sent, f"The mail server said: {answered.smtp_code} {answered.smtp_error!r}")
    except smtplib.SMTPServerDisconnected as lost:
        _retry(sent, f"The mail server could not be reached: {lost}")
    except smtplib.SMTPException as unsupported:
        # Say, an address the server cannot take (SMTPUTF8) or a sign-in it does not offer:
        # the same again would fail the same way.
        _failed(sent, f"The mail server could not take this email: {unsupported}")
    except OSError as lost:
        _retry(sent, f"The mail server could not be reached: {lost}")
    except Exception as unmade:
        # The email could not be made at all, most often because the address cannot be
        # written as one (a domain that is not a domain): trying again cannot help, an
        # officer correcting the address can. Only its kind is logged: its words may
        # quote the address.
        logger.warning("Correspondence %s could not be made: %s", sent.pk, type(unmade).__name__)
        _failed(
            sent,
            f"The email could not be made, so no mail server was tried ({unmade}). "
            "Check the requester's email address, correct it if it is wrong, and send again.",
        )
    else:
        # Saved before anyone is told: the message has gone, whatever they do with it.
        sent.status = Correspondence.Status.SENT
        sent.error = ""
        sent.save(update_fields=["status", "error", "attempts"])
        casework.record(
            sent.request, None, TimelineEvent.Kind.EMAIL, f"{sent.get_kind_display()} sent by email"
        )
        _tell(delivered, sent)
    return sent.status


def _tell(signal, sent):
    for receiver, failure in signal.send_robust(sender=Correspondence, correspondence=sent):
        if isinstance(failure, Exception):
            logger.error(
                "Correspondence %s: %s failed", sent.pk, receiver.__qualname__, exc_info=failure
            )


def try_again(sent, actor, address=None):
    """An officer asks for a message foidesk gave up on to be tried once more, to
    ``address`` when they have corrected the requester's."""
    if sent.status != Correspondence.Status.FAILED:
        raise OutgoingError("Only a message that could not be sent can be tried again.")
    with transaction.atomic():
        if address and address != sent.recipient:
            _correct_address(sent, actor, address)
        sent.status = Correspondence.Status.QUEUED
        sent.attempts = 0
        sent.save(update_fields=["status", "attempts", "recipient"])
        casework.record(
            sent.request,
            actor,
            TimelineEvent.Kind.EMAIL,
            f"{sent.get_kind_display()} queued to try again",
        )
        _tell(queued_again, sent)
        transaction.on_commit(lambda: deliver.enqueue(sent.pk))


def _correct_address(sent, actor, address):
    """The requester's address was wrong: corrected for this message and all that follow."""
    requester = sent.request.requester
    requester.email = address
    requester.save(update_fields=["email"])
    sent.recipient = address
    # The timeline names no address: contributors read it.
    casework.record(
        sent.request, actor, TimelineEvent.Kind.EMAIL, "The requester's email address corrected"
    )


def failed():
    """Every message foidesk gave up on and nobody has sent again, newest first."""
    return (
        Correspondence.objects.filter(
            direction=Correspondence.Direction.OUT, status=Correspondence.Status.FAILED
        )
        .select_related("request")
        .order_by("-at")
    )


def _email(sent):
    authority = casework.current_authority()
    # Replies go to the team's own mailbox when foidesk sends from another address.
    answer_to = authority.email if authority.email else ""
    email = EmailMultiAlternatives(
        subject=sent.subject,
        body=sent.body,
        from_email=sent.sender,
        to=[sent.recipient],
        reply_to=[answer_to] if answer_to and answer_to not in sent.sender else [],
        headers={"Message-ID": sent.message_id, **_thread_headers(sent)},
    )
    if sent.body_html:
        email.attach_alternative(sent.body_html, "text/html")
    for attached in sent.attachments.all():
        with attached.file.open("rb") as stored:
            email.attach(attached.filename, stored.read(), attached.content_type)
    return email


def _thread_headers(sent):
    """In-Reply-To the requester's last message, so their mail program threads ours."""
    last_in = (
        Correspondence.objects.filter(request=sent.request, direction=Correspondence.Direction.IN)
        .exclude(message_id="")
        .order_by("-at")
        .first()
    )
    if last_in is None:
        return {}
    return {"In-Reply-To": last_in.message_id, "References": last_in.message_id}


def _retry(sent, reason):
    if sent.attempts > len(RETRY_AFTER):
        _failed(sent, f"{reason} (after {sent.attempts} attempts)")
        return
    sent.status = Correspondence.Status.RETRYING
    sent.error = reason
    sent.save(update_fields=["status", "error", "attempts"])
    run_after = timezone.now() + RETRY_AFTER[sent.attempts - 1]
    deliver.using(run_after=run_after).enqueue(sent.pk)


def _failed(sent, reason):
    sent.status = Correspondence.Status.FAILED
    sent.error = reason
    sent.save(update_fields=["status", "error", "attempts"])
    logger.warning("Correspondence %s could not be sent", sent.pk)
    # The server's words may quote the requester's address, so they stay with the
    # correspondence, which only the FOI team sees; the timeline says only what happened.
    casework.record(
        sent.request,
        None,
        TimelineEvent.Kind.EMAIL,
        f"{sent.get_kind_display()} could not be sent by email: see the correspondence",
    )
    _tell(not_delivered, sent)
