"""Trust's sweeps (core.sweeps): pull the newest ad clicks in, and run detection every DETECT_EVERY."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache

from quanzi.core import clock
from quanzi.core.errors import Conflict
from quanzi.core.sweeps import sweeps

DETECT_EVERY = dt.timedelta(minutes=15)
LAST_RUN_KEY = "trust:detection:last"


@sweeps.register(key="trust_ad_clicks")
def ingest_ad_clicks() -> int:
    from quanzi.trust.services import ad_clicks_ingest

    return ad_clicks_ingest()


@sweeps.register(key="trust_detect")
def detect() -> int:
    """Detection over the window's signals, at most once per DETECT_EVERY (the sweep round runs every minute).
    `cache.add` makes concurrent sweepers run it once."""
    from quanzi.trust.services import detection_run

    now = clock.now()
    if not cache.add(LAST_RUN_KEY, now.isoformat(), timeout=int(DETECT_EVERY.total_seconds())):
        return 0
    try:
        counts = detection_run()
    except Conflict:
        return 0  # an operator's "run now" is at it
    return counts["opened"] + counts["updated"]
