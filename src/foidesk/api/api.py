"""The JSON API at /api/v1, for systems that log and follow requests for an FOI team.

Bearer tokens (`foidesk token create USERNAME`) act as their member of staff, with the
same permissions as the pages. Every error is JSON: {"detail": [{"loc": [...], "msg": ...}]},
naming the field and the problem.
"""

import math
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import Http404, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from foidesk import file_types
from foidesk.accounts import permissions
from foidesk.api import schemas, tokens
from foidesk.casework import access, case_types, requesters, services, workflow
from foidesk.casework.models import Request
from foidesk.casework.workflow import State
from foidesk.intake import parsing
from foidesk.intake import services as intake
from foidesk.intake.models import InboundMessage, IntakeProblem
from foidesk.publication import services as publication
from foidesk.responses import formats, sending
from foidesk.responses import services as responses
from foidesk.similar import services as similar_requests
from foidesk.similar.index import SimilarityError

PAGE_SIZE = 50
# Each kind of event the API takes, as the casework action that records it.
EVENT_ACTIONS = {event: action for action, event in case_types.CLOCK_ACTIONS.items()}
# What each operation may answer besides its success, all in the one shape (README).
PROBLEMS = dict.fromkeys([400, 401, 403, 404, 422], schemas.Problems)
# The public disclosure log needs no token and holds nothing a role could be refused.
PUBLIC_PROBLEMS = dict.fromkeys([400, 422], schemas.Problems)


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = tokens.user_for(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="foidesk",
    version="1",
    description=__doc__,
    auth=BearerToken(),
    urls_namespace="api",
)


def problem(loc, msg):
    return {"detail": [{"loc": list(loc), "msg": msg}]}


@api.exception_handler(ValidationError)
def invalid(request, error):
    """Input that does not fit the schema: 422, each problem with where it is."""
    problems = [
        {"loc": [str(part) for part in item.get("loc", ())], "msg": item.get("msg", "")}
        for item in error.errors
    ]
    return api.create_response(request, {"detail": problems}, status=422)


@api.exception_handler(HttpError)
def refused_by_ninja(request, error):
    """django-ninja's own refusals, in the API's shape rather than its {"detail": "..."}."""
    # ninja reads the body before any schema sees it, and says only "Cannot parse".
    if isinstance(error.__cause__, ValueError):
        message = "The body is not JSON: send a JSON object, with Content-Type: application/json"
        return api.create_response(request, problem(["body"], message), status=422)
    return api.create_response(request, problem([], str(error)), status=error.status_code)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, error):
    message = "Give a valid API token as: Authorization: Bearer <token>"
    return api.create_response(request, problem(["header", "Authorization"], message), status=401)


@api.exception_handler(PermissionDenied)
def forbidden(request, error):
    message = str(error) or "Your role does not allow this."
    return api.create_response(request, problem([], message), status=403)


@api.exception_handler(Http404)
def not_found(request, error):
    message = "There is no request with that reference."
    return api.create_response(request, problem(["path", "reference"], message), status=404)


def _out(case):
    return {
        "reference": case.reference,
        "state": case.state,
        "due_on": case.due_on,
        "questions": [
            {"number": question.number, "text": question.text} for question in case.questions.all()
        ],
    }


def _detail(request, case):
    detail = _out(case)
    detail["sent"] = [
        {
            "version": sent.version,
            "on": sent.sent_on,
            "at": sent.sent_at,
            "method": sent.method,
            "status": sent.status,
            "files": [
                {"name": kept.name, "format": kept.format, "sha256": kept.sha256}
                for kept in sent.files.all()
            ],
        }
        for sent in case.sent_responses.prefetch_related("files")
    ]
    detail["timeline"] = [
        {
            "at": event.at,
            "actor": event.actor.get_username() if event.actor else None,
            "kind": event.kind,
            "description": event.description,
        }
        for event in case.timeline.select_related("actor")
    ]
    if request.user.has_perm(permissions.VIEW_REQUESTER, case) and case.requester:
        detail["requester"] = {
            "name": case.requester.name,
            "email": case.requester.email,
            "address": case.requester.postal_address,
        }
    return detail


