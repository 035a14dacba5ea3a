"""Background entry points: the sweeps of core itself, and the Celery tasks of production.

The embedded default runs sweeps with `manage.py run_sweeps --loop`; production runs
`celery -A config.celery worker -B`, whose beat calls `run_sweeps` every 30 s and whose workers
deliver outbox events as commits announce them (`QUANZI_OUTBOX_DISPATCH=celery`).
"""

from __future__ import annotations

from celery import shared_task

from quanzi.core import outbox
from quanzi.core.sweeps import run_sweeps as _run_sweeps
from quanzi.core.sweeps import sweeps


@sweeps.register(key="outbox_dispatch", order=0)
def outbox_dispatch_sweep() -> int:
    """Deliver outbox events nobody delivered yet (a crash after commit) and retries that are due."""
    return outbox.dispatch_due(limit=500)


@sweeps.register(key="outbox_purge", order=1000)
def outbox_purge_sweep() -> int:
    """Forget delivered events after the retention period (QUANZI_OUTBOX_RETENTION_DAYS, 7)."""
    return outbox.purge_delivered()


@shared_task(name="quanzi.core.tasks.run_sweeps")
def run_sweeps() -> dict[str, int]:
    return _run_sweeps()


@shared_task(name="quanzi.core.tasks.dispatch_outbox", ignore_result=True)
def dispatch_outbox(ids: list[int] | None = None) -> int:
    """Deliver the events one transaction wrote (or, without ids, whatever is due)."""
    if ids:
        return outbox.deliver_many(int(i) for i in ids)
    return outbox.dispatch_due()
