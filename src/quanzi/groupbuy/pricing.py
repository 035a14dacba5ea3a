"""The "group" price source: a line at the group price, taken from the campaign's pool and held
until the group fills. `ref` is the group number; the buyer must hold a spot in that group that has
no order yet, so the group price cannot be had through the plain checkout API."""

from __future__ import annotations

from django.utils.translation import gettext as _

from quanzi.core.errors import ValidationFailed
from quanzi.groupbuy.constants import HOLD_PREFIX
from quanzi.groupbuy.models import CampaignSku, GroupMember, MemberStatus
from quanzi.orders.pricing import PriceQuote


class GroupPriceSource:
    name = "group"

    def quote(self, *, user, sku, quantity, ref) -> PriceQuote:
        member = None
        if user is not None and getattr(user, "is_authenticated", False) and ref:
            member = GroupMember.objects.select_related("group__campaign").filter(
                group__number=str(ref)[:12], user=user, status=MemberStatus.PENDING, order__isnull=True,
                sku_id=sku.pk).first()
        if member is None:
            raise ValidationFailed(_("Join the group to buy at the group price."), code="group_not_joined",
                                   fields={"price_ref": str(ref)[:20]})
        campaign = member.group.campaign
        row = CampaignSku.objects.filter(campaign=campaign, sku_id=sku.pk).first()
        if row is None:
            raise ValidationFailed(_("This SKU is not in the group buy."), code="sku_not_found")
        price = row.group_price - (campaign.leader_discount if member.is_leader else 0)
        return PriceQuote(unit_price=max(1, price), source=self.name, ref=member.group.number,
                          campaign_key=campaign.stock_pool.key, hold_key=f"{HOLD_PREFIX}{member.group.number}",
                          max_quantity=campaign.per_user_limit)
