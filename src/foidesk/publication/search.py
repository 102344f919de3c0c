"""Full-text search of the disclosure log: SQLite FTS5 or PostgreSQL full-text, one interface.

The index is derived data: it holds the current version of each live entry (published and
not unpublished) and can be rebuilt from the entries at any time. Whoever publishes,
edits or unpublishes an entry calls ``index(entry)`` (or ``remove(entry)``) in the same
transaction; ``rebuild()`` starts again from the entries.

Queries are read the way a person types them, the same way on both databases: words (all
must match), "quoted phrases", -excluded words or phrases, and OR between two words or
phrases (``adoption OR fostering costs`` is (adoption or fostering) and costs). Anything
else is read as words; nothing a person types can raise.

To stay fast with a million entries, work is bounded however many entries match: the
newest ``COUNT_LIMIT`` matches are counted (``Results.capped`` says there were more), and
the newest ``RANKED`` of them are ranked, best first; any further pages list the rest
newest first. An empty query (or one of exclusions only) lists the newest entries first.

SQLite: an FTS5 table (porter stemming) with columns title, request_text, response_text
and facets. Matches are ranked by the words in their titles, rarer words counting more
(not by bm25, which reads every entry holding each word: see SQLite.rank).
Its rowid is a key that sorts as the entry's publication time, so "newest first" and the
published date filter are ranges of rowids; the other filters are tokens in the facets
column, intersected inside FTS5. The side table ``publication_search`` maps entries to
their keys; deleting its row (or the entry) deletes the indexed text by trigger.

PostgreSQL: the table ``publication_search`` holds each entry's weighted tsvector (A title,
B request, C response; 'english') and its terms, with one GIN index over the terms: the
tsvector's words, each pair of adjacent words with the distance between them ("children in
care" gives 'children 2 care'), and keys for the entry's regime, outcome, topic, service
areas and the month and year it was published. A word, and a phrase of two words, is one key,
which the index answers exactly; a longer phrase is found by its pairs and checked whole in
the matches shown (so its count may include entries holding the pairs apart). Matches are
read from the index for the newest month, then for spans twice as long, until enough are
found: a common word is answered from a few months, a rare one in a few more reads of the
index, and the table's rows (narrow: the tsvector and terms are stored out of line) are read
only for matches. Matches are ranked by ts_rank_cd; snippets by ts_headline.
"""

import hashlib
import html
import math
import re
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta
from time import perf_counter

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

from foidesk.law.dates import LONDON
from foidesk.publication.models import DisclosureEntry

# Matches counted, newest first: beyond this the total is "more than" (capped).
COUNT_LIMIT = 10_000
# Matches ranked, newest first: ranking reads each one's positions, a few microseconds
# each, so "children" in a million entries is ranked among its newest 2,000, not all.
RANKED = 2_000
# Beyond this a query is cut: the first words are the ones a person meant most.
MAX_QUERY_CHARS = 1_000
MAX_TERMS = 16
SNIPPET_WORDS = 30
BATCH = 2_000

# What a word in the title adds to a match's score (1), times its rarity (about 0.1 to 8).
TITLE_WEIGHT = 10.0
# Ranking asks the index again for each word when the search took at most this long
# (per word); otherwise it searches a scratch table of the matches' titles (some 20 ms).
BY_INDEX_SECONDS = 0.015
# ts_rank_cd weights for D, C (response), B (request), A (title).
POSTGRES_WEIGHTS = "{0.05, 0.2, 0.4, 1.0}"
POSTGRES_CONFIG = "english"
# Longer texts are indexed up to here on PostgreSQL: a tsvector is limited to 1 MB.
POSTGRES_MAX_CHARS = 100_000

# Marks around matches in the database's snippet: control characters, which indexed text
# never contains (they are taken out), so that the text can be escaped and the marks then
# turned into <mark> elements.
START, STOP = "\x02", "\x03"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TOKEN = re.compile(r'(?P<minus>-*)(?:"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+))')

FTS = "publication_search_fts"
SIDE = "publication_search"
SCRATCH = "publication_search_titles"
TEXT_COLUMNS = "{title request_text response_text}"


# --- What callers see ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Hit:
    entry_id: int
    rank: float  # higher is better; 0 for a listing without words
    snippet_html: str  # escaped text, matches in <mark>: safe to output as HTML


@dataclass(frozen=True, slots=True)
class Results:
    total: int
    hits: list[Hit]
    # True when more than ``total`` entries matched: only the newest ``total`` were ranked.
    capped: bool = False


