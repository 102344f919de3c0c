"""PostgreSQL's search index keyed by terms: words, adjacent word pairs and facets.

The GIN index on the tsvector answered a phrase by re-reading the positions of every entry
holding its words (2.9 s for "childrens cases" among a million entries), and every search
read the heap for each match to sort it newest first. Now one GIN index over a text array
holds each entry's words, each pair of adjacent words with the distance between them (so
a two-word phrase is one key), its regime, outcome, topic, service areas, and the month
and year it was published (so the newest matches are read a few months at a time). The
table is narrow, its tsvector and terms stored out of line, so that the heap pages a
search visits are few.

The index is derived data: the old table is dropped and the new one filled from the live
entries (going back leaves the old table empty: run rebuild_search). SQLite is unchanged.

The SQL is written out here, not imported, so that this migration stays as it was run.
"""

from django.db import migrations

TERMS_FUNCTION = """
    CREATE FUNCTION publication_search_terms(document tsvector) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
    DECLARE
        at_position text[] := '{}';
        terms text[] := tsvector_to_array(document);
        entry record;
        here int;
        previous int;
    BEGIN
        -- Each word at its position, then each word with the next one and the distance
        -- between them: 'children 2 care' for "children in care" (a stop word between).
        FOR entry IN SELECT lexeme, positions FROM unnest(document) LOOP
            FOREACH here IN ARRAY coalesce(entry.positions, '{}') LOOP
                at_position[here] := entry.lexeme;
            END LOOP;
        END LOOP;
        FOR here IN 1 .. coalesce(array_upper(at_position, 1), 0) LOOP
            CONTINUE WHEN at_position[here] IS NULL;
            IF previous IS NOT NULL THEN
                terms := array_append(
                    terms,
                    at_position[previous] || ' ' || (here - previous) || ' ' || at_position[here]
                );
            END IF;
            previous := here;
        END LOOP;
        RETURN terms;
    END
    $$
"""

KEY_FUNCTION = """
    CREATE FUNCTION publication_search_key(kind text, value text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE WHEN value <> '' THEN chr(31) || kind || chr(31) || value END
    $$
"""

TABLE = """
    CREATE TABLE publication_search (
        entry_id bigint NOT NULL PRIMARY KEY,
        published_at timestamptz NOT NULL,
        document tsvector NOT NULL,
        terms text[] NOT NULL
    )
"""

FILL = """
    INSERT INTO publication_search (entry_id, published_at, document, terms)
    SELECT id, published_at, document, publication_search_terms(document) || facets
    FROM (
        SELECT e.id, e.published_at,
            setweight(to_tsvector('english', left(v.title, 100000)), 'A')
            || setweight(to_tsvector('english', left(v.request_text, 100000)), 'B')
            || setweight(to_tsvector('english', left(v.response_text, 100000)), 'C')
            AS document,
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
        WHERE e.published_at IS NOT NULL AND e.unpublished_at IS NULL
    ) AS entry
"""

POSTGRESQL = [
    "DROP TABLE publication_search",
    TERMS_FUNCTION,
    KEY_FUNCTION,
    TABLE,
    # Both out of line whatever their size, so that the rows a search reads stay a few
    # dozen bytes; the tsvector uncompressed (ranking reads it back, and it hardly
    # compresses), the terms compressed (to less than half; only a rebuild reads them).
    "ALTER TABLE publication_search ALTER COLUMN document SET STORAGE EXTERNAL, "
    "SET (toast_tuple_target = 128)",
    FILL,
    # For this transaction only: a GIN index over many entries builds far faster in memory.
    "SET LOCAL maintenance_work_mem = '256MB'",
    """
    CREATE INDEX publication_search_newest
        ON publication_search (published_at DESC, entry_id DESC)
    """,
    "CREATE INDEX publication_search_terms ON publication_search USING gin (terms)",
    "ANALYZE publication_search",
]

POSTGRESQL_REVERSE = [
    "DROP TABLE publication_search",
    "DROP FUNCTION publication_search_key(text, text)",
    "DROP FUNCTION publication_search_terms(tsvector)",
    """
    CREATE TABLE publication_search (
        entry_id bigint NOT NULL PRIMARY KEY,
        published_at timestamptz NOT NULL,
        title text NOT NULL,
        document tsvector NOT NULL,
        regime varchar(20) NOT NULL,
        outcome varchar(30) NOT NULL,
        topic varchar(100) NOT NULL,
        service_areas text[] NOT NULL DEFAULT '{}'
    )
    """,
    "CREATE INDEX publication_search_document ON publication_search USING gin (document)",
    """
    CREATE INDEX publication_search_newest
        ON publication_search (published_at DESC, entry_id DESC)
    """,
    "CREATE INDEX publication_search_areas ON publication_search USING gin (service_areas)",
]


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql, params=None)

    return operation


class Migration(migrations.Migration):
    dependencies = [
        ("publication", "0003_round_robins"),
    ]

    operations = [
        migrations.RunPython(run(POSTGRESQL), run(POSTGRESQL_REVERSE), elidable=False),
    ]
