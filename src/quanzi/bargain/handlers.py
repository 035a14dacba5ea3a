"""Event subscribers, the price source registration, the share target and the sweeps of the bargain app."""

from __future__ import annotations

from quanzi.bargain import services, tasks  # noqa: F401 - tasks registers the sweeps
from quanzi.bargain.pricing import BargainPriceSource
from quanzi.core.events import Event, subscribe
from quanzi.orders import events as ev
from quanzi.orders.pricing import register_price_source
from quanzi.sharing.targets import register_target

register_price_source(BargainPriceSource())
register_target("bargain", services.bargain_share_target)


@subscribe(ev.ORDER_CREATED, in_transaction=True)
def mark_bought(event: Event) -> None:
    """In checkout's transaction: an order with a bargain line makes that bargain bought (or fails)."""
    refs = services.bargain_refs_of_order(event["order_id"])
    if refs:
        services.bargain_order_placed(order_id=event["order_id"], refs=refs)


@subscribe(ev.ORDER_CANCELLED, in_transaction=True)
def reopen(event: Event) -> None:
    """An unpaid bargain order was cancelled: the bargain can be bought again while time is left."""
    services.bargain_order_cancelled(order_id=event["order_id"])
