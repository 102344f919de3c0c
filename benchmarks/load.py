"""A busy morning: staff on the pages while email arrives, against `foidesk serve` and its worker.

`foidesk serve` (waitress) and `foidesk worker` run as processes of their own on a generated
data set (benchmarks/generate.py). After a warm-up, each kind of page is timed unloaded, one
request at a time; then, for --seconds, --users signed-in officers each open the caseload or
a case page (with its similar requests) and read it for 1 to 4 seconds before the next, while
one sender posts --emails-per-second raw messages (benchmarks/intake.py's mix) to
`POST /api/v1/intake/email`. Reported, per page: p50 / p95 / max under load and unloaded, the
ratio of the loaded p95 to the unloaded one, errors (a 5xx or no answer in 30 s); for email:
the time to the API's 202 (stored and read), whether every message sent was stored (by its
SHA-256), and the worker's queue of tasks sampled every 5 seconds, to show whether it keeps pace.

Targets (issue "Holds up on a busy day"): no errors; case page p95 at most 3x its unloaded
p95 in the same run; the queue does not grow.

Run on a generated data set (see benchmarks/README.md):

    SECRET_KEY=bench FOIDESK_DATA_DIR=/work/bench-data/sqlite-1e5 \\
        uv run python benchmarks/load.py [--seconds 180] [--users 20] [--emails-per-second 5]

(writes benchmarks/results/load-<vendor>-<count>.json)
"""

# ruff: noqa: E402
# (Django must be set up before the models can be imported, so imports follow setup.)

import os

if "FOIDESK_DATA_DIR" not in os.environ:
    raise SystemExit("Set FOIDESK_DATA_DIR to a data set made by benchmarks/generate.py.")
os.environ.setdefault("SECRET_KEY", "bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "foidesk.config.settings")

import django

django.setup()

import argparse
import hashlib
import json
import random
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import intake as mail  # benchmarks/intake.py: the same mix of messages
import requests
from casework import closed_references, code_version, machine, open_references, summary
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.db.models import Max
from django.test import Client
from django_tasks_db.models import DBTaskResult

from foidesk.accounts.models import User
from foidesk.accounts.roles import Role
from foidesk.api import tokens
from foidesk.casework.models import Request
from foidesk.intake.models import InboundMessage
from foidesk.similar import services as similar_requests

RESULTS = Path(__file__).parent / "results"
FOIDESK = Path(sys.executable).with_name("foidesk")
TIMEOUT = 30
PAGES = {
    "caseload": lambda rng, refs: "/staff/?view=open",
    "my cases": lambda rng, refs: "/staff/",
    "case page": lambda rng, refs: f"/staff/requests/{rng.choice(refs)}/",
}
# What a member of staff opens, and how often: mostly cases, the caseload between them.
SHARES = {"caseload": 2, "my cases": 1, "case page": 5}


def signed_in(count):
    """Session cookies for ``count`` officers (load.1 ...), made by Django's own sign-in."""
    officers = Group.objects.get(name=Role.OFFICER)
    cookies = []
    for n in range(1, count + 1):
        user, created = User.objects.get_or_create(username=f"load.{n}")
        if created:
            user.set_unusable_password()
            user.save()
        user.groups.add(officers)
        client = Client()
        client.force_login(user)
        cookies.append(
            {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}
        )
    return cookies


def references(rng, count=400):
    return open_references(rng, count) + closed_references(rng, count)


def start(command, port, log):
    env = {**os.environ, "FOIDESK_HTTPS": "false"}
    arguments = [str(FOIDESK), *command]
    if command[0] == "serve":
        arguments += ["--no-migrate", "--host", "127.0.0.1", "--port", str(port)]
    return subprocess.Popen(arguments, env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_until_up(base, timeout=180):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(base + "/", timeout=5).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"foidesk serve did not answer at {base} within {timeout} s")


def timed_get(session, url):
    started = time.perf_counter()
    try:
        status = session.get(url, timeout=TIMEOUT).status_code
    except requests.RequestException:
        status = None  # no answer in time: an error
    return status, time.perf_counter() - started


def wait_for_similar_requests(base, cookie, reference, timeout=900):
    """The first case page after a bulk load asks the worker for an index of every request;
    wait until it is built, so that what is measured is an ordinary morning."""
    session = requests.Session()
    session.cookies.update(cookie)
    status, first = timed_get(session, f"{base}/staff/requests/{reference}/")
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if similar_requests.current_build() is not None:
            return {"first_case_page_s": round(first, 3), "status": status,
                    "index_ready_after_s": round(time.monotonic() - started, 1)}  # fmt: skip
        time.sleep(2)
    raise SystemExit("the worker did not build the similarity index in time")


def unloaded(base, cookie, refs, rng, runs=40):
    session = requests.Session()
    session.cookies.update(cookie)
    timings = {}
    for kind, url_for in PAGES.items():
        for _ in range(5):  # warm-up: each of waitress's threads' first request
            timed_get(session, base + url_for(rng, refs))
        timings[kind] = [timed_get(session, base + url_for(rng, refs)) for _ in range(runs)]
    return timings


class Staff(threading.Thread):
    def __init__(self, base, cookie, refs, seed, stop):
        super().__init__(daemon=True)
        self.base, self.refs, self.stop = base, refs, stop
        self.rng = random.Random(seed)
        self.session = requests.Session()
        self.session.cookies.update(cookie)
        self.seen = []  # (kind, status, seconds)

    def run(self):
        kinds, weights = zip(*SHARES.items(), strict=True)
        self.stop.wait(self.rng.uniform(0, 3))  # staff do not all arrive at once
        while not self.stop.is_set():
            kind = self.rng.choices(kinds, weights)[0]
            status, seconds = timed_get(self.session, self.base + PAGES[kind](self.rng, self.refs))
            self.seen.append((kind, status, seconds))
            self.stop.wait(self.rng.uniform(1, 4))  # reading the page


class Sender(threading.Thread):
    """Posts raw messages at a steady rate, each in a thread of its own so that a slow
    answer never delays the next: mail does not wait for foidesk."""

    def __init__(self, base, token, per_second, seconds, seed):
        super().__init__(daemon=True)
        self.base, self.per_second, self.seconds = base, per_second, seconds
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "message/rfc822"}
        count = int(per_second * seconds)
        known = list(Request.objects.values_list("reference", flat=True)[:50])
        kinds = mail.mix(count, seed)
        self.raws = [
            mail.message(seed * 1_000_000 + n, kind, known) for n, kind in enumerate(kinds)
        ]
        self.answers = []  # (status, seconds)
        self.lock = threading.Lock()

    def post(self, raw):
        started = time.perf_counter()
        try:
            status = requests.post(
                f"{self.base}/api/v1/intake/email", data=raw, headers=self.headers, timeout=60
            ).status_code
        except requests.RequestException:
            status = None
        with self.lock:
            self.answers.append((status, time.perf_counter() - started))

    def run(self):
        started = time.monotonic()
        posts = []
        for n, raw in enumerate(self.raws):
            time.sleep(max(0.0, started + n / self.per_second - time.monotonic()))
            post = threading.Thread(target=self.post, args=(raw,), daemon=True)
            post.start()
            posts.append(post)
        for post in posts:
            post.join(90)


