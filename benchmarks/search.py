"""How fast the disclosure log's search answers with 10^5 or 10^6 published entries.

Loads N published entries into the database the environment configures (FOIDESK_DATA_DIR
for SQLite, DATABASE_URL for PostgreSQL), unless it holds them already: each is a closed
request, a disclosure log entry and its one version, written with bulk_create a few
thousand to a transaction. Titles are the real request titles in data/request-titles.txt;
requests are 100-400 words built from them (numbered questions about other titles'
subjects); responses 80-250 words with the systems, suppliers, numbers, money, exemption
wording (FOIA s.12, 21, 40(2), 43(2); EIR reg. 12(4)(b), 13) and review rights that real
responses carry. Publication times spread over 20 years, busier lately.

Then rebuild() builds the index (timed, with its size), and search() is timed for 200
realistic queries: single words, two or three words, "quoted phrases", exclusions and OR,
with and without a filter (outcome, regime, service area, topic, published between two
dates), and the empty query (the newest entries). The public page
GET /disclosure-log/?q=... is timed for the same queries when that URL exists, and recorded
as missing when it does not. Timings are in this process, Django and the database only.

Run: SECRET_KEY=bench FOIDESK_DATA_DIR=/work/bench-data/search-sqlite-1e5 \\
         uv run python benchmarks/search.py --count 100000
     SECRET_KEY=bench FOIDESK_DATA_DIR=/work/bench-data/search-pg-1e6 \\
         DATABASE_URL=postgresql://postgres@127.0.0.1:5432/foidesk_bench_search_1e6 \\
         uv run python benchmarks/search.py --count 1000000
     (writes benchmarks/results/search-<vendor>-<size>.json, e.g. search-sqlite-1e5.json;
     --skip-rebuild measures an index built by an earlier run)
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
import statistics
import time
from datetime import UTC, timedelta
from pathlib import Path
from urllib.parse import urlencode

from casework import (
    code_version,
    database,
    machine,
    measure,
    pending_migrations,
    prepare_static_files,
    size_label,
    summary,
)
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import timezone
from generate import FOI_QUESTIONS, weighted

from foidesk.casework.models import Request
from foidesk.publication import search
from foidesk.publication.models import DisclosureEntry, DisclosureVersion

RESULTS = Path(__file__).parent / "results"
TITLES_FILE = Path(__file__).parent / "data" / "request-titles.txt"
PAGE = "/disclosure-log/"
ENTRIES_PER_TRANSACTION = 5_000
ROWS_PER_INSERT = 1_000
YEARS = 20

ACTS = {
    "foi": "the Freedom of Information Act 2000",
    "eir": "the Environmental Information Regulations 2004",
    "foisa": "the Freedom of Information (Scotland) Act 2002",
}
REGIMES = [("foi", 86), ("eir", 11), ("foisa", 3)]
OUTCOMES = [
    ("granted_in_full", 46),
    ("partially_withheld", 24),
    ("not_held", 12),
    ("withheld_in_full", 8),
    ("refused_cost", 7),
    ("refused_repeated", 2),
    ("refused_vexatious", 1),
]
# Words in a title that say which topic it is and which service area answers it.
TOPICS = [
    (("adopt",), "Adoption", "Family Services"),
    (("foster",), "Fostering", "Family Services"),
    (
        ("looked after", "care leaver", "in care", "placement"),
        "Looked after children",
        "Family Services",
    ),
    (("school", "education", "send", "sen ", "ehcp", "nursery"), "Education and SEND", "Education"),
    (
        ("adult", "elderly", "older people", "dementia", "home care"),
        "Adult social care",
        "Adults Services",
    ),
    (("housing", "homeless", "accommodation", "tenan"), "Housing", "Housing"),
    (("road", "highway", "pothole", "parking", "traffic"), "Highways", "Highways"),
    (("staff", "agency", "salar", "social worker", "employ"), "Staffing", "Human Resources"),
    (
        ("budget", "spend", "cost", "contract", "fund", "allowance", "payment"),
        "Finance and contracts",
        "Finance",
    ),
    (("system", "software", " it ", "data"), "Information technology", "IT Services"),
]
DEFAULT_TOPIC = ("Children's social care", "Family Services")
SERVICE_AREAS = sorted({area for *_, area in TOPICS} | {"Legal Services", "Environment"})
SYSTEMS = [
    ("Mosaic", "Servelec"),
    ("Liquidlogic LCS", "System C"),
    ("Liquidlogic LAS", "System C"),
    ("ContrOCC", "System C"),
    ("Eclipse", "OLM Systems"),
    ("CareFirst", "OLM Systems"),
    ("Azeus Care", "Azeus"),
    ("Paris", "Civica"),
    ("Capita One", "Capita"),
    ("SystmOne", "TPP"),
    ("Northgate Housing", "NEC"),
    ("Uniform", "Idox"),
    ("Confirm", "Brightly"),
    ("Unit4 ERP", "Unit4"),
    ("Oracle Fusion", "Oracle"),
]
SYSTEM_TYPES = [
    "core case management system",
    "electronic document management system",
    "finance and payments system",
    "resource allocation system",
    "case recording system",
]
QUESTIONS = [
    *FOI_QUESTIONS,
    "Please break down the figures for {topic} by age, gender and ethnicity where held.",
    "How many cases of {topic} were open on 31 March in each of the last five years?",
]
EXEMPTIONS = {
    "foi": [
        "The contract values are withheld under section 43(2) of the Act (commercial "
        "interests): disclosure would be likely to prejudice the commercial interests of the "
        "council and its suppliers. We have considered the public interest and concluded "
        "that it favours withholding the information at this time.",
        "The names of officers below head of service are withheld under section 40(2) of the "
        "Act (personal information), as disclosure would breach the data protection "
        "principles.",
        "This information is reasonably accessible to you and is therefore exempt under "
        "section 21 of the Act: it is published on the council's transparency pages.",
        "Complying with this part of the request would exceed the appropriate limit of £450 "
        "set under section 12 of the Act, as the information would have to be extracted by "
        "hand from individual case files.",
        "Figures below five are withheld under section 40(2), as individuals could be "
        "identified from them.",
    ],
    "eir": [
        "This part of the request is refused under regulation 12(4)(b) of the Regulations "
        "(manifestly unreasonable), given the burden of complying with it.",
        "Personal data is withheld under regulation 13 of the Regulations.",
        "Commercial information is withheld under regulation 12(5)(e) (confidentiality of "
        "commercial or industrial information); the public interest favours withholding it.",
    ],
}
EXEMPTIONS["foisa"] = [
    "The contract values are withheld under section 33(1)(b) of the Act (commercial interests)."
]
RIGHTS = (
    "If you are unhappy with the way your request has been handled, you may ask for an "
    "internal review within 40 working days of this response. If you remain dissatisfied "
    "after the review, you may complain to the Information Commissioner."
)
# (A line of words reads better than 37 quoted strings.)
STOP_WORDS = set(
    "a an and are as at be by for from has have in into is it of on or that the their this "  # noqa: SIM905
    "to was were what which who with within your you our all any per".split()
)


class Writer:
    """Entries' words, built from the real titles."""

    def __init__(self, rng):
        self.rng = rng
        self.titles = [
            line.strip() for line in TITLES_FILE.read_text().splitlines() if line.strip()
        ]
        self.topic_of = {title: self._topic(title) for title in self.titles}

    @staticmethod
    def _topic(title):
        lowered = f" {title.lower()} "
        for words, topic, area in TOPICS:
            if any(word in lowered for word in words):
                return topic, area
        return DEFAULT_TOPIC

    def subject(self, title):
        return title.strip(" .'\"").rstrip("?") or title

    def request(self, title, regime):
        rng = self.rng
        target = rng.randint(100, 400)
        parts = [
            f"Under {ACTS[regime]}, please provide the following information about "
            f"{self.subject(title).lower()}."
        ]
        words = len(parts[0].split())
        number = 0
        while words < target - 10:
            number += 1
            topic = self.subject(title if number == 1 else rng.choice(self.titles)).lower()
            question = f"Q{number}. " + rng.choice(QUESTIONS).format(topic=topic)
            parts.append(question)
            words += len(question.split())
        parts.append(
            "Please provide the information in an Excel spreadsheet if possible, by email. "
            "Thank you for your help."
        )
        return "\n\n".join(parts), number

    def response(self, title, regime, outcome, questions, received):
        rng = self.rng
        parts = [
            f"Thank you for your request for information about {self.subject(title).lower()}, "
            f"received on {received:%d %B %Y}. We have dealt with it under {ACTS[regime]}."
        ]
        if outcome == "refused_cost":
            parts.append(EXEMPTIONS["foi"][3] if regime == "foi" else EXEMPTIONS["eir"][0])
            parts.append(
                "You may wish to narrow your request, for example to one year or one service."
            )
        elif outcome in ("refused_vexatious", "refused_repeated"):
            parts.append(
                "The council considers this request to be "
                + (
                    "vexatious under section 14(1)"
                    if outcome == "refused_vexatious"
                    else "a repeated request under section 14(2)"
                )
                + " of the Act and will not be complying with it."
            )
        else:
            for number in range(1, min(questions, 5) + 1):
                parts.append(f"Q{number}. " + self.answer(outcome, received))
            if outcome in ("partially_withheld", "withheld_in_full"):
                parts.append(rng.choice(EXEMPTIONS[regime]))
        parts.append(RIGHTS)
        return "\n\n".join(parts)

    def answer(self, outcome, received):
        rng = self.rng
        if outcome == "not_held" or rng.random() < 0.08:
            return "The council does not hold this information."
        kind = rng.random()
        if kind < 0.3:
            (system, supplier), (other, other_supplier) = rng.sample(SYSTEMS, 2)
            return (
                f"Adults: {system} ({supplier}), the {rng.choice(SYSTEM_TYPES)}, with "
                f"{rng.randint(40, 2500):,} users, implemented in "
                f"{rng.randint(received.year - 15, received.year - 1)}. "
                f"Children's: {other} ({other_supplier}), with {rng.randint(40, 2500):,} "
                f"users; the contract ends on {rng.randint(1, 28)} "
                f"{rng.choice(['March', 'June', 'September', 'December'])} "
                f"{received.year + rng.randint(1, 6)}."
            )
        if kind < 0.6:
            year = received.year - rng.randint(3, 6)
            figures = ", ".join(
                f"{year + n}/{(year + n + 1) % 100:02d}: {rng.randint(0, 4000):,}"
                for n in range(rng.randint(2, 5))
            )
            return f"The figures by financial year are {figures}."
        if kind < 0.85:
            year = received.year - rng.randint(1, 3)
            return (
                f"The total spend was £{rng.randint(5_000, 9_000_000):,} in "
                f"{year}/{(year + 1) % 100:02d}, of which "
                f"£{rng.randint(1_000, 900_000):,} was on agency staff."
            )
        return "A copy of the policy is attached to this response."


