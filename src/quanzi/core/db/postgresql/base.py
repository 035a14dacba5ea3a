from django.db.backends.postgresql.base import DatabaseWrapper as PostgresWrapper

from quanzi.core.db import OutboxFlushMixin


class DatabaseWrapper(OutboxFlushMixin, PostgresWrapper):
    """PostgreSQL, writing the transaction's outbox events before COMMIT."""
