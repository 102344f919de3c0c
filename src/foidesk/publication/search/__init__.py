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

Its parts:

- ``query``: :func:`parse`, what a person typed read as a :class:`Query`.
- ``results``: what callers see, :class:`Results` of each :class:`Hit`, and the
  :class:`Filters` that narrow a search.
- ``sqlite`` and ``postgresql``: the index and its search on each database, in its own SQL.
- ``tables``: the tables they keep.
- ``snippets``: the text as indexed and shown: control characters out, matches marked.
"""

from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from foidesk.publication.search.postgresql import PostgreSQL
from foidesk.publication.search.query import Query, parse
from foidesk.publication.search.results import Filters, Hit, Results
from foidesk.publication.search.sqlite import SQLite

__all__ = [
    "COUNT_LIMIT",
    "RANKED",
    "Filters",
    "Hit",
    "PostgreSQL",
    "Query",
    "Results",
    "SQLite",
    "index",
    "parse",
    "rebuild",
    "remove",
    "search",
]

# Matches counted, newest first: beyond this the total is "more than" (capped).
COUNT_LIMIT = 10_000
# Matches ranked, newest first: ranking reads each one's positions, a few microseconds
# each, so "children" in a million entries is ranked among its newest 2,000, not all.
RANKED = 2_000


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
