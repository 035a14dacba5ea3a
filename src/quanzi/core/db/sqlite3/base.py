from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper

from quanzi.core.db import OutboxFlushMixin


class DatabaseWrapper(OutboxFlushMixin, SQLiteWrapper):
    """SQLite, writing the transaction's outbox events before COMMIT."""
