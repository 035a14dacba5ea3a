"""Database backends: Django's own, plus the outbox flush just before COMMIT (core/outbox.py).

Django has no pre-commit hook; a transaction's outbox rows must be written inside it, after the
last `publish()` and before COMMIT, as one INSERT. The outermost `atomic()` (and a manual
`commit()`) reach `_commit()`, so the flush lives there. Select these engines with
`quanzi.core.db.postgresql` / `quanzi.core.db.sqlite3` (config/settings/base.py does).
"""


class OutboxFlushMixin:
    def _commit(self):
        if self.connection is not None and self.run_on_commit:
            from quanzi.core.outbox import flush_pending

            flush_pending(self)
        return super()._commit()


def relaxed_commit() -> None:
    """On PostgreSQL, the current transaction's COMMIT does not wait for the WAL flush (`SET LOCAL
    synchronous_commit TO OFF`): for writes that are not money and may be lost in the last moment before a
    database *crash* (chat, likes, impressions, flash-sale holds that expire anyway) — never a half-written
    row, and other transactions keep their synchronous commits. Call it inside the transaction."""
    from django.db import connection

    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