@api.post("/requests", response={201: schemas.RequestOut, **PROBLEMS}, tags=["requests"])
def log_request(request, payload: schemas.RequestIn):
    """Log a request received elsewhere; its text is split into numbered questions."""
    permissions.enforce(request.user, permissions.LOG_REQUEST)
    if not payload.requester.email and not payload.requester.address.strip():
        return Status(
            400,
            problem(
                ["body", "requester", "email"], "Give an email or a postal address for the response"
            ),
        )
    case = services.log_request(
        request.user,
        regime=payload.regime,
        channel="email",
        received_at=payload.received_at,
        subject=payload.subject,
        body=payload.body,
        requested_format=payload.requested_format,
        requester={
            "name": payload.requester.name,
            "email": payload.requester.email,
            "postal_address": payload.requester.address.strip(),
        },
    )
    return Status(201, _out(case))


@api.get(
    "/requests/{reference}",
    response={200: schemas.RequestDetail, **PROBLEMS},
    exclude_unset=True,
    tags=["requests"],
)
def get_request(request, reference: str):
    """One request, its questions and timeline; the requester only for roles that see it."""
    return Status(200, _detail(request, access.case_for(request.user, reference)))


@api.get("/requests", response={200: schemas.RequestPage, **PROBLEMS}, tags=["requests"])
def list_requests(
    request,
    state: str = "",
    overdue: bool = False,
    due_before: date | None = None,
    page: int = 1,
):
    """Requests this user may see, soonest due first, 50 a page."""
    if state and state not in State.values:
        return Status(400, problem(["query", "state"], f"Use one of: {', '.join(State.values)}"))
    if page < 1:
        return Status(400, problem(["query", "page"], "Pages are numbered from 1"))
    requests = Request.objects.visible_to(request.user)
    if state:
        requests = requests.filter(state=state)
    if overdue:
        requests = requests.overdue(timezone.localdate())
    if due_before is not None:
        requests = requests.filter(due_on__lt=due_before)
    count = requests.count()
    start = (page - 1) * PAGE_SIZE
    # A page past the last is empty; one far past it would be an offset no database takes.
    chosen = (
        requests.select_related("assigned_officer", "requester").order_by(
            F("due_on").asc(nulls_last=True), "reference"
        )[start : start + PAGE_SIZE]
        if start < count
        else []
    )
    return Status(
        200,
        {
            "items": [
                {
                    "reference": case.reference,
                    "subject": requesters.subject_shown_to(request.user, case),
                    "regime": case.regime,
                    "state": case.state,
                    "received_at": case.received_at,
                    "due_on": case.due_on,
                    "assigned_officer": case.assigned_officer.get_username()
                    if case.assigned_officer
                    else None,
                }
                for case in chosen
            ],
            "count": count,
            "page": page,
            "pages": max(1, math.ceil(count / PAGE_SIZE)),
        },
    )


@api.post(
    "/requests/{reference}/events",
    response={200: schemas.RequestDetail, **PROBLEMS},
    exclude_unset=True,
    tags=["requests"],
)
def record_event(request, reference: str, payload: schemas.EventIn):
    """Record a clock event; the answer is the request with its new due date."""
    case = access.case_for(request.user, reference)
    try:
        services.take_action(
            case, request.user, EVENT_ACTIONS[payload.kind], on=payload.date, note=payload.note
        )
    except workflow.TransitionRefused as refused:
        return Status(400, problem(["body", "kind"], str(refused)))
    except services.NoteMissing as missing:
        return Status(400, problem(["body", "note"], str(missing)))
    except services.CaseworkError as refused:
        return Status(400, problem(["body", "date"], str(refused)))
    return Status(200, _detail(request, access.case_for(request.user, reference)))


@api.post(
    "/requests/{reference}/actions/{action}",
    response={200: schemas.RequestDetail, **PROBLEMS},
    exclude_unset=True,
    tags=["requests"],
)
def take_action(
    request, reference: str, action: schemas.Action, payload: schemas.ActionIn | None = None
):
    """Take a workflow action, with an optional body ``{"note", "date"}``; the answer is
    the request in its new state. 400 with the reason when the request's state, its
    response or its clock does not allow it."""
    case = access.case_for(request.user, reference)
    payload = payload or schemas.ActionIn()
    try:
        services.take_action(case, request.user, action, on=payload.date, note=payload.note)
    except workflow.TransitionRefused as refused:
        return Status(400, problem(["path", "action"], str(refused)))
    except services.CaseworkError as refused:
        return Status(400, problem(["body", "note"], str(refused)))
    return Status(200, _detail(request, access.case_for(request.user, reference)))


