"""Deadline sweeps: every timer is a column plus a function that finds what is due.

Apps register sweeps from their `tasks` module, which their `AppConfig.ready()` imports:

    @sweeps.register(key="orders_expire_unpaid")
    def expire_unpaid() -> int: ...

`manage.py run_sweeps` runs them once (or in a loop); Celery beat calls the same entry point in
production. Sweeps are idempotent and safe to run concurrently: each one locks or conditionally
updates the rows it acts on, and returns how many items it acted on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from quanzi.core.registry import Registry

logger = logging.getLogger("quanzi.sweeps")

sweeps: Registry[Callable[[], int]] = Registry(
    "core.sweeps.sweeps", keyed=True, owner=__name__,
    doc="Deadline sweeps run by `manage.py run_sweeps` (embedded) or Celery beat (production).")


def run_sweeps(names: list[str] | None = None) -> dict[str, int]:
    """Run every registered sweep (or the named ones); return how many items each acted on."""
    results: dict[str, int] = {}
    for registration in sweeps.registrations():
        name = registration.key
        if names and name not in names:
            continue
        try:
            results[name] = registration.item()
        except Exception:  # noqa: BLE001 - one failing sweep must not stop the others
            logger.exception("sweep %s failed", name)
            results[name] = -1
    return results


def registered_sweeps() -> list[str]:
    return sorted(sweeps.keys())
