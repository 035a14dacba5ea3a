"""The "live" price source: a line at a live-only price, taken from the live price's own pool.

`ref` is the LivePrice id. The quote holds only while the price is on and its room is live. The
per-viewer limit is exact under a same-viewer race: the quote locks the viewer's `LivePriceBuyer`
row (created on first use) for the rest of the checkout's transaction, then counts the units the
viewer already holds at this price (order lines of orders not cancelled); a second checkout of the
same viewer waits for the first to commit and then sees its order. Different viewers never wait for
each other here; they meet only on the pool's conditional UPDATE, which is what keeps stock exact.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from quanzi.core import clock
from quanzi.core.errors import BusinessRuleViolation, Conflict, ValidationFailed
from quanzi.livesales.constants import PRICE_SOURCE as SOURCE
from quanzi.livesales.models import LivePrice, LivePriceBuyer
from quanzi.livesales.rules import remaining_for_user
from quanzi.orders.pricing import PriceQuote
from quanzi.orders.selectors import units_held_at_price


def units_held(*, live_price_id: int, user_id: int) -> int:
    """Units of this live price the viewer holds in orders that are not cancelled (paid or awaiting payment;
    refunded units still count, so a refund cannot be used to buy past the limit)."""
    return units_held_at_price(user_id=user_id, price_source=SOURCE, price_source_ref=str(live_price_id))


def _price(ref) -> LivePrice | None:
    try:
        pk = int(str(ref))
    except (TypeError, ValueError):
        return None
    return LivePrice.objects.select_related("room").filter(pk=pk).first()


class LivePriceSource:
    name = SOURCE

    def quote(self, *, user, sku, quantity, ref) -> PriceQuote:
        if user is None or not getattr(user, "is_authenticated", False):
            raise ValidationFailed(_("Sign in to buy at the live price."), code="not_authenticated")
        live_price = _price(ref)
        if live_price is None or live_price.sku_id != sku.pk:
            raise ValidationFailed(_("This live price does not exist."), code="live_price_not_found",
                                   fields={"price_ref": str(ref)[:20]})
        if not live_price.is_running(clock.now()) or not live_price.room.is_live:
            raise Conflict(_("This live price has ended."), code="live_price_ended")
        with transaction.atomic():  # the lock lasts until the caller's transaction ends
            row, _created = LivePriceBuyer.objects.get_or_create(live_price=live_price, user=user)
            LivePriceBuyer.objects.select_for_update().filter(pk=row.pk).first()
            left = remaining_for_user(per_user_limit=live_price.per_user_limit,
                                      already=units_held(live_price_id=live_price.pk, user_id=user.pk))
        if quantity > left:
            raise BusinessRuleViolation(
                _("At most %(n)d per person at the live price; you can still buy %(m)d.")
                % {"n": live_price.per_user_limit, "m": left},
                code="live_price_limit", fields={"quantity": f"max {left}"})
        return PriceQuote(unit_price=live_price.price, source=SOURCE, ref=str(live_price.pk),
                          campaign_key=live_price.stock_pool.key, max_quantity=left)
