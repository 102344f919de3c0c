"""The disclosure log: public pages (no sign-in, no JavaScript needed), its feed and open
data, and the officers' pages for publishing and taking down."""

import csv
import json

from django.core.paginator import Page, Paginator
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import feedgenerator

from foidesk import file_types
from foidesk.accounts import permissions
from foidesk.casework import access
from foidesk.casework.models import ServiceArea
from foidesk.casework.services import current_authority
from foidesk.publication import forms, services
from foidesk.publication.models import DisclosureEntry
from foidesk.responses import tables
from foidesk.web.pages import form_page, posted

PAGE_SIZE = 20
FEED_SIZE = 50
EXPORT_FIELDS = [
    "reference",
    "title",
    "regime",
    "outcome",
    "topic",
    "service_areas",
    "received_on",
    "responded_on",
    "published_at",
    "url",
]


def disclosure_log(request):
    form = forms.LogFilterForm(
        request.GET or None, service_areas=ServiceArea.objects.values_list("name", flat=True)
    )
    valid = form.is_valid()
    # A mistyped date is explained, and the words searched for are still searched.
    query = form.cleaned_data.get("q", "") if form.is_bound else ""
    filters = form.filters() if valid else {}
    number = _page_number(request)
    found = services.find(query, filters, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)
    pages = Paginator(range(found.total), PAGE_SIZE)
    if number > pages.num_pages:
        # Past the end (an old link, or the log has shrunk): the last page, as
        # Paginator.get_page gives, found again since only the search knows the total.
        number = pages.num_pages
        found = services.find(query, filters, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)
    page = Page(found.entries, number, pages)
    return render(
        request,
        "publication/log.html",
        {
            "form": form,
            "found": found.entries,
            "page": page,
            "total": found.total,
            "capped": found.capped,
            "query": query,
        },
    )


def _page_number(request):
    try:
        return max(1, int(request.GET.get("page", 1)))
    except ValueError:
        return 1


def entry(request, reference):
    found = get_object_or_404(services.live(), request__reference=reference)
    return render(request, "publication/entry.html", {"entry": found, "version": found.current})


def released_file(request, reference, filename):
    found = get_object_or_404(services.live(), request__reference=reference)
    released = found.current.files.filter(filename=filename).first()
    if released is None:
        raise Http404("No such file.")
    return FileResponse(
        released.file.open("rb"),
        as_attachment=True,
        filename=released.filename,
        content_type=released.content_type,
    )


def feed(request):
    atom = feedgenerator.Atom1Feed(
        title=f"Disclosure log: {_authority_name()}",
        link=request.build_absolute_uri(reverse("publication:log")),
        description="Answers to requests for information, newest first.",
        language="en-gb",
        feed_url=request.build_absolute_uri(reverse("publication:feed")),
    )
    for published in services.live()[:FEED_SIZE]:
        version = published.current
        atom.add_item(
            title=version.title,
            link=request.build_absolute_uri(published.get_absolute_url()),
            description=version.request_text[:1000],
            unique_id=request.build_absolute_uri(published.get_absolute_url()),
            pubdate=published.published_at,
            updateddate=version.created_at,
            categories=[version.topic] if version.topic else None,
        )
    return HttpResponse(atom.writeString("utf-8"), content_type=file_types.ATOM.content_type)


def export_csv(request):
    def rows():
        writer = csv.writer(_Echo())
        yield writer.writerow(EXPORT_FIELDS)
        for record in _records(request):
            yield writer.writerow(
                tables.csv_safe("; ".join(v) if isinstance(v, list) else v) for v in record.values()
            )

    response = StreamingHttpResponse(rows(), content_type=file_types.CSV.content_type)
    response["Content-Disposition"] = 'attachment; filename="disclosure-log.csv"'
    return response


def export_json(request):
    def chunks():
        yield "["
        for number, record in enumerate(_records(request)):
            yield ("," if number else "") + json.dumps(record)
        yield "]"

    return StreamingHttpResponse(chunks(), content_type=file_types.JSON.content_type)


def _records(request):
    for published in services.live().iterator(chunk_size=2000):
        yield services.open_data(published) | {
            "url": request.build_absolute_uri(published.get_absolute_url())
        }


class _Echo:
    """csv.writer writes to a file; this hands each row back for streaming instead."""

    def write(self, value):
        return value


def _authority_name():
    return current_authority().name


@access.request_page(permissions.HANDLE_REQUEST)
def publish(request, case):
    """Preview what would be published, decide on each concern found in it, publish."""
    posted_title = request.POST.get("title") if request.method == "POST" else None
    posted_files = request.POST.getlist("files") if request.method == "POST" else None
    try:
        shown = services.preview(case, title=posted_title, files=posted_files)
    except services.PublicationError as refused:
        return render(
            request, "publication/not_ready.html", {"case": case, "problem": str(refused)}
        )
    current = getattr(getattr(case, "disclosure", None), "current", None)
    form = forms.PublishForm(
        posted(request),
        files=shown.files,
        concerns=shown.concerns,
        initial={
            "title": current.title if current else shown.title.text,
            "topic": current.topic if current else "",
            "files": [key for key, _, _ in shown.files],
        },
    )

    def save(answers):
        take_out, keep = form.choices()
        services.publish(
            case,
            request.user,
            title=answers["title"],
            topic=answers["topic"],
            files=answers["files"],
            remove=take_out,
            keep=keep,
        )
        return "Published in the disclosure log."

    return form_page(
        request,
        "publication/publish.html",
        form,
        save,
        done=reverse("publication:entry", kwargs={"reference": case.reference}),
        refusals=(services.PublicationError,),
        context={
            "case": case,
            "preview": shown,
            "blocking": [concern for concern in shown.concerns if not concern.may_be_kept],
        },
    )


@access.request_page(permissions.HANDLE_REQUEST)
def unpublish(request, case):
    found = get_object_or_404(DisclosureEntry, request=case)
    form = forms.UnpublishForm(posted(request))

    def save(answers):
        services.unpublish(found, request.user, answers["reason"])
        return "Taken down from the disclosure log. Its versions are kept."

    return form_page(
        request,
        "publication/unpublish.html",
        form,
        save,
        done=reverse("casework:request", kwargs={"reference": case.reference}),
        refusals=(services.PublicationError,),
        context={"case": found.request},
    )
