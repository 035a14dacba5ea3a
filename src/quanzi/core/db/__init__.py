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
