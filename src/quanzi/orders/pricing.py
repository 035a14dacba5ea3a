"""Server-side pricing, the extension point for every price a later feature brings.

A line is priced by one *price source*, chosen by name on the line ("list" by default). A group
buy, flash sale, live room, bargain or member price registers its own source; the source checks
its own rules (is the flash sale on? is this user in the group?) and returns a `PriceQuote`, which
the order line records (`price_source`, `price_source_ref`). A quote may also name a campaign
stock pool to take from and a hold key (a paid order waits until the holder releases it).
Order-level adjusters (coupons, later) return discounts that are spread over the lines.
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


class PriceSource(Protocol):
    name: str

    def quote(self, *, user: Any, sku: Any, quantity: int, ref: str) -> PriceQuote: ...


class ListPriceSource:
    """The SKU's own price: what every line costs unless another source applies."""

    name = "list"

    def quote(self, *, user, sku, quantity, ref) -> PriceQuote:
        return PriceQuote(unit_price=sku.price, source=self.name)


@dataclass(frozen=True)
class Adjustment:
    amount: int  # a discount, fen, > 0
    label: str
    source: str
    ref: str = ""


@dataclass
class PricedLine:
    sku: Any
    quantity: int
    quote: PriceQuote
    attribution: dict = field(default_factory=dict)

    @property
    def subtotal(self) -> int:
        return self.quote.unit_price * self.quantity


OrderAdjuster = Callable[..., list[Adjustment]]  # (user=, shop_id=, lines=) -> adjustments
AttributionProvider = Callable[..., dict]  # (user=, sku=, context=) -> {"share": {...}} or {}

price_sources: Registry[PriceSource] = Registry(
    "orders.price_sources", keyed=True, owner=__name__, key_of=lambda source: source.name,
    doc="Who prices a checkout line, by the line's `price_source` name (group, flash, bargain, live, …).")
order_adjusters: Registry[OrderAdjuster] = Registry(
    "orders.order_adjusters", owner=__name__,
    doc="Order-level discounts `(user=, shop_id=, lines=) -> [Adjustment]`, spread over the lines.")
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


def order_adjustments(*, user, shop_id: int, lines: list[PricedLine]) -> list[Adjustment]:
    found: list[Adjustment] = []
    for adjuster in order_adjusters:
        found.extend(adjuster(user=user, shop_id=shop_id, lines=lines))
    return found


def attribution_snapshot(*, user, sku, context: dict) -> dict:
    """Merge what every provider says about where this purchase came from (share, note, live)."""
    snapshot: dict = {}
    for provider in attribution_providers:
        snapshot.update(provider(user=user, sku=sku, context=context) or {})
    return snapshot


def shipping_fee(items_total: int) -> int:
    """Flat fee per shop, free above the threshold (both in settings, fen)."""
    threshold = settings.QUANZI["FREE_SHIPPING_THRESHOLD"]
    return 0 if items_total >= threshold else settings.QUANZI.get("SHIPPING_FEE", 800)
