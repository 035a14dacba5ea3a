"""Event subscribers, the live price source and the attribution provider of live-room sales.

Money handlers run inside the publisher's transaction (`in_transaction=True`): the host commission's
postings commit or roll back with the payment, refund or settlement that caused them. Broadcasts to
the room run after commit.
"""

from __future__ import annotations

import logging

from quanzi.core.events import Event, subscribe
from quanzi.livesales import services, tasks  # noqa: F401 - tasks registers the sweeps
from quanzi.livesales.pricing import LivePriceSource
from quanzi.orders import events as ev
from quanzi.orders.pricing import register_attribution_provider, register_price_source
from quanzi.payments.returns import register_return_url
from quanzi.payments.services import PAYMENT_CAPTURED
from quanzi.settlement.services import ORDERS_SETTLED, register_settlement_deduction

logger = logging.getLogger("quanzi.livesales")

register_price_source(LivePriceSource())
register_attribution_provider(services.attribution)
register_settlement_deduction(services.settlement_deduction, many=services.settlement_deductions)

ROOM_STARTED = "live.room_started"
ROOM_ENDED = "live.room_ended"


def _topup_return(payment) -> str:
    from django.urls import reverse

    return reverse("livesales:my_tips")


register_return_url(services.TOPUP_PURPOSE, _topup_return)


def _register_stats() -> None:
    try:
        from quanzi.live.stats import register_room_stats
    except ImportError:  # live's stats hook is not there yet
        logger.info("live.stats.register_room_stats not available: no sales rows on the room stats")
        return
    from quanzi.livesales.stats import room_stats_rows

    register_room_stats(room_stats_rows)


_register_stats()


@subscribe(PAYMENT_CAPTURED, in_transaction=True)
def credit_topup(event: Event) -> None:
    if event["purpose"] != services.TOPUP_PURPOSE:
        return
    for item in event["items"]:
        services.topup_credit(topup_number=item["ref"], payment_number=event["payment_number"],
                              amount=int(item["amount"]))


@subscribe(ev.ORDER_PAID, in_transaction=True)
def accrue_host_commission(event: Event) -> None:
    services.host_commission_accrue_order(order_id=event["order_id"])


@subscribe(ev.ORDER_PAID)  # after commit: "Y just bought …" to everyone in the room
def announce_purchase(event: Event) -> None:
    from quanzi.live.realtime import broadcast
    from quanzi.livesales.rules import mask_nickname
    from quanzi.orders.models import Order

    lines = services.live_lines(event["order_id"])
    if not lines:
        return
    order = Order.objects.select_related("user").get(pk=event["order_id"])
    for room_id in sorted({ln.attribution["live"].get("room_id") for ln in lines} - {None}):
        title = next(ln.title for ln in lines if ln.attribution["live"].get("room_id") == room_id)
        broadcast(room_id, "purchase", {"nickname": mask_nickname(order.user.display_name), "product_title": title})


@subscribe(ev.ORDER_REFUNDED, in_transaction=True)
def reverse_host_commission(event: Event) -> None:
    services.host_commission_reverse(order_id=event["order_id"], line_id=event["line_id"], key=event["key"])


@subscribe(ev.ORDER_SETTLED, in_transaction=True)
def release_host_commission(event: Event) -> None:
    services.host_commission_release(order_ids=[event["order_id"]])


@subscribe(ORDERS_SETTLED, in_transaction=True)
def release_host_commissions(event: Event) -> None:
    services.host_commission_release(order_ids=event["order_ids"])


@subscribe(ROOM_ENDED)  # after commit: the room's live prices end and their stock goes back
def end_room_prices(event: Event) -> None:
    services.live_prices_end_for_room(room_id=event["room_id"])
