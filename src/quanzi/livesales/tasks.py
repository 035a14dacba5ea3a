"""Live-sales sweeps (deadlines are columns; `manage.py run_sweeps` or Celery beat runs them)."""

from __future__ import annotations

from quanzi.catalog.models import CampaignStock
from quanzi.core import clock
from quanzi.core.sweeps import sweeps
from quanzi.livesales import services
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
    keys = CampaignStock.objects.filter(campaign_key__startswith="live:", quantity__gt=0) \
        .values_list("campaign_key", flat=True).distinct()
    ids = {int(k.split(":", 1)[1]) for k in keys if k.split(":", 1)[1].isdigit()}
    for pk in LivePrice.objects.filter(pk__in=ids, status=LivePriceStatus.ENDED).values_list("pk", flat=True):
        acted += bool(services.live_price_return_late_units(live_price_id=pk))
    return acted
