"""Keep the demo's time-bound scenes alive: `manage.py demo_rearm` and the `demo_rearm` sweep.

A seeded demo tells stories that run out — a flash session lasts an hour, an open group has a
deadline, a bargain a time limit, a live room ends — so a demo started a day after it was seeded
would show none of them. Each seeder that owns such a scene gives it a `rearm(ctx)` (see
`quanzi.core.seeding`); this module runs them, in the seeders' order, with the clock at now:

* `make demo` runs `manage.py demo_rearm` on every start, after `seed_demo`;
* while it serves, the sweep loop runs the `demo_rearm` sweep, registered only where
  `QUANZI["DEMO"]` is on (the dev settings; never in test or production settings), at most every
  `QUANZI["DEMO_REARM_SECONDS"]` (180 s) however often the loop ticks.

Nothing happens on a database the demo has not seeded (no operator account). Every re-arm is
idempotent and acts only on the demo's own shops and people (`DemoContext.demo_shop_ids`,
`demo_people`); one scene that cannot be re-armed (its products sold out, say) is logged and skipped,
the others still run.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation

from quanzi.core.errors import DomainError
from quanzi.core.seeding import seeders

logger = logging.getLogger("quanzi.demo")
DEFAULT_INTERVAL = 180
_last_run: list[float] = []  # the sweep's last run (monotonic seconds), in this process


def rearm_demo(*, out=None) -> dict[str, dict[str, Any]]:
    """Re-arm every scene of a seeded demo; {seeder key: what it made} for the scenes that needed it."""
    from quanzi.demo.context import DemoContext
    from quanzi.demo.runner import DEMO_LANGUAGE
    from quanzi.demo.seed import already_seeded

    if not already_seeded():
        return {}
    ctx = DemoContext(out=out)
    made: dict[str, dict[str, Any]] = {}
    for seeder in seeders:
        if seeder.rearm is None:  # each re-arm finds its own seeded scene, and does nothing without one
            continue
        ctx.begin(seeder)
        try:
            with transaction.atomic(), translation.override(DEMO_LANGUAGE):
                result = seeder.rearm(ctx)
        except DomainError as exc:  # e.g. the scene's products sold out: the other scenes still run
            logger.warning("demo: could not re-arm %s: %s", seeder.key, exc.code)
            continue
        if result:
            made[seeder.key] = result
    return made


def enabled() -> bool:
    """Whether this settings module runs a demo (`QUANZI["DEMO"]`: on in the dev settings)."""
    return bool(settings.QUANZI.get("DEMO", False))


def rearm_sweep() -> int:
    """The `demo_rearm` sweep: re-arm at most every DEMO_REARM_SECONDS; how many scenes it re-armed."""
    interval = int(settings.QUANZI.get("DEMO_REARM_SECONDS", DEFAULT_INTERVAL))
    now = time.monotonic()
    if not enabled() or (_last_run and now - _last_run[-1] < interval):
        return 0
    _last_run[:] = [now]
    return len(rearm_demo())
