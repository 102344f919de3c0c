"""Search on SQLite: an FTS5 table whose keys sort as the entries' publication times,
ranked by the words in the matches' titles."""

import hashlib
import math
from time import perf_counter

from django.db import connection, transaction

from foidesk.publication.models import DisclosureEntry
from foidesk.publication.search.results import Hit
from foidesk.publication.search.snippets import (
    SNIPPET_WORDS,
    START,
    STOP,
    _best,
    _clean,
    _leading_words,
    _marked_html,
)
from foidesk.publication.search.tables import FTS, SCRATCH, SIDE, TEXT_COLUMNS

BATCH = 2_000

# What a word in the title adds to a match's score (1), times its rarity (about 0.1 to 8).
TITLE_WEIGHT = 10.0
# Ranking asks the index again for each word when the search took at most this long
# (per word); otherwise it searches a scratch table of the matches' titles (some 20 ms).
BY_INDEX_SECONDS = 0.015


def _live_entries():
    return DisclosureEntry.objects.live().filter(current__isnull=False)


def _facet_token(kind, value):
    """A token of digits only, which neither tokenizer nor stemmer changes."""
    digest = hashlib.blake2b(f"{kind}\x1f{value}".encode(), digest_size=8).digest()
    return str(int.from_bytes(digest, "big") >> 4)


ALL = _facet_token("all", "")


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