# Formats as formats.FORMATS names them, except the letter's plain text, which is the
# body of the email sent rather than a file of its own.
RESPONSE_FORMATS = {
    name: found.content_type for name, found in formats.FORMATS.items() if name != "txt"
}


def _response_case(request, reference, *needs):
    # The letter quotes the requester's words: only those who may see the requester.
    return access.case_for(request.user, reference, permissions.VIEW_REQUESTER, *needs)


@api.get(
    "/requests/{reference}/response",
    response={200: None, **PROBLEMS},
    tags=["responses"],
    openapi_extra={
        "responses": {
            200: {
                "description": "The letter or the answer tables, as a file",
                "content": {kind: {} for kind in RESPONSE_FORMATS.values()},
            }
        }
    },
)
def get_response(request, reference: str, format: str = "html"):
    """The response as a file: the letter (html, docx, pdf) or the answer tables (xlsx, ods,
    csv as a zip). 400, listing what is missing, while the response is not complete."""
    if format not in RESPONSE_FORMATS:
        return Status(
            400, problem(["query", "format"], f"Use one of: {', '.join(RESPONSE_FORMATS)}")
        )
    case = _response_case(request, reference)
    missing = responses.problems(case)
    if missing:
        return Status(400, {"detail": [{"loc": ["response"], "msg": text} for text in missing]})
    if format in formats.ANSWER_FORMATS:
        if not case.answer_sheets.exists():
            return Status(400, problem(["query", "format"], "This request has no answer tables."))
        body = responses.render_answers(case, format)
    else:
        body = responses.render_letter(case, format)
    return HttpResponse(body, content_type=RESPONSE_FORMATS[format])


@api.post(
    "/requests/{reference}/response/send",
    response={200: schemas.SendOut, 202: schemas.SendOut, **PROBLEMS},
    tags=["responses"],
)
def send_response(request, reference: str, payload: schemas.SendIn):
    """Send the response by email (202: queued; the request is responded once the mail
    server accepts it), or record it as sent by post, by hand or from another system on
    ``date`` (200). 400 listing what must happen first."""
    case = _response_case(request, reference, permissions.HANDLE_REQUEST)
    try:
        if payload.method == "email":
            sent = sending.send_by_email(case, request.user)
            return Status(202, {"status": "queued", "version": sent.version})
        if payload.date is None:
            return Status(400, problem(["body", "date"], "Give the date it was sent."))
        sent = sending.record_sent(case, request.user, on=payload.date, method=payload.method)
    except workflow.TransitionRefused as refused:
        missing = responses.problems(case)
        if missing:
            return Status(400, {"detail": [{"loc": ["response"], "msg": m} for m in missing]})
        return Status(400, problem(["response"], str(refused)))
    except (responses.ResponseError, services.CaseworkError) as refused:
        return Status(400, problem(["body", "method"], str(refused)))
    return Status(200, {"status": "sent", "version": sent.version})


SENT_FORMATS = {name: found.content_type for name, found in formats.FORMATS.items()}


@api.get(
    "/requests/{reference}/response/sent",
    response={200: None, **PROBLEMS},
    tags=["responses"],
    openapi_extra={
        "responses": {
            200: {
                "description": "A file of the response exactly as it was sent",
                "content": {kind: {} for kind in set(SENT_FORMATS.values())},
            }
        }
    },
)
def get_sent_response(request, reference: str, format: str = "pdf", version: int | None = None):
    """A file of the response exactly as it was sent: the letter (pdf, docx, html, txt) or
    the answer tables (xlsx, ods or csv, as they went); the latest version unless
    ``version`` is given. 404 before anything was sent."""
    if format not in SENT_FORMATS:
        return Status(400, problem(["query", "format"], f"Use one of: {', '.join(SENT_FORMATS)}"))
    case = _response_case(request, reference)
    sent = sending.sent_version(case, version)
    if sent is None:
        where = "version" if version is not None else "reference"
        message = (
            f"Version {version} of this response was not sent."
            if version is not None
            else "No response to this request has been sent yet."
        )
        return Status(404, problem(["query" if version is not None else "path", where], message))
    kept = sending.sent_file(sent, format)
    if kept is None:
        return Status(
            404,
            problem(["query", "format"], f"Version {sent.version} was not sent as {format}."),
        )
    return HttpResponse(sending.read(kept), content_type=kept.content_type)