@dataclass(frozen=True, slots=True)
class Filters:
    """Published between two days (inclusive, UK time), and exact values of the version."""

    published_from: date | None = None
    published_to: date | None = None
    service_area: str = ""
    outcome: str = ""
    regime: str = ""
    topic: str = ""

    @classmethod
    def of(cls, filters):
        """A Filters from None, a Filters, or a mapping with the same keys (blanks ignored)."""
        if filters is None:
            return cls()
        if isinstance(filters, cls):
            return filters
        if not isinstance(filters, Mapping):
            raise TypeError(f"filters must be a Filters or a mapping, not {type(filters)}")
        known = {field.name for field in fields(cls)}
        unknown = set(filters) - known
        if unknown:
            raise TypeError(f"unknown filters {sorted(unknown)}: use {sorted(known)}")
        values = {key: value for key, value in filters.items() if value not in (None, "")}
        for key in ("published_from", "published_to"):
            if key in values:
                values[key] = _as_date(values[key])
        return cls(**values)

    def facets(self):
        """The (kind, value) pairs every match must have."""
        pairs = [
            ("service_area", self.service_area),
            ("outcome", self.outcome),
            ("regime", self.regime),
            ("topic", self.topic),
        ]
        return [(kind, value) for kind, value in pairs if value]

    def published_range(self):
        """[start, end) as aware datetimes, either None when open."""
        start = end = None
        if self.published_from:
            start = datetime.combine(self.published_from, time(), tzinfo=LONDON)
        if self.published_to:
            end = datetime.combine(self.published_to + timedelta(days=1), time(), tzinfo=LONDON)
        return start, end


def _as_date(value):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


# --- Reading what a person typed -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Query:
    """All groups must match (each group: any of its words or phrases); no excluded may."""

    groups: tuple[tuple[str, ...], ...] = ()
    excluded: tuple[str, ...] = ()

    @property
    def ranked(self):
        return bool(self.groups)


def parse(text):
    """What ``text`` asks for; odd input gives fewer terms, never an error."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    # Lone surrogates cannot be sent to either database; control characters mean nothing.
    text = text.encode("utf-8", "replace").decode("utf-8")
    text = _CONTROL.sub(" ", text[:MAX_QUERY_CHARS])
    groups, excluded = [], []
    pending_or = negate_next = False
    count = 0
    for match in _TOKEN.finditer(text):
        phrase, word = match["phrase"], match["word"]
        negated = bool(match["minus"]) or negate_next
        if phrase is None:
            if word.startswith("-"):
                negated, word = True, word.lstrip("-")
            if word.upper() == "OR" and not negated:
                pending_or = bool(groups)
                continue
            if word == "AND" and not negated:
                continue
            if word == "NOT" and not negated:
                negate_next = True
                continue
            term = word
        else:
            term = " ".join(phrase.split())
        negate_next = False
        if not any(character.isalnum() for character in term):
            pending_or = False
            continue
        if count >= MAX_TERMS:
            break
        count += 1
        if negated:
            excluded.append(term)
            pending_or = False
        elif pending_or:
            groups[-1] = (*groups[-1], term)
            pending_or = False
        else:
            groups.append((term,))
    return Query(tuple(groups), tuple(excluded))


# --- The interface ---------------------------------------------------------------------


def index(entry):
    """Put ``entry``'s current version in the index, replacing what was there.

    An entry that is not live (or has no current version) is taken out instead.
    """
    _backend().index(entry.pk)


def remove(entry):
    """Take ``entry`` out of the index (when it is unpublished)."""
    _backend().remove(entry.pk)


def rebuild():
    """Empty the index and index every live entry again; the number indexed.

    One transaction: searches see the old index until it is done.
    """
    return _backend().rebuild()


def search(query, *, filters=None, limit=20, offset=0):
    """The live entries matching ``query`` and ``filters``, best first, as Results."""
    limit, offset = max(0, int(limit)), max(0, int(offset))
    wanted = parse(query)
    backend = _backend()
    plan = backend.plan(wanted, Filters.of(filters))
    with connection.cursor() as cursor:
        newest = backend.newest(cursor, plan, COUNT_LIMIT + 1)
        capped = len(newest) > COUNT_LIMIT
        newest = newest[:COUNT_LIMIT]
        if offset >= len(newest) or not limit:
            return Results(len(newest), [], capped)
        page, start = [], offset
        if wanted.ranked:
            ranked = newest[:RANKED]
            if offset < len(ranked):
                page = backend.rank(cursor, plan, ranked, limit, offset)
            start = max(offset, len(ranked))
        # Past the ranked matches (or with no words to rank by): newest first.
        page += [(key, 0.0) for key in newest[start : offset + limit]]
        hits = backend.hits(cursor, plan, page)
    return Results(len(newest), hits, capped)


def _backend():
    if connection.vendor == "sqlite":
        return SQLite
    if connection.vendor == "postgresql":
        return PostgreSQL
    raise ImproperlyConfigured(
        f"The disclosure log cannot be searched on {connection.vendor}: use SQLite or PostgreSQL"
    )


# --- Shared helpers ---------------------------------------------------------------------


def _clean(text):
    return _CONTROL.sub(" ", text or "")


def _live_entries():
    return DisclosureEntry.objects.live().filter(current__isnull=False)


def _marked_html(fragment):
    """Escape the database's fragment, then turn its marks into <mark> elements."""
    escaped = html.escape(fragment.replace("\u2026", "...").strip(), quote=True)
    escaped = escaped.replace(START, "<mark>").replace(STOP, "</mark>")
    return escaped.replace("...", "\u2026")


