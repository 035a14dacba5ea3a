"""The full-text index for the database in use (quanzi.search.fulltext): a GIN-indexed tsvector on
PostgreSQL, an FTS5 table with triggers on SQLite."""

from django.db import migrations

from quanzi.search import fulltext


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(fulltext.install, fulltext.uninstall, elidable=False)]