@api.put(
    "/requests/{reference}/questions/{number}/decision",
    response={200: schemas.DecisionOut, **PROBLEMS},
    tags=["responses"],
)
def put_decision(request, reference: str, number: int, payload: schemas.DecisionIn):
    """Record what is decided about one question; the answer lists what the response still
    lacks, so a system can tell when it may be approved."""
    case = access.case_for(request.user, reference)
    if not case.questions.filter(number=number).exists():
        return Status(404, problem(["path", "number"], f"Request {reference} has no Q{number}."))
    try:
        responses.record_decision(
            case,
            request.user,
            number,
            held=payload.held,
            outcome=payload.decision,
            answer=payload.answer,
            exemptions=payload.exemptions,
            published_at=payload.published_at,
        )
    except responses.ResponseError as refused:
        field = "exemptions" if responses.not_editable(case) == "" else "decision"
        return Status(400, problem(["body", field], str(refused)))
    decision = next(d for d in responses.decisions_of(case) if d.question.number == number)
    return Status(
        200,
        {
            "number": number,
            "held": decision.held,
            "decision": decision.outcome,
            "answer": decision.answer,
            "exemptions": decision.exemptions,
            "published_at": decision.published_at,
            "problems": responses.before_approval(case),
        },
    )


@api.post(
    "/intake/email",
    response={202: schemas.IntakeOut, 413: schemas.Problems, **PROBLEMS},
    tags=["intake"],
    openapi_extra={
        "requestBody": {
            "content": {
                file_types.EMAIL.mime_type: {"schema": {"type": "string", "format": "binary"}}
            },
            "required": True,
        }
    },
)
def intake_email(request):
    """An email for foidesk, as raw RFC 822 bytes in the body: stored first, then read.
    202 with the reference of the request it became or joined, or the problem's id."""
    permissions.enforce(request.user, permissions.HANDLE_REQUEST)
    # Read from the stream, not request.body: Django's limit on a request's size in memory
    # is for forms, and would turn away a scanned letter with an HTML page. One byte past
    # the limit is enough to know the email is too large.
    if _declared_length(request) > parsing.MAX_RECEIVED_BYTES:
        return Status(413, _too_large())
    raw = request.read(parsing.MAX_RECEIVED_BYTES + 1)
    if not raw:
        return Status(400, problem(["body"], "Send the email's raw bytes as the request body."))
    if len(raw) > parsing.MAX_RECEIVED_BYTES:
        return Status(413, _too_large())
    message = intake.receive(raw, InboundMessage.Channel.API)
    problem_id = message.problem.pk if message.outcome == InboundMessage.Outcome.PROBLEM else None
    return Status(
        202,
        {
            "reference": message.request.reference if message.request else None,
            "problem_id": problem_id,
            "outcome": message.outcome,
        },
    )


def _declared_length(request):
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _too_large():
    limit = parsing.MAX_RECEIVED_BYTES // parsing.MB
    return problem(["body"], f"The email is larger than {limit} MB, the most foidesk takes.")


@api.get(
    "/intake/problems", response={200: list[schemas.IntakeProblemOut], **PROBLEMS}, tags=["intake"]
)
def intake_problems(request):
    """Messages waiting for an officer, oldest first."""
    permissions.enforce(request.user, permissions.HANDLE_REQUEST)
    waiting = IntakeProblem.objects.filter(resolved_at__isnull=True).select_related("message")
    return Status(
        200,
        [
            {
                "id": item.pk,
                "received_at": item.message.received_at,
                "reason": item.reason,
                "channel": item.message.channel,
                "size": item.message.size,
            }
            for item in waiting.order_by("created_at")
        ],
    )


def _publishing_case(request, reference):
    return access.case_for(request.user, reference, permissions.HANDLE_REQUEST)


def _finding(concern):
    return {
        "finding": concern.key,
        "part": concern.part,
        "kind": concern.kind,
        "reason": concern.reason,
        "words": concern.words,
        "requester": concern.requester,
        "hidden_content": concern.hidden,
        "may_be_kept": concern.may_be_kept,
    }


