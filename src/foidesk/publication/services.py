"""Publishing answered requests in the disclosure log, without their requester.

An officer previews what will be published, with every removal marked, then publishes;
each publication is a new version, and unpublishing needs a reason. The search index
follows every change.
"""

from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from foidesk import file_types
from foidesk.accounts import permissions
from foidesk.casework import requesters
from foidesk.casework import services as casework
from foidesk.casework.models import TimelineEvent
from foidesk.casework.workflow import State
from foidesk.publication import release, search
from foidesk.publication.models import DisclosureEntry, DisclosureFile, DisclosureVersion
from foidesk.responses import documents, markup
from foidesk.responses import services as responses
from foidesk.text import personal_data, redaction

PUBLISHABLE_STATES = {State.RESPONDED, State.CLOSED}


class PublicationError(Exception):
    """A case that cannot be published as asked; the message says why."""


@dataclass(frozen=True)
class Preview:
    """What publishing would put before the public, each removal marked for the officer,
    and what in it still needs a decision."""

    title: redaction.Redacted
    request: redaction.Redacted
    # The letter as the log publishes it: unaddressed, quoting the redacted request, the
    # requester taken out of its text; the released PDF is made from this, never from
    # what was sent.
    letter: object
    # Its text with each removal marked, for the officer to check.
    response: redaction.Redacted
    files: list  # (key, filename, description)
    # {key: (filename, content type, bytes)} of the files chosen, as they would be released.
    released: dict
    concerns: list  # release.Concern, in the order the public would meet them

    def blocking(self, keep=None):
        """The concerns that stop publishing: the requester's own details, and anything
        else neither taken out nor kept with a reason (``keep``: {key: reason})."""
        keep = keep or {}
        return [
            concern
            for concern in self.concerns
            if not concern.may_be_kept or not keep.get(concern.key, "").strip()
        ]


def _allowed():
    """The authority's own contact details: published on purpose, never a concern."""
    authority = casework.current_authority()
    return [detail for detail in [authority.postal_address, authority.email] if detail]


# Rounds of finding the requester in what would be published and taking it out: each one
# can only shorten the text, and two are the most seen.
ROUNDS = 3


def preview(case, *, title=None, removing=(), files=None):
    """What would be published, with the requester taken out and each removal marked, and
    every concern found in it. ``title``: the title as the officer gives it (redacted all
    the same); ``removing``: more words an officer chose to take out; ``files``: the keys
    of the files to release (default: every one).

    Any detail of the requester's still found in the title, the request, the response or
    the letter made from them is taken out too, so only a file foidesk cannot write again
    (the answer tables) can still hold one, and that stops publishing.
    """
    if case.state not in PUBLISHABLE_STATES:
        raise PublicationError("Only a request that has been answered can be published.")
    removing = list(removing)
    for _ in range(ROUNDS):
        shown = _preview(case, title, removing, files)
        written_again = {"the title", "the request", "the response", _letter_name(case)}
        more = [c.words for c in shown.concerns if c.requester and c.part in written_again]
        if not more:
            break
        removing += more
    return shown


def _letter_name(case):
    return f"{case.reference}-response.pdf"


def _preview(case, title, removing, files):
    known = requesters.known_requester(case)
    also = list(removing)
    request = redaction.redact(case.body, **known, also=also)
    unrewritten = responses.compose_letter(case, addressed=False, request_text=request.text)
    letter = responses.compose_letter(
        case,
        addressed=False,
        request_text=request.text,
        rewrite=lambda written: (
            redaction.redact_letter(written, **known, request=request, also=also).text
        ),
    )
    titled = redaction.redact(case.subject if title is None else title, **known, also=also)
    offered = [("letter", _letter_name(case), "The response letter (PDF)")]
    if case.answer_sheets.exists():
        offered.append(("answers", f"{case.reference}-answers.xlsx", "The answer tables (Excel)"))
    chosen = {key for key, _, _ in offered} if files is None else set(files)
    released = _released(case, letter, chosen)
    requester = personal_data.Requester(
        name=known["name"],
        emails=known["emails"],
        postal_address=known["address"],
        phones=known["phones"],
    )
    allowed = _allowed()
    concerns = [
        *release.in_text("the title", titled.text, requester, allowed),
        *release.in_text("the request", request.text, requester, allowed),
        *release.in_text("the response", letter.text, requester, allowed),
        *(
            concern
            for filename, _, data in released.values()
            for concern in release.in_file(filename, data, requester, allowed)
        ),
    ]
    return Preview(
        title=titled,
        request=request,
        letter=letter,
        response=redaction.redact_letter(unrewritten.text, **known, request=request, also=also),
        files=offered,
        released=released,
        concerns=_once(concerns),
    )


