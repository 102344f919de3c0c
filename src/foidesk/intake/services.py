"""Receiving: every message is stored as it came, then read, then threaded onto its case or
logged as a new request; what cannot be trusted waits for an officer.

The rule is that nothing received is ever lost: the raw bytes are saved (and committed)
before anything reads them, and any failure after that leaves an IntakeProblem holding them.
"""

import hashlib
import logging
import re

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone

from foidesk.casework import references, workflow
from foidesk.casework import services as casework
from foidesk.casework.models import Request, TimelineEvent
from foidesk.intake import parsing
from foidesk.intake.models import Attachment, Correspondence, InboundMessage, IntakeProblem

logger = logging.getLogger(__name__)

# WhatDoTheyKnow's subjects all begin so; the rest is the requester's own title.
WHATDOTHEYKNOW_PREFIX = re.compile(
    r"^(freedom of information|environmental information) request\s*[-–:]\s*", re.I
)
REPLY_PREFIX = re.compile(r"^((re|fw|fwd|aw|sv)\s*:\s*)+", re.I)


def store(raw, channel, envelope_from="", envelope_to=()):
    """Keep the message exactly as it came; committed before anything reads it."""
    return InboundMessage.objects.create(
        channel=channel,
        raw_file=ContentFile(raw, name="message.eml"),
        size=len(raw),
        sha256=hashlib.sha256(raw).hexdigest(),
        envelope_from=envelope_from[:500],
        envelope_to="\n".join(envelope_to),
    )


def raw_bytes(message):
    with message.raw_file.open("rb") as stored:
        return stored.read()


def receive(raw, channel, envelope_from="", envelope_to=()):
    """Store, then read, one message; the InboundMessage says what became of it."""
    message = store(raw, channel, envelope_from, envelope_to)
    try:
        with transaction.atomic(), casework.authority_read_once():
            _read(message, parsing.parse(raw))
    except Exception:
        # Logged by number only: the message may carry a requester's personal data.
        logger.exception("Message %s could not be processed", message.pk)
        _problem(message, "foidesk could not process this message because of an error of its own.")
    message.refresh_from_db()
    return message


def _read(message, parsed):
    blocking = _blocking_problems(parsed)
    if blocking:
        _problem(message, " ".join(blocking))
        if _worth_telling(parsed):
            transaction.on_commit(lambda: tell_sender.enqueue(message.pk))
        return
    case = _thread(parsed)
    if parsed.kind in parsing.AUTOMATIC:
        _automatic(message, parsed, case)
    elif case is not None:
        _reply(message, parsed, case)
    else:
        _new_request(message, parsed)


def _blocking_problems(parsed):
    """What keeps a message from becoming a request by itself: unreadable, too large, or
    carrying something harmful. Other notes (say, a winmail.dat) go on the request."""
    problems = [
        f"An attachment, {attached.filename or 'without a name'}, could be harmful "
        f"({attached.sniffed_type})."
        for attached in parsed.attachments
        if attached.dangerous
    ]
    problems += [
        f"An attachment, {attached.filename or 'without a name'}, is larger than "
        f"{parsing.MAX_ATTACHMENT_BYTES // parsing.MB} MB."
        for attached in parsed.attachments
        if attached.too_large
    ]
    problems += [problem for problem in parsed.problems if _is_blocking(problem)]
    if not parsed.from_address and parsed.kind == parsing.REQUEST:
        problems.append("There is no address to reply to.")
    elif parsed.kind == parsing.REQUEST and _forwards_nothing(parsed):
        problems.append(
            "The message forwards another, but the forwarded message has no text, so there "
            "is no request to log. Check its attachments, or ask whoever forwarded it to "
            "send the request again."
        )
    elif (
        parsed.kind == parsing.REQUEST
        and not parsed.forwarded
        and not parsing.has_visible_text(parsed.text)
    ):
        problems.append("The message has no text.")
    return list(dict.fromkeys(problems))


def _is_blocking(problem):
    return problem.startswith(("The message is larger", "The message could not be read"))


