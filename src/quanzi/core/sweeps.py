"""Deadline sweeps: every timer is a column plus a function that finds what is due.

Apps register sweeps at import time (in AppConfig.ready). `manage.py run_sweeps` runs them once
(or in a loop); Celery beat calls the same entry point in production. Sweeps are idempotent and
safe to run concurrently: each one locks or conditionally updates the rows it acts on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

logger = logging.getLogger("quanzi.sweeps")
_sweeps: dict[str, Callable[[], int]] = {}


def register_sweep(name: str) -> Callable[[Callable[[], int]], Callable[[], int]]:
    def register(fn: Callable[[], int]) -> Callable[[], int]:
        _sweeps[name] = fn
        return fn

    return register


def run_sweeps(names: list[str] | None = None) -> dict[str, int]:
    """Run every registered sweep (or the named ones); return how many items each acted on."""
    results: dict[str, int] = {}
    for name, fn in _sweeps.items():
        if names and name not in names:
            continue
        try:
            results[name] = fn()
        except Exception:  # noqa: BLE001 - one failing sweep must not stop the others
            logger.exception("sweep %s failed", name)
            results[name] = -1
    return results


def registered_sweeps() -> list[str]:
    return sorted(_sweeps)
