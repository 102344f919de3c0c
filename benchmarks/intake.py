"""How fast email becomes casework: messages a second from SMTP to a stored, read message.

foidesk's SMTP listener (foidesk.intake.smtp, as `foidesk mail-receive` runs it) is started
in this process on a free loopback port; K client threads send N messages to it with
smtplib, each client over one connection, as a relay would. The mix is realistic: plain
requests with three numbered questions, HTML-only requests, replies quoting a case's
reference and requests with a PDF attached. A watcher thread reads the database every few
milliseconds and notes when each message's InboundMessage is processed (its outcome no
longer "received").

Measured:
- throughput: messages a second, from the first send to the last message processed;
- latency of each message, from the start of its send to its InboundMessage processed
  (as the watcher saw it), and to the listener's 250 (which foidesk sends only once the
  message is stored and read), p50 / p95 / max.

The database is a fresh SQLite file in a temporary data folder unless DATABASE_URL or
FOIDESK_DATA_DIR says otherwise; it is migrated and the demo authority loaded. Outgoing mail
goes to the file backend in the data folder; acknowledgements are only queued as tasks here
(no worker runs), which is what the listener does in production too.

With --profile M, M more messages of the same mix are then run through
services.receive() in this thread under cProfile, to show where the time goes.

Run: uv run python benchmarks/intake.py [--messages 500] [--clients 4] [--profile 200]
     DATABASE_URL=postgresql://postgres@127.0.0.1:5432/foidesk_bench_intake \\
         uv run python benchmarks/intake.py
     (writes benchmarks/results/intake-<vendor>.json)
"""

# ruff: noqa: E402
# (Django must be configured and set up before the models can be imported.)

import os
import tempfile

_made_data_dir = None
if "FOIDESK_DATA_DIR" not in os.environ:
    _made_data_dir = tempfile.mkdtemp(prefix="foidesk-bench-intake-")
    os.environ["FOIDESK_DATA_DIR"] = _made_data_dir
os.environ.setdefault("SECRET_KEY", "bench")
os.environ.pop("EMAIL_HOST", None)  # the file backend: nothing leaves this machine
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "foidesk.config.settings")

import django

django.setup()

import argparse
import cProfile
import io
import json
import logging
import pstats
import random
import shutil
import smtplib
import socket
import statistics
import threading
import time
from collections import Counter
from email import policy
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import casework
from casework import code_version, machine
from django.core.management import call_command
from django.db import close_old_connections, connection
from percentiles import percentile

from foidesk import demo
from foidesk.intake import services, smtp
from foidesk.intake.models import InboundMessage

RESULTS = Path(__file__).parent / "results"
TARGET_PER_SECOND = 50
WARMUP = 20
KINDS = {  # kind: (share of the mix, the outcome it should have)
    "plain": (0.55, "new_request"),
    "html": (0.15, "new_request"),
    "reply": (0.20, "reply"),
    "pdf": (0.10, "new_request"),
}
TOPICS = [
    "Pothole repairs",
    "Agency staff spending",
    "Library opening hours",
    "Temporary accommodation",
    "Parking fines",
    "School transport",
    "Council tax arrears",
    "Tree maintenance",
]


# The messages


def message(n, kind, references):
    """Message ``n`` of ``kind``, as a mail client would write it."""
    rng = random.Random(n)
    topic = TOPICS[n % len(TOPICS)]
    email = EmailMessage()
    email["From"] = f"Requester {n} <requester{n}@example.com>"
    email["To"] = "foi@barnet.gov.uk"
    email["Message-ID"] = make_msgid(domain="example.com")
    years = f"{2019 + rng.randint(0, 3)} to 2024"
    questions = [
        f"How much did the council spend on {topic.lower()} in each year from {years}?",
        f"How many complaints about {topic.lower()} were received in each of those years?",
        f"Which officer or team is responsible for {topic.lower()}?",
    ]
    intro = "Under the Freedom of Information Act 2000, please provide the following."
    if kind == "reply":
        reference = references[n % len(references)]
        email["Subject"] = f"Re: Your request for information – our ref: {reference}"
        email.set_content(
            "Thank you for your acknowledgement. To clarify, I mean the financial years, "
            f"not calendar years.\n\nOur ref: {reference}\n\nRequester {n}\n"
        )
    elif kind == "html":
        email["Subject"] = f"Freedom of Information request - {topic}"
        items = "".join(f"<li>{question}</li>" for question in questions)
        email.set_content(
            f"<html><body><p>Dear FOI team,</p><p>{intro}</p><ol>{items}</ol>"
            f"<p>Yours faithfully,<br>Requester {n}</p></body></html>",
            subtype="html",
        )
    else:
        email["Subject"] = f"Freedom of Information request - {topic}"
        numbered = "\n".join(f"{i}. {question}" for i, question in enumerate(questions, 1))
        email.set_content(
            f"Dear FOI team,\n\n{intro}\n\n{numbered}\n\nYours faithfully,\nRequester {n}\n"
        )
        if kind == "pdf":
            email.add_attachment(
                pdf(rng), maintype="application", subtype="pdf", filename=f"request-{n}.pdf"
            )
    # With CRLF line ends, as on the wire: smtplib sends bytes as they are.
    return email.as_bytes(policy=policy.SMTP)