def _best(*fragments):
    """The fragment with the most matches marked; the first when none has more."""
    fragments = [fragment or "" for fragment in fragments]
    return max(fragments, key=lambda fragment: fragment.count(START))


def _leading_words(text, count=SNIPPET_WORDS):
    words = _clean(text).split()
    fragment = " ".join(words[:count])
    return html.escape(fragment + ("\u2026" if len(words) > count else ""), quote=True)


def _facet_token(kind, value):
    """A token of digits only, which neither tokenizer nor stemmer changes."""
    digest = hashlib.blake2b(f"{kind}\x1f{value}".encode(), digest_size=8).digest()
    return str(int.from_bytes(digest, "big") >> 4)


ALL = _facet_token("all", "")


# --- SQLite ------------------------------------------------------------------------------


class SQLite:
    FIELDS = (
        "pk",
        "published_at",
        "current__title",
        "current__request_text",
        "current__response_text",
        "current__regime",
        "current__outcome",
        "current__topic",
        "current__service_areas",
    )

    @staticmethod
    def key(entry_id, published_at):
        """Sorts as the publication time (to the second), then the entry's id."""
        seconds = max(0, int(published_at.timestamp()))
        return (seconds << 20) | (entry_id & 0xFFFFF)

    @staticmethod
    def key_range(filters):
        start, end = filters.published_range()
        low = (max(0, int(start.timestamp())) << 20) if start else None
        high = (max(0, int(end.timestamp())) << 20) - 1 if end else None
        return low, high

    @classmethod
    def row(cls, values):
        entry_id, published_at, title, request, response, regime, outcome, topic, areas = values
        facets = [ALL, _facet_token("regime", regime), _facet_token("outcome", outcome)]
        if topic:
            facets.append(_facet_token("topic", topic))
        if isinstance(areas, list):
            facets += [_facet_token("service_area", str(area)) for area in areas]
        return (
            entry_id,
            cls.key(entry_id, published_at),
            _clean(title),
            _clean(request),
            _clean(response),
            " ".join(facets),
        )

    @classmethod
    def index(cls, entry_id):
        values = _live_entries().filter(pk=entry_id).values_list(*cls.FIELDS).first()
        with transaction.atomic(), connection.cursor() as cursor:
            cls._delete(cursor, entry_id)
            if values is not None:
                cls._insert(cursor, [cls.row(values)])

    @classmethod
    def remove(cls, entry_id):
        with transaction.atomic(), connection.cursor() as cursor:
            cls._delete(cursor, entry_id)

    @staticmethod
    def _delete(cursor, entry_id):
        # The trigger on the side table deletes the indexed text.
        cursor.execute(f"DELETE FROM {SIDE} WHERE entry_id = %s", [entry_id])

    @staticmethod
    def _insert(cursor, rows, taken=None):
        """Insert ``rows``; a key already taken (two entries in one second whose ids are
        a multiple of 2^20 apart) moves to the next free one."""
        placed = []
        for entry_id, key, *texts in rows:
            while (key in taken) if taken is not None else SQLite._taken(cursor, key):
                key += 1
            if taken is not None:
                taken.add(key)
            placed.append((entry_id, key, *texts))
        cursor.executemany(
            f"INSERT INTO {SIDE} (entry_id, doc) VALUES (%s, %s)",
            [(entry_id, key) for entry_id, key, *_ in placed],
        )
        cursor.executemany(
            f"INSERT INTO {FTS} (rowid, title, request_text, response_text, facets) "
            "VALUES (%s, %s, %s, %s, %s)",
            [(key, *texts) for _, key, *texts in placed],
        )

    @staticmethod
    def _taken(cursor, key):
        cursor.execute(f"SELECT 1 FROM {SIDE} WHERE doc = %s", [key])
        return cursor.fetchone() is not None

    @classmethod
    def rebuild(cls):
        count = 0
        with transaction.atomic(), connection.cursor() as cursor:
            # Dropping and creating the FTS table again (from its own definition) is much
            # faster than deleting a million rows from it; readers see the old index.
            cursor.execute(
                "SELECT type, name, sql FROM sqlite_master WHERE name IN (%s, %s)",
                [FTS, f"{SIDE}_forget"],
            )
            schema = {kind: sql for kind, _, sql in cursor.fetchall()}
            cursor.execute(f"DROP TRIGGER {SIDE}_forget")
            cursor.execute(f"DROP TABLE {FTS}")
            cursor.execute(f"DELETE FROM {SIDE}")
            cursor.execute(schema["table"])
            taken = set()
            after = 0
            while True:
                batch = list(
                    _live_entries()
                    .filter(pk__gt=after)
                    .order_by("pk")
                    .values_list(*cls.FIELDS)[:BATCH]
                )
                if not batch:
                    break
                cls._insert(cursor, [cls.row(values) for values in batch], taken)
                count += len(batch)
                after = batch[-1][0]
            cursor.execute(schema["trigger"])
            # Merge the index's segments into one: fewer b-trees for every query to read.
            cursor.execute(f"INSERT INTO {FTS} ({FTS}) VALUES ('optimize')")
        return count

    @classmethod
    def expression(cls, query, filters):
        """The FTS5 query: every term is quoted, so no input can be a syntax error."""
        parts = [cls.alternatives(group, TEXT_COLUMNS) for group in query.groups]
        parts += [f'facets : "{_facet_token(kind, value)}"' for kind, value in filters.facets()]
        if not parts:
            parts.append(f'facets : "{ALL}"')
        expression = " AND ".join(parts)
        if query.excluded:
            expression = f"({expression}) NOT {cls.alternatives(query.excluded, TEXT_COLUMNS)}"
        return expression

    @staticmethod
    def alternatives(terms, columns):
        """Any of ``terms`` (each a quoted phrase) in any of ``columns`` ("{title ...}")."""
        phrases = [f'{columns} : "{term.replace('"', '""')}"' for term in terms]
        return phrases[0] if len(phrases) == 1 else f"({' OR '.join(phrases)})"

    @classmethod
    def plan(cls, query, filters):
        low, high = cls.key_range(filters)
        bounds, params = "", []
        if low is not None:
            bounds += " AND rowid >= %s"
            params.append(low)
        if high is not None:
            bounds += " AND rowid <= %s"
            params.append(high)
        return {
            "ranked": query.ranked,
            "groups": query.groups,
            "expression": cls.expression(query, filters),
            "bounds": bounds,
            "params": params,
        }

    @staticmethod
    def newest(cursor, plan, count):
        started = perf_counter()
        cursor.execute(
            f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s{plan['bounds']} "
            "ORDER BY rowid DESC LIMIT %s",
            [plan["expression"], *plan["params"], count],
        )
        keys = [key for (key,) in cursor.fetchall()]
        plan["newest_seconds"] = perf_counter() - started  # what ranking by index would cost
        return keys

    @classmethod
    def rank(cls, cursor, plan, ranked, limit, offset):
        """The page of ``ranked`` (the newest matches, newest first), best first.

        Not bm25: FTS5's bm25 first counts the entries holding each word in the whole
        index, most of a second for "children" in a million. Instead each word (or OR
        group) in a match's title scores by how rare it is among the matches' titles.
        Every ranked match scores at least 1; ties (matches in the text only, say) go
        newest first.
        """
        scores = dict.fromkeys(ranked, 1.0)
        for keys in cls.in_titles(cursor, plan, ranked):
            rarity = math.log(1 + (len(ranked) - len(keys) + 0.5) / (len(keys) + 0.5))
            for key in keys:
                if key in scores:  # not an entry published since the matches were found
                    scores[key] += TITLE_WEIGHT * rarity
        best = sorted(ranked, key=lambda key: (-scores[key], -key))[offset : offset + limit]
        return [(key, scores[key]) for key in best]

    @classmethod
    def in_titles(cls, cursor, plan, keys):
        """For each group in turn, those of ``keys`` (the newest matches) with it in their
        title. Two ways to the same answer: the index, when finding the matches was quick
        enough to do again for each group; otherwise a scratch table of their titles."""
        if plan.get("newest_seconds", 0) * len(plan["groups"]) <= BY_INDEX_SECONDS:
            return [cls.in_titles_by_index(cursor, plan, group, keys) for group in plan["groups"]]
        return cls.in_titles_by_scratch(cursor, plan["groups"], keys)

    @staticmethod
    def in_titles_by_index(cursor, plan, group, keys):
        """The query again over the matches' keys, with ``group`` in the title as well: a
        millisecond for a common word, but up to as long as the search itself when FTS5
        must read many entries to find few matches (a phrase of common words, a filter)."""
        expression = f"({plan['expression']}) AND {SQLite.alternatives(group, '{title}')}"
        cursor.execute(
            f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s AND rowid >= %s AND rowid <= %s",
            [expression, keys[-1], keys[0]],
        )
        return [key for (key,) in cursor.fetchall()]

    @staticmethod
    def in_titles_by_scratch(cursor, groups, keys):
        """The matches' titles in a temporary FTS5 table made like the index (so with its
        tokenizer), searched for each group: some 20 ms for 2,000 matches, however far
        apart. It is filled inside a savepoint that is rolled back, so nothing is left
        behind and the database itself is only read. The table stays, empty, for the
        connection's next search: dropping an FTS5 table takes far longer than making one,
        and making one inside the savepoint breaks a surrounding transaction's savepoints.
        """
        marks = ", ".join(["%s"] * len(keys))
        cursor.execute(f"SELECT rowid, title FROM {FTS} WHERE rowid IN ({marks})", keys)
        titles = cursor.fetchall()
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [FTS])
        cursor.execute(cursor.fetchone()[0].replace(FTS, f"IF NOT EXISTS temp.{SCRATCH}", 1))
        cursor.execute(f"SAVEPOINT {SCRATCH}")
        try:
            cursor.executemany(f"INSERT INTO {SCRATCH} (rowid, title) VALUES (%s, %s)", titles)
            found = []
            for group in groups:
                cursor.execute(
                    f"SELECT rowid FROM {SCRATCH} WHERE {SCRATCH} MATCH %s",
                    [SQLite.alternatives(group, "{title}")],
                )
                found.append([key for (key,) in cursor.fetchall()])
            return found
        finally:
            cursor.execute(f"ROLLBACK TO {SCRATCH}")
            cursor.execute(f"RELEASE {SCRATCH}")

    @staticmethod
    def hits(cursor, plan, page):
        keys = [key for key, _ in page]
        marks = ", ".join(["%s"] * len(keys))
        cursor.execute(f"SELECT doc, entry_id FROM {SIDE} WHERE doc IN ({marks})", keys)
        entries = dict(cursor.fetchall())
        hits = []
        for key, rank in page:
            if plan["ranked"]:
                cursor.execute(
                    f"SELECT snippet({FTS}, 1, %s, %s, '\u2026', %s), "
                    f"snippet({FTS}, 2, %s, %s, '\u2026', %s) "
                    f"FROM {FTS} WHERE {FTS} MATCH %s AND rowid = %s",
                    [START, STOP, SNIPPET_WORDS] * 2 + [plan["expression"], key],
                )
                found = cursor.fetchone()
                snippet = _marked_html(_best(*found)) if found else ""
            else:
                cursor.execute(f"SELECT request_text FROM {FTS} WHERE rowid = %s", [key])
                found = cursor.fetchone()
                snippet = _leading_words(found[0]) if found else ""
            if key in entries:
                hits.append(Hit(entries[key], float(rank), snippet))
        return hits


