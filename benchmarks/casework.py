"""How fast the caseload, the case page and the API answer on a large database.

Signs in as the demo officer with Django's test Client, in this process, against the
database the environment configures (fill it with generate.py first). The settings are
the production ones (DEBUG off, HTTPS assumed, so each request is made with secure=True);
only "testserver", the test Client's host name, is added to ALLOWED_HOSTS. The time is
Django's and the database's: no web server, no network, no browser.

A page or endpoint that is not there yet (404) or fails is recorded as missing with its
status code, so the benchmark can be run again as the views are written.

Run: SECRET_KEY=bench FOIDESK_DATA_DIR=/work/bench-data/sqlite-1e5 \\
         uv run python benchmarks/casework.py
     (writes benchmarks/results/casework-<vendor>-<size>.json, e.g. casework-sqlite-1e5.json)
"""

# ruff: noqa: E402
# (Django must be set up before the models can be imported, so imports follow setup.)

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "foidesk.config.settings")

import django

django.setup()

import argparse
import importlib.util
import json
import math
import platform
import random
import sqlite3
import statistics
import subprocess
import time
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Max, Min
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from percentiles import percentile

from foidesk.accounts.models import User
from foidesk.casework.models import (
    ClockEvent,
    Contribution,
    Question,
    Request,
    Requester,
    TimelineEvent,
)
from foidesk.casework.workflow import OPEN_STATES

RESULTS = Path(__file__).parent / "results"
USERNAME = "officer"
CASE_PAGE = "/staff/requests/{reference}/"


def client_for(username):
    """A test Client signed in as ``username``, with the production settings."""
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(username=username))
    return client


def prepare_static_files():
    """The pages name their assets through the static files manifest, as in production,
    so it must exist: collectstatic writes it into the data folder when it does not."""
    try:
        staticfiles_storage.url("foidesk/foidesk.css")
    except ValueError:
        call_command("collectstatic", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)


def api_headers(username):
    """The Authorization header for the API; a string saying why not while it cannot be made."""
    if importlib.util.find_spec("foidesk.api.tokens") is None:
        return "foidesk.api.tokens does not exist yet: no token to call the API with"
    try:
        from foidesk.api import tokens

        return {"Authorization": f"Bearer {tokens.create(username, 'casework benchmark')}"}
    except Exception as problem:  # the module may be half written
        return f"no token: {type(problem).__name__}: {problem}"


def open_references(rng, count):
    references = list(
        Request.objects.filter(state__in=OPEN_STATES).values_list("reference", flat=True)
    )
    return rng.sample(references, min(count, len(references)))


def closed_references(rng, count):
    """Closed cases picked by random id: ORDER BY RANDOM() would read the whole table."""
    bounds = Request.objects.aggregate(first=Min("pk"), last=Max("pk"))
    if bounds["first"] is None:
        return []
    found = []
    for _ in range(20):
        ids = [rng.randint(bounds["first"], bounds["last"]) for _ in range(count * 2)]
        found += (
            Request.objects.filter(pk__in=ids)
            .exclude(state__in=OPEN_STATES)
            .values_list("reference", flat=True)
        )
        if len(found) >= count:
            break
    return found[:count]


def measure(client, urls, warmup, headers=None):
    """Time each of ``urls`` (cycled to ``len(urls)`` runs) after ``warmup`` untimed runs.

    The first warm-up response decides whether the scenario can be measured at all.
    """
    headers = headers or {}
    if not urls:
        return {"status": "missing", "reason": "no request to open in this database"}
    try:
        first = client.get(urls[0], secure=True, headers=headers)
    except Exception as problem:  # code being written may not even import
        return {
            "status": "missing",
            "url": urls[0],
            "error": f"{type(problem).__name__}: {problem}",
        }
    if first.status_code != 200:
        return {"status": "missing", "status_code": first.status_code, "url": urls[0]}
    for url in urls[:warmup]:
        client.get(url, secure=True, headers=headers)
    timings, failures = [], {}
    for url in urls:
        started = time.perf_counter()
        response = client.get(url, secure=True, headers=headers)
        timings.append(time.perf_counter() - started)
        if response.status_code != 200:
            failures[response.status_code] = failures.get(response.status_code, 0) + 1
    with CaptureQueriesContext(connection) as queries:
        client.get(urls[0], secure=True, headers=headers)
    return {
        "status": "measured",
        "url": urls[0],
        **summary(timings),
        "queries": len(queries),
        "bytes": len(first.content),
        **({"non_200": failures} if failures else {}),
    }


