"""Server-side pricing, the extension point for every price a later feature brings.

A line is priced by one *price source*, chosen by name on the line ("list" by default). A group
buy, flash sale, live room, bargain or member price registers its own source; the source checks
its own rules (is the flash sale on? is this user in the group?) and returns a `PriceQuote`, which
the order line records (`price_source`, `price_source_ref`). A quote may also name a campaign
stock pool to take from and a hold key (a paid order waits until the holder releases it).
Order-level adjusters (coupons, points, free-shipping benefits) then take discounts off, in the
pipeline's fixed order (docs/promotions.md): each sees what the earlier steps left on every line and
names the lines its discount may touch; `apply_adjustment` spreads it over them and records on each
line which discount took how much, so a refund returns exactly what the shopper paid for that line.
The client never sends prices; anything it sends besides sku, quantity and source is ignored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings
from django.utils.translation import gettext as _

from quanzi.core.errors import ValidationFailed
from quanzi.core.registry import Registry


@dataclass(frozen=True)
class PriceQuote:
    unit_price: int
    source: str = "list"
    ref: str = ""
    campaign_key: str = ""  # take stock from this CampaignStock pool instead of the SKU
    hold_key: str = ""  # hold the paid order until the holder releases it
    max_quantity: int | None = None  # the source's own per-order limit
    # The source already took the units out of `campaign_key`'s pool (a flash-sale reservation):
    # the order must not take them again, but records the pool so a cancel or refund returns them there.
    stock_reserved: bool = False
    pay_within_seconds: int | None = None  # a shorter payment window than the shop default
    # Coupons and points may take money off this line. List prices always allow them; a campaign price
    # (group, flash, bargain, live) allows them only where the campaign says so.
    allows_discounts: bool = False

    @property
    def discountable(self) -> bool:
        return self.source == "list" or self.allows_discounts


class PriceSource(Protocol):
    name: str

    def quote(self, *, user: Any, sku: Any, quantity: int, ref: str) -> PriceQuote: ...


class ListPriceSource:
    """The SKU's own price: what every line costs unless another source applies."""

    name = "list"

    def quote(self, *, user, sku, quantity, ref) -> PriceQuote:
        return PriceQuote(unit_price=sku.price, source=self.name)


ITEMS, SHIPPING = "items", "shipping"
PLATFORM, MERCHANT = "platform", "merchant"


@dataclass(frozen=True)
class Adjustment:
    """One discount an adjuster wants on one shop's order.

    `lines` are the indexes (in the group's `lines`) it may be spread over — the lines in the coupon's
    scope; empty means every discountable line. `target` is ITEMS or SHIPPING (a free-shipping benefit).
    `funded_by` says who pays for it: the merchant (the order simply costs less) or the platform (the
    merchant is paid the difference; docs/promotions.md)."""

    amount: int  # the discount wanted, fen, > 0; it may be cut to what the lines (or the shipping fee) leave
    label: str
    source: str  # the adjuster's name: "coupon", "points", …
    ref: str = ""
    shop_id: int = 0
    lines: tuple[int, ...] = ()
    target: str = ITEMS
    funded_by: str = MERCHANT

    def record(self, amount: int) -> dict:
        """The snapshot kept on the order: what was taken, by whom, paid for by whom."""
        return {"source": self.source, "ref": self.ref, "label": self.label, "amount": amount,
                "target": self.target, "funded_by": self.funded_by}


@dataclass
class PricedLine:
    sku: Any
    quantity: int
    quote: PriceQuote
    attribution: dict = field(default_factory=dict)
    discounts: list[dict] = field(default_factory=list)  # {"source", "ref", "label", "amount", "funded_by"} each

    @property
    def subtotal(self) -> int:
        return self.quote.unit_price * self.quantity

    @property
    def discount(self) -> int:
        return sum(d["amount"] for d in self.discounts)

    @property
    def net(self) -> int:
        """What the shopper pays for this line after the discounts so far."""
        return self.subtotal - self.discount


def apply_adjustment(lines: list[PricedLine], adjustment: Adjustment) -> int:
    """Spread an ITEMS discount over its lines in proportion to what each can still give: what it costs now
    less ¥0.01 per unit, for every unit keeps at least a fen (a refund of any unit returns money, and an
    order is never free). The rounding remainder goes to the lines with the largest remainders, the first
    such line on a tie (core.money.allocate). Returns the amount actually taken (0: it does not apply)."""
    from quanzi.core.money import allocate

    chosen = [i for i in (adjustment.lines or range(len(lines))) if 0 <= i < len(lines) and lines[i].quote.discountable]
    rooms = [max(0, lines[i].net - lines[i].quantity) for i in chosen]
    amount = max(0, min(adjustment.amount, sum(rooms)))
    if amount <= 0:
        return 0
    for i, part in zip(chosen, allocate(amount, rooms), strict=True):
        if part:
            lines[i].discounts.append({"source": adjustment.source, "ref": adjustment.ref, "label": adjustment.label,
                                       "amount": part, "funded_by": adjustment.funded_by})
    return amount


# (user=, groups=, context=) -> [Adjustment]; `groups` are the checkout's shop groups (orders.services.ShopGroup),
# already carrying the discounts of the adjusters before this one.
OrderAdjuster = Callable[..., list[Adjustment]]
AttributionProvider = Callable[..., dict]  # (user=, sku=, context=) -> {"share": {...}} or {}

price_sources: Registry[PriceSource] = Registry(
    "orders.price_sources", keyed=True, owner=__name__, key_of=lambda source: source.name,
    doc="Who prices a checkout line, by the line's `price_source` name (group, flash, bargain, live, …).")
order_adjusters: Registry[OrderAdjuster] = Registry(
    "orders.order_adjusters", keyed=True, owner=__name__,
    doc="The pricing pipeline's discount steps `(user=, groups=, context=) -> [Adjustment]`, run in `order` "
        "(coupons 30, points 50, free-shipping benefits 80; docs/promotions.md), each seeing the earlier ones.")
attribution_providers: Registry[AttributionProvider] = Registry(
    "orders.attribution_providers", owner=__name__,
    doc="Where a purchase came from `(user=, sku=, context=) -> dict`, stored once on each order line.")
price_sources.register(ListPriceSource())


def quote_line(*, user, sku, quantity: int, source: str = "list", ref: str = "") -> PriceQuote:
    impl = price_sources.get(source or "list")
    if impl is None:
        raise ValidationFailed(_("Unknown price source."), code="unknown_price_source", fields={"price_source": source})
    quote = impl.quote(user=user, sku=sku, quantity=quantity, ref=ref or "")
    if quote.unit_price <= 0:
        raise ValidationFailed(_("This price is not available."), code="price_unavailable")
    return quote




def attribution_snapshot(*, user, sku, context: dict) -> dict:
    """Merge what every provider says about where this purchase came from (share, note, live)."""
    snapshot: dict = {}
    for provider in attribution_providers:
        snapshot.update(provider(user=user, sku=sku, context=context) or {})
    return snapshot


def shipping_fee(items_paid: int) -> int:
    """Flat fee per shop, free above the threshold (both in settings, fen). The threshold is checked
    on what the shopper pays for the goods, after every discount (docs/promotions.md)."""
    threshold = settings.QUANZI["FREE_SHIPPING_THRESHOLD"]
    return 0 if items_paid >= threshold else settings.QUANZI.get("SHIPPING_FEE", 800)
