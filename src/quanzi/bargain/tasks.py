"""Bargain sweeps (deadlines are columns; `manage.py run_sweeps` or Celery beat runs them)."""

from __future__ import annotations

import logging

from quanzi.bargain import services
from quanzi.bargain.constants import POOL_KIND
from quanzi.bargain.models import BargainCampaign, CampaignStatus
from quanzi.catalog.selectors import pools_holding_units
from quanzi.catalog.services import pool_release
from quanzi.core import clock
from quanzi.core.errors import DomainError
from quanzi.core.sweeps import sweeps

logger = logging.getLogger("quanzi.bargain")


@sweeps.register(key="bargain_expire")
def bargain_expire() -> int:
    """Expire bargains past their time, end campaigns past their end and return the units unpaid
    bargain orders brought back into ended campaigns' pools. Idempotent, safe to run concurrently."""
    acted = services.bargains_expire_due()
    for campaign_id in BargainCampaign.objects.filter(status=CampaignStatus.ACTIVE, ends_at__lte=clock.now()) \
            .values_list("pk", flat=True):
        try:
            services.campaign_end(campaign_id=campaign_id)
            acted += 1
        except DomainError:  # ended meanwhile by another sweep or the merchant
            logger.info("bargain campaign %s already ended", campaign_id)
    return acted + bargain_return_late_units()


def bargain_return_late_units() -> int:
    """Units unpaid bargain orders brought back into the pool of an ended campaign go back to the SKU."""
    ids = [pool.id for pool in pools_holding_units(kind=POOL_KIND)]
    acted = 0
    for campaign in BargainCampaign.objects.filter(pk__in=ids, status=CampaignStatus.ENDED):
        acted += bool(pool_release(pool=campaign.stock_pool))
    return acted
