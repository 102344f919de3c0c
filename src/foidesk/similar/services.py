"""Similar requests and round-robins, for staff: the similarity index kept beside the database.

The index (``foidesk.similar.index``) holds every request's subject and text, keyed
by the request's id, saved under DATA_DIR/similarity. Each process loads the last build,
then adds the requests logged since it was built (ids above the highest it holds) before
answering, so a request can be found from the moment it is logged. Pages and the API only
read: building takes seconds to minutes and a great deal of memory, so it happens in the
worker (``rebuild_in_background``), one build at a time, and the new build is swapped in
whole. ``rebuild()`` starts again from the database and regroups the round-robins; the
``rebuild_similar`` command runs it, and the worker does once enough requests have come in
since the last build (``REBUILD_SHARE``).

A round-robin is near-identical requests from different requesters: the same letter sent
by many people, or sent to many authorities. A new request joins one when the task that
follows its logging finds it.
"""

import fcntl
import logging
import os
import shutil
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.tasks import task

from foidesk.accounts import permissions
from foidesk.casework import requesters
from foidesk.casework.models import Request
from foidesk.publication.models import DisclosureEntry
from foidesk.similar.index import SimilarityError, SimilarityIndex, round_robins
from foidesk.similar.models import RoundRobinMember
from foidesk.text import personal_data

logger = logging.getLogger(__name__)

SHOWN = 5
# Similar requests are looked for among this many, then those the user may not see are
# left out: a contributor sees few cases, so most of the best matches may be hidden.
CANDIDATES = 50
# A score this high is the same letter: on real round-robins 0.9 links 99.6% of pairs
# rightly and misses none (benchmarks/README.md).
ROUND_ROBIN_SCORE = 0.9
# The index is built again once the requests added since its build, whose words outside
# its vocabulary count for nothing, are a twentieth of it: a new installation's vocabulary
# soon holds the words of what follows, and building costs the same few milliseconds per
# request at any size. (Every 200 kept the worker building at 10^5 requests, 40 s a build,
# while email came in at 5 a second: benchmarks/README.md, a busy morning.)
REBUILD_SHARE = 20
# Round-robins are regrouped among this many of the newest requests: a campaign arrives
# within weeks, and grouping a million at once needs more memory than a server has (it
# was killed at 24 GB). Older requests keep their groups; a new one is still matched with
# any request, however old, when it is logged.
ROUND_ROBIN_WINDOW = 20_000
# An index of fewer requests is built again in the worker's task that follows a new
# request, in a second or so, so the request is matched with the new vocabulary; a larger
# one in a task of its own, which can take minutes.
SMALL = 5_000
# A replaced build is removed once this old: a process that read the pointer to it just
# before the swap opens its files within moments, and one that has mapped them keeps reading
# them after removal (POSIX keeps a removed file's data while it is open).
KEEP_REPLACED_SECONDS = 60
# In each build's folder: when it began reading the requests (seconds since the epoch).
BEGUN = "begun"
BATCH = 5000
# A page adds at most this many requests logged since the last build (a second or two,
# once in each process); beyond it the worker builds the index again instead.
EXTEND_AT_MOST = 1_000


@dataclass(frozen=True)
class SimilarRequest:
    reference: str
    subject: str
    state: str
    state_label: str
    score: float
    shared_terms: list[str]
    published: bool
    # Others of its round-robin that matched too, shown as this one (0 when none).
    alike: int = 0


class NotBuiltYet(SimilarityError):
    """No index has been built yet: the worker has been asked to build one."""


def similar_to(case, user, limit=SHOWN):
    """The requests most like ``case`` that ``user`` may see, best first."""
    index = current_index()
    key = str(case.pk)
    if key in index:
        matches = index.similar_to_key(key, k=CANDIDATES)
    else:
        matches = index.similar(text_of(case.subject, case.body), k=CANDIDATES, exclude=[key])
    return _visible(matches, user, limit, asking=case)


def similar_to_text(text, user, limit=SHOWN):
    """The requests most like ``text`` that ``user`` may see (an anonymous user: only those
    published in the disclosure log), best first."""
    return _visible(current_index().similar(text, k=CANDIDATES), user, limit)