# --- PostgreSQL --------------------------------------------------------------------------


def _document_sql(version):
    return (
        f"setweight(to_tsvector('{POSTGRES_CONFIG}', left({version}.title, %s)), 'A') || "
        f"setweight(to_tsvector('{POSTGRES_CONFIG}', left({version}.request_text, %s)), 'B') || "
        f"setweight(to_tsvector('{POSTGRES_CONFIG}', left({version}.response_text, %s)), 'C')"
    )


@contextmanager
def _through_the_index(cursor):
    """Within this block the planner reads the table only through an index. It cannot see
    that testing a row's terms means reading them out of line (kilobytes a row), so it may
    judge a scan of the table cheaper than the index; the setting is undone on leaving."""
    with transaction.atomic():
        cursor.execute("SET LOCAL enable_seqscan = off")
        yield
        transaction.set_rollback(True)


def _key(kind, value):
    """A facet's key among an entry's terms, as publication_search_key() writes it: words
    hold no control characters, so these cannot be taken for one."""
    return f"\x1f{kind}\x1f{value}"


def _month(moment):
    """The month (counted from year 0) that ``moment`` falls in, in UTC as the index has it."""
    moment = moment.astimezone(UTC)
    return moment.year * 12 + moment.month - 1


def _windows(newest, oldest):
    """Ranges of months (first, last) from ``newest`` back to ``oldest``, each twice as
    long as the one before: a common word fills its page from the first months, and a
    rare one is found in a few more reads of the index."""
    last, length = newest, 1
    while last >= oldest:
        first = max(oldest, last - length + 1)
        yield first, last
        last, length = first - 1, length * 2


