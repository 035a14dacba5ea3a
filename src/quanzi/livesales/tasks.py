"""Live-sales sweeps (deadlines are columns; `manage.py run_sweeps` or Celery beat runs them)."""

from __future__ import annotations

from quanzi.catalog.selectors import pools_holding_units
from quanzi.core import clock
from quanzi.core.sweeps import sweeps
from quanzi.livesales import services
from quanzi.livesales.constants import POOL_KIND
from quanzi.livesales.models import LivePrice, LivePriceStatus

BATCH = 500


@sweeps.register(key="livesales_end_prices")
def livesales_end_prices() -> int:
    """End live prices past `ends_at` (their stock returns to the SKU), and return units that cancels and
    refunds brought back into the pools of ended prices. Idempotent; safe to run concurrently."""
    acted = 0
    for pk in LivePrice.objects.filter(status=LivePriceStatus.ACTIVE, ends_at__lte=clock.now()) \
            .values_list("pk", flat=True)[:BATCH]:
        services.live_price_end(live_price_id=pk)
        acted += 1
    ids = [pool.id for pool in pools_holding_units(kind=POOL_KIND)]
    for pk in LivePrice.objects.filter(pk__in=ids, status=LivePriceStatus.ENDED).values_list("pk", flat=True):
        acted += bool(services.live_price_return_late_units(live_price_id=pk))
    return acted
