"""The one clock. Tests and the demo's time machine shift it instead of patching timezone.now."""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Iterator

from django.utils import timezone

_offset = dt.timedelta(0)


def now() -> dt.datetime:
    return timezone.now() + _offset


def epoch() -> float:
    """Seconds since 1970 on the same clock (cheap: hot paths compare numbers, not datetimes)."""
    return time.time() + _offset.total_seconds()


@contextlib.contextmanager
def travel(delta: dt.timedelta) -> Iterator[None]:
    """Move the clock forward by `delta` inside the block (tests only)."""
    global _offset
    previous = _offset
    _offset = previous + delta
    try:
        yield
    finally:
        _offset = previous