def _visible(matches, user, limit, asking=None):
    # A match sharing no word at all is alike only in its letters: noise, not a lead.
    scores = {int(match.key): match for match in matches if match.shared_terms}
    cases = Request.objects.filter(pk__in=scores).select_related("disclosure__current", "requester")
    if user.is_authenticated:
        cases = cases.visible_to(user)
    else:
        # Live entries among the candidates only: SQLite planned "every live entry" as a
        # scan of the whole log (138 ms at 10^5 entries), where by request id it is a lookup.
        live = DisclosureEntry.objects.live().filter(request_id__in=scores)
        cases = cases.filter(pk__in=live.values("request_id"))
    found = sorted(cases, key=lambda case: (-scores[case.pk].score, case.reference))
    return [
        _shown(case, scores[case.pk], alike, user, asking)
        for case, alike in _one_per_round_robin(found)[:limit]
    ]


def _one_per_round_robin(cases):
    """The best of each round-robin, with how many others of it there were, in order."""
    groups = dict(
        RoundRobinMember.objects.filter(request__in=cases).values_list("request_id", "group")
    )
    kept, alike, first_of = [], {}, {}
    for case in cases:
        group = groups.get(case.pk)
        if group is not None and group in first_of:
            alike[first_of[group]] += 1
            continue
        if group is not None:
            first_of[group] = case.pk
        alike[case.pk] = 0
        kept.append(case)
    return [(case, alike[case.pk]) for case in kept]


def _shown(case, match, alike, user, asking):
    disclosure = getattr(case, "disclosure", None)
    terms = list(match.shared_terms)
    if not user.has_perm(permissions.VIEW_REQUESTER, case):
        # Words both requests share can be a requester's name or address (a round-robin's
        # signatures): those who may not see requesters are not shown them.
        terms = _without_requesters(terms, [case, asking] if asking else [case])
    return SimilarRequest(
        reference=case.reference,
        # The public see the title the disclosure log gives it; staff, the subject as their
        # role may see it (it can name the requester).
        subject=disclosure.current.title
        if not user.is_authenticated
        else requesters.subject_shown_to(user, case),
        state=case.state,
        state_label=case.get_state_display(),
        score=round(match.score, 3),
        shared_terms=terms,
        published=bool(disclosure and disclosure.is_live),
        alike=alike,
    )


def _without_requesters(terms, cases):
    """``terms`` without any that is personal data, or part of a requester's details."""
    theirs = [
        personal_data.Requester(
            name=known["name"], emails=known["emails"], postal_address=known["address"]
        )
        for known in (requesters.known_requester(case) for case in cases)
    ]
    words = " ".join(
        " ".join([requester.name, *requester.emails, requester.postal_address])
        for requester in theirs
    ).lower()
    return [
        term for term in terms if term.lower() not in words and not personal_data.find(term, None)
    ]


def text_of(subject, body):
    return f"{subject}\n\n{body}"


# --- The index on disk and in this process ------------------------------------------------


def index_root():
    return Path(settings.DATA_DIR) / "similarity"


class _Loaded:
    """This process's copy of the index, the build it came from, and the highest id in it."""

    lock = threading.Lock()
    build = None
    index = None
    highest = 0
    # The build this process last asked the worker to replace (None: "there was none").
    asked_to_replace = ""


def forget():
    """Drop this process's copy; the next question loads the saved index again."""
    with _Loaded.lock:
        _Loaded.build, _Loaded.index, _Loaded.highest = None, None, 0
        _Loaded.asked_to_replace = ""


def current_index():
    """The last index built, with the requests logged since its build added. Never builds
    one: with none to read (a new installation, or a build that cannot be read after an
    upgrade) the worker is asked for one and :class:`NotBuiltYet` is raised."""
    with _Loaded.lock:
        build = current_build()
        if build != _Loaded.build or _Loaded.index is None:
            try:
                _load(build)
            except (SimilarityError, OSError):
                if build is not None:
                    logger.warning(
                        "Similarity index %s unreadable: the worker will build it", build
                    )
                _ask_for_a_build(instead_of=build)
                raise NotBuiltYet(
                    "Similar requests are being gathered for the first time; "
                    "they will show in a few minutes."
                ) from None
        if _far_behind():
            # Many requests at once (a bulk load, an imported log): adding them here would
            # be building an index inside a page. The worker's build will hold them; until
            # then a request outside the index is still matched by its text.
            _ask_for_a_build(instead_of=build)
        else:
            _add_newer_requests()
        return _Loaded.index


