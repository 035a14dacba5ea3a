"""Per-actor rate limits on the Django cache (local memory embedded, Redis in production).

`hit("comment", user.pk, limit=10, window=60)` counts one action in a fixed window and raises
`RateLimited` (429, with `retry_after` seconds in the error fields) once the limit is passed.
Fixed windows are cheap and good enough against harassment and floods; the window key includes
the window's start so counters expire on their own.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.utils.translation import gettext as _

from quanzi.core.errors import RateLimited


def now_seconds() -> int:
    """The wall clock in whole seconds. One function so that the test suite can hold it still: a test that
    makes N requests must not see its window roll over half-way through (conftest's `_isolated_cache`)."""
    return int(time.time())


def hit(action: str, actor: object, *, limit: int, window: int) -> int:
    """Count one `action` by `actor`; return how many remain in this window, or raise RateLimited."""
    now = now_seconds()
    start = now - now % window
    key = f"rl:{action}:{actor}:{start}"
    cache.add(key, 0, window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, window + 5)
        count = 1
    if count > limit:
        retry_after = start + window - now
        raise RateLimited(_("Too many attempts. Try again in %(s)d seconds.") % {"s": retry_after},
                          code="rate_limited", fields={"retry_after": str(retry_after)})
    return limit - count


def reset(action: str, actors, *, window: int) -> None:
    """Forget the current window's counts of `action` for `actors` (the demo seed, whose actors may land in
    the same window as an earlier run). Deletes only those keys, never the whole cache."""
    now = now_seconds()
    cache.delete_many([f"rl:{action}:{actor}:{now - now % window}" for actor in actors])
