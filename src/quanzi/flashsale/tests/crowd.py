"""A crowd of buyers for the concurrency tests and the killed-worker test's child processes.

`make_crowd(n)` creates n shoppers with an address in three statements; `hammer(...)` runs purchase
attempts on threads (each closes its database connection after every attempt that used one, so 200
threads never hold 200 of PostgreSQL's 100 connections) and returns the outcomes by error code.
"""

from __future__ import annotations

import collections
import os
import queue
import threading


def make_crowd(n: int, *, tag: str = "crowd") -> list[tuple[int, int]]:
    """[(user id, address id)] of n new shoppers."""
    from quanzi.accounts.selectors import users_by_phone_prefix
    from quanzi.accounts.testing import make_addresses_bulk, make_users_bulk

    prefix = f"17{abs(hash(tag)) % 1000:03d}"
    users = make_users_bulk(phones=[f"{prefix}{i:06d}" for i in range(n)], nickname=tag)
    if users and users[0].pk is None:  # SQLite before 3.35 does not return ids
        users = users_by_phone_prefix(prefix=prefix)
    return list(zip([u.pk for u in users], make_addresses_bulk(users=users), strict=True))


def attempts_for(crowd: list[tuple[int, int]], *, item_id: int, per_user: int, quantities=(1,)) -> list[tuple]:
    """(token, quantity, ip) for every attempt, interleaved so every user competes throughout."""
    from quanzi.flashsale.gate import token_issue

    out = []
    for round_ in range(per_user):
        for n, (user_id, address_id) in enumerate(crowd):
            out.append((token_issue(user_id=user_id, item_id=item_id, address_id=address_id),
                        quantities[(n + round_) % len(quantities)], f"10.{n % 250}.{round_ % 250}.1"))
    return out


def hammer(attempts: list[tuple], *, threads: int, start: threading.Barrier | None = None) -> collections.Counter:
    """Run the attempts on `threads` threads released together; Counter of "won" / error codes."""
    from django.db import connections

    from quanzi.core.errors import DomainError
    from quanzi.flashsale.purchase import purchase

    work: queue.Queue = queue.Queue()
    for attempt in attempts:
        work.put(attempt)
    counts: collections.Counter = collections.Counter()
    lock = threading.Lock()
    barrier = start or threading.Barrier(threads)

    def worker():
        barrier.wait(timeout=120)
        local: collections.Counter = collections.Counter()
        try:
            while True:
                try:
                    token, quantity, ip = work.get_nowait()
                except queue.Empty:
                    break
                try:
                    purchase(token=token, quantity=quantity, ip=ip)
                    local["won"] += 1
                except DomainError as exc:
                    local[exc.code] += 1
                except Exception as exc:  # noqa: BLE001 - counted, the test fails on it
                    local[f"crash:{type(exc).__name__}:{exc}"[:120]] += 1
                finally:
                    if connections["default"].connection is not None:
                        connections["default"].close()
        finally:
            connections.close_all()
            with lock:
                counts.update(local)

    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=600)
    assert not any(t.is_alive() for t in pool), "a thread hung"
    return counts


def child_main(db_name: str, quanzi_overrides: dict, attempts: list[tuple], threads: int, ready, results) -> None:
    """Entry point of a spawned worker process (the killed-worker test): Django on the test database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.conf import settings

    settings.DATABASES["default"]["NAME"] = db_name
    settings.QUANZI = {**settings.QUANZI, **quanzi_overrides}
    ready.set()
    counts = hammer(attempts, threads=threads)
    results.put(dict(counts))
