"""The disclosure log's search index (foidesk.publication.search), one for each database.

SQLite: an FTS5 table whose rowid is a key sorting as the publication time, and a side
table from entry to key; deleting a side row (directly, or by the cascade when an entry is
deleted) deletes the indexed text by trigger.

PostgreSQL: one table with a weighted tsvector and the filter columns. Its rows are deleted
with their entry by triggers rather than a foreign key: Django's flush (and the test
suite's transactional tests) truncates publication_disclosureentry, which PostgreSQL refuses
while another table's foreign key references it.

The SQL is written out here, not imported, so that this migration stays as it was run.
"""

from django.core.exceptions import ImproperlyConfigured
from django.db import migrations

SQLITE = [
    """
    CREATE VIRTUAL TABLE publication_search_fts USING fts5(
        title, request_text, response_text, facets,
        tokenize = 'porter unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TABLE publication_search (
        entry_id integer NOT NULL PRIMARY KEY
            REFERENCES publication_disclosureentry (id) ON DELETE CASCADE,
        doc integer NOT NULL UNIQUE
    )
    """,
    """
    CREATE TRIGGER publication_search_forget AFTER DELETE ON publication_search
    BEGIN
        DELETE FROM publication_search_fts WHERE rowid = old.doc;
    END
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS publication_search_forget",
    "DROP TABLE IF EXISTS publication_search",
    "DROP TABLE IF EXISTS publication_search_fts",
]

POSTGRESQL = [
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
    """
    CREATE INDEX publication_search_areas ON publication_search USING gin (service_areas)
    """,
    """
    CREATE FUNCTION publication_search_forget_entry() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM publication_search WHERE entry_id = OLD.id;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER publication_search_forget_entry
        AFTER DELETE ON publication_disclosureentry
        FOR EACH ROW EXECUTE FUNCTION publication_search_forget_entry()
    """,
    """
    CREATE FUNCTION publication_search_forget_all() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM publication_search;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER publication_search_forget_all
        AFTER TRUNCATE ON publication_disclosureentry
        FOR EACH STATEMENT EXECUTE FUNCTION publication_search_forget_all()
    """,
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS publication_search_forget_all ON publication_disclosureentry",
    "DROP FUNCTION IF EXISTS publication_search_forget_all()",
    "DROP TRIGGER IF EXISTS publication_search_forget_entry ON publication_disclosureentry",
    "DROP FUNCTION IF EXISTS publication_search_forget_entry()",
    "DROP TABLE IF EXISTS publication_search",
]

STATEMENTS = {
    "sqlite": (SQLITE, SQLITE_REVERSE),
    "postgresql": (POSTGRESQL, POSTGRESQL_REVERSE),
}


def run(statements):
    def operation(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in STATEMENTS:
            raise ImproperlyConfigured(f"foidesk runs on SQLite or PostgreSQL, not {vendor}")
        for sql in STATEMENTS[vendor][statements]:
            schema_editor.execute(sql, params=None)

    return operation


class Migration(migrations.Migration):
    dependencies = [
        ("publication", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(run(0), run(1), elidable=False),
    ]