def pdf(rng):
    """A PDF-looking file of 20 to 80 KB: its header is what the attachment check reads."""
    body = bytes(rng.getrandbits(8) for _ in range(rng.randint(20_000, 80_000)))
    return b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + body + b"\n%%EOF\n"


def mix(count, seed):
    rng = random.Random(seed)
    kinds, shares = zip(*((kind, share) for kind, (share, _) in KINDS.items()), strict=True)
    return rng.choices(kinds, weights=shares, k=count)


# Sending and watching


class Watcher(threading.Thread):
    """Notes when each message (by its envelope sender) is processed, as the database shows."""

    def __init__(self, after_pk, expected, interval):
        super().__init__(name="watcher", daemon=True)
        self.after_pk, self.expected, self.interval = after_pk, expected, interval
        self.processed = {}  # envelope sender: (perf_counter when first seen processed, outcome)
        self.done = threading.Event()

    def run(self):
        try:
            # Every message at or below the watermark is processed, so each read is of the
            # few in flight. It moves only over consecutive ids: under concurrency a lower
            # id can commit after a higher one, and must not be skipped.
            watermark, seen = self.after_pk, set()
            while len(self.processed) < self.expected:
                rows = InboundMessage.objects.filter(pk__gt=watermark).exclude(
                    outcome=InboundMessage.Outcome.RECEIVED
                )
                now = time.perf_counter()
                for pk, sender, outcome in rows.values_list("pk", "envelope_from", "outcome"):
                    self.processed.setdefault(sender, (now, outcome))
                    seen.add(pk)
                while watermark + 1 in seen:
                    watermark += 1
                    seen.discard(watermark)
                time.sleep(self.interval)
        finally:
            connection.close()
            self.done.set()