def _thread(parsed):
    """The case a message belongs to: a reply to our own mail, or one quoting a reference."""
    ids = parsing.message_ids_in(parsed)
    if parsed.kind in {parsing.BOUNCE, parsing.ABUSE_REPORT}:
        # What a bounce or an abuse report carries is our own email, Message-ID and all.
        ids += [parsing.normalise_message_id(inner.message_id) for inner in parsed.forwarded]
    if ids:
        ours = (
            Correspondence.objects.filter(
                direction=Correspondence.Direction.OUT, message_id__in=[f"<{i}>" for i in ids]
            )
            .select_related("request")
            .first()
        )
        if ours is not None:
            return ours.request
    pattern = references.pattern(casework.current_authority().reference_format)
    for reference in parsing.references_in(parsed, pattern):
        found = Request.objects.filter(reference=reference).first()
        if found is not None:
            return found
    return None


def _worth_telling(parsed):
    """Whether the sender should hear that their message waits for a person: only a person
    who wrote (never an automatic message, so two programs cannot answer each other for
    ever), and only when what they sent was turned away for its size or its attachments."""
    if parsed.kind != parsing.REQUEST or not parsed.from_address:
        return False
    return any(attached.dangerous or attached.too_large for attached in parsed.attachments) or any(
        problem.startswith("The message is larger") for problem in parsed.problems
    )


@task
def tell_sender(message_id):
    """A plain notice to the sender of a message that waits for an officer, at most one a
    day to any one address."""
    message = InboundMessage.objects.select_related("problem").get(pk=message_id)
    parsed = parsing.parse(raw_bytes(message))
    key = "told-sender:" + hashlib.sha256(parsed.from_address.encode()).hexdigest()
    if not cache.add(key, True, 24 * 60 * 60):
        return False
    authority = casework.current_authority()
    body = render_to_string(
        "intake/email/held.txt", {"authority": authority, "reason": message.problem.reason}
    )
    notice = EmailMessage(
        f"Your email to {authority.name}: we could not accept all of it",
        body,
        settings.DEFAULT_FROM_EMAIL,
        [parsed.from_address],
        headers={"Auto-Submitted": "auto-replied"},
    )
    mailers.default.send_messages([notice])
    return True


def _problem(message, reason):
    InboundMessage.objects.filter(pk=message.pk).update(outcome=InboundMessage.Outcome.PROBLEM)
    IntakeProblem.objects.update_or_create(message=message, defaults={"reason": reason})


def _automatic(message, parsed, case):
    """An out-of-office, a bounce or an abuse report: kept, listed for officers under
    automatic email, and noted on its case; never a new request, never answered."""
    InboundMessage.objects.filter(pk=message.pk).update(
        outcome=InboundMessage.Outcome(parsed.kind),
        request=case,
        subject=parsed.subject[:500],
        sender=(parsed.from_address or parsed.from_name)[:500],
    )
    if case is not None and parsed.kind in AUTOMATIC_NOTES:
        casework.record(
            case, casework.SYSTEM, TimelineEvent.Kind.EMAIL, AUTOMATIC_NOTES[parsed.kind]
        )


AUTOMATIC_NOTES = {
    parsing.BOUNCE: "An email to the requester bounced: check their address, or send by post",
    parsing.ABUSE_REPORT: (
        "The requester's mail provider passed on a complaint that an email about this request "
        "was unwanted (an abuse report). Nothing was sent in answer"
    ),
}


def log_automatic_as_request(message, actor):
    """An officer has read a message taken for automatic email (a person's, sent as bulk
    mail, say) and wants it logged as a request."""
    parsed = parsing.parse(raw_bytes(message))
    with transaction.atomic():
        _new_request(message, parsed, actor=actor)
    message.refresh_from_db()
    return message.request


def _reply(message, parsed, case):
    _correspond(message, parsed, case, Correspondence.Kind.REPLY)
    InboundMessage.objects.filter(pk=message.pk).update(
        outcome=InboundMessage.Outcome.REPLY, request=case
    )
    casework.record(
        case, casework.SYSTEM, TimelineEvent.Kind.EMAIL, "Email from the requester received"
    )
    if case.state == workflow.State.AWAITING_CLARIFICATION:
        casework.take_action(
            case,
            casework.SYSTEM,
            "clarification_received",
            on=timezone.localdate(message.received_at),
            note="By email",
        )