def _window_keys(first, last):
    """The keys of the months ``first`` to ``last``: a whole calendar year as one key."""
    keys, month = [], first
    while month <= last:
        year = month // 12
        if month % 12 == 0 and month + 11 <= last:
            keys.append(_key("year", f"{year:04d}"))
            month += 12
        else:
            keys.append(_key("month", f"{year:04d}-{month % 12 + 1:02d}"))
            month += 1
    return keys


@dataclass(frozen=True, slots=True)
class _Term:
    """What an entry's terms must hold for a word or phrase to match: its word for one
    word, or each pair of adjacent words (with the distance between them) for a phrase.
    A phrase of three words or more can also be checked in the document, since its pairs
    might be found apart."""

    keys: tuple[str, ...]
    phrase: str = ""

    def alone(self, checked=True):
        checks = ((self.phrase,),) if self.phrase and checked else ()
        return _Conjunction(keys=self.keys, checks=checks)


@dataclass(frozen=True, slots=True)
class _Conjunction:
    """Conditions the index answers in one scan, all simple operators on the terms: the
    planner then has them all looked up in the index. (Given an OR of two lookups, it may
    test each row's terms instead, reading kilobytes out of line for every entry in the
    window.) Checks are texts the document must hold (any of each), tested on the rows the
    index found."""

    keys: tuple[str, ...] = ()  # all held
    overlaps: tuple[tuple[str, ...], ...] = ()  # one of each held
    checks: tuple[tuple[str, ...], ...] = ()

    def __and__(self, other):
        return _Conjunction(
            self.keys + other.keys, self.overlaps + other.overlaps, self.checks + other.checks
        )

    def sql(self, window):
        conditions, params = ["terms && %s::text[]"], [window]
        if self.keys:
            conditions.append("terms @> %s::text[]")
            params.append(list(dict.fromkeys(self.keys)))
        for overlap in self.overlaps:
            conditions.append("terms && %s::text[]")
            params.append(list(overlap))
        for texts in self.checks:
            tsquery = f"websearch_to_tsquery('{POSTGRES_CONFIG}', %s)"
            conditions.append(f"document @@ ({' || '.join([tsquery] * len(texts))})")
            params += [f'"{text}"' for text in texts]
        return " AND ".join(conditions), params


