"""Search on PostgreSQL: each entry's weighted tsvector and its terms under one GIN index,
read for the newest months first; ranked by ts_rank_cd, snippets by ts_headline."""

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, timedelta

from django.db import connection, transaction

from foidesk.publication.search.results import Hit
from foidesk.publication.search.snippets import (
    SNIPPET_WORDS,
    START,
    STOP,
    _best,
    _leading_words,
    _marked_html,
)
from foidesk.publication.search.tables import SIDE

# ts_rank_cd weights for D, C (response), B (request), A (title).
POSTGRES_WEIGHTS = "{0.05, 0.2, 0.4, 1.0}"
POSTGRES_CONFIG = "english"
# Longer texts are indexed up to here on PostgreSQL: a tsvector is limited to 1 MB.
POSTGRES_MAX_CHARS = 100_000


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