def _new_request(message, parsed, actor=casework.SYSTEM):
    source = _request_source(parsed)
    case = casework.log_request(
        actor,
        regime="foi",
        channel="whatdotheyknow" if parsed.via_whatdotheyknow else "email",
        received_at=message.received_at,
        subject=_subject(source.subject or parsed.subject),
        body=source.text.strip(),
        requester={
            "name": source.from_name or parsed.from_name or source.from_address,
            "email": parsed.from_address,
        },
        # An abuse report is never answered, even once an officer logs it: its sender is a
        # mail provider's program, not the person who wrote what it carries.
        acknowledge=parsed.kind != parsing.ABUSE_REPORT,
    )
    _correspond(message, parsed, case, Correspondence.Kind.REQUEST)
    for note in parsed.problems:
        casework.record(
            case, casework.SYSTEM, TimelineEvent.Kind.EMAIL, f"On reading the email: {note}"
        )
    InboundMessage.objects.filter(pk=message.pk).update(
        outcome=InboundMessage.Outcome.NEW_REQUEST, request=case
    )


def _request_source(parsed):
    """A request forwarded by a colleague is the forwarded message, not the covering note."""
    if parsed.forwarded and _covering_note(parsed):
        for inner in parsed.forwarded:
            if parsing.has_visible_text(inner.text):
                return inner
    return parsed


def _covering_note(parsed):
    """Whether the text beside a forwarded message is only a note about it: a colleague's
    note is short, a request of one's own rarely is."""
    return len(parsed.text.strip()) < 500


def _forwards_nothing(parsed):
    """A forward of an empty message: the covering note ("see below") is no request."""
    return (
        bool(parsed.forwarded)
        and _covering_note(parsed)
        and not any(parsing.has_visible_text(inner.text) for inner in parsed.forwarded)
    )


def _subject(subject):
    subject = WHATDOTHEYKNOW_PREFIX.sub("", REPLY_PREFIX.sub("", subject.strip()))
    return (subject or "Request received by email")[:200]


def _correspond(message, parsed, case, kind):
    kept = Correspondence.objects.create(
        request=case,
        direction=Correspondence.Direction.IN,
        kind=kind,
        subject=parsed.subject[:500],
        sender=parsed.from_address[:500],
        recipient=", ".join(parsed.to)[:500],
        body=parsed.text,
        message_id=parsed.message_id[:500],
        inbound=message,
    )
    for attached in parsed.attachments:
        filename = attached.filename or "attachment"
        Attachment.objects.create(
            correspondence=kept,
            filename=filename[:300],
            content_type=attached.content_type[:200],
            size=attached.size,
            file=ContentFile(attached.data, name=filename) if attached.data else None,
            dangerous=attached.dangerous,
        )
    return kept


def request_from_form(answers):
    """A request made through the public form: logged, and acknowledged by email."""
    text = answers["request"].strip()
    case = casework.log_request(
        casework.SYSTEM,
        regime="foi",
        channel="web",
        received_at=timezone.now(),
        subject=_first_words(text),
        body=text,
        requested_format=answers["preferred_format"],
        requester={
            "name": answers["name"],
            "email": answers["email"],
            "postal_address": answers["postal_address"].strip(),
        },
        acknowledge=True,
    )
    Correspondence.objects.create(
        request=case,
        direction=Correspondence.Direction.IN,
        kind=Correspondence.Kind.REQUEST,
        subject="Request made on the website",
        sender=answers["email"],
        body=text,
    )
    return case


def _first_words(text, limit=80):
    line = text.splitlines()[0] if text else ""
    return line if len(line) <= limit else line[: limit - 1].rsplit(" ", 1)[0] + "…"


def log_problem_as_request(problem, actor):
    """An officer has looked at a problem message and wants it logged as a request."""
    raw = raw_bytes(problem.message)
    parsed = parsing.parse(raw)
    with transaction.atomic():
        _new_request(problem.message, parsed, actor=actor)
        problem.message.refresh_from_db()
        resolve(problem, actor, f"Logged as request {problem.message.request.reference}")
    return problem.message.request


def resolve(problem, actor, resolution):
    """An officer has dealt with a problem message; say how."""
    problem.resolved_at = timezone.now()
    problem.resolved_by = actor
    problem.resolution = resolution[:200]
    problem.save(update_fields=["resolved_at", "resolved_by", "resolution"])