def _once(concerns):
    """The same words found twice, in one part or in several, are one decision, shown where
    they are first met."""
    seen, kept = set(), []
    for concern in concerns:
        if concern.key not in seen:
            seen.add(concern.key)
            kept.append(concern)
    return kept


def _released(case, letter, chosen):
    released = {}
    if "letter" in chosen:
        pdf = file_types.PDF.content_type
        released["letter"] = (_letter_name(case), pdf, documents.to_pdf(letter))
    if "answers" in chosen and case.answer_sheets.exists():
        name = f"{case.reference}-answers.xlsx"
        xlsx = file_types.XLSX.content_type
        released["answers"] = (name, xlsx, responses.render_answers(case, "xlsx"))
    return released


def words_to_remove(case, keys, *, title=None, files=None):
    """The words of the concerns ``keys`` names, as found in what would be published."""
    shown = preview(case, title=title, files=files)
    wanted = set(keys)
    return [concern.words for concern in shown.concerns if concern.key in wanted]


@transaction.atomic
def publish(case, actor, *, title, topic, files, remove=(), keep=None):
    """Publish (or republish) ``case``; ``files`` are the keys of the files to release,
    ``remove`` the keys of concerns to take out, ``keep`` {key: reason} those kept.

    Refused, listing each, while a concern is left: the requester's own details always,
    anything else until it is taken out or kept with a reason.
    """
    casework.require(actor, permissions.HANDLE_REQUEST, case)
    keep = {key: reason.strip() for key, reason in (keep or {}).items() if reason.strip()}
    removing = words_to_remove(case, remove, title=title, files=files) if remove else []
    shown = preview(case, title=title, removing=removing, files=files)
    if not shown.title.text.strip():
        raise PublicationError("Enter a title for the disclosure log.")
    blocking = shown.blocking(keep)
    if blocking:
        raise Unresolved(blocking)
    entry, _ = DisclosureEntry.objects.get_or_create(request=case)
    number = (entry.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = DisclosureVersion.objects.create(
        entry=entry,
        number=number,
        created_by=actor,
        title=shown.title.text,
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
            for part, redacted in [
                ("title", shown.title),
                ("request", shown.request),
                ("response", shown.response),
            ]
            for removal in redacted.removals
        ],
        kept=[
            {
                "part": concern.part,
                "kind": concern.kind,
                "found": concern.reason,
                "words": concern.words,
                "why_kept": keep[concern.key],
            }
            for concern in shown.concerns
        ],
    )
    for filename, content_type, data in shown.released.values():
        _keep(version, filename, content_type, data)
    entry.current = version
    entry.published_at = entry.published_at or timezone.now()
    entry.unpublished_at = None
    entry.unpublished_reason = ""
    entry.save()
    search.index(entry)
    casework.record(
        case,
        actor,
        TimelineEvent.Kind.PUBLISHED,
        f"Published in the disclosure log (version {number})",
    )
    return entry


class Unresolved(PublicationError):
    """Publishing refused while concerns are left; ``concerns`` are they."""

    def __init__(self, concerns):
        self.concerns = concerns
        requester = [concern for concern in concerns if concern.requester]
        if requester:
            first = "It still holds the requester's details, which are never published: "
            listed = requester
        else:
            first = "Take out or keep, with a reason, each of these before publishing: "
            listed = concerns
        super().__init__(first + "; ".join(concern.sentence() for concern in listed) + ".")


def _keep(version, filename, content_type, data):
    DisclosureFile.objects.create(
        version=version,
        filename=filename,
        content_type=content_type,
        size=len(data),
        file=ContentFile(data, name=filename),
    )


@transaction.atomic
def unpublish(entry, actor, reason):
    casework.require(actor, permissions.HANDLE_REQUEST, entry.request)
    if not reason.strip():
        raise PublicationError("Say why the entry is taken down; the reason is kept.")
    entry.unpublished_at = timezone.now()
    entry.unpublished_reason = reason.strip()
    entry.save(update_fields=["unpublished_at", "unpublished_reason"])
    search.remove(entry)
    casework.record(
        entry.request, actor, TimelineEvent.Kind.TAKEN_DOWN, "Taken down from the disclosure log"
    )


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
