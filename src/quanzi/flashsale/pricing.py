"""The "flash" price source: a line at the flash price for a reservation the buyer has won.

`ref` is the reservation number. The units were already taken from the pool when the reservation was
won (`stock_reserved`), the line still names the pool so a cancel returns them there, and the order
must be paid before the reservation's deadline. So the flash price cannot be had without winning.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from quanzi.core import clock
from quanzi.core.errors import Conflict, ValidationFailed
from quanzi.flashsale.models import Reservation, ReservationStatus
from quanzi.orders.pricing import PriceQuote


class FlashPriceSource:
    name = "flash"

    def quote(self, *, user, sku, quantity, ref) -> PriceQuote:
        reservation = None
        if user is not None and getattr(user, "is_authenticated", False) and ref:
            reservation = Reservation.objects.select_related("item").filter(
                number=str(ref)[:16], user=user, status=ReservationStatus.RESERVED).first()
        if reservation is None or reservation.item.sku_id != sku.pk:
            raise ValidationFailed(_("Win a flash-sale reservation to buy at the flash price."),
                                   code="reservation_not_found", fields={"price_ref": str(ref)[:20]})
        left = (reservation.expires_at - clock.now()).total_seconds()
        if left <= 0:
            raise Conflict(_("This reservation has expired."), code="reservation_expired")
        if quantity != reservation.quantity:
            raise ValidationFailed(_("Buy exactly the quantity you reserved."), code="invalid_quantity",
                                   fields={"quantity": str(reservation.quantity)})
        return PriceQuote(unit_price=reservation.item.price, source=self.name, ref=reservation.number,
                          campaign_key=reservation.item.stock_pool.key, stock_reserved=True,
                          pay_within_seconds=max(1, int(left)), max_quantity=reservation.quantity)
