"""Group-buy sweeps (deadlines are columns; `manage.py run_sweeps` or Celery beat runs them)."""

from __future__ import annotations

import logging

from quanzi.catalog.selectors import pools_holding_units
from quanzi.catalog.services import pool_release
from quanzi.core import clock
from quanzi.core.errors import DomainError
from quanzi.core.sweeps import sweeps
from quanzi.groupbuy import services
from quanzi.groupbuy.constants import POOL_KIND
from quanzi.groupbuy.models import (
    CampaignStatus,
    Group,
    GroupCampaign,
    GroupMember,
    GroupStatus,
    MemberStatus,
)

logger = logging.getLogger("quanzi.groupbuy")
BATCH = 500


@sweeps.register(key="groupbuy_expire")
def groupbuy_expire() -> int:
    """Fail (or auto-complete) groups past their deadline, settle their members, end campaigns past
    their end and return late units to the SKUs of ended campaigns. Idempotent and safe to run
    concurrently: every step re-checks under a row lock."""
    now = clock.now()
    acted = 0
    for group_id in Group.objects.filter(status=GroupStatus.OPEN, deadline__lte=now) \
            .order_by("deadline").values_list("pk", flat=True)[:BATCH]:
        acted += services.group_expire(group_id=group_id)
    acted += groupbuy_settle_members()
    for campaign_id in GroupCampaign.objects.filter(status=CampaignStatus.ACTIVE, ends_at__lte=now) \
            .values_list("pk", flat=True):
        try:
            services.campaign_end(campaign_id=campaign_id)
            acted += 1
        except DomainError:  # another sweep (or the merchant) ended it meanwhile
            logger.info("campaign %s already ended", campaign_id)
    return acted + groupbuy_return_late_units()


def groupbuy_return_late_units() -> int:
    """Units refunds brought back into the pool of an ended campaign go back to the SKU (one query to
    find them: the group pools that are not empty)."""
    ids = [pool.id for pool in pools_holding_units(kind=POOL_KIND)]
    acted = 0
    for campaign in GroupCampaign.objects.filter(pk__in=ids, status=CampaignStatus.ENDED):
        acted += bool(pool_release(pool=campaign.stock_pool))
    return acted


def groupbuy_settle_members() -> int:
    """Members of closed groups whose orders still need a cancel or a refund."""
    todo = GroupMember.objects.filter(
        group__status=GroupStatus.FAILED, status__in=[MemberStatus.PENDING, MemberStatus.PAID]
    ).values_list("pk", flat=True)[:BATCH]
    dropped = GroupMember.objects.filter(group__status=GroupStatus.SUCCEEDED, status=MemberStatus.PENDING) \
        .values_list("pk", flat=True)[:BATCH]
    return sum(services.member_settle(member_id=pk) for pk in [*todo, *dropped])