class PostgreSQL:
    INSERT = f"""
        INSERT INTO {{table}} (entry_id, published_at, document, terms)
        SELECT id, published_at, document, publication_search_terms(document) || facets
        FROM (
            SELECT e.id, e.published_at, {_document_sql("v")} AS document,
                array_remove(ARRAY[
                    publication_search_key('regime', v.regime),
                    publication_search_key('outcome', v.outcome),
                    publication_search_key('topic', v.topic),
                    publication_search_key(
                        'month', to_char(e.published_at AT TIME ZONE 'UTC', 'YYYY-MM')),
                    publication_search_key(
                        'year', to_char(e.published_at AT TIME ZONE 'UTC', 'YYYY'))
                ], NULL) || ARRAY(
                    SELECT publication_search_key('service_area', area)
                    FROM jsonb_array_elements_text(
                        CASE WHEN jsonb_typeof(v.service_areas) = 'array'
                             THEN v.service_areas ELSE '[]' END
                    ) AS area
                ) AS facets
            FROM publication_disclosureentry e
            JOIN publication_disclosureversion v ON v.id = e.current_id
            WHERE e.published_at IS NOT NULL AND e.unpublished_at IS NULL AND {{where}}
        ) AS entry
    """
    LIMITS = [POSTGRES_MAX_CHARS] * 3
    REBUILT = f"{SIDE}_rebuilt"
    # Scans for a query's OR of phrases, at most: beyond this the document is checked.
    MAX_BRANCHES = 8

    @classmethod
    def index(cls, entry_id):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {SIDE} WHERE entry_id = %s", [entry_id])
            cursor.execute(
                cls.INSERT.format(table=SIDE, where="e.id = %s")
                + " ON CONFLICT (entry_id) DO UPDATE SET published_at = excluded.published_at, "
                "document = excluded.document, terms = excluded.terms",
                [*cls.LIMITS, entry_id],
            )

    @classmethod
    def remove(cls, entry_id):
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {SIDE} WHERE entry_id = %s", [entry_id])

    @classmethod
    def rebuild(cls):
        """Fill a new table and put it in the old one's place, in one transaction: searches
        read the old table until then (publishing waits), and each index is built once
        over all the rows, many times faster than kept up row by row. The new table and
        its indexes are made like the old ones, read from the catalogue."""
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {SIDE} IN SHARE MODE")
            cursor.execute(
                "SELECT c.relname, pg_get_indexdef(i.indexrelid), i.indisprimary "
                "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE i.indrelid = %s::regclass",
                [SIDE],
            )
            indexes = cursor.fetchall()
            cursor.execute(
                f"CREATE TABLE {cls.REBUILT} (LIKE {SIDE} INCLUDING ALL EXCLUDING INDEXES)"
            )
            cursor.execute("SELECT reloptions FROM pg_class WHERE oid = %s::regclass", [SIDE])
            (options,) = cursor.fetchone()
            if options:
                cursor.execute(f"ALTER TABLE {cls.REBUILT} SET ({', '.join(options)})")
            cursor.execute(cls.INSERT.format(table=cls.REBUILT, where="TRUE"), cls.LIMITS)
            count = cursor.rowcount
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for name, definition, _ in indexes:
                definition = definition.replace(f" {name} ON ", f" {name}_rebuilt ON ", 1)
                cursor.execute(definition.replace(f".{SIDE} ", f".{cls.REBUILT} ", 1))
            cursor.execute(f"DROP TABLE {SIDE}")
            cursor.execute(f"ALTER TABLE {cls.REBUILT} RENAME TO {SIDE}")
            for name, _, primary in indexes:
                cursor.execute(f"ALTER INDEX {name}_rebuilt RENAME TO {name}")
                if primary:
                    cursor.execute(f"ALTER TABLE {SIDE} ADD PRIMARY KEY USING INDEX {name}")
            cursor.execute(f"ANALYZE {SIDE}")
        return count

    @staticmethod
    def tsquery(query):
        """SQL for the tsquery, and its parameters: each word or phrase is read by
        websearch_to_tsquery as a quoted phrase, then combined, so that OR binds the two
        terms beside it (websearch_to_tsquery alone would put OR below AND)."""

        def term(text):
            return f"websearch_to_tsquery('{POSTGRES_CONFIG}', %s)", [f'"{text}"']

        sql, params = [], []
        for group in query.groups:
            parts = [term(text) for text in group]
            sql.append("(" + " || ".join(part for part, _ in parts) + ")")
            params += [param for _, values in parts for param in values]
        for text in query.excluded:
            part, values = term(text)
            sql.append(f"!!{part}")
            params += values
        return " && ".join(sql), params

    @staticmethod
    def terms(texts):
        """Each text's _Term, or None for one of stop words only (which matches anything).

        The database reads each text as it reads the entries, so the words and pairs
        looked for are the ones it indexed."""
        if not texts:
            return {}
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT text, publication_search_terms(to_tsvector('{POSTGRES_CONFIG}', text)) "
                "FROM unnest(%s::text[]) AS text",
                [list(texts)],
            )
            found = dict(cursor.fetchall())
        terms = {}
        for text, keys in found.items():
            pairs = [key for key in keys if " " in key]
            if pairs:
                phrase = text if len(pairs) > 1 else ""
                terms[text] = _Term(tuple(dict.fromkeys(pairs)), phrase)
            else:
                terms[text] = _Term(tuple(keys)) if keys else None
        return terms

    @classmethod
    def plan(cls, query, filters):
        terms = cls.terms({text for group in query.groups for text in group} | set(query.excluded))
        # A phrase of three words or more is found by its pairs alone, and only the
        # matches shown are checked for the whole phrase (in hits; ranking puts entries
        # without it last, at 0): checking every match read its document, 10 µs apiece.
        # So the count may include entries holding each pair, but apart.
        unchecked = any(
            term and term.phrase for group in query.groups for term in map(terms.get, group)
        )
        base = _Conjunction(keys=tuple(_key(kind, value) for kind, value in filters.facets()))
        branches = [base]
        for group in query.groups:
            alternatives = [terms[text] for text in group]
            if None in alternatives:
                continue
            if len(alternatives) == 1:
                branches = [branch & alternatives[0].alone(checked=False) for branch in branches]
            elif all(len(term.keys) == 1 and not term.phrase for term in alternatives):
                overlap = _Conjunction(overlaps=(tuple(term.keys[0] for term in alternatives),))
                branches = [branch & overlap for branch in branches]
            elif len(branches) * len(alternatives) <= cls.MAX_BRANCHES:
                # Words or phrases: one scan for each, their matches put together.
                branches = [
                    branch & term.alone(checked=False)
                    for branch in branches
                    for term in alternatives
                ]
            else:
                check = _Conjunction(checks=(group,))
                branches = [branch & check for branch in branches]
        excluded = [terms[text] for text in query.excluded if terms[text]]
        words = tuple(term.keys[0] for term in excluded if len(term.keys) == 1 and not term.phrase)
        exclusions = [_Conjunction(overlaps=(words,))] if words else []
        exclusions += [term.alone() for term in excluded if term.phrase or len(term.keys) > 1]
        return {
            "ranked": query.ranked,
            "tsquery": cls.tsquery(query),
            "range": filters.published_range(),
            "keyed": branches != [_Conjunction()] or bool(exclusions),
            "unchecked": unchecked,
            "branches": branches,
            "exclusions": exclusions,
        }

    @classmethod
    def newest(cls, cursor, plan, count):
        if not plan["keyed"]:
            return cls.listing(cursor, plan, count)
        start, end = plan["range"]
        cursor.execute(f"SELECT max(published_at), min(published_at) FROM {SIDE}")
        newest, oldest = cursor.fetchone()
        if newest is None:
            return []
        if end:
            newest = min(newest, end - timedelta(microseconds=1))
        if start:
            oldest = max(oldest, start)
        found = []
        with _through_the_index(cursor):
            for first, last in _windows(_month(newest), _month(oldest)):
                matches = cls.matching(cursor, plan, _window_keys(first, last))
                found += sorted(
                    (published_at, entry_id)
                    for entry_id, published_at in matches.items()
                    if (not start or published_at >= start) and (not end or published_at < end)
                )[::-1]
                if len(found) >= count:
                    break
        return [entry_id for _, entry_id in found[:count]]

    @staticmethod
    def listing(cursor, plan, count):
        """The newest entries (published between the filter's days): no terms to look for."""
        start, end = plan["range"]
        cursor.execute(
            f"SELECT entry_id FROM {SIDE} "
            "WHERE published_at >= coalesce(%s::timestamptz, '-infinity') "
            "AND published_at < coalesce(%s::timestamptz, 'infinity') "
            "ORDER BY published_at DESC, entry_id DESC LIMIT %s",
            [start, end, count],
        )
        return [entry_id for (entry_id,) in cursor.fetchall()]

    @staticmethod
    def matching(cursor, plan, window):
        """{entry: published_at} for the matches published in the months ``window`` keys."""

        def found(conjunction):
            where, params = conjunction.sql(window)
            cursor.execute(f"SELECT entry_id, published_at FROM {SIDE} WHERE {where}", params)
            return cursor.fetchall()

        matches = {}
        for branch in plan["branches"]:
            matches.update(found(branch))
        # The matches holding an excluded term: looked up with the match's own terms, so
        # that a common excluded word does not read every entry in the window holding it.
        for branch in plan["branches"] if matches else ():
            for exclusion in plan["exclusions"]:
                for entry_id, _ in found(branch & exclusion):
                    matches.pop(entry_id, None)
        return matches

    @staticmethod
    def rank(cursor, plan, ranked, limit, offset):
        tsquery, params = plan["tsquery"]
        cursor.execute(
            f"SELECT entry_id, ts_rank_cd(%s, document, {tsquery}, 1) AS rank "
            f"FROM {SIDE} WHERE entry_id = ANY(%s) "
            "ORDER BY rank DESC, published_at DESC, entry_id DESC LIMIT %s OFFSET %s",
            [POSTGRES_WEIGHTS, *params, ranked, limit, offset],
        )
        return cursor.fetchall()

    @classmethod
    def hits(cls, cursor, plan, page):
        if plan["unchecked"]:
            tsquery, params = plan["tsquery"]
            cursor.execute(
                f"SELECT entry_id FROM {SIDE} WHERE entry_id = ANY(%s) AND document @@ ({tsquery})",
                [[entry_id for entry_id, _ in page], *params],
            )
            whole = {entry_id for (entry_id,) in cursor.fetchall()}
            page = [(entry_id, rank) for entry_id, rank in page if entry_id in whole]
        snippets = cls.snippets(cursor, [entry_id for entry_id, _ in page], plan)
        return [Hit(entry_id, float(rank), snippets.get(entry_id, "")) for entry_id, rank in page]

    @staticmethod
    def snippets(cursor, entry_ids, plan):
        tsquery = plan["tsquery"]
        if not plan["ranked"]:
            cursor.execute(
                "SELECT e.id, left(v.request_text, 2000) FROM publication_disclosureentry e "
                "JOIN publication_disclosureversion v ON v.id = e.current_id "
                "WHERE e.id = ANY(%s)",
                [entry_ids],
            )
            return {entry_id: _leading_words(text) for entry_id, text in cursor.fetchall()}
        options = (
            f"StartSel={START}, StopSel={STOP}, MaxWords={SNIPPET_WORDS}, MinWords=12, "
            'ShortWord=2, MaxFragments=2, FragmentDelimiter=" \u2026 "'
        )
        headline = (
            f"ts_headline('{POSTGRES_CONFIG}', translate(left({{column}}, %s), %s, '  '), "
            f"{tsquery[0]}, %s)"
        )
        params = [POSTGRES_MAX_CHARS, START + STOP, *tsquery[1], options]
        cursor.execute(
            f"SELECT e.id, {headline.format(column='v.request_text')}, "
            f"{headline.format(column='v.response_text')} "
            "FROM publication_disclosureentry e "
            "JOIN publication_disclosureversion v ON v.id = e.current_id WHERE e.id = ANY(%s)",
            [*params, *params, entry_ids],
        )
        return {
            entry_id: _marked_html(_best(request, response))
            for entry_id, request, response in cursor.fetchall()
        }