def plan(rng, count, now):
    """Publication times for ``count`` entries over 20 years, busier lately, in order."""
    span = YEARS * 365 * 86_400
    start = now - timedelta(seconds=span)
    return sorted(start + timedelta(seconds=span * rng.random() ** 0.6) for _ in range(count))


def load(count, seed):
    """Add published entries until the database holds ``count``; what was done."""
    existing = DisclosureEntry.objects.count()
    if existing >= count:
        return {"loaded": 0, "existing": existing}
    rng = random.Random(seed)
    writer = Writer(rng)
    now = timezone.now().astimezone(UTC).replace(microsecond=0) - timedelta(days=1)
    times = plan(rng, count - existing, now)
    started = time.perf_counter()
    for first in range(0, len(times), ENTRIES_PER_TRANSACTION):
        batch = times[first : first + ENTRIES_PER_TRANSACTION]
        with transaction.atomic():
            insert_batch(rng, writer, existing + first, batch)
        done = first + len(batch)
        if done % 50_000 < ENTRIES_PER_TRANSACTION or done == len(times):
            elapsed = time.perf_counter() - started
            print(f"  {done:,} entries loaded in {elapsed:.0f} s", flush=True)
    elapsed = time.perf_counter() - started
    return {
        "loaded": len(times),
        "existing": existing,
        "seconds": round(elapsed, 1),
        "entries_per_second": round(len(times) / elapsed),
    }


