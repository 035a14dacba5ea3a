"""The transactional outbox: after-commit subscribers that are never lost and never run twice.

Writing. `events.publish()` hands every event that has outbox subscribers to `enqueue()`, which
registers a `_Pending` marker with `transaction.on_commit`. Django keeps those markers in the
connection's commit hooks and drops the ones registered inside a savepoint that rolls back. Just
before COMMIT, the database backends of `core.db` call `flush_pending()`, which writes every marker
still registered as one multi-row INSERT inside the committing transaction: the event rows commit
or roll back with the fact. (With no transaction open, the marker runs at once and inserts its own
row.)

Delivering. `deliver(event_id)` opens a transaction, locks the event row (`FOR UPDATE SKIP
LOCKED`: concurrent dispatchers never take the same event), runs each subscriber that has no
delivery record yet in a savepoint, and records the delivery (done, or failed with the next attempt
time) in the same transaction. A crash anywhere rolls the whole event back, so a handler's database
effects and its delivery record commit together: once per subscriber per event. A handler that
raises is retried with exponential backoff (`OUTBOX_RETRY_BASE_SECONDS` × 2^(n−1), at most
`OUTBOX_RETRY_MAX_SECONDS`) and dead-lettered after `OUTBOX_MAX_ATTEMPTS`; the operator retries
dead letters from the admin. An unknown event name or a payload that does not fit its class marks
the row dead with the reason, and the dispatcher goes on.

Who delivers (`QUANZI["OUTBOX_DISPATCH"]`):
- "inline" (embedded default): the process that committed delivers right after the commit; the
  `outbox_dispatch` sweep (and `manage.py outbox_dispatch`) picks up what is left (a crash between
  commit and delivery, retries).
- "celery" (production): the commit sends one `quanzi.core.tasks.dispatch_outbox` task per
  transaction; Celery workers deliver; beat runs the sweep for retries and anything missed.
- "worker": nothing after commit; `manage.py outbox_dispatch --loop` processes poll for due rows.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import traceback
from collections.abc import Iterable

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from quanzi.core import clock
from quanzi.core.events import (
    DomainEvent,
    Envelope,
    MalformedEvent,
    Subscription,
    _envelope,
    event_type,
    subscribers,
)
from quanzi.core.models import DeliveryStatus, OutboxDelivery, OutboxEvent, OutboxStatus

logger = logging.getLogger("quanzi.events")
INSERT_CHUNK = 500  # rows per INSERT statement (SQLite's bound-parameter limit)
ERROR_CHARS = 4000


def _option(name: str, default):
    return settings.QUANZI.get(name, default)


def dispatch_mode() -> str:
    return str(_option("OUTBOX_DISPATCH", "inline"))


# ------------------------------------------------------------------ writing


class _Batch:
    """The rows one flush wrote: delivered together after the commit, once."""

    __slots__ = ("ids", "handed_over")

    def __init__(self, ids: list[int]):
        self.ids, self.handed_over = ids, False


class _Pending:
    """An on-commit hook that carries one event until it is written, then delivers its batch."""

    __slots__ = ("event", "alias", "row_id", "batch")

    def __init__(self, event: DomainEvent, alias: str):
        self.event, self.alias, self.row_id, self.batch = event, alias, None, None

    def __call__(self) -> None:
        if self.row_id is None:
            # No COMMIT wrote it: no transaction was open (autocommit), or a test ran the hooks of
            # a transaction that never commits. Write this event alone.
            _insert(connections[self.alias], [self])
        batch = self.batch
        if batch is not None and not batch.handed_over:
            batch.handed_over = True
            _after_commit(batch.ids)

    def __repr__(self) -> str:
        return f"<outbox {self.event.event_name} row={self.row_id}>"


def enqueue(event: DomainEvent, *, using: str = DEFAULT_DB_ALIAS) -> None:
    transaction.on_commit(_Pending(event, using), using=using)


def flush_pending(connection) -> int:
    """Write every event still waiting in this connection's commit hooks (called by the database
    backend just before COMMIT). Returns how many rows were written."""
    pending = [hook for _sids, hook, _robust in connection.run_on_commit
               if isinstance(hook, _Pending) and hook.row_id is None]
    if pending:
        _insert(connection, pending)
    return len(pending)


def _insert(connection, pending: list[_Pending]) -> None:
    ops = connection.ops
    table = ops.quote_name(OutboxEvent._meta.db_table)
    columns = ", ".join(ops.quote_name(c) for c in
                        ("name", "payload", "created_at", "status", "attempts", "next_attempt_at", "last_error"))
    now = ops.adapt_datetimefield_value(clock.now())
    ids: list[int] = []
    for start in range(0, len(pending), INSERT_CHUNK):
        chunk = pending[start:start + INSERT_CHUNK]
        params: list = []
        for hook in chunk:
            payload = ops.adapt_json_value(hook.event.payload(), DjangoJSONEncoder)
            params += [hook.event.event_name, payload, now, OutboxStatus.PENDING, 0, now, ""]
        values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {values} RETURNING id", params)
            ids += [row[0] for row in cursor.fetchall()]
    batch = _Batch(ids)
    for hook, row_id in zip(pending, ids, strict=True):
        hook.row_id, hook.batch = row_id, batch


# ------------------------------------------------------------------ after the commit

_local = threading.local()


def _after_commit(ids: list[int]) -> None:
    mode = dispatch_mode()
    if mode == "inline":
        deliver_many(ids)
    elif mode == "celery":
        try:
            from quanzi.core.tasks import dispatch_outbox

            dispatch_outbox.delay(ids)
        except Exception:  # noqa: BLE001 - the broker being down must not fail a committed request
            logger.exception("could not hand outbox events %s to Celery; the sweep will deliver them", ids)


def deliver_many(ids: Iterable[int]) -> int:
    """Deliver these events now, in order. Events published by handlers while this runs are queued
    behind them instead of recursing, so a chain of events cannot grow the stack."""
    queue: list[int] | None = getattr(_local, "queue", None)
    if queue is not None:
        queue.extend(ids)
        return 0
    _local.queue = queue = list(ids)
    delivered = 0
    try:
        while queue:
            delivered += deliver(queue.pop(0)) == "delivered"
    finally:
        _local.queue = None
    return delivered


def dispatch_due(*, limit: int = 200) -> int:
    """The sweep: deliver pending events that are due (new ones nobody delivered, and retries)."""
    now = clock.now()
    ids = list(OutboxEvent.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
               .order_by("next_attempt_at", "id").values_list("id", flat=True)[:limit])
    return deliver_many(ids)


# ------------------------------------------------------------------ delivering one event


def deliver(event_id: int) -> str:
    """Run the subscribers of one event that still need it. Returns "delivered", "retrying",
    "dead", "malformed" or "skipped" (not due, done already, or another dispatcher holds it)."""
    try:
        with transaction.atomic():
            row = (OutboxEvent.objects.select_for_update(skip_locked=True)
                   .filter(pk=event_id, status=OutboxStatus.PENDING).first())
            now = clock.now()
            if row is None or row.next_attempt_at > now:
                return "skipped"
            return _deliver_locked(row, now)
    except Exception:  # noqa: BLE001 - a broken row or a database error must not stop the dispatcher
        logger.exception("outbox event %s could not be delivered; it stays pending", event_id)
        return "skipped"


def _deliver_locked(row: OutboxEvent, now: dt.datetime) -> str:
    try:
        fact = event_type(row.name).from_payload(row.payload)
    except MalformedEvent as exc:
        logger.error("outbox event %s is malformed: %s", row.pk, exc)
        _finish(row, OutboxStatus.DEAD, now, attempts=row.attempts + 1, error=f"malformed: {exc}")
        return "malformed"
    previous = {d.subscriber: d for d in row.deliveries.all()} if row.attempts else {}
    done: list[OutboxDelivery] = []
    for sub in subscribers(type(fact), in_transaction=False):
        record = previous.get(sub.name)
        if record is not None and (record.status != DeliveryStatus.RETRYING or record.next_attempt_at > now):
            continue
        error = _run(sub, fact, row)
        if record is None:
            record = OutboxDelivery(event=row, subscriber=sub.name, attempts=0)
            previous[sub.name] = record
        _record(record, error, now)
        if record.pk is None:
            done.append(record)
        else:
            record.save(update_fields=["status", "attempts", "next_attempt_at", "last_error", "updated_at"])
    if done:
        OutboxDelivery.objects.bulk_create(done)
    return _settle(row, previous.values(), now)


def _run(sub: Subscription, fact: DomainEvent, row: OutboxEvent) -> str:
    """Run one handler in a savepoint; return "" or the error text."""
    token = _envelope.set(Envelope(outbox_id=row.pk, name=row.name, created_at=row.created_at,
                                   attempt=row.attempts + 1))
    try:
        with transaction.atomic():
            sub.handler(fact)
        return ""
    except Exception:  # noqa: BLE001 - recorded, retried, dead-lettered: never lost
        logger.warning("subscriber %s failed for outbox event %s (%s)", sub.name, row.pk, row.name, exc_info=True)
        return traceback.format_exc(limit=8)[-ERROR_CHARS:]
    finally:
        _envelope.reset(token)


def _record(record: OutboxDelivery, error: str, now: dt.datetime) -> None:
    record.attempts += 1
    record.updated_at = now
    if not error:
        record.status, record.next_attempt_at, record.last_error = DeliveryStatus.DONE, None, ""
        return
    record.last_error = error
    if record.attempts >= int(_option("OUTBOX_MAX_ATTEMPTS", 8)):
        record.status, record.next_attempt_at = DeliveryStatus.DEAD, None
    else:
        record.status, record.next_attempt_at = DeliveryStatus.RETRYING, now + backoff(record.attempts)


def backoff(attempts: int) -> dt.timedelta:
    """Wait before attempt `attempts + 1`: base × 2^(attempts − 1), capped."""
    base = float(_option("OUTBOX_RETRY_BASE_SECONDS", 10))
    cap = float(_option("OUTBOX_RETRY_MAX_SECONDS", 3600))
    return dt.timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def _settle(row: OutboxEvent, records: Iterable[OutboxDelivery], now: dt.datetime) -> str:
    records = list(records)
    retrying = [r for r in records if r.status == DeliveryStatus.RETRYING]
    dead = [r for r in records if r.status == DeliveryStatus.DEAD]
    if retrying:
        row.status, row.next_attempt_at = OutboxStatus.PENDING, min(r.next_attempt_at for r in retrying)
        outcome = "retrying"
    elif dead:
        row.status, row.done_at = OutboxStatus.DEAD, now
        outcome = "dead"
    else:
        row.status, row.done_at = OutboxStatus.DONE, now
        outcome = "delivered"
    errors = [f"{r.subscriber}: {r.last_error.strip().splitlines()[-1] if r.last_error else ''}"
              for r in retrying + dead]
    _finish(row, row.status, now, attempts=row.attempts + 1, error="\n".join(errors)[:ERROR_CHARS],
            next_attempt_at=row.next_attempt_at, done_at=row.done_at)
    return outcome


def _finish(row: OutboxEvent, status: str, now: dt.datetime, *, attempts: int, error: str,
            next_attempt_at: dt.datetime | None = None, done_at: dt.datetime | None = None) -> None:
    row.status, row.attempts, row.last_error = status, attempts, error
    row.next_attempt_at = next_attempt_at or row.next_attempt_at
    row.done_at = done_at if status != OutboxStatus.PENDING else None
    if status == OutboxStatus.DEAD and row.done_at is None:
        row.done_at = now
    row.save(update_fields=["status", "attempts", "last_error", "next_attempt_at", "done_at"])


# ------------------------------------------------------------------ operator actions and upkeep


@transaction.atomic
def retry_dead(*, event_ids: Iterable[int]) -> int:
    """Give dead letters (and malformed rows) another round of attempts, due now. Returns how many
    events were re-queued; the caller delivers them (the admin does it at once)."""
    now = clock.now()
    rows = list(OutboxEvent.objects.select_for_update().filter(pk__in=list(event_ids), status=OutboxStatus.DEAD))
    for row in rows:
        row.deliveries.filter(status=DeliveryStatus.DEAD).update(
            status=DeliveryStatus.RETRYING, attempts=0, next_attempt_at=now, updated_at=now)
        row.status, row.next_attempt_at, row.done_at = OutboxStatus.PENDING, now, None
        row.save(update_fields=["status", "next_attempt_at", "done_at"])
    return len(rows)


def purge_delivered(*, older_than: dt.timedelta | None = None, limit: int = 5000) -> int:
    """Delete delivered events (and their delivery records) older than the retention period."""
    days = int(_option("OUTBOX_RETENTION_DAYS", 7))
    cutoff = clock.now() - (older_than if older_than is not None else dt.timedelta(days=days))
    ids = list(OutboxEvent.objects.filter(status=OutboxStatus.DONE, done_at__lt=cutoff)
               .order_by("id").values_list("id", flat=True)[:limit])
    if not ids:
        return 0
    OutboxEvent.objects.filter(pk__in=ids).delete()
    return len(ids)


def stats() -> dict[str, int]:
    """Events by status, and delivery records by status (`deliveries_done`, …), for monitoring and tests."""
    from django.db.models import Count

    counts = {status: 0 for status in OutboxStatus.values}
    counts.update(OutboxEvent.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    for status, n in OutboxDelivery.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n"):
        counts[f"deliveries_{status}"] = n
    return counts


def expected_deliveries() -> int:
    """How many delivery records the stored events need: one per (event, current outbox subscriber)."""
    from django.db.models import Count

    total = 0
    for name, n in OutboxEvent.objects.values_list("name").annotate(n=Count("id")).values_list("name", "n"):
        try:
            total += n * len(subscribers(event_type(name), in_transaction=False))
        except MalformedEvent:
            continue
    return total


def backlog() -> dict[str, int]:
    """Counts for monitoring: pending (due or waiting to retry) and dead letters."""
    from django.db.models import Count

    counts = dict(OutboxEvent.objects.exclude(status=OutboxStatus.DONE).values_list("status")
                  .annotate(n=Count("id")).values_list("status", "n"))
    return {"pending": counts.get(OutboxStatus.PENDING, 0), "dead": counts.get(OutboxStatus.DEAD, 0)}
