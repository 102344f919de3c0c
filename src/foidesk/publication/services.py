"""Publishing answered requests in the disclosure log, without their requester.

An officer previews what will be published, with every removal marked, then publishes;
each publication is a new version, and unpublishing needs a reason. The search index
follows every change.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from foidesk.accounts import permissions
from foidesk.casework import services as casework
from foidesk.casework.workflow import State
from foidesk.publication import redaction, search
from foidesk.publication.models import DisclosureEntry, DisclosureFile, DisclosureVersion
from foidesk.responses import documents, markup
from foidesk.responses import services as responses

PUBLISHABLE_STATES = {State.RESPONDED, State.CLOSED}
PDF = "application/pdf"


class PublicationError(Exception):
    """A case that cannot be published as asked; the message says why."""


@dataclass(frozen=True)
class Preview:
    """What publishing would put before the public, each removal marked for the officer."""

    title: redaction.Redacted
    request: redaction.Redacted
    # The letter as the log publishes it: unaddressed, quoting the redacted request, the
    # requester taken out of its markup; the released PDF is made from this, never from
    # what was sent.
    letter: object
    # Its text with each removal marked, for the officer to check.
    response: redaction.Redacted
    files: list  # (key, filename, description)


def _require(actor, case):
    if not actor.has_perm(permissions.HANDLE_REQUEST, case):
        raise PermissionDenied("Only FOI officers publish requests.")


def known_requester(case):
    """What foidesk knows of the requester, to take out of all it publishes."""
    requester = case.requester
    return {
        "name": requester.name if requester else "",
        "emails": [requester.email] if requester and requester.email else [],
        "address": requester.postal_address if requester else "",
    }


def subject_shown_to(user, case):
    """The request's subject as ``user`` may see it. A subject can name the requester
    ("Freedom of Information request - Jo Bloggs"), and only those who may see the requester
    may see that; contributors and everyone else see it redacted."""
    if user.has_perm(permissions.VIEW_REQUESTER, case):
        return case.subject
    return redaction.redact(case.subject, **known_requester(case)).text


def preview(case):
    """What would be published, with the requester taken out and each removal marked."""
    if case.state not in PUBLISHABLE_STATES:
        raise PublicationError("Only a request that has been answered can be published.")
    known = known_requester(case)
    request = redaction.redact(case.body, **known)
    unrewritten = responses.compose_letter(case, addressed=False, request_text=request.text)
    letter = responses.compose_letter(
        case,
        addressed=False,
        request_text=request.text,
        rewrite=lambda written: redaction.redact_letter(written, **known, request=request).text,
    )
    files = [("letter", f"{case.reference}-response.pdf", "The response letter (PDF)")]
    if case.answer_sheets.exists():
        files.append(("answers", f"{case.reference}-answers.xlsx", "The answer tables (Excel)"))
    return Preview(
        title=redaction.redact(case.subject, **known),
        request=request,
        letter=letter,
        response=redaction.redact_letter(unrewritten.text, **known, request=request),
        files=files,
    )


@transaction.atomic
def publish(case, actor, *, title, topic, files):
    """Publish (or republish) ``case``; ``files`` are the keys of the files to release."""
    _require(actor, case)
    shown = preview(case)
    entry, _ = DisclosureEntry.objects.get_or_create(request=case)
    number = (entry.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = DisclosureVersion.objects.create(
        entry=entry,
        number=number,
        created_by=actor,
        title=title.strip() or shown.title.text,
        request_text=shown.request.text,
        response_text=shown.letter.text,
        # The request is shown once, above the letter, so the letter's quotes of it are not.
        response_html=markup.to_html(
            [block for block in shown.letter.blocks if not isinstance(block, markup.Quote)]
        ),
        regime=case.regime,
        outcome=responses.outcome(case) if not responses.problems(case) else "",
        topic=topic.strip(),
        service_areas=sorted(set(case.contributions.values_list("service_area__name", flat=True))),
        received_on=timezone.localdate(case.received_at),
        responded_on=case.responded_on,
        removed=[
            {"part": part, "reason": removal.reason, "characters": removal.end - removal.start}
            for part, redacted in [("request", shown.request), ("response", shown.response)]
            for removal in redacted.removals
        ],
    )
    _release(case, version, set(files), shown.letter)
    entry.current = version
    entry.published_at = entry.published_at or timezone.now()
    entry.unpublished_at = None
    entry.unpublished_reason = ""
    entry.save()
    search.index(entry)
    casework.record(case, actor, "published", f"Published in the disclosure log (version {number})")
    return entry


def _release(case, version, chosen, letter):
    if "letter" in chosen:
        _keep(version, f"{case.reference}-response.pdf", PDF, documents.to_pdf(letter))
    if "answers" in chosen and case.answer_sheets.exists():
        _keep(
            version,
            f"{case.reference}-answers.xlsx",
            documents.FORMATS["xlsx"].content_type,
            responses.render_answers(case, "xlsx"),
        )


def _keep(version, filename, content_type, data):
    stored = default_storage.save(
        f"disclosure/{version.entry.request.reference}/v{version.number}/{filename}",
        ContentFile(data),
    )
    DisclosureFile.objects.create(
        version=version,
        filename=filename,
        content_type=content_type,
        size=len(data),
        stored_as=stored,
    )


@transaction.atomic
def unpublish(entry, actor, reason):
    _require(actor, entry.request)
    if not reason.strip():
        raise PublicationError("Say why the entry is taken down; the reason is kept.")
    entry.unpublished_at = timezone.now()
    entry.unpublished_reason = reason.strip()
    entry.save(update_fields=["unpublished_at", "unpublished_reason"])
    search.remove(entry)
    casework.record(entry.request, actor, "published", "Taken down from the disclosure log")


@dataclass(frozen=True)
class Found:
    entries: list  # (entry, snippet_html), best first
    total: int
    capped: bool  # more matched than were counted


def find(query, filters=None, *, limit, offset=0):
    """Live entries matching ``query`` and ``filters`` (see search.search), best first."""
    results = search.search(query, filters=filters, limit=limit, offset=offset)
    entries = DisclosureEntry.objects.select_related("current", "request").in_bulk(
        [hit.entry_id for hit in results.hits]
    )
    found = [
        (entries[hit.entry_id], hit.snippet_html) for hit in results.hits if hit.entry_id in entries
    ]
    return Found(found, results.total, results.capped)


def open_data(entry):
    """An entry as open data: what the public log shows, never anything about a requester."""
    version = entry.current
    return {
        "reference": entry.request.reference,
        "title": version.title,
        "regime": version.regime,
        "outcome": version.outcome,
        "topic": version.topic,
        "service_areas": version.service_areas,
        "received_on": version.received_on.isoformat(),
        "responded_on": version.responded_on.isoformat() if version.responded_on else "",
        "published_at": timezone.localtime(entry.published_at).isoformat(),
    }


def live():
    """The entries the public can see, newest first."""
    return (
        DisclosureEntry.objects.live()
        .select_related("current", "request")
        .order_by("-published_at")
    )