@api.get(
    "/requests/{reference}/publish/preview",
    response={200: schemas.PublishPreviewOut, **PROBLEMS},
    tags=["disclosure log"],
)
def publish_preview(request, reference: str):
    """What publishing would put in the disclosure log, with every finding an officer must
    take out or keep with a reason (``keep`` and ``remove`` of the publish call)."""
    case = _publishing_case(request, reference)
    try:
        shown = publication.preview(case)
    except publication.PublicationError as refused:
        return Status(400, problem(["path", "reference"], str(refused)))
    return Status(
        200,
        {
            "title": shown.title.text,
            "request": shown.request.text,
            "response": shown.letter.text,
            "files": [
                {"key": key, "name": name, "description": description}
                for key, name, description in shown.files
            ],
            "findings": [_finding(concern) for concern in shown.concerns],
        },
    )


@api.post(
    "/requests/{reference}/publish",
    response={201: schemas.PublishedOut, **PROBLEMS},
    tags=["disclosure log"],
)
def publish(request, reference: str, payload: schemas.PublishIn):
    """Publish the answered request in the disclosure log (a new version if it is there
    already). 400 listing each finding that stops it: the requester's details always;
    anything else until it is in ``remove`` or in ``keep`` with a reason."""
    case = _publishing_case(request, reference)
    try:
        shown = publication.preview(case, title=payload.title)
        entry = publication.publish(
            case,
            request.user,
            title=payload.title if payload.title is not None else shown.title.text,
            topic=payload.topic,
            files=payload.files,
            remove=payload.remove,
            keep={kept.finding: kept.reason for kept in payload.keep},
        )
    except publication.Unresolved as refused:
        return Status(
            400,
            {
                "detail": [
                    {"loc": ["body", "keep"], "msg": f"{concern.key}: {concern.sentence()}"}
                    for concern in refused.concerns
                ]
            },
        )
    except publication.PublicationError as refused:
        return Status(400, problem(["body"], str(refused)))
    return Status(
        201,
        {
            "reference": case.reference,
            "url": request.build_absolute_uri(entry.get_absolute_url()),
            "title": entry.current.title,
            "files": [released.filename for released in entry.current.files.all()],
        },
    )


@api.get(
    "/disclosure",
    auth=None,
    response={200: schemas.DisclosurePage, **PUBLIC_PROBLEMS},
    tags=["disclosure log"],
)
def disclosure_log(request, q: str = "", page: int = 1):
    """The public disclosure log, searched, best first (newest first without ``q``), 50 a
    page. Open to anyone: it holds nothing about any requester."""
    if page < 1:
        return Status(400, problem(["query", "page"], "Pages are numbered from 1"))
    found = publication.find(q, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return Status(
        200,
        {
            "items": [
                publication.open_data(entry)
                | {
                    "url": request.build_absolute_uri(entry.get_absolute_url()),
                    "snippet_html": snippet,
                }
                for entry, snippet in found.entries
            ],
            "count": found.total,
            "more": found.capped,
            "page": page,
            "pages": max(1, math.ceil(found.total / PAGE_SIZE)),
        },
    )


@api.get(
    "/requests/{reference}/similar",
    response={200: list[schemas.SimilarRequestOut], 503: schemas.Problems, **PROBLEMS},
    tags=["requests"],
)
def similar(request, reference: str, limit: int = similar_requests.SHOWN):
    """The requests most like this one that this user may see, best first; 503 while the
    similarity index is first being built."""
    if not 1 <= limit <= similar_requests.CANDIDATES:
        return Status(
            400, problem(["query", "limit"], f"Ask for 1 to {similar_requests.CANDIDATES}")
        )
    case = access.case_for(request.user, reference)
    try:
        found = similar_requests.similar_to(case, request.user, limit)
    except SimilarityError as cannot:
        return Status(503, problem(["path", "reference"], str(cannot)))
    return Status(
        200,
        [
            {
                "reference": alike.reference,
                "subject": alike.subject,
                "state": alike.state,
                "score": alike.score,
                "shared_terms": alike.shared_terms,
                "published": alike.published,
                "round_robin_alike": alike.alike,
            }
            for alike in found
        ],
    )
