"""Helpers the apps' tests share (never imported by application code)."""

from __future__ import annotations

import queue
import threading


def run_pool(calls, *, threads: int):
    """Run the callables on `threads` threads released together (a barrier), one database connection
    each; returns ("ok", value) or ("error", exception) per call, in order. For PostgreSQL race tests."""
    from django.db import connections

    work: queue.Queue = queue.Queue()
    for item in enumerate(calls):
        work.put(item)
    results: list = [None] * len(calls)
    barrier = threading.Barrier(threads)

    def worker():
        try:
            barrier.wait(timeout=60)
            while True:
                try:
                    i, fn = work.get_nowait()
                except queue.Empty:
                    return
                try:
                    results[i] = ("ok", fn())
                except BaseException as exc:  # noqa: BLE001 - reported to the test
                    results[i] = ("error", exc)
        finally:
            connections.close_all()

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in pool), "a thread hung"
    return results



class subscribed:
    """Subscribe `handler` to `event_cls` for the duration of a `with` block (or a fixture):

        with subscribed(OrderPaid, seen.append, in_transaction=True):
            ...
    """

    def __init__(self, event_cls, handler, *, in_transaction: bool = False, name: str = ""):
        self.event_cls, self.handler, self.in_transaction = event_cls, handler, in_transaction
        self.name = name or f"test.{id(handler)}"

    def __enter__(self):
        from quanzi.core.events import subscribe

        subscribe(self.event_cls, in_transaction=self.in_transaction, name=self.name)(self.handler)
        return self.handler

    def __exit__(self, *exc):
        from quanzi.core.events import subscriptions

        subscriptions.unregister(f"{self.event_cls.event_name}:{self.name}")
        return False


# ---- public interface used by accounts, shops, catalog, orders, payments, ledger, shipping, settlement

def idempotency_record_count() -> int:
    """How many `Idempotency-Key` results the API has stored (core.http.idempotent)."""
    from quanzi.core.models import IdempotencyRecord

    return IdempotencyRecord.objects.count()


# ---- public interface used by demo, bench/ and the project's tests

def table_counts(*app_labels: str) -> dict[str, int]:
    """Rows in every table of these apps ({"orders.Order": 12, …}), read through the app registry
    without naming a model: a second run of something idempotent (the demo seed) must leave each
    one unchanged."""
    from django.apps import apps

    return {model._meta.label: model._default_manager.count()
            for label in app_labels for model in apps.get_app_config(label).get_models()}


def run_outbox_hooks(using: str = "default") -> int:
    """Deliver the outbox events published so far, as a COMMIT would, for tests that live inside one
    transaction that never commits (a hypothesis state machine steps through many "requests" in one
    test). Only the outbox's hooks run; other on-commit hooks (a sandbox notification that the test
    means to lose) stay where they are. Returns how many events were delivered."""
    from django.db import connections

    from quanzi.core.outbox import _Pending

    connection = connections[using]
    ran = 0
    while True:
        mine = [entry for entry in connection.run_on_commit if isinstance(entry[1], _Pending)]
        if not mine:
            return ran
        connection.run_on_commit = [entry for entry in connection.run_on_commit if entry not in mine]
        for _savepoints, hook, _robust in mine:
            hook()
            ran += 1
