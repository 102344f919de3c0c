"""The tables search keeps: ``publication_search`` on both databases, and on SQLite the FTS5
table of the text and a scratch table of the matches' titles."""

FTS = "publication_search_fts"
SIDE = "publication_search"
SCRATCH = "publication_search_titles"
TEXT_COLUMNS = "{title request_text response_text}"