def _ask_for_a_build(instead_of):
    """Queue a build, once per process for each build found missing, unreadable or behind."""
    if _Loaded.asked_to_replace != instead_of:
        _Loaded.asked_to_replace = instead_of
        ask_for_a_build()


def _load(build):
    if build is None:
        raise SimilarityError("no similarity index has been built")
    index = SimilarityIndex.load(index_root() / build, verify=False, mmap=True)
    _Loaded.index, _Loaded.build = index, build
    _Loaded.highest = max(map(int, index.keys()), default=0)


def _due_for_a_build(index):
    return index.stats()["added_since_build"] >= max(1, len(index) // REBUILD_SHARE)


def _far_behind():
    """Whether more than EXTEND_AT_MOST requests came in after this process's index."""
    newer = Request.objects.filter(pk__gt=_Loaded.highest).order_by("pk")
    return newer.values_list("pk", flat=True)[EXTEND_AT_MOST : EXTEND_AT_MOST + 1].exists()


def _add_newer_requests():
    # Read in batches: with a LIMIT every planner walks the primary key from ``highest``,
    # where one without it was seen scanning a million rows (200 ms) to find none.
    newer = list(_all_requests(after=_Loaded.highest))
    if newer:
        _Loaded.index.extend(newer)
        _Loaded.highest = int(newer[-1][0])


def current_build():
    try:
        build = (index_root() / "current").read_text().strip()
    except FileNotFoundError:
        return None
    return build if (index_root() / build / "manifest.json").exists() else None


def _all_requests(after=0):
    """(key, text) for every request (with an id above ``after``), read in batches of ids
    to keep memory flat."""
    while True:
        batch = list(
            Request.objects.filter(pk__gt=after)
            .order_by("pk")
            .values_list("pk", "subject", "body")[:BATCH]
        )
        if not batch:
            return
        for pk, subject, body in batch:
            yield str(pk), text_of(subject, body)
        after = batch[-1][0]


class _one_build_at_a_time:
    """Held while a build runs, across processes (a worker, the command, the demo): two
    builds at once would double the memory and the second would only repeat the first."""

    def __enter__(self):
        index_root().mkdir(parents=True, exist_ok=True)
        self.file = open(index_root() / "building.lock", "a")
        fcntl.flock(self.file, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.file, fcntl.LOCK_UN)
        self.file.close()


def _build_and_save():
    """Build an index of every request, save it as a new build, make it the current one."""
    begun = time.time()
    index = SimilarityIndex.build(_all_requests())
    build = uuid.uuid4().hex
    index.save(index_root() / build)
    (index_root() / build / BEGUN).write_text(repr(begun))
    del index  # memory: the copy used from now on is the saved one, mapped
    pointer = index_root() / f"current.{build}"
    pointer.write_text(build)
    # Readers see the old build or the new one, never a half-written pointer.
    os.replace(pointer, index_root() / "current")
    for old in index_root().iterdir():
        replaced_a_while_ago = time.time() - old.stat().st_mtime > KEEP_REPLACED_SECONDS
        if old.is_dir() and old.name != build and replaced_a_while_ago:
            shutil.rmtree(old, ignore_errors=True)
    return build


def rebuild():
    """Build the index again from every request and regroup the round-robins; the number of
    requests indexed and of round-robins found."""
    with _one_build_at_a_time():
        build = _build_and_save()
    index = current_index()
    window = _recent_requests()
    groups = _round_robins(index, window)
    _replace_round_robins(groups, window)
    return {"requests": len(index), "round_robins": len(groups), "build": build}


def _recent_requests():
    """(key, text) for the newest ``ROUND_ROBIN_WINDOW`` requests, oldest first."""
    newest = Request.objects.order_by("-pk").values_list("pk", flat=True)[:ROUND_ROBIN_WINDOW]
    return list(_all_requests(after=min(newest, default=1) - 1))


def _round_robins(index, docs):
    groups = round_robins(docs, ROUND_ROBIN_SCORE, index=index)
    who = _requesters_of([int(key) for group in groups for key in group])
    return [
        sorted(int(key) for key in group)
        for group in groups
        if _from_different_requesters([who.get(int(key)) for key in group])
    ]


def _requesters_of(request_ids):
    """{request id: who asked}, by email address, else name and postal address; a request
    whose requester has been erased is left out. Compared, never stored or shown."""
    who = {}
    for pk, email, name, address in Request.objects.filter(
        pk__in=request_ids, requester__isnull=False
    ).values_list("pk", "requester__email", "requester__name", "requester__postal_address"):
        who[pk] = email.casefold() if email else (name.casefold(), address.casefold())
    return who


def _from_different_requesters(requesters):
    """Unknown requesters (erased) may be different people from anyone."""
    known = [requester for requester in requesters if requester is not None]
    return len(set(known)) + (len(requesters) - len(known)) > 1


@transaction.atomic
def _replace_round_robins(groups, window):
    """The groups found among the ``window`` of recent requests replace what those requests
    were in; older requests keep the round-robins they were put in."""
    if window:
        RoundRobinMember.objects.filter(request_id__gte=int(window[0][0])).delete()
    RoundRobinMember.objects.bulk_create(
        [RoundRobinMember(request_id=pk, group=group[0]) for group in groups for pk in group],
        batch_size=BATCH,
    )


# --- Following new requests ------------------------------------------------------------------


@task
def place_in_round_robin(request_id):
    """Put a newly logged request in the round-robin of the near-identical requests from
    other requesters, if there are any; queue a rebuild when the index has grown stale."""
    case = Request.objects.filter(pk=request_id).first()
    if case is None:
        return None
    try:
        index = current_index()
    except NotBuiltYet:
        return None  # the first build, now queued, groups the round-robins
    if _due_for_a_build(index):
        if len(index) < SMALL:
            rebuild_in_background.call(asked_at=time.time())
            index = current_index()
        else:
            ask_for_a_build()
    matches = [
        match
        for match in index.similar_to_key(str(case.pk), k=20)
        if match.score >= ROUND_ROBIN_SCORE
    ]
    if not matches:
        return None
    return _join(case, [int(match.key) for match in matches])


@transaction.atomic
def _join(case, alike):
    who = _requesters_of([case.pk, *alike])
    others = [pk for pk in alike if _from_different_requesters([who.get(case.pk), who.get(pk)])]
    if not others:
        return None
    existing = RoundRobinMember.objects.filter(request_id__in=others).order_by("group")
    group = existing.values_list("group", flat=True).first() or min([case.pk, *others])
    for pk in [case.pk, *others]:
        RoundRobinMember.objects.get_or_create(request_id=pk, defaults={"group": group})
    return group


@task
def rebuild_in_background(asked_at=None):
    """Build the index again, in the worker, unless a build begun since this one was asked
    for (at ``asked_at``, seconds since the epoch) can be read: it read every request there
    was then. So of the builds asked for while one ran, only the first that follows builds,
    even as requests go on coming in. Without ``asked_at``: unless a build that holds every
    request can be read."""
    with _one_build_at_a_time():
        build = current_build()
        if build is not None:
            begun = _begun(build)
            if asked_at is not None and begun is not None and begun >= asked_at:
                return None
            if asked_at is None and _holds_every_request(build):
                return None
    return rebuild()


def ask_for_a_build():
    """Queue a build in the worker, asked for now."""
    rebuild_in_background.enqueue(asked_at=time.time())


def _begun(build):
    try:
        return float((index_root() / build / BEGUN).read_text())
    except (OSError, ValueError):
        return None


def _holds_every_request(build):
    try:
        index = SimilarityIndex.load(index_root() / build, verify=False, mmap=True)
    except (SimilarityError, OSError):
        return False
    newest = Request.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return max(map(int, index.keys()), default=0) >= newest


def round_robin_sizes(request_ids):
    """{request id: how many requests are in its round-robin}, for those in one."""
    members = dict(
        RoundRobinMember.objects.filter(request_id__in=request_ids).values_list(
            "request_id", "group"
        )
    )
    sizes = dict(
        RoundRobinMember.objects.filter(group__in=set(members.values()))
        .values("group")
        .annotate(size=Count("pk"))
        .values_list("group", "size")
    )
    return {pk: sizes[group] for pk, group in members.items()}


def follow_new_request(sender, instance, created, raw=False, **kwargs):
    """Connected to Request's post_save: once a new request is committed, look for its
    round-robin in the background (a fixture being loaded is left alone)."""
    if created and not raw:
        pk = instance.pk
        transaction.on_commit(lambda: place_in_round_robin.enqueue(pk))
