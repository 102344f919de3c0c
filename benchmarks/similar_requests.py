"""How fast the case page's similar requests are with 10^5 or 10^6 requests, in Django.

Uses the requests already in the database the environment configures — those benchmarks/
search.py loads (each a real request title with a 100-400 word body) — and measures what
foidesk does with them, through foidesk.similar.services:

- building the similarity index from the database and saving it (timed, with its size and
  the memory it took), and regrouping the round-robins among the newest requests (timed
  separately: rebuild() does both);
- loading the saved index into a fresh process's memory (memory-mapped);
- similar_to(case, user) for 200 random requests, as an officer (sees every request) and as a
  contributor (sees only their service area's: the visibility filter runs on each answer);
- similar_to_text(text, anonymous) for 200 request texts, as the public request form asks.

Run: SECRET_KEY=bench FOIDESK_DATA_DIR=/work/bench-data/search-sqlite-1e6 \\
         uv run python benchmarks/similar_requests.py
     (add DATABASE_URL=... for PostgreSQL; --skip-build measures an index built by an
     earlier run; writes benchmarks/results/similar-requests-<vendor>-<size>.json)
"""

# ruff: noqa: E402
# (Django must be set up before the models can be imported, so imports follow setup.)

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "foidesk.config.settings")

import django

django.setup()

import argparse
import json
import random
import resource
import time
from pathlib import Path

from casework import code_version, database, machine, size_label, summary
from django.contrib.auth.models import AnonymousUser, Group

from foidesk.accounts.models import User
from foidesk.accounts.roles import Role
from foidesk.casework.models import Request, ServiceArea
from foidesk.similar import services as similar_requests
from foidesk.similar.models import RoundRobinMember

RESULTS = Path(__file__).parent / "results"


def user(username, role, areas=()):
    person, _ = User.objects.get_or_create(username=username)
    person.groups.add(Group.objects.get(name=role))
    for name in areas:
        person.service_areas.add(ServiceArea.objects.get_or_create(name=name)[0])
    return person


def folder_bytes(path):
    return sum(file.stat().st_size for file in path.rglob("*") if file.is_file())


def build():
    started = time.perf_counter()
    build_id = similar_requests._build_and_save()
    built = time.perf_counter() - started
    return {
        "build_and_save_s": round(built, 1),
        "peak_rss_mb_after_build": peak_rss_mb(),
        "index_bytes": folder_bytes(similar_requests.index_root() / build_id),
    }


def regroup():
    """What rebuild() does after the build: round-robins among the newest requests."""
    index = similar_requests.current_index()
    started = time.perf_counter()
    window = similar_requests._recent_requests()
    groups = similar_requests._round_robins(index, window)
    similar_requests._replace_round_robins(groups, window)
    return {
        "window": len(window),
        "seconds": round(time.perf_counter() - started, 1),
        "round_robins": len(groups),
        "requests_in_round_robins": RoundRobinMember.objects.count(),
        "index": index.stats(),
    }


def peak_rss_mb():
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def load_fresh():
    similar_requests.forget()
    started = time.perf_counter()
    index = similar_requests.current_index()
    return {"load_s": round(time.perf_counter() - started, 2), "documents": len(index)}


def timed(call, items, warmup=10):
    for item in items[:warmup]:
        call(item)
    timings, shown = [], 0
    for item in items:
        started = time.perf_counter()
        found = call(item)
        timings.append(time.perf_counter() - started)
        shown += len(found)
    return summary(timings) | {"mean_results": round(shown / len(items), 2)}


def sample(rng, count):
    ids = Request.objects.values_list("pk", flat=True)
    first, last = ids.order_by("pk").first(), ids.order_by("-pk").first()
    chosen = set()
    while len(chosen) < min(count, Request.objects.count()):
        chosen.add(rng.randint(first, last))
    return list(Request.objects.filter(pk__in=chosen))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=5973764)
    parser.add_argument("--skip-build", action="store_true")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    count = Request.objects.count()
    result = {
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "database": database(),
        "code": code_version(),
        "machine": machine(),
        "requests": count,
    }
    if not args.skip_build:
        result["build"] = build()
        print(json.dumps(result["build"], indent=1), flush=True)
    result["load"] = load_fresh()
    result["round_robins"] = regroup()
    print(json.dumps(result["round_robins"], indent=1), flush=True)
    officer = user("bench.officer", Role.OFFICER)
    contributor = user("bench.contributor", Role.CONTRIBUTOR, ["Adults Services"])
    cases = sample(rng, args.runs)
    result["similar_to"] = {
        "officer": timed(lambda case: similar_requests.similar_to(case, officer), cases),
        "contributor": timed(lambda case: similar_requests.similar_to(case, contributor), cases),
    }
    texts = [f"{case.subject}\n\n{case.body}" for case in sample(rng, args.runs)]
    result["similar_to_text_public"] = timed(
        lambda text: similar_requests.similar_to_text(text, AnonymousUser()), texts
    )
    result["peak_rss_mb"] = peak_rss_mb()
    out = RESULTS / f"similar-requests-{database()['vendor']}-{size_label(count)}.json"
    out.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps({k: result[k] for k in ["load", "similar_to", "similar_to_text_public"]}))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