def insert_batch(rng, writer, offset, published_times):
    cases, versions = [], []
    for number, published_at in enumerate(published_times, start=offset + 1):
        title = rng.choice(writer.titles)[:200]
        regime = weighted(rng, REGIMES)
        outcome = weighted(rng, OUTCOMES)
        received_at = published_at - timedelta(days=rng.randint(25, 90), hours=rng.randint(0, 9))
        responded_on = (received_at + timedelta(days=rng.randint(5, 28))).date()
        request_text, questions = writer.request(title, regime)
        topic, area = writer.topic_of[title]
        areas = [area] if rng.random() < 0.8 else sorted({area, rng.choice(SERVICE_AREAS)})
        cases.append(
            Request(
                reference=f"DL{number:07d}",
                regime=regime,
                received_at=received_at,
                subject=title,
                body=request_text,
                state="closed",
            )
        )
        versions.append(
            DisclosureVersion(
                number=1,
                title=title,
                request_text=request_text,
                response_text=writer.response(
                    title, regime, outcome, questions, received_at.date()
                ),
                regime=regime,
                outcome=outcome,
                topic=topic,
                service_areas=areas,
                received_on=received_at.date(),
                responded_on=responded_on,
            )
        )
    Request.objects.bulk_create(cases, batch_size=ROWS_PER_INSERT)
    entries = [
        DisclosureEntry(request=case, published_at=published_at)
        for case, published_at in zip(cases, published_times, strict=True)
    ]
    DisclosureEntry.objects.bulk_create(entries, batch_size=ROWS_PER_INSERT)
    for version, entry in zip(versions, entries, strict=True):
        version.entry = entry
    DisclosureVersion.objects.bulk_create(versions, batch_size=ROWS_PER_INSERT)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE publication_disclosureentry SET current_id = (SELECT v.id FROM "
            "publication_disclosureversion v WHERE v.entry_id = publication_disclosureentry.id) "
            "WHERE id >= %s AND id <= %s AND current_id IS NULL",
            [entries[0].pk, entries[-1].pk],
        )