def send_all(port, raws, clients):
    """Send (sender, raw) pairs from ``clients`` threads; each one's (start, 250 time)."""
    timings, failures = {}, []
    queue = list(reversed(raws))  # popped from the end: first message first
    lock = threading.Lock()

    def client():
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=120) as session:
                while True:
                    with lock:
                        if not queue:
                            return
                        sender, raw = queue.pop()
                    started = time.perf_counter()
                    session.sendmail(sender, ["foi@barnet.gov.uk"], raw)
                    timings[sender] = (started, time.perf_counter())
        except Exception as failure:
            failures.append(failure)
            with lock:
                queue.clear()

    threads = [threading.Thread(target=client, name=f"client-{i}") for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(f"sending failed: {failures[0]!r}")
    return timings


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# Measuring


def run(count, clients, seed, interval):
    listener = smtp.listener("127.0.0.1", free_port())
    listener.start()
    try:
        # Warm-up: the first messages pay for imports, templates and compiled patterns;
        # their cases are the ones the replies in the timed run quote.
        warmup = [(f"warmup-{n}@example.com", message(n, "plain", [])) for n in range(WARMUP)]
        send_all(listener.port, warmup, clients)
        references = list(
            InboundMessage.objects.filter(envelope_from__startswith="warmup-")
            .exclude(request=None)
            .values_list("request__reference", flat=True)
        )
        after_pk = InboundMessage.objects.order_by("-pk").values_list("pk", flat=True).first()
        kinds = mix(count, seed)
        raws = [
            (f"bench-{n}@example.com", message(WARMUP + n, kind, references))
            for n, kind in enumerate(kinds)
        ]
        watcher = Watcher(after_pk, count, interval)
        watcher.start()
        started, cpu_started = time.perf_counter(), time.process_time()
        timings = send_all(listener.port, raws, clients)
        sent = time.perf_counter()
        if not watcher.done.wait(timeout=120) or len(watcher.processed) < count:
            raise SystemExit(f"only {len(watcher.processed)} of {count} messages processed")
        finished = max(at for at, _ in watcher.processed.values())
        cpu = time.process_time() - cpu_started
    finally:
        listener.stop()
    results = summarise(kinds, raws, timings, watcher, started, sent, finished)
    # All of this process's threads (listener, clients, watcher): near 1.0 of the wall time
    # means one core is saturated, which the GIL makes the ceiling for one process.
    results["process_cpu_seconds"] = round(cpu, 2)
    results["process_cpu_per_wall_second"] = round(cpu / (finished - started), 2)
    return results


def summarise(kinds, raws, timings, watcher, started, sent, finished):
    expected = {sender: KINDS[kind][1] for (sender, _), kind in zip(raws, kinds, strict=True)}
    outcomes = Counter(outcome for _, outcome in watcher.processed.values())
    wrong = Counter(
        f"{kinds[n]} -> {watcher.processed[sender][1]}"
        for n, (sender, _) in enumerate(raws)
        if watcher.processed[sender][1] != expected[sender]
    )
    to_processed = [watcher.processed[sender][0] - timings[sender][0] for sender, _ in raws]
    to_250 = [timings[sender][1] - timings[sender][0] for sender, _ in raws]
    sizes = [len(raw) for _, raw in raws]
    return {
        "messages": len(raws),
        "mix": dict(Counter(kinds)),
        "bytes": {"total": sum(sizes), "median": int(statistics.median(sizes)), "max": max(sizes)},
        "seconds": round(finished - started, 3),
        "messages_per_second": round(len(raws) / (finished - started), 1),
        "messages_per_second_to_last_250": round(len(raws) / (sent - started), 1),
        "latency_to_processed_ms": summary(to_processed),
        "latency_to_250_ms": summary(to_250),
        "outcomes": dict(outcomes),
        "unexpected_outcomes": dict(wrong),
        "acknowledgements_queued": queued_tasks(),
    }


def queued_tasks():
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.count()


def summary(seconds):
    ordered = sorted(seconds)
    return {
        "p50": round(statistics.median(ordered) * 1000, 1),
        "p95": round(percentile(ordered, 0.95) * 1000, 1),
        "max": round(ordered[-1] * 1000, 1),
        "mean": round(statistics.fmean(ordered) * 1000, 1),
    }


def profile(count, seed, top=30):
    """``count`` messages of the mix through services.receive() here, under cProfile."""
    references = list(
        InboundMessage.objects.exclude(request=None).values_list("request__reference", flat=True)
    )[:20]
    raws = [message(10_000 + n, kind, references) for n, kind in enumerate(mix(count, seed + 1))]
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for raw in raws:
        services.receive(raw, InboundMessage.Channel.SMTP, "profile@example.com")
    profiler.disable()
    elapsed = time.perf_counter() - started
    report = io.StringIO()
    stats = pstats.Stats(profiler, stream=report)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return {
        "messages": count,
        "seconds_under_profiler": round(elapsed, 3),
        "ms_per_message_under_profiler": round(elapsed / count * 1000, 2),
        "report": report.getvalue(),
    }


# Where and on what


def prepare():
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    demo.load("bench-intake-password", generated=0)
    close_old_connections()


def database():
    return {
        **casework.database(),
        "fresh_data_folder": _made_data_dir is not None,
        "options": {
            key: value
            for key, value in connection.settings_dict["OPTIONS"].items()
            if key != "password"
        },
        "conn_max_age": connection.settings_dict["CONN_MAX_AGE"],
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=500, help="messages timed (%(default)s)")
    parser.add_argument("--clients", type=int, default=4, help="sending threads (%(default)s)")
    parser.add_argument("--seed", type=int, default=1, help="which mix of messages")
    parser.add_argument(
        "--watch-every",
        type=float,
        default=10,
        metavar="MS",
        help="how often the database is read for processed messages (%(default)s ms)",
    )
    parser.add_argument(
        "--profile", type=int, default=0, metavar="M", help="then profile M messages in process"
    )
    parser.add_argument("--output", type=Path, help="where to write the results")
    args = parser.parse_args(argv)
    # aiosmtpd logs every SMTP command at INFO: thousands of lines, and time, for nothing.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    prepare()
    results = {
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "database": database(),
        "code": code_version(),
        "machine": machine(),
        "clients": args.clients,
        "target_messages_per_second": TARGET_PER_SECOND,
        "watch_every_ms": args.watch_every,
        "run": run(args.messages, args.clients, args.seed, args.watch_every / 1000),
    }
    results["machine"]["load_average_after_run"] = [round(n, 2) for n in os.getloadavg()]
    results["run"]["meets_target"] = results["run"]["messages_per_second"] >= TARGET_PER_SECOND
    if args.profile:
        results["profile"] = profile(args.profile, args.seed)
    path = args.output or RESULTS / f"intake-{connection.vendor}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results["run"], indent=2))
    if args.profile:
        print(results["profile"]["report"])
    print(f"Written to {path}")
    connection.close()


if __name__ == "__main__":
    try:
        main()
    finally:
        if _made_data_dir:
            shutil.rmtree(_made_data_dir, ignore_errors=True)
