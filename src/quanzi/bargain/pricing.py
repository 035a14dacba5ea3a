"""The "bargain" price source: one unit at the bargain's current price, taken from the campaign's
pool. `ref` is the bargain number; only its starter may use it, while the bargain is open (or at its
floor) and the campaign runs, so the bargain price cannot be had through the plain checkout API by
anyone else. Inside a transaction (a real checkout) the bargain row is locked here, before checkout
takes the pool row: the same lock order as `bargain_buy`."""

from __future__ import annotations

from django.db import connection
from django.utils.translation import gettext as _

from quanzi.bargain.models import Bargain
from quanzi.bargain.services import PRICE_SOURCE, check_buyable
from quanzi.core import clock
from quanzi.core.errors import ValidationFailed
from quanzi.orders.pricing import PriceQuote


class BargainPriceSource:
    name = PRICE_SOURCE

    def quote(self, *, user, sku, quantity, ref) -> PriceQuote:
        bargain = None
        if user is not None and getattr(user, "is_authenticated", False) and ref:
            qs = Bargain.objects.select_related("campaign").filter(number=str(ref)[:12], starter=user)
            if connection.in_atomic_block:
                qs = qs.select_for_update(of=("self",))
            bargain = qs.first()
        if bargain is None or bargain.campaign.sku_id != sku.pk:
            raise ValidationFailed(_("Start a bargain to buy at the bargain price."), code="bargain_not_found",
                                   fields={"price_ref": str(ref)[:20]})
        check_buyable(bargain, clock.now())
        return PriceQuote(unit_price=bargain.current_price, source=self.name, ref=bargain.number,
                          campaign_key=bargain.campaign.stock_pool.key, max_quantity=1)