# --- The index ------------------------------------------------------------------------


def index_size():
    """Bytes the index takes on disk (tables and their indexes)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_total_relation_size('publication_search')")
        else:
            cursor.execute(
                "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'publication_search%' "
                "OR name LIKE 'sqlite_autoindex_publication_search%'"
            )
        return int(cursor.fetchone()[0] or 0)


def database_size():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_database_size(current_database())")
        else:
            cursor.execute(
                "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()"
            )
        return int(cursor.fetchone()[0])


def build(skip):
    """rebuild(), timed; or what an earlier run recorded when ``skip``."""
    record = Path(settings.DATA_DIR) / "search-index.json"
    if skip and record.exists():
        return {**json.loads(record.read_text()), "reused": True}
    started = time.perf_counter()
    indexed = search.rebuild()
    elapsed = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # as autovacuum would, soon after
            cursor.execute("VACUUM ANALYZE publication_search")
    built = {
        "indexed": indexed,
        "seconds": round(elapsed, 1),
        "entries_per_second": round(indexed / elapsed) if elapsed else None,
        "index_bytes": index_size(),
        "database_bytes": database_size(),
        "built_at": timezone.now().isoformat(timespec="seconds"),
    }
    record.write_text(json.dumps(built, indent=2) + "\n")
    return built


def time_index(rng, runs):
    """index(entry) for entries picked at random: the cost of publishing one."""
    ids = list(DisclosureEntry.objects.values_list("pk", flat=True)[:200_000])
    timings = []
    for entry_id in rng.sample(ids, min(runs, len(ids))):
        entry = DisclosureEntry(pk=entry_id)
        started = time.perf_counter()
        search.index(entry)
        timings.append(time.perf_counter() - started)
    return summary(timings) if timings else {"status": "missing"}


# --- Queries ----------------------------------------------------------------------------


def vocabulary(writer):
    words, phrases = set(), set()
    for title in writer.titles:
        tokens = [t.strip(".,:;()'\"?!").lower() for t in title.split()]
        tokens = [t for t in tokens if t]
        words.update(t for t in tokens if len(t) >= 4 and t.isalpha() and t not in STOP_WORDS)
        for size in (2, 3):
            for i in range(len(tokens) - size + 1):
                window = tokens[i : i + size]
                ends = (window[0], window[-1])
                if not STOP_WORDS.intersection(ends) and all(t.isalpha() for t in window):
                    phrases.add(" ".join(window))
    return sorted(words), sorted(phrases)


DOMAIN_WORDS = [
    "Mosaic", "Liquidlogic", "ContrOCC", "Eclipse", "CareFirst", "Servelec", "agency staff",
    "section 43", "commercial interests", "internal review", "transparency", "spreadsheet",
    "contract ends", "not hold", "manifestly unreasonable", "appropriate limit",
]  # fmt: skip


def a_filter(rng, kind):
    if kind == "outcome":
        return {"outcome": weighted(rng, OUTCOMES)}
    if kind == "regime":
        return {"regime": rng.choice(["eir", "foisa", "foi"])}
    if kind == "service_area":
        return {"service_area": rng.choice(SERVICE_AREAS)}
    if kind == "topic":
        return {"topic": rng.choice([topic for _, topic, _ in TOPICS] + [DEFAULT_TOPIC[0]])}
    year = rng.randint(timezone.now().year - YEARS + 1, timezone.now().year)
    if rng.random() < 0.5:
        return {"published_from": f"{year}-01-01", "published_to": f"{year}-12-31"}
    return {"published_from": f"{year}-{rng.randint(1, 12):02d}-01"}


def queries(rng, writer, runs):
    """``runs`` queries as people type them, each with its kind and filters."""
    words, phrases = vocabulary(writer)
    filter_kinds = ["outcome", "regime", "service_area", "topic", "published"]

    def word():
        return rng.choice(DOMAIN_WORDS) if rng.random() < 0.2 else rng.choice(words)

    def several():
        return rng.choice(phrases) if rng.random() < 0.6 else " ".join(rng.sample(words, 2))

    def phrase():
        return f'"{rng.choice(phrases)}"'

    def other():
        first, second = rng.sample(words, 2)
        return rng.choice(
            [f"{first} OR {second}", f"{first} -{second}", f'{word()} -"{rng.choice(phrases)}"']
        )

    makers = [
        ("one word", word, 50, False),
        ("two or three words", several, 45, False),
        ("quoted phrase", phrase, 25, False),
        ("OR or exclusion", other, 10, False),
        ("one word + filter", word, 15, True),
        ("two or three words + filter", several, 15, True),
        ("quoted phrase + filter", phrase, 10, True),
        ("empty", lambda: "", 10, False),
        ("empty + filter", lambda: "", 20, True),
    ]
    total = sum(share for *_, share, _ in makers)
    planned = []
    for kind, make, share, filtered in makers:
        for _ in range(round(runs * share / total)):
            filters = a_filter(rng, rng.choice(filter_kinds)) if filtered else None
            planned.append({"kind": kind, "q": make(), "filters": filters})
    rng.shuffle(planned)
    return planned[:runs]


def time_search(planned, warmup, rng, writer):
    for query in queries(random.Random(rng.random()), writer, warmup):
        search.search(query["q"], filters=query["filters"])
    timed = []
    for query in planned:
        started = time.perf_counter()
        results = search.search(query["q"], filters=query["filters"])
        elapsed = time.perf_counter() - started
        timed.append({**query, "ms": elapsed * 1000, "total": results.total,
                      "capped": results.capped, "hits": len(results.hits)})  # fmt: skip
    by_kind = {}
    for row in timed:
        by_kind.setdefault(row["kind"], []).append(row["ms"] / 1000)
    totals = [row["total"] for row in timed]
    return {
        "all": summary([row["ms"] / 1000 for row in timed]),
        "by_kind": {kind: summary(values) for kind, values in sorted(by_kind.items())},
        "matches": {
            "median_total": statistics.median(totals),
            "capped": sum(row["capped"] for row in timed),
            "none": sum(1 for total in totals if total == 0),
        },
        "slowest": [
            {key: (round(value, 1) if key == "ms" else value) for key, value in row.items()}
            for row in sorted(timed, key=lambda row: row["ms"], reverse=True)[:10]
        ],
    }


def time_page(planned, warmup):
    try:
        resolve(PAGE)
    except Resolver404:
        return {"status": "missing", "reason": f"{PAGE} is not a URL yet"}
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    prepare_static_files()
    urls = []
    for query in planned:
        params = {"q": query["q"]}
        for name, value in (query["filters"] or {}).items():
            if name.startswith("published_"):  # the form's GOV.UK date input: three boxes
                year, month, day = value.split("-")
                params |= {f"{name}-day": day, f"{name}-month": month, f"{name}-year": year}
            else:
                params[name] = value
        urls.append(f"{PAGE}?{urlencode(params)}")
    return measure(Client(raise_request_exception=False), urls, warmup)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000, help="published entries")
    parser.add_argument("--runs", type=int, default=200, help="timed queries")
    parser.add_argument("--warmup", type=int, default=10, help="untimed queries first")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--skip-rebuild", action="store_true", help="measure the index an earlier run built"
    )
    parser.add_argument("--output", type=Path, help="where to write the results")
    args = parser.parse_args(argv)
    if pending_migrations():
        print("Migrating the database first.", flush=True)
        call_command("migrate", verbosity=0)
    print(f"Loading up to {args.count:,} published entries...", flush=True)
    loading = load(args.count, args.seed)
    print(f"Building the index ({'reused' if args.skip_rebuild else 'rebuild()'})...", flush=True)
    index = build(args.skip_rebuild)
    print(json.dumps(index), flush=True)
    rng = random.Random(args.seed)
    writer = Writer(random.Random(args.seed))
    planned = queries(rng, writer, args.runs)
    results = {
        "measured_at": timezone.now().isoformat(timespec="seconds"),
        "database": database(),
        "code": code_version(),
        "machine": machine(),
        "entries": DisclosureEntry.objects.count(),
        "limits": {"count": search.COUNT_LIMIT, "ranked": search.RANKED},
        "loading": loading,
        "index": index,
        "search": time_search(planned, args.warmup, rng, writer),
        "page": time_page(planned, args.warmup),
        "index_one_entry": time_index(rng, 100),
    }
    label = size_label(results["entries"])
    path = args.output or RESULTS / f"search-{connection.vendor}-{label}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(json.dumps({key: results[key] for key in ("index", "page")}, indent=2))
    print(json.dumps(results["search"]["all"]), json.dumps(results["search"]["by_kind"], indent=1))
    print(f"Written to {path}")


if __name__ == "__main__":
    main()