def queue_length():
    length = DBTaskResult.objects.filter(status="READY").count()
    connection.close()
    return length


def figures(timings):
    """``casework.summary`` of the answered ones, with the count of errors beside it."""
    seconds = [s for status, s in timings if status is not None and status < 500]
    errors = sum(1 for status, _ in timings if status is None or status >= 500)
    return {"errors": errors, **(summary(seconds) if seconds else {"runs": 0})}


def ratio(loaded, unloaded):
    if "p95_ms" not in loaded or "p95_ms" not in unloaded:
        return None  # nothing answered: the errors say why
    return round(loaded["p95_ms"] / unloaded["p95_ms"], 2)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=180)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--emails-per-second", type=float, default=5)
    parser.add_argument("--port", type=int, default=0, help="for foidesk serve (a free one)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--keep-index",
        action="store_true",
        help="start from the similarity index already built (by default it is removed, and "
        "the time until the worker has built it again is measured)",
    )
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    call_command("migrate", interactive=False, verbosity=0)
    # Tasks an earlier run left queued (its worker stopped with it) are not this run's work.
    DBTaskResult.objects.filter(status="READY").delete()
    if not args.keep_index:
        # As after a bulk load: the first case page finds no index of these requests.
        shutil.rmtree(similar_requests.index_root(), ignore_errors=True)

    count = Request.objects.count()
    refs = references(rng)
    cookies = signed_in(args.users)
    token = tokens.create("officer", "load benchmark")
    port = args.port or mail.free_port()
    base = f"http://127.0.0.1:{port}"
    log = (Path(settings.DATA_DIR) / "load.log").open("w")
    connection.close()
    server = start(["serve", "--threads", "8"], port, log)
    worker = start(["worker"], port, log)
    try:
        wait_until_up(base)
        warm = wait_for_similar_requests(base, cookies[0], refs[0])
        quiet = unloaded(base, cookies[0], refs, rng)
        queue = [(0, queue_length())]
        before = InboundMessage.objects.aggregate(last=Max("pk"))["last"] or 0
        stop = threading.Event()
        staff = [Staff(base, cookie, refs, args.seed + n, stop) for n, cookie in enumerate(cookies)]
        sender = Sender(base, token, args.emails_per_second, args.seconds, args.seed)
        started = time.monotonic()
        for thread in [*staff, sender]:
            thread.start()
        while time.monotonic() - started < args.seconds:
            time.sleep(5)
            queue.append((round(time.monotonic() - started), queue_length()))
        stop.set()
        sender.join(120)
        for thread in staff:
            thread.join(TIMEOUT + 5)
        # The queue after the load: what the worker still had to do.
        for _ in range(6):
            time.sleep(5)
            queue.append((round(time.monotonic() - started), queue_length()))
    finally:
        for process in (server, worker):
            process.terminate()
            process.wait(30)
        log.close()

    stored = set(InboundMessage.objects.filter(pk__gt=before).values_list("sha256", flat=True))
    sent = [hashlib.sha256(raw).hexdigest() for raw in sender.raws]
    loaded = {kind: figures([(s, t) for k, s, t in (x for t in staff for x in t.seen) if k == kind])
              for kind in PAGES}  # fmt: skip
    result = {
        "benchmark": "load",
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "code": code_version(),
        "machine": machine(),
        "database": connection.vendor,
        "requests": count,
        "users": args.users,
        "emails_per_second": args.emails_per_second,
        "seconds": args.seconds,
        "warm_up": warm,
        "unloaded": {kind: figures(timings) for kind, timings in quiet.items()},
        "loaded": loaded,
        "case_page_p95_ratio": ratio(loaded["case page"], figures(quiet["case page"])),
        "intake": {
            **figures(sender.answers),
            "sent": len(sent),
            "accepted": sum(1 for status, _ in sender.answers if status == 202),
            "stored": sum(1 for digest in sent if digest in stored),
        },
        "task_queue": queue,
    }
    RESULTS.mkdir(exist_ok=True)
    size = f"1e{len(str(count)) - 1}" if str(count).startswith("1") else str(count)
    out = RESULTS / f"load-{connection.vendor}-{size}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    print(f"written to {out}")


if __name__ == "__main__":
    main()
