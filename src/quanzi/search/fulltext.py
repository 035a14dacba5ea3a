"""The database's full-text index over SearchDocument.tokens, installed by migration 0002 for the database
in use. Tokens are stored already split (space separated), so neither database's parser sees the text:

* PostgreSQL: a generated column `search_vector tsvector` = `array_to_tsvector(tokens split on spaces)`
  (the 'simple' treatment: each token a lexeme as-is) with a GIN index;
* SQLite: an FTS5 table `search_fts` over the same column (external content, rowid = product id), kept in
  step by triggers. A later migration that rebuilds search_searchdocument on SQLite (Django copies the table
  to alter it) drops the triggers: such a migration must call `install(schema_editor)` again."""

from __future__ import annotations

POSTGRES = [
    "ALTER TABLE search_searchdocument ADD COLUMN IF NOT EXISTS search_vector tsvector GENERATED ALWAYS AS "
    "(array_to_tsvector(array_remove(string_to_array(tokens, ' '), ''))) STORED",
    "CREATE INDEX IF NOT EXISTS search_doc_fts ON search_searchdocument USING GIN (search_vector)",
]
POSTGRES_UNDO = [
    "DROP INDEX IF EXISTS search_doc_fts",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS search_vector",
]
SQLITE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(tokens, content='search_searchdocument', "
    "content_rowid='product_id', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER IF NOT EXISTS search_fts_ai AFTER INSERT ON search_searchdocument BEGIN "
    "INSERT INTO search_fts(rowid, tokens) VALUES (new.product_id, new.tokens); END",
    "CREATE TRIGGER IF NOT EXISTS search_fts_ad AFTER DELETE ON search_searchdocument BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, tokens) VALUES ('delete', old.product_id, old.tokens); END",
    "CREATE TRIGGER IF NOT EXISTS search_fts_au AFTER UPDATE ON search_searchdocument BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, tokens) VALUES ('delete', old.product_id, old.tokens); "
    "INSERT INTO search_fts(rowid, tokens) VALUES (new.product_id, new.tokens); END",
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
]
SQLITE_UNDO = [
    "DROP TRIGGER IF EXISTS search_fts_ai", "DROP TRIGGER IF EXISTS search_fts_ad",
    "DROP TRIGGER IF EXISTS search_fts_au", "DROP TABLE IF EXISTS search_fts",
]


def _run(schema_editor, statements: dict[str, list[str]]) -> None:
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def install(apps, schema_editor) -> None:
    _run(schema_editor, {"postgresql": POSTGRES, "sqlite": SQLITE})


def uninstall(apps, schema_editor) -> None:
    _run(schema_editor, {"postgresql": POSTGRES_UNDO, "sqlite": SQLITE_UNDO})