def summary(timings):
    ordered = sorted(timings)
    return {
        "runs": len(ordered),
        "median_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(percentile(ordered, 0.95) * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 2),
    }


def scenarios(client, rng, runs, warmup):
    """Each scenario's result, by name; missing ones say why."""
    results = {
        "caseload": measure(client, ["/staff/"] * runs, warmup),
        "caseload_overdue": measure(client, ["/staff/?view=overdue"] * runs, warmup),
        "caseload_all_open": measure(client, ["/staff/?view=open"] * runs, warmup),
        "case_page_open": measure(
            client, [CASE_PAGE.format(reference=r) for r in open_references(rng, runs)], warmup
        ),
        "case_page_closed": measure(
            client, [CASE_PAGE.format(reference=r) for r in closed_references(rng, runs)], warmup
        ),
    }
    headers = api_headers(USERNAME)
    if isinstance(headers, str):
        results["api_overdue"] = {"status": "missing", "reason": headers}
    else:
        results["api_overdue"] = measure(
            client, ["/api/v1/requests?overdue=true"] * runs, warmup, headers
        )
    return results


def row_counts():
    today = timezone.localdate()
    open_requests = Request.objects.filter(state__in=OPEN_STATES)
    return {
        "requests": Request.objects.count(),
        "open": open_requests.count(),
        "overdue": open_requests.filter(due_on__lt=today).count(),
        "requesters": Requester.objects.count(),
        "questions": Question.objects.count(),
        "contributions": Contribution.objects.count(),
        "clock_events": ClockEvent.objects.count(),
        "timeline_events": TimelineEvent.objects.count(),
        "officers": User.objects.filter(groups__name="officer").count(),
    }


def database():
    if connection.vendor == "postgresql":
        major, minor = divmod(connection.pg_version, 10_000)
        version = f"{major}.{minor}"
    else:
        version = sqlite3.sqlite_version
    return {
        "vendor": connection.vendor,
        "version": version,
        "name": str(connection.settings_dict["NAME"]),
    }


def machine():
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "python": platform.python_version(),
        "django": django.get_version(),
        # Other work on the machine slows every figure: this says how busy it was.
        "load_average_1_5_15": [round(load, 2) for load in os.getloadavg()],
    }


def code_version():
    """The commit measured, and whether the checkout had changes beyond it."""

    def git(*args):
        # --no-optional-locks: never write the index, which someone may be committing to.
        command = ["git", "--no-optional-locks", "-C", str(Path(__file__).parent), *args]
        found = subprocess.run(command, capture_output=True, text=True, check=False)
        return found.stdout.strip()

    return {
        "commit": git("rev-parse", "HEAD"),
        "uncommitted_changes": bool(git("status", "--porcelain")),
    }


def pending_migrations():
    """Migrations not yet applied: a page or the API may fail for want of one."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


def generation():
    """How the data was loaded, as generate.py recorded it in the data folder."""
    path = Path(settings.DATA_DIR) / "generate.json"
    return json.loads(path.read_text()) if path.exists() else None


def size_label(count):
    """100,201 requests -> "1e5": the order of magnitude names the data set."""
    return f"1e{round(math.log10(count))}" if count else "empty"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="timed requests per scenario")
    parser.add_argument("--warmup", type=int, default=10, help="untimed requests first")
    parser.add_argument("--seed", type=int, default=1, help="which cases are opened")
    parser.add_argument(
        "--output", type=Path, help="where to write the results, e.g. when trying an index"
    )
    args = parser.parse_args(argv)
    pending = pending_migrations()
    if pending:
        print(f"Not migrated: {', '.join(pending)}; run `foidesk manage migrate` to measure all.")
    prepare_static_files()
    counts = row_counts()
    client = client_for(USERNAME)
    results = {
        "measured_at": timezone.now().isoformat(timespec="seconds"),
        "database": database(),
        "code": code_version(),
        "debug": settings.DEBUG,
        "pending_migrations": pending,
        "machine": machine(),
        "rows": counts,
        "generation": generation(),
        "scenarios": scenarios(client, random.Random(args.seed), args.runs, args.warmup),
    }
    path = (
        args.output
        or RESULTS / f"casework-{connection.vendor}-{size_label(counts['requests'])}.json"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results["scenarios"], indent=2))
    print(f"Written to {path}")


if __name__ == "__main__":
    main()
